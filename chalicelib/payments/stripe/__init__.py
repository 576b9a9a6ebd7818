"""Stripe: PaymentIntents on the platform, Transfers to Express accounts on release, refunds
and transfer reversals, signed webhooks. Spoken through Stripe's official SDK."""

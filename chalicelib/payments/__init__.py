"""Payment providers: one interface (`base.PaymentProvider`), one package per provider."""

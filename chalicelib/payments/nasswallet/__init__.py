"""NassWallet (IQD): a hosted-checkout wallet gateway. The merchant logs in for a bearer
token, initiates a transaction, and sends the payer to NassWallet's checkout page; the
callback is unsigned, so every state is re-read with checkTransaction. There is no refund,
cancel or payout API: refunds are manual."""

"""Payment providers: one interface (`base.PaymentProvider`), one package per provider."""

# Every provider with a driver package here; settings check PAYMENT_PROVIDERS against it
# without loading the registry (the first request should not pay for what it does not use).
PROVIDERS = ("stripe", "fib", "fastpay", "nasswallet", "areeba")

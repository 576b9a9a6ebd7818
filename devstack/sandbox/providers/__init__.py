"""Each payment provider's simulated API, one module per provider, each with a
`register(router, context)` that adds its routes (the provider's real paths under
`/<provider>/...`, plus `POST /<provider>/payments/{ref}/complete` and `/fail`, which move
the payment and call back the API as the provider would)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

NAMES = ("stripe", "fib", "fastpay", "nasswallet", "areeba")
# Shared with the API's environment (provider_env): what the sandbox accepts and signs with.
SANDBOX_SECRETS = {
    "STRIPE_SECRET_KEY": "sk_test_sandbox",
    "STRIPE_WEBHOOK_SECRET": "whsec_sandbox",
    "STRIPE_PLATFORM_COUNTRY": "US",
    "FIB_CLIENT_ID": "sandbox-client",
    "FIB_CLIENT_SECRET": "sandbox-secret",
    "FASTPAY_STORE_ID": "sandboxstore",
    "FASTPAY_STORE_PASSWORD": "sandbox-password",
    "FASTPAY_REFUND_SECRET": "sandbox-refund-secret",
    "FASTPAY_MSISDN": "9647700000000",
    "NASSWALLET_GATEWAY_TOKEN": "sandbox-gateway-token",
    "NASSWALLET_USERNAME": "sandbox-merchant",
    "NASSWALLET_PASSWORD": "sandbox-password",
    "NASSWALLET_MERCHANT_ID": "sandbox-merchant",
    "NASSWALLET_PIN": "1234",
    "AREEBA_API_KEY": "sandbox-api-key",
    "AREEBA_USERNAME": "sandbox-user",
    "AREEBA_PASSWORD": "sandbox-password",
    "AREEBA_SHARED_SECRET": "sandbox-shared-secret",
}


def provider_env(sandbox_url: str) -> dict[str, str]:
    """The API's provider settings on the local stack: every base URL is the sandbox's."""
    return {
        "STRIPE_API_BASE": f"{sandbox_url}/stripe",
        "FIB_BASE_URL": f"{sandbox_url}/fib",
        "FASTPAY_BASE_URL": f"{sandbox_url}/fastpay",
        "NASSWALLET_BASE_URL": f"{sandbox_url}/nasswallet/payment/transaction",
        "NASSWALLET_CHECKOUT_URL": f"{sandbox_url}/nasswallet/payment-gateway",
        "AREEBA_BASE_URL": f"{sandbox_url}/areeba/api/v3",
        **SANDBOX_SECRETS,
    }


def route_modules() -> list[Callable[[Any, Any], None]]:
    """The providers whose simulators exist (each module is added as it is built)."""
    found = []
    for name in NAMES:
        try:
            module = importlib.import_module(f"devstack.sandbox.providers.{name}")
        except ModuleNotFoundError as missing:
            if missing.name != f"devstack.sandbox.providers.{name}":
                raise
            continue
        found.append(module.register)
    return found

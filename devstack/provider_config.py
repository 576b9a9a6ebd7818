"""Which payment providers the local stack sends to its sandbox, and which to a real (test)
environment the developer configured.

A provider is real as soon as any of its variables is set in the environment `make run`
starts from (`FIB_BASE_URL=https://fib.stage.fib.iq FIB_CLIENT_ID=… FIB_CLIENT_SECRET=…
make run`): then every one of its settings comes from that environment and none from the
sandbox, so sandbox credentials never travel to a real provider and a half-configured
provider stops the start with a message naming what is missing. Any other provider is
served by the sandbox, whole."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from devstack.sandbox.providers import provider_env


@dataclass(frozen=True)
class ProviderVariables:
    base_urls: tuple[str, ...]
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    # Stripe's test mode is chosen by the key, at the one public base URL.
    base_url_default: str | None = None

    @property
    def all(self) -> tuple[str, ...]:
        return self.base_urls + self.required + self.optional


PROVIDERS: dict[str, ProviderVariables] = {
    "stripe": ProviderVariables(
        ("STRIPE_API_BASE",),
        ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"),
        ("STRIPE_PLATFORM_COUNTRY",),
        base_url_default="https://api.stripe.com",
    ),
    "fib": ProviderVariables(("FIB_BASE_URL",), ("FIB_CLIENT_ID", "FIB_CLIENT_SECRET")),
    "fastpay": ProviderVariables(
        ("FASTPAY_BASE_URL",),
        ("FASTPAY_STORE_ID", "FASTPAY_STORE_PASSWORD"),
        ("FASTPAY_REFUND_SECRET", "FASTPAY_MSISDN"),
    ),
    "nasswallet": ProviderVariables(
        ("NASSWALLET_BASE_URL", "NASSWALLET_CHECKOUT_URL"),
        (
            "NASSWALLET_GATEWAY_TOKEN",
            "NASSWALLET_USERNAME",
            "NASSWALLET_PASSWORD",
            "NASSWALLET_MERCHANT_ID",
            "NASSWALLET_PIN",
        ),
    ),
    "areeba": ProviderVariables(
        ("AREEBA_BASE_URL",),
        ("AREEBA_API_KEY", "AREEBA_USERNAME", "AREEBA_PASSWORD"),
        ("AREEBA_SHARED_SECRET",),
    ),
}


class ProviderConfigError(Exception):
    """A provider is partly configured for real use; the message says what to add."""


@dataclass(frozen=True)
class ProviderMode:
    name: str
    real: bool
    base_url: str


def _given(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "").strip()
    return value or None


def _real_settings(
    name: str, spec: ProviderVariables, environ: Mapping[str, str]
) -> dict[str, str]:
    settings = {var: value for var in spec.all if (value := _given(environ, var)) is not None}
    missing = [var for var in spec.required if var not in settings]
    for var in spec.base_urls:
        if var not in settings and spec.base_url_default is None:
            missing.append(var)
    if missing:
        given = ", ".join(sorted(settings))
        raise ProviderConfigError(
            f"{name} is configured for a real environment ({given} set) but "
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not: set "
            f"{'it' if len(missing) == 1 else 'them'}, or unset {given} to use the sandbox"
        )
    return settings


def resolve(
    sandbox_url: str, environ: Mapping[str, str]
) -> tuple[dict[str, str], list[ProviderMode]]:
    """The provider variables the app gets, and each provider's mode for the start-up line."""
    sandboxed = provider_env(sandbox_url)
    env: dict[str, str] = {}
    modes = []
    for name, spec in PROVIDERS.items():
        if any(_given(environ, var) for var in spec.all):
            settings = _real_settings(name, spec, environ)
            base = settings.get(spec.base_urls[0]) or spec.base_url_default or ""
            modes.append(ProviderMode(name, True, base))
        else:
            settings = {var: sandboxed[var] for var in spec.all if var in sandboxed}
            modes.append(ProviderMode(name, False, settings[spec.base_urls[0]]))
        env.update(settings)
    return env, modes


def describe(modes: list[ProviderMode]) -> list[str]:
    real = [m for m in modes if m.real]
    lines = ["Payment providers"]
    lines += [f"  {m.name:<11} {'REAL' if m.real else 'sandbox':<8} {m.base_url}" for m in modes]
    if real:
        lines.append(
            "  Real providers call back PUBLIC_API_URL: point it at a tunnel to reach this "
            "machine (the reconciliation sweep settles payments without callbacks)."
        )
    return lines

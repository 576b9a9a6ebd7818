"""Typed configuration, read from the environment once, on first use (never at import).

The models, one per concern, are in `settings_models.py` (pydantic-settings), imported on
the first read so cold starts do not pay for it. This is the one module that reads the
process environment; outside the local stage a missing required value (the JWT issuer,
audience and JWKS URL, the cursor secret) fails the first read with every missing name.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from pydantic_settings import BaseSettings

    from chalicelib.settings_models import Settings

    _Model = TypeVar("_Model", bound=BaseSettings)

# The highest price (a quote, a service, a booking) per currency, in minor units: about
# USD 100,000 each. MAX_PRICE overrides some or all, e.g. "IQD=50000000,USD=2000000".
DEFAULT_MAX_PRICES: Mapping[str, int] = {
    "IQD": 150_000_000,
    "USD": 10_000_000,
    "EUR": 10_000_000,
    "GBP": 10_000_000,
}


class ConfigurationError(ValueError, RuntimeError):
    """The environment is incomplete or wrong. A bad value (ValueError) and a deployment
    that cannot run (RuntimeError): callers of either kind catch it."""


@dataclass(frozen=True)
class RateLimits:
    """Token buckets: `burst` requests at once, refilled at `per_minute`."""

    user_burst: int = 120
    user_per_minute: int = 60
    ip_burst: int = 300
    ip_per_minute: int = 300
    # GET /v1/payments/{id} asks the provider about a payment at most once per this long.
    payment_recheck_seconds: int = 10


_cached: Settings | None = None
_lock = threading.Lock()


def load_settings(env: Mapping[str, str]) -> Settings:
    """Settings from `env` (tests pass a dict), validated as a whole."""
    from chalicelib.settings_models import Settings, load

    return load(Settings, env)


def get_settings() -> Settings:
    global _cached  # noqa: PLW0603 - one validated configuration per process
    if _cached is None:
        with _lock:
            if _cached is None:
                _cached = load_settings(os.environ)
    return _cached


def reset_settings() -> None:
    """Forget the cached settings; tests and the local stack call this after changing env."""
    global _cached  # noqa: PLW0603
    _cached = None


def provider_settings(model: type[_Model]) -> _Model:
    """A payment provider's settings, read afresh whenever its driver is built."""
    from chalicelib.settings_models import load

    return load(model, os.environ)

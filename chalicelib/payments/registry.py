"""Which providers exist and which are enabled (`PAYMENT_PROVIDERS`, comma-separated);
each driver module is imported only when its provider is first used."""

from __future__ import annotations

import importlib
import threading

from chalicelib.errors import NotFoundError
from chalicelib.payments.base import PaymentProvider
from chalicelib.settings import get_settings

_built: dict[str, PaymentProvider] = {}
_lock = threading.Lock()


def enabled() -> list[str]:
    # Settings refuse a name not in PROVIDERS, so none is skipped here.
    return list(get_settings().payment_providers)


def get(name: str) -> PaymentProvider:
    if name not in enabled():
        raise NotFoundError(f"unknown or disabled payment provider {name!r}")
    with _lock:
        if name not in _built:
            module = importlib.import_module(f"chalicelib.payments.{name}.driver")
            _built[name] = module.build()
        return _built[name]


def reset() -> None:
    """Forget built drivers (tests change their settings)."""
    with _lock:
        _built.clear()

"""What a deployed (non-local) stage must configure; settings refuse to load without it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

REQUIRED = {
    "JWKS_URL": "https://issuer.example/.well-known/jwks.json",
    "JWT_ISSUER": "https://issuer.example",
    "JWT_AUDIENCE": "marketplace-api",
    "CURSOR_SECRET": "tests-cursor-secret",
}


@pytest.fixture(autouse=True)
def deployed_identity(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests read settings as a deployed stage does, with its required values set (a test,
    or the functional stack fixture, may still replace or delete one)."""
    from chalicelib.settings import reset_settings

    for name, value in REQUIRED.items():
        monkeypatch.setenv(name, value)
    reset_settings()
    yield
    reset_settings()

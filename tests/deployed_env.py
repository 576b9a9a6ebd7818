"""What a deployed (non-local) stage must configure; settings refuse to load without it."""

from __future__ import annotations

REQUIRED = {
    "JWKS_URL": "https://issuer.example/.well-known/jwks.json",
    "JWT_ISSUER": "https://issuer.example",
    "JWT_AUDIENCE": "marketplace-api",
    "CURSOR_SECRET": "unit-tests-cursor-secret",
}

"""A test identity provider: an RSA key, its JWKS, and tokens signed with it."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "https://issuer.test"
AUDIENCE = "marketplace-api"
KID = "test-key-1"


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class FakeIssuer:
    issuer: str = ISSUER
    audience: str = AUDIENCE
    kid: str = KID
    key: rsa.RSAPrivateKey = field(default_factory=_new_key)

    def token(
        self,
        email: str | None = "user@example.com",
        subject: str | None = None,
        *,
        expires_in: int = 3600,
        issued_at: float | None = None,
        overrides: dict[str, Any] | None = None,
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
        algorithm: str = "RS256",
    ) -> str:
        now = issued_at if issued_at is not None else time.time()
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject or f"sub-{email or uuid.uuid4()}",
            "iat": int(now),
            "exp": int(now + expires_in),
        }
        if email is not None:
            claims["email"] = email
            claims["email_verified"] = True
        claims.update(overrides or {})
        signing_key: Any = key or self.key
        return jwt.encode(
            claims, signing_key, algorithm=algorithm, headers={"kid": kid or self.kid}
        )

    def public_key(self) -> Any:
        return self.key.public_key()

    def resolve(self, kid: str | None) -> Any:
        from chalicelib.errors import UnauthenticatedError

        if kid != self.kid:
            raise UnauthenticatedError("token signed by an unknown key")
        return self.public_key()

    def headers(self, email: str = "user@example.com", **options: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(email, **options)}"}

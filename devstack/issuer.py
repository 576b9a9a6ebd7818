"""The local dev JWT issuer: an RS256 key kept in the state dir and the tokens it signs.

The deployed app never mints tokens; it only verifies them against a JWKS. Locally this
issuer plays Cognito / Clerk / Auth0, and its key survives restarts so that tokens
printed by one `make run` still work after the next.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEY_ID = "dev-1"
KEY_FILE = "issuer-rsa-2048.pem"
DEFAULT_TTL_SECONDS = 12 * 3600


def subject_for(email: str) -> str:
    """One stable subject per address, whatever its case, across restarts."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"dev|{digest[:32]}"


@dataclass(frozen=True)
class MintedToken:
    token: str
    subject: str
    claims: dict[str, Any]


class DevIssuer:
    def __init__(self, private_key: rsa.RSAPrivateKey, issuer: str, audience: str) -> None:
        self._private_key = private_key
        self.issuer = issuer
        self.audience = audience

    @classmethod
    def load_or_create(cls, state_dir: Path, issuer: str, audience: str) -> DevIssuer:
        return cls(_load_or_create_key(state_dir / KEY_FILE), issuer, audience)

    def jwks(self) -> dict[str, Any]:
        from jwt.algorithms import RSAAlgorithm

        jwk: dict[str, Any] = RSAAlgorithm.to_jwk(self._private_key.public_key(), as_dict=True)
        jwk.update({"kid": KEY_ID, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}

    def mint(
        self, email: str, name: str | None = None, expires_in: int = DEFAULT_TTL_SECONDS
    ) -> MintedToken:
        import jwt

        # Token lifetimes are real-world time (the API checks them against the system
        # clock), so they ignore the platform clock that /dev/clock moves.
        issued_at = int(time.time())
        address = email.strip().lower()
        subject = subject_for(address)
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "email": address,
            "email_verified": True,
            "name": name or address.split("@", 1)[0],
            "iat": issued_at,
            "exp": issued_at + expires_in,
        }
        token = jwt.encode(claims, self._private_key, algorithm="RS256", headers={"kid": KEY_ID})
        return MintedToken(token=token, subject=subject, claims=claims)


def _load_or_create_key(path: Path) -> rsa.RSAPrivateKey:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        # O_EXCL: when two stacks share a state dir and start together, one key wins.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return key


def _read_key(path: Path) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"{path} does not hold an RSA private key; delete it to get a new one")
    return key

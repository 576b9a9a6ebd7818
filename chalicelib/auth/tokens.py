"""Bearer JWT verification: RS256 against a JWKS, issuer and audience (Cognito, Clerk, Auth0)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.errors import ProviderError, UnauthenticatedError
from chalicelib.settings import get_settings

KeyResolver = Callable[[str | None], Any]
LEEWAY_SECONDS = 30
# Cognito user pools put a user's groups here (ID and access tokens alike).
GROUPS_CLAIM = "cognito:groups"


@dataclass(frozen=True)
class Claims:
    issuer: str
    subject: str
    email: str | None
    # True only when the identity provider says so: Auth0/Clerk templates often omit
    # the claim, and an absent claim proves nothing about who owns the address.
    email_verified: bool
    name: str | None
    raw: dict[str, Any]
    groups: tuple[str, ...] = ()


class TokenVerifier:
    def __init__(self, issuer: str, audience: str, resolve_key: KeyResolver) -> None:
        self._issuer = issuer
        self._audience = audience
        self._resolve_key = resolve_key

    def verify(self, token: str) -> Claims:
        import jwt

        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise UnauthenticatedError("malformed bearer token") from None
        if header.get("alg") != "RS256":
            raise UnauthenticatedError("token must be signed with RS256")
        key = self._resolve_key(header.get("kid"))
        try:
            # Token lifetimes are about real-world time, so PyJWT checks them against the
            # system clock, not the (movable) platform clock.
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                issuer=self._issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "sub", "iss"], "verify_aud": False},
            )
        except jwt.ExpiredSignatureError:
            raise UnauthenticatedError("token expired") from None
        except jwt.PyJWTError as error:
            raise UnauthenticatedError(f"invalid token: {error}") from None
        if not self._audience_matches(claims):
            raise UnauthenticatedError("token audience is not this API")
        email = claims.get("email")
        if claims.get("email_verified") is False:
            email = None
        return Claims(
            issuer=str(claims["iss"]),
            subject=str(claims["sub"]),
            email=str(email).lower() if email else None,
            email_verified=bool(email) and claims.get("email_verified") is True,
            name=str(claims["name"]) if claims.get("name") else None,
            raw=claims,
            groups=_groups(claims.get(GROUPS_CLAIM)),
        )

    def _audience_matches(self, claims: dict[str, Any]) -> bool:
        # Auth0/Clerk put the API in `aud`; Cognito access tokens carry `client_id` instead.
        audience = claims.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if audiences:
            return self._audience in audiences
        return claims.get("client_id") == self._audience


def _groups(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(group) for group in value if isinstance(group, str))
    return ()


def jwks_resolver(jwks_url: str) -> KeyResolver:
    """Fetch signing keys from the JWKS URL, cached in-process by PyJWT."""
    from jwt import PyJWKClient, PyJWKClientConnectionError, PyJWKClientError

    jwk_client = PyJWKClient(jwks_url, cache_keys=True, lifespan=600, timeout=5)

    def resolve(kid: str | None) -> Any:
        if not kid:
            raise UnauthenticatedError("token has no key id")
        try:
            return jwk_client.get_signing_key(kid).key
        except PyJWKClientConnectionError:
            raise ProviderError("identity provider keys are unavailable") from None
        except PyJWKClientError:
            raise UnauthenticatedError("token signed by an unknown key") from None

    return resolve


_verifier: TokenVerifier | None = None
_lock = threading.Lock()


def verifier() -> TokenVerifier:
    global _verifier  # noqa: PLW0603 - one verifier (and its key cache) per process
    if _verifier is None:
        with _lock:
            if _verifier is None:
                settings = get_settings()
                if not (settings.jwks_url and settings.jwt_issuer and settings.jwt_audience):
                    raise RuntimeError("JWKS_URL, JWT_ISSUER and JWT_AUDIENCE must be set")
                _verifier = TokenVerifier(
                    settings.jwt_issuer, settings.jwt_audience, jwks_resolver(settings.jwks_url)
                )
    return _verifier


def use_verifier(instance: TokenVerifier | None) -> None:
    """Install a verifier (tests use static keys); None rebuilds it from settings."""
    global _verifier  # noqa: PLW0603
    _verifier = instance

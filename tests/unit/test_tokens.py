"""GIVEN tokens of every kind of wrongness, WHEN verified, THEN only good ones pass."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.auth.principal import bearer_token
from chalicelib.auth.tokens import TokenVerifier
from chalicelib.errors import UnauthenticatedError
from tests.issuer import AUDIENCE, ISSUER, FakeIssuer


@pytest.fixture
def verifier(issuer: FakeIssuer) -> TokenVerifier:
    return TokenVerifier(ISSUER, AUDIENCE, issuer.resolve)


def test_valid_token_gives_claims(verifier: TokenVerifier, issuer: FakeIssuer) -> None:
    claims = verifier.verify(issuer.token("Ann@Example.com", subject="abc"))
    assert claims.subject == "abc"
    assert claims.issuer == ISSUER
    assert claims.email == "ann@example.com"


@pytest.mark.parametrize(
    ("description", "make"),
    [
        ("expired", lambda i: i.token(expires_in=-3600)),
        ("wrong audience", lambda i: i.token(overrides={"aud": "someone-else"})),
        ("wrong issuer", lambda i: i.token(overrides={"iss": "https://evil.example"})),
        ("forged signature", lambda i: i.token(key=rsa.generate_private_key(65537, 2048))),
        ("unknown key id", lambda i: i.token(kid="other")),
        ("no subject", lambda i: i.token(overrides={"sub": None})),
        ("garbage", lambda i: "not.a.jwt"),
        ("hmac signed", lambda i: jwt.encode({"sub": "x"}, "s" * 32, algorithm="HS256")),
    ],
)
def test_bad_tokens_are_refused(
    verifier: TokenVerifier, issuer: FakeIssuer, description: str, make: object
) -> None:
    token = make(issuer)  # type: ignore[operator]
    with pytest.raises(UnauthenticatedError):
        verifier.verify(token)


def test_unsigned_token_is_refused(verifier: TokenVerifier) -> None:
    token = jwt.encode(
        {"sub": "x", "iss": ISSUER, "aud": AUDIENCE, "exp": time.time() + 60},
        None,
        algorithm="none",
    )
    with pytest.raises(UnauthenticatedError):
        verifier.verify(token)


def test_cognito_access_token_matches_on_client_id(
    verifier: TokenVerifier, issuer: FakeIssuer
) -> None:
    token = issuer.token(overrides={"aud": None, "client_id": AUDIENCE})
    # PyJWT refuses a null aud claim; Cognito access tokens simply have none.
    payload = jwt.decode(token, options={"verify_signature": False})
    payload.pop("aud")
    token = jwt.encode(payload, issuer.key, algorithm="RS256", headers={"kid": issuer.kid})
    assert verifier.verify(token).subject


def test_unverified_email_is_not_trusted(verifier: TokenVerifier, issuer: FakeIssuer) -> None:
    claims = verifier.verify(issuer.token("boss@example.com", overrides={"email_verified": False}))
    assert claims.email is None


@pytest.mark.parametrize("header", [None, "", "Basic abc", "Bearer", "Bearer   "])
def test_authorization_header_must_be_bearer(header: str | None) -> None:
    with pytest.raises(UnauthenticatedError):
        bearer_token(header)

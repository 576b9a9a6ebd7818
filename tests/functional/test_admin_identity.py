"""Who is an admin by configuration: a verified email in ADMIN_EMAILS, an `iss|sub` in
ADMIN_SUBJECTS, or a Cognito group (ADMIN_GROUP) in the token. Anything less is a customer."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from chalicelib.settings import reset_settings
from tests.functional.conftest import ADMIN_EMAIL
from tests.issuer import ISSUER
from tests.support import JsonClient

ADMIN_ONLY = "/v1/admin/refunds"


def _bearer(api: JsonClient, subject: str, *, drop: tuple[str, ...] = (), **claims: Any) -> str:
    token = api.issuer.token(claims.pop("email", None), subject=subject, overrides=claims)
    if drop:
        payload = jwt.decode(token, options={"verify_signature": False})
        for name in drop:
            payload.pop(name, None)
        token = jwt.encode(
            payload, api.issuer.key, algorithm="RS256", headers={"kid": "test-key-1"}
        )
    return f"Bearer {token}"


def _roles(api: JsonClient, authorization: str) -> list[str]:
    reply = api.get("/v1/me", headers={"Authorization": authorization})
    assert reply.status == 200, reply.body
    return list(reply.body["roles"])


def _admin_route_status(api: JsonClient, authorization: str) -> int:
    return api.get(ADMIN_ONLY, headers={"Authorization": authorization}).status


def test_an_admin_email_without_the_verified_claim_is_no_admin(api: JsonClient) -> None:
    # GIVEN a token naming an admin's email but carrying no email_verified claim at all
    token = _bearer(api, "sub-imposter", email=ADMIN_EMAIL, drop=("email_verified",))
    # THEN it is a customer, and admin routes refuse it
    assert _roles(api, token) == ["customer"]
    assert _admin_route_status(api, token) == 403


@pytest.mark.parametrize("verified", [False, "true", 1, None])
def test_only_a_literal_true_verifies_an_admin_email(api: JsonClient, verified: Any) -> None:
    token = _bearer(api, f"sub-{verified!r}", email=ADMIN_EMAIL, email_verified=verified)
    assert _roles(api, token) == ["customer"]
    assert _admin_route_status(api, token) == 403


def test_a_verified_admin_email_is_an_admin(api: JsonClient) -> None:
    token = _bearer(api, "sub-real-admin", email=ADMIN_EMAIL, email_verified=True)
    assert _roles(api, token) == ["customer", "admin"]
    assert _admin_route_status(api, token) == 200


def test_the_email_becomes_admin_once_a_token_proves_it(api: JsonClient) -> None:
    # GIVEN a user first seen with an unverified admin email
    unverified = _bearer(api, "sub-late", email=ADMIN_EMAIL, drop=("email_verified",))
    assert _roles(api, unverified) == ["customer"]
    # WHEN the identity provider later verifies it THEN the same user is an admin
    verified = _bearer(api, "sub-late", email=ADMIN_EMAIL, email_verified=True)
    assert _roles(api, verified) == ["customer", "admin"]
    # AND a later token that says it is not verified takes it away again
    revoked = _bearer(api, "sub-late", email=ADMIN_EMAIL, email_verified=False)
    assert _roles(api, revoked) == ["customer"]
    assert _admin_route_status(api, revoked) == 403


def test_admin_subjects_name_admins_by_issuer_and_subject(
    api: JsonClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADMIN_SUBJECTS", f"https://other.example|sub-ops, {ISSUER}|sub-ops")
    reset_settings()
    # GIVEN a subject listed for this issuer, with no email at all
    token = _bearer(api, "sub-ops")
    assert _roles(api, token) == ["customer", "admin"]
    assert _admin_route_status(api, token) == 200
    # AND a subject listed only under another issuer is no admin here
    monkeypatch.setenv("ADMIN_SUBJECTS", "https://other.example|sub-ops2")
    reset_settings()
    other = _bearer(api, "sub-ops2")
    assert _roles(api, other) == ["customer"]
    assert _admin_route_status(api, other) == 403


def test_the_cognito_admin_group_makes_an_admin(api: JsonClient) -> None:
    member = _bearer(api, "sub-grouped", **{"cognito:groups": ["editors", "admin"]})
    assert _roles(api, member) == ["customer", "admin"]
    assert _admin_route_status(api, member) == 200
    # The group is read from each token: the same user without it is not an admin.
    removed = _bearer(api, "sub-grouped", **{"cognito:groups": ["editors"]})
    assert _roles(api, removed) == ["customer"]
    assert _admin_route_status(api, removed) == 403


def test_the_admin_group_is_configurable(api: JsonClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_GROUP", "ops")
    reset_settings()
    assert _roles(api, _bearer(api, "sub-a", **{"cognito:groups": ["admin"]})) == ["customer"]
    assert _roles(api, _bearer(api, "sub-b", **{"cognito:groups": ["ops"]})) == [
        "customer",
        "admin",
    ]
    # An empty ADMIN_GROUP turns group admins off.
    monkeypatch.setenv("ADMIN_GROUP", "")
    reset_settings()
    assert _roles(api, _bearer(api, "sub-b", **{"cognito:groups": ["ops", ""]})) == ["customer"]


def test_a_token_without_an_email_leaves_the_verified_email_alone(api: JsonClient) -> None:
    # GIVEN an admin known from a verified ID token
    assert _roles(api, _bearer(api, "sub-boss", email=ADMIN_EMAIL, email_verified=True)) == [
        "customer",
        "admin",
    ]
    # WHEN the same subject calls with a token that names no email (a Cognito access token)
    access = _bearer(api, "sub-boss", drop=("email", "email_verified"))
    # THEN it says nothing about the email: still an admin, and the email is kept
    reply = api.get("/v1/me", headers={"Authorization": access})
    assert reply.body["roles"] == ["customer", "admin"]
    assert reply.body["email"] == ADMIN_EMAIL

"""The API as a client sees it on the local stack: health, identity, errors, idempotency."""

from __future__ import annotations

import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.e2e.harness import RunningStack, assert_envelope

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_health(devstack: RunningStack) -> None:
    response = devstack.api("GET", "/v1/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_a_dev_token_is_accepted_and_provisions_a_customer(devstack: RunningStack) -> None:
    email = f"new-{uuid.uuid4().hex[:8]}@Example.com"
    token = devstack.token(email)

    response = devstack.api("GET", "/v1/me", token)

    assert response.status_code == 200, response.text
    me = response.json()
    assert me["roles"] == ["customer"]
    assert me["email"] == email.lower()


def test_an_admin_token_carries_the_admin_role(devstack: RunningStack) -> None:
    minted = devstack.sandbox(
        "POST",
        "/dev/token",
        json={"email": f"ops-{uuid.uuid4().hex[:8]}@example.com", "admin": True},
    )
    assert minted.status_code == 200, minted.text
    assert "admin" in minted.json()["user"]["roles"]

    me = devstack.api("GET", "/v1/me", minted.json()["token"]).json()

    assert "admin" in me["roles"]
    assert me["id"] == minted.json()["user"]["id"]


def test_demo_users_are_seeded(devstack: RunningStack) -> None:
    customer = devstack.api("GET", "/v1/me", devstack.token("customer@demo.local")).json()
    admin = devstack.api("GET", "/v1/me", devstack.token("admin@demo.local")).json()

    assert customer["display_name"] == "Demo Customer"
    assert customer["roles"] == ["customer"]
    assert "admin" in admin["roles"]


def test_a_missing_token_is_401(devstack: RunningStack) -> None:
    assert_envelope(devstack.api("GET", "/v1/me"), 401, "UNAUTHENTICATED")


def test_a_forged_token_is_401(devstack: RunningStack) -> None:
    # Same claims and key id as the dev issuer, signed by another key.
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    forged = jwt.encode(
        {
            "iss": "https://dev-issuer.marketplace.local",
            "aud": "marketplace-api",
            "sub": "dev|forged",
            "email": "forger@example.com",
            "iat": now,
            "exp": now + 600,
        },
        other_key,
        algorithm="RS256",
        headers={"kid": "dev-1"},
    )

    assert_envelope(devstack.api("GET", "/v1/me", forged), 401, "UNAUTHENTICATED")
    assert_envelope(devstack.api("GET", "/v1/me", "not-a-jwt"), 401, "UNAUTHENTICATED")


def test_an_unknown_route_is_a_404_envelope(devstack: RunningStack) -> None:
    assert_envelope(devstack.api("GET", "/v1/no-such-thing"), 404, "NOT_FOUND")
    # API Gateway answers differently when a token is present; ours maps both to 404.
    token = devstack.token()
    assert_envelope(devstack.api("POST", "/nowhere", token, json={}), 404, "NOT_FOUND")


def test_a_wrong_method_is_a_405_envelope(devstack: RunningStack) -> None:
    assert_envelope(devstack.api("DELETE", "/v1/health"), 405, "METHOD_NOT_ALLOWED")


def test_trace_and_made_up_methods_are_4xx_envelopes(devstack: RunningStack) -> None:
    """http.server answered these 501 in HTML; API Gateway answers in our envelope."""
    for method in ("TRACE", "PROPFIND"):
        for path in ("/v1/health", "/v1/no-such-thing"):
            response = devstack.api(method, path)
            code = "METHOD_NOT_ALLOWED" if response.status_code == 405 else "NOT_FOUND"
            assert_envelope(response, response.status_code, code)
            assert response.status_code in (404, 405), (method, path, response.status_code)


def test_malformed_json_is_a_400_envelope(devstack: RunningStack) -> None:
    response = devstack.api(
        "PATCH",
        "/v1/me",
        devstack.token(),
        data=b'{"display_name": ',
        headers={"Content-Type": "application/json"},
    )

    assert_envelope(response, 400, "VALIDATION_ERROR")


def test_an_idempotency_key_replays_the_first_response(devstack: RunningStack) -> None:
    token = devstack.token()
    key = f"e2e-{uuid.uuid4()}"

    first = devstack.api(
        "PATCH", "/v1/me", token, json={"display_name": "First"}, headers={"Idempotency-Key": key}
    )
    devstack.api("PATCH", "/v1/me", token, json={"display_name": "Changed since"})
    replay = devstack.api(
        "PATCH", "/v1/me", token, json={"display_name": "First"}, headers={"Idempotency-Key": key}
    )
    reused = devstack.api(
        "PATCH", "/v1/me", token, json={"display_name": "Other"}, headers={"Idempotency-Key": key}
    )

    assert first.status_code == 200, first.text
    assert replay.status_code == first.status_code
    assert replay.json() == first.json()
    assert_envelope(reused, 422, "IDEMPOTENCY_KEY_REUSED")
    assert devstack.api("GET", "/v1/me", token).json()["display_name"] == "Changed since"

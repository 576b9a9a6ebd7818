"""The sandbox's /dev levers: issuer, clock, tick, drain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import jwt
import pytest

from tests.e2e.harness import RunningStack, assert_envelope

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_health(devstack: RunningStack) -> None:
    response = devstack.sandbox("GET", "/dev/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_tokens_carry_the_dev_issuer_claims(devstack: RunningStack) -> None:
    jwks = devstack.sandbox("GET", "/.well-known/jwks.json").json()
    minted = devstack.sandbox(
        "POST", "/dev/token", json={"email": "Claims@Example.com", "name": "Cla Ims"}
    ).json()

    header = jwt.get_unverified_header(minted["token"])
    key = jwt.PyJWK(jwks["keys"][0]).key
    claims = jwt.decode(minted["token"], key, algorithms=["RS256"], audience="marketplace-api")
    again = jwt.decode(
        devstack.token("claims@example.com"), key, algorithms=["RS256"], audience="marketplace-api"
    )

    assert header == {"alg": "RS256", "kid": "dev-1", "typ": "JWT"}
    assert claims["iss"] == "https://dev-issuer.marketplace.local"
    assert claims["sub"].startswith("dev|")
    assert again["sub"] == claims["sub"]  # stable per (lower-cased) address
    assert claims["email"] == "claims@example.com"
    assert claims["email_verified"] is True
    assert claims["name"] == "Cla Ims"
    assert claims["exp"] - claims["iat"] == 12 * 3600


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"email": "not-an-address"},
        {"email": 42},
        {"email": "a@example.com", "admin": "yes"},
        {"email": "a@example.com", "expires_in": -5},
        {"email": "a@example.com", "expires_in": "soon"},
        {"email": "a@example.com", "surprise": True},
        ["a@example.com"],
    ],
)
def test_token_rejects_bad_input(devstack: RunningStack, body: Any) -> None:
    assert_envelope(devstack.sandbox("POST", "/dev/token", json=body), 400, "VALIDATION_ERROR")


def test_token_rejects_malformed_json(devstack: RunningStack) -> None:
    response = devstack.sandbox("POST", "/dev/token", data=b"{email")

    assert_envelope(response, 400, "VALIDATION_ERROR")


def test_unknown_sandbox_routes_and_methods(devstack: RunningStack) -> None:
    assert_envelope(devstack.sandbox("GET", "/dev/nothing"), 404, "NOT_FOUND")
    assert_envelope(devstack.sandbox("DELETE", "/dev/clock"), 405, "METHOD_NOT_ALLOWED")


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_clock_advance_moves_the_platform_clock(devstack: RunningStack) -> None:
    before = devstack.sandbox("GET", "/dev/clock").json()

    moved = devstack.sandbox("POST", "/dev/clock", json={"advance_seconds": 7200})
    after = devstack.sandbox("GET", "/dev/clock").json()

    assert moved.status_code == 200, moved.text
    assert after["offset_seconds"] == before["offset_seconds"] + 7200
    assert moved.json()["offset_seconds"] == after["offset_seconds"]
    gained = (_instant(after["now"]) - _instant(before["now"])).total_seconds()
    assert 7200 <= gained < 7200 + 60


def test_the_api_process_follows_the_platform_clock(devstack: RunningStack) -> None:
    moved = devstack.sandbox("POST", "/dev/clock", json={"advance_seconds": 3 * 86400}).json()

    me = devstack.api("GET", "/v1/me", devstack.token()).json()  # provisioned "now"

    assert abs((_instant(me["created_at"]) - _instant(moved["now"])).total_seconds()) < 60


def test_rapid_clock_advances_all_count(devstack: RunningStack) -> None:
    before = devstack.sandbox("GET", "/dev/clock").json()["offset_seconds"]

    for _ in range(20):
        devstack.sandbox("POST", "/dev/clock", json={"advance_seconds": 1.5})

    assert devstack.sandbox("GET", "/dev/clock").json()["offset_seconds"] == before + 30


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"advance_seconds": 0},
        {"advance_seconds": -3},
        {"advance_seconds": "60"},
        {"advance_seconds": True},
    ],
)
def test_clock_rejects_bad_input(devstack: RunningStack, body: Any) -> None:
    before = devstack.sandbox("GET", "/dev/clock").json()["offset_seconds"]

    assert_envelope(devstack.sandbox("POST", "/dev/clock", json=body), 400, "VALIDATION_ERROR")
    assert devstack.sandbox("GET", "/dev/clock").json()["offset_seconds"] == before


def test_tick_runs_every_schedule_and_drains(devstack: RunningStack) -> None:
    response = devstack.sandbox("POST", "/dev/tick")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["drained"] is True
    assert "timers_sweep" in body["ran"]
    assert set(body["results"]) == set(body["ran"])
    assert "error" not in body["results"]["timers_sweep"]


def test_drain_reports_dead_letters_per_queue(devstack: RunningStack) -> None:
    response = devstack.sandbox("POST", "/dev/drain")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["drained"] is True
    assert set(body["dead_letters"]) == {
        "webhooks",
        "payouts",
        "media",
        "notifications",
        "conversations",
        "email_feedback",
        "qc",
        "stats",
        "exports",
    }

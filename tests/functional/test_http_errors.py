"""Every error, the framework's own included, comes back in the envelope with the right code."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.issuer import FakeIssuer
from tests.support import JsonClient


def _assert_envelope(reply: object, status: int, code: str) -> None:
    assert reply.status == status, reply.body  # type: ignore[attr-defined]
    assert reply.error_code == code, reply.body  # type: ignore[attr-defined]
    assert set(reply.body["error"]) == {"code", "message", "details"}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "make_headers",
    [
        lambda issuer: {},
        lambda issuer: {"Authorization": "Bearer nonsense"},
        lambda issuer: {"Authorization": "Basic dXNlcjpwYXNz"},
        lambda issuer: issuer.headers(expires_in=-600),
        lambda issuer: issuer.headers(overrides={"aud": "other-api"}),
        lambda issuer: issuer.headers(key=rsa.generate_private_key(65537, 2048)),
    ],
    ids=["missing", "garbage", "basic", "expired", "wrong-audience", "forged"],
)
def test_bad_tokens_get_401(api: JsonClient, issuer: FakeIssuer, make_headers: object) -> None:
    reply = api.get("/v1/me", headers=make_headers(issuer))  # type: ignore[operator]
    _assert_envelope(reply, 401, "UNAUTHENTICATED")


def test_health_is_public(api: JsonClient) -> None:
    reply = api.get("/v1/health")
    assert (reply.status, reply.body) == (200, {"status": "ok"})
    assert reply.headers.get("X-Request-Id")


def test_wrong_method_is_405(api: JsonClient) -> None:
    _assert_envelope(api.delete("/v1/health"), 405, "METHOD_NOT_ALLOWED")


def test_malformed_json_is_400(api: JsonClient) -> None:
    reply = api.patch("/v1/me", as_user="a@example.com", body=b'{"display_name": ')
    _assert_envelope(reply, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize("payload", [b"", b"[1, 2]", b'"text"', b"\xff\xfe"])
def test_body_must_be_a_json_object(api: JsonClient, payload: bytes) -> None:
    reply = api.patch("/v1/me", as_user="a@example.com", body=payload)
    _assert_envelope(reply, 400, "VALIDATION_ERROR")


def test_wrong_content_type_is_415(api: JsonClient) -> None:
    reply = api.patch(
        "/v1/me",
        as_user="a@example.com",
        body=b"display_name=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    _assert_envelope(reply, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_json_with_charset_is_accepted(api: JsonClient) -> None:
    reply = api.patch(
        "/v1/me",
        as_user="a@example.com",
        json_body={"display_name": "A"},
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert reply.status == 200


def test_oversized_body_is_413(api: JsonClient) -> None:
    reply = api.patch(
        "/v1/me", as_user="a@example.com", json_body={"display_name": "x" * 2_000_000}
    )
    _assert_envelope(reply, 413, "PAYLOAD_TOO_LARGE")


def test_suspended_users_read_but_change_nothing(api: JsonClient) -> None:
    from chalicelib.models import keys
    from chalicelib.models.user import UserItem

    api.get("/v1/me", as_user="sus@example.com")
    item = UserItem.get(keys.identity_pk("https://issuer.test", "sub-sus@example.com"), "USER")
    item.update(actions=[UserItem.status.set("suspended")])
    assert api.get("/v1/me", as_user="sus@example.com").status == 200
    refused = api.patch("/v1/me", as_user="sus@example.com", json_body={"display_name": "New"})
    _assert_envelope(refused, 403, "ACCOUNT_SUSPENDED")
    assert api.get("/v1/me", as_user="sus@example.com").body["display_name"] != "New"

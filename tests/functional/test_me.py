"""/v1/me: provisioning on first sight, roles, and updates."""

from __future__ import annotations

from tests.functional.conftest import ADMIN_EMAIL
from tests.support import JsonClient


def test_first_call_provisions_a_customer(api: JsonClient) -> None:
    first = api.get("/v1/me", as_user="ann@example.com")
    assert first.status == 200
    assert first.body["roles"] == ["customer"]
    assert first.body["email"] == "ann@example.com"
    assert first.body["timezone"] == "UTC"
    # WHEN the same subject calls again THEN it is the same user
    again = api.get("/v1/me", as_user="ann@example.com")
    assert again.body["id"] == first.body["id"]


def test_admin_emails_grant_admin(api: JsonClient) -> None:
    reply = api.get("/v1/me", as_user=ADMIN_EMAIL)
    assert reply.body["roles"] == ["customer", "admin"]


def test_patch_changes_only_given_fields(api: JsonClient) -> None:
    api.get("/v1/me", as_user="bo@example.com")
    reply = api.patch(
        "/v1/me",
        as_user="bo@example.com",
        json_body={
            "display_name": "Bo",
            "timezone": "Asia/Baghdad",
            "notification_prefs": {"sms": True},
        },
    )
    assert reply.status == 200, reply.body
    assert reply.body["display_name"] == "Bo"
    assert reply.body["timezone"] == "Asia/Baghdad"
    assert reply.body["notification_prefs"] == {
        "email": True,
        "in_app": True,
        "sms": True,
        "marketing": False,
        "muted_kinds": [],
    }
    second = api.patch("/v1/me", as_user="bo@example.com", json_body={"locale": "ar-IQ"})
    assert second.body["display_name"] == "Bo"
    assert second.body["locale"] == "ar-IQ"
    assert api.get("/v1/me", as_user="bo@example.com").body == second.body


def test_patch_on_first_call_provisions_then_updates(api: JsonClient) -> None:
    reply = api.patch("/v1/me", as_user="new@example.com", json_body={"display_name": "New"})
    assert reply.status == 200
    assert reply.body["display_name"] == "New"


def test_invalid_patch_is_refused_and_changes_nothing(api: JsonClient) -> None:
    before = api.get("/v1/me", as_user="cy@example.com").body
    for body in (
        {"timezone": "Mars/Olympus"},
        {"phone": "0770 123"},
        {"locale": "fr"},
        {"display_name": ""},
        {"roles": ["admin"]},
        {"notification_prefs": {"email": "yes please"}},
        {"display_name": "Cy", "timezone": "Nowhere/Else"},
    ):
        reply = api.patch("/v1/me", as_user="cy@example.com", json_body=body)
        assert reply.status == 400, body
        assert reply.error_code == "VALIDATION_ERROR"
        assert reply.body["error"]["details"]["fields"]
    assert api.get("/v1/me", as_user="cy@example.com").body == before


def test_a_user_cannot_grant_itself_roles(api: JsonClient) -> None:
    api.patch("/v1/me", as_user="dee@example.com", json_body={"roles": ["admin"]})
    assert api.get("/v1/me", as_user="dee@example.com").body["roles"] == ["customer"]

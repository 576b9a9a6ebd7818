"""Admins find users by email or name prefix (the directory index follows renames),
suspend and reinstate them (changing calls 403 ACCOUNT_SUSPENDED, the talent out of search
and public views, open requests declined), and grant or take the admin role."""

from __future__ import annotations

from typing import Any

from tests.functional.conftest import ADMIN_EMAIL
from tests.functional.deals import CUSTOMER, STRANGER, TALENT, book, talent_with_service
from tests.functional.factories import create_talent
from tests.support import JsonClient

ADMIN = ADMIN_EMAIL


def find(api: JsonClient, q: str) -> list[str]:
    reply = api.get(f"/v1/admin/users?q={q}", as_user=ADMIN)
    assert reply.status == 200, reply.body
    return [user["email"] for user in reply.body["items"]]


def user_id(api: JsonClient, email: str) -> str:
    return str(api.get("/v1/me", as_user=email).body["id"])


def audit_actions(api: JsonClient, target: str) -> list[str]:
    reply = api.get(f"/v1/admin/audit?target={target}", as_user=ADMIN)
    assert reply.status == 200, reply.body
    return [entry["action"] for entry in reply.body["items"]]


def test_users_are_found_by_email_and_name_prefix_and_renames_move_the_index(
    api: JsonClient,
) -> None:
    api.patch("/v1/me", as_user="layla@example.com", json_body={"display_name": "Layla Hassan"})
    api.patch("/v1/me", as_user="omar@example.com", json_body={"display_name": "Omar Haddad"})
    assert find(api, "layla%40example.com") == ["layla@example.com"]
    assert find(api, "LAY") == ["layla@example.com"]
    assert sorted(find(api, "ha")) == ["layla@example.com", "omar@example.com"]
    assert find(api, "zz") == []
    page = api.get("/v1/admin/users?q=ha&limit=1", as_user=ADMIN).body
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = api.get(f"/v1/admin/users?q=ha&limit=1&cursor={page['next_cursor']}", as_user=ADMIN)
    paged = [u["email"] for u in page["items"] + rest.body["items"]]
    assert paged == ["omar@example.com", "layla@example.com"]  # haddad < hassan
    api.patch("/v1/me", as_user="omar@example.com", json_body={"display_name": "Omar Zaki"})
    assert find(api, "haddad") == []
    assert find(api, "zak") == ["omar@example.com"]
    assert api.get("/v1/admin/users", as_user=ADMIN).status == 400


def test_suspension_refuses_changes_hides_the_talent_and_declines_open_requests(
    api: JsonClient, frozen_clock: Any
) -> None:
    talent, service = talent_with_service(api)
    requested = book(api, service["id"])
    other_customer = book(api, service["id"], customer=STRANGER, start="2026-12-11T18:00:00Z")
    owner = talent["user_id"]
    body = {"reason": "fraud investigation"}

    reply = api.post(f"/v1/admin/users/{owner}/suspend", as_user=ADMIN, json_body=body)
    assert reply.status == 200, reply.body
    assert reply.body["status"] == "suspended"
    for booking in (requested, other_customer):
        seen = api.get(
            f"/v1/bookings/{booking['id']}", as_user=CUSTOMER if booking is requested else STRANGER
        )
        assert seen.body["state"] == "declined", seen.body
    refused = api.patch("/v1/me", as_user=TALENT, json_body={"display_name": "Changed"})
    assert refused.status == 403 and refused.error_code == "ACCOUNT_SUSPENDED"
    assert api.get("/v1/me", as_user=TALENT).body["display_name"] != "Changed"
    assert api.get(f"/v1/talent/{talent['id']}", as_user=TALENT).status == 200  # reads work
    assert api.get(f"/v1/talent/{talent['id']}", as_user=CUSTOMER).status == 404
    assert api.get("/v1/search/talent").body["items"] == []
    again = api.post(f"/v1/admin/users/{owner}/suspend", as_user=ADMIN, json_body=body)
    assert again.status == 409
    assert audit_actions(api, f"user:{owner}") == ["user.suspend"]

    back = api.post(
        f"/v1/admin/users/{owner}/unsuspend", as_user=ADMIN, json_body={"reason": "cleared"}
    )
    assert back.status == 200 and back.body["status"] == "active"
    assert api.get(f"/v1/talent/{talent['id']}", as_user=CUSTOMER).status == 200
    assert [c["id"] for c in api.get("/v1/search/talent").body["items"]] == [talent["id"]]
    assert api.patch("/v1/me", as_user=TALENT, json_body={"display_name": "Back"}).status == 200
    assert audit_actions(api, f"user:{owner}") == ["user.unsuspend", "user.suspend"]
    entries = api.get(f"/v1/admin/audit?target=user:{owner}", as_user=ADMIN).body["items"]
    assert entries[1]["reason"] == "fraud investigation"
    assert entries[1]["before"] == {"status": "active"} and entries[1]["after"] == {
        "status": "suspended"
    }
    twice = api.post(f"/v1/admin/users/{owner}/unsuspend", as_user=ADMIN, json_body={"reason": "x"})
    assert twice.status == 409


def test_an_admin_cannot_suspend_themselves_and_unknown_users_are_404(api: JsonClient) -> None:
    me = user_id(api, ADMIN)
    body = {"reason": "oops"}
    assert api.post(f"/v1/admin/users/{me}/suspend", as_user=ADMIN, json_body=body).status == 409
    missing = "01JDNOTHEREXXXXXXXXXXXXXXX"
    assert (
        api.post(f"/v1/admin/users/{missing}/suspend", as_user=ADMIN, json_body=body).status == 404
    )
    assert api.get("/v1/me", as_user=ADMIN).status == 200
    assert audit_actions(api, f"user:{me}") == []


def test_roles_are_granted_by_an_admin_and_an_admin_keeps_their_own(api: JsonClient) -> None:
    create_talent(api, TALENT)
    helper = user_id(api, CUSTOMER)
    assert api.get("/v1/admin/audit", as_user=CUSTOMER).status == 403
    for body in ({"add": ["superuser"]}, {"add": ["talent"]}, {"remove": ["customer"]}, {}):
        refused = api.post(f"/v1/admin/users/{helper}/roles", as_user=ADMIN, json_body=body)
        assert refused.status == 400, (body, refused.body)
    granted = api.post(
        f"/v1/admin/users/{helper}/roles", as_user=ADMIN, json_body={"add": ["admin"]}
    )
    assert granted.status == 200 and "admin" in granted.body["roles"]
    assert api.get("/v1/admin/audit", as_user=CUSTOMER).status == 200
    assert "admin" in api.get("/v1/me", as_user=CUSTOMER).body["roles"]

    # The new admin may not drop their own role, but the first admin may take it.
    own = api.post(
        f"/v1/admin/users/{helper}/roles", as_user=CUSTOMER, json_body={"remove": ["admin"]}
    )
    assert own.status == 403
    assert "admin" in api.get("/v1/me", as_user=CUSTOMER).body["roles"]
    taken = api.post(
        f"/v1/admin/users/{helper}/roles", as_user=ADMIN, json_body={"remove": ["admin"]}
    )
    assert taken.status == 200 and "admin" not in taken.body["roles"]
    assert api.get("/v1/admin/audit", as_user=CUSTOMER).status == 403
    entries = api.get(f"/v1/admin/audit?target=user:{helper}", as_user=ADMIN).body["items"]
    assert [(e["action"], e["after"]) for e in entries] == [
        ("user.roles", {"roles": ["customer"]}),
        ("user.roles", {"roles": ["customer", "admin"]}),
    ]


def test_an_admin_action_honours_idempotency_keys(api: JsonClient) -> None:
    target = user_id(api, CUSTOMER)
    headers = {"Idempotency-Key": "suspend-once"}
    path = f"/v1/admin/users/{target}/suspend"
    first = api.post(path, as_user=ADMIN, json_body={"reason": "r"}, headers=headers)
    replay = api.post(path, as_user=ADMIN, json_body={"reason": "r"}, headers=headers)
    assert first.status == replay.status == 200
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert audit_actions(api, f"user:{target}") == ["user.suspend"]
    other = api.post(path, as_user=ADMIN, json_body={"reason": "other"}, headers=headers)
    assert other.status == 422

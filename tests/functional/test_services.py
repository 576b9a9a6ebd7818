"""Services: validation, ownership, visibility, listing."""

from __future__ import annotations

from unittest.mock import ANY

import pytest

from tests.functional.conftest import ADMIN_EMAIL
from tests.functional.factories import count_items, create_service, create_talent, service_body
from tests.support import JsonClient

PACKAGES = [
    {
        "tier": "basic",
        "title": "Solo",
        "price": {"amount": 200000, "currency": "IQD"},
        "delivery_days": 0,
        "revisions": 0,
    },
    {
        "tier": "premium",
        "title": "Trio",
        "price": {"amount": 600000, "currency": "IQD"},
        "delivery_days": 0,
        "revisions": 1,
    },
]


def test_owner_creates_and_anyone_reads(api: JsonClient) -> None:
    talent = create_talent(api, "svc@example.com")
    service = create_service(api, "svc@example.com", talent["id"], packages=PACKAGES)
    assert service["pricing"] == {"type": "fixed", "price": {"amount": 300000, "currency": "IQD"}}
    assert [p["tier"] for p in service["packages"]] == ["basic", "premium"]
    assert service["deposit_percent"] == 30
    assert api.get(f"/v1/services/{service['id']}").body == service


def test_defaults(api: JsonClient) -> None:
    talent = create_talent(api, "def@example.com")
    body = service_body()
    del body["deposit_percent"], body["cancellation_policy"]
    reply = api.post(
        f"/v1/talent/{talent['id']}/services", as_user="def@example.com", json_body=body
    )
    assert (reply.body["deposit_percent"], reply.body["cancellation_policy"]) == (0, "moderate")


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": "ab"},
        {"category": "nope"},
        {"pricing": {"type": "fixed", "price": {"amount": 0, "currency": "IQD"}}},
        {"pricing": {"type": "fixed", "price": {"amount": 99.99, "currency": "USD"}}},
        {"pricing": {"type": "fixed", "price": {"amount": "100", "currency": "USD"}}},
        {"pricing": {"type": "fixed", "price": {"amount": 100, "currency": "JPY"}}},
        {"pricing": {"type": "monthly", "price": {"amount": 100, "currency": "USD"}}},
        {
            "pricing": {"type": "hourly", "price": {"amount": 5000, "currency": "USD"}},
            "duration_minutes": None,
        },
        {"duration_minutes": 5},
        {"duration_minutes": 20000},
        {"deposit_percent": 101},
        {"deposit_percent": -1},
        {"cancellation_policy": "lenient"},
        {
            "packages": [
                *PACKAGES,
                dict(PACKAGES[0], tier="standard"),
                dict(PACKAGES[0], tier="standard"),
            ]
        },
        {"packages": [PACKAGES[0], dict(PACKAGES[1], tier="basic")]},
        {"packages": [dict(PACKAGES[0], price={"amount": 100, "currency": "USD"})]},
        {"packages": [dict(PACKAGES[0], delivery_days=-1)]},
    ],
)
def test_bad_services_are_refused_and_leave_nothing(
    api: JsonClient, overrides: dict[str, object]
) -> None:
    talent = create_talent(api, "badsvc@example.com")
    body = service_body(**overrides)
    body = {k: v for k, v in body.items() if v is not None}
    reply = api.post(
        f"/v1/talent/{talent['id']}/services", as_user="badsvc@example.com", json_body=body
    )
    assert reply.status == 400, (overrides, reply.body)
    assert reply.error_code == "VALIDATION_ERROR"
    assert count_items("service") == 0


def test_only_the_owner_offers_services(api: JsonClient) -> None:
    talent = create_talent(api, "own@example.com")
    path = f"/v1/talent/{talent['id']}/services"
    other = api.post(path, as_user="other@example.com", json_body=service_body())
    admin = api.post(path, as_user=ADMIN_EMAIL, json_body=service_body())
    anonymous = api.post(path, json_body=service_body())
    assert (other.status, other.error_code) == (403, "FORBIDDEN")
    assert (admin.status, admin.error_code) == (403, "FORBIDDEN")
    assert (anonymous.status, anonymous.error_code) == (401, "UNAUTHENTICATED")
    assert count_items("service") == 0
    assert api.get(f"{path}?include_inactive=true", as_user="own@example.com").body["items"] == []


def test_update_checks_consistency_with_what_is_stored(api: JsonClient) -> None:
    talent = create_talent(api, "upd@example.com")
    service = create_service(api, "upd@example.com", talent["id"], packages=PACKAGES)
    path = f"/v1/services/{service['id']}"
    mixed = api.patch(
        path,
        as_user="upd@example.com",
        json_body={"pricing": {"type": "fixed", "price": {"amount": 100, "currency": "USD"}}},
    )
    assert (mixed.status, mixed.error_code) == (400, "VALIDATION_ERROR")
    assert api.get(path).body == service
    hourly = api.patch(
        path,
        as_user="upd@example.com",
        json_body={
            "duration_minutes": None,
            "pricing": {"type": "hourly", "price": {"amount": 100, "currency": "IQD"}},
        },
    )
    assert (hourly.status, hourly.error_code) == (400, "VALIDATION_ERROR")
    assert api.get(path).body == service
    ok = api.patch(
        path, as_user="upd@example.com", json_body={"title": "Longer fire show", "packages": []}
    )
    assert ok.status == 200, ok.body
    assert (ok.body["title"], ok.body["packages"]) == ("Longer fire show", [])
    hijack = api.patch(path, as_user="other@example.com", json_body={"title": "Hijacked"})
    assert (hijack.status, hijack.error_code) == (403, "FORBIDDEN")
    assert api.get(path).body == ok.body


def test_deactivated_services_are_hidden_but_kept(api: JsonClient) -> None:
    talent = create_talent(api, "deact@example.com")
    service = create_service(api, "deact@example.com", talent["id"])
    path = f"/v1/services/{service['id']}"
    refused = api.delete(path, as_user="other@example.com")
    assert (refused.status, refused.error_code) == (403, "FORBIDDEN")
    assert api.get(path).body == service
    assert api.delete(path, as_user="deact@example.com").status == 204
    assert api.delete(path, as_user="deact@example.com").status == 204
    assert api.get(path).error_code == "NOT_FOUND"
    assert api.get(path, as_user="other@example.com").error_code == "NOT_FOUND"
    assert api.get(path, as_user="deact@example.com").body == dict(
        service, is_active=False, updated_at=ANY
    )
    listing = f"/v1/talent/{talent['id']}/services"
    assert api.get(listing).body["items"] == []
    assert (
        len(api.get(f"{listing}?include_inactive=true", as_user="deact@example.com").body["items"])
        == 1
    )
    peek = api.get(f"{listing}?include_inactive=true", as_user="other@example.com")
    assert (peek.status, peek.error_code) == (403, "FORBIDDEN")


def test_admin_can_take_a_service_down(api: JsonClient) -> None:
    talent = create_talent(api, "mod@example.com")
    service = create_service(api, "mod@example.com", talent["id"])
    path = f"/v1/services/{service['id']}"
    assert api.delete(path, as_user=ADMIN_EMAIL).status == 204
    # Gone for the public and from the talent's listing; kept, inactive, for the owner.
    assert (api.get(path).status, api.get(path).error_code) == (404, "NOT_FOUND")
    assert api.get(f"/v1/talent/{talent['id']}/services").body["items"] == []
    assert api.get(path, as_user="mod@example.com").body == dict(
        service, is_active=False, updated_at=ANY
    )


def test_services_of_a_hidden_talent_are_hidden(api: JsonClient) -> None:
    talent = create_talent(api, "hid@example.com")
    service = create_service(api, "hid@example.com", talent["id"])
    api.patch(f"/v1/talent/{talent['id']}", as_user=ADMIN_EMAIL, json_body={"is_suspended": True})
    assert api.get(f"/v1/services/{service['id']}").error_code == "NOT_FOUND"
    assert api.get(f"/v1/talent/{talent['id']}/services").error_code == "NOT_FOUND"
    assert api.get(f"/v1/services/{service['id']}", as_user="hid@example.com").status == 200


def test_listing_pages_without_gaps_or_duplicates(api: JsonClient) -> None:
    talent = create_talent(api, "pages@example.com")
    created = {
        create_service(api, "pages@example.com", talent["id"], title=f"Service {i:02d}")["id"]
        for i in range(7)
    }
    seen: list[str] = []
    cursor = None
    while True:
        query = f"?limit=3&cursor={cursor}" if cursor else "?limit=3"
        page = api.get(f"/v1/talent/{talent['id']}/services{query}").body
        seen.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(created)
    assert len(seen) == len(set(seen))


def test_tampered_cursor_is_400(api: JsonClient) -> None:
    a = create_talent(api, "ca@example.com")
    b = create_talent(api, "cb@example.com")
    for i in range(3):
        create_service(api, "cb@example.com", b["id"], title=f"Service {i}")
    cursor = api.get(f"/v1/talent/{b['id']}/services?limit=1").body["next_cursor"]
    assert cursor
    for query in (f"cursor={cursor}", "cursor=%25%25garbage", "limit=0", "limit=101"):
        reply = api.get(f"/v1/talent/{a['id']}/services?{query}")
        assert (reply.status, reply.error_code) == (400, "VALIDATION_ERROR"), query

"""Talent profiles: creation, visibility, updates, portfolio."""

from __future__ import annotations

import pytest

from chalicelib.models import talent as talent_store
from tests.functional.conftest import ADMIN_EMAIL
from tests.functional.factories import count_items, create_talent, talent_body, verified_media
from tests.support import JsonClient


def test_create_profile_adds_the_talent_role(api: JsonClient) -> None:
    talent = create_talent(api, "layla@example.com")
    assert talent["display_name"] == "Layla Fire"
    assert talent["rating_avg"] is None
    assert (talent["rating_count"], talent["completed_count"]) == (0, 0)
    assert talent["is_active"] is True
    me = api.get("/v1/me", as_user="layla@example.com").body
    assert me["roles"] == ["customer", "talent"]
    assert me["talent_id"] == talent["id"]
    assert talent["user_id"] == me["id"]


def test_one_profile_per_user(api: JsonClient) -> None:
    create_talent(api, "once@example.com")
    again = api.post("/v1/talent", as_user="once@example.com", json_body=talent_body())
    assert again.status == 409
    assert count_items("talent") == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"display_name": ""},
        {"categories": []},
        {"categories": ["no-such-category"]},
        {"location": {"city": "Erbil", "country": "Iraq", "lat": 36.19, "lng": 44.01}},
        {"location": {"city": "Erbil", "country": "IQ", "lat": 95, "lng": 44.01}},
        {"rate": {"amount": 12.5, "currency": "USD"}},
        {"rate": {"amount": -1, "currency": "IQD"}},
        {"rate": {"amount": 100, "currency": "BTC"}},
        {"languages": ["Arabic"]},
        {"timezone": "Baghdad"},
        {"skills": ["x" * 41]},
        {"travel_radius_km": -5},
        {"is_suspended": True},
        {"avatar_media_id": "01J0000000000000000000000Z"},
    ],
)
def test_bad_profiles_are_refused_and_leave_nothing(
    api: JsonClient, overrides: dict[str, object]
) -> None:
    reply = api.post("/v1/talent", as_user="bad@example.com", json_body=talent_body(**overrides))
    assert reply.status == 400, reply.body
    assert reply.error_code == "VALIDATION_ERROR"
    assert count_items("talent") == 0
    assert api.get("/v1/me", as_user="bad@example.com").body["roles"] == ["customer"]


def test_missing_required_fields_are_400(api: JsonClient) -> None:
    for field in ("display_name", "categories", "location"):
        body = talent_body()
        del body[field]
        reply = api.post("/v1/talent", as_user="req@example.com", json_body=body)
        assert reply.status == 400, field


def test_public_profile_is_readable_by_anyone(api: JsonClient) -> None:
    talent = create_talent(api, "pub@example.com")
    assert api.get(f"/v1/talent/{talent['id']}").status == 200
    assert api.get(f"/v1/talent/{talent['id']}", as_user="other@example.com").status == 200


def test_inactive_profile_is_seen_only_by_owner_and_admins(api: JsonClient) -> None:
    talent = create_talent(api, "shy@example.com")
    reply = api.patch(
        f"/v1/talent/{talent['id']}", as_user="shy@example.com", json_body={"is_active": False}
    )
    assert reply.status == 200 and reply.body["is_active"] is False
    path = f"/v1/talent/{talent['id']}"
    assert api.get(path).status == 404
    assert api.get(path, as_user="other@example.com").status == 404
    assert api.get(path, as_user="shy@example.com").status == 200
    assert api.get(path, as_user=ADMIN_EMAIL).status == 200


def test_admin_suspends_and_owner_cannot_unsuspend(api: JsonClient) -> None:
    talent = create_talent(api, "sus@example.com")
    path = f"/v1/talent/{talent['id']}"
    assert (
        api.patch(
            path, as_user=ADMIN_EMAIL, json_body={"is_suspended": True, "badges": ["verified"]}
        ).status
        == 200
    )
    assert api.get(path).status == 404
    owner_view = api.get(path, as_user="sus@example.com").body
    assert owner_view["is_suspended"] is True and owner_view["badges"] == ["verified"]
    refused = api.patch(path, as_user="sus@example.com", json_body={"is_suspended": False})
    assert refused.status == 403
    assert api.get(path, as_user="sus@example.com").body["is_suspended"] is True


def test_owner_updates_profile_fields(api: JsonClient) -> None:
    talent = create_talent(api, "edit@example.com")
    reply = api.patch(
        f"/v1/talent/{talent['id']}",
        as_user="edit@example.com",
        json_body={"headline": "New headline", "skills": ["LED", "led", "Stilts"], "rate": None},
    )
    assert reply.status == 200, reply.body
    assert reply.body["headline"] == "New headline"
    assert reply.body["skills"] == ["LED", "Stilts"]
    assert reply.body["rate"] is None
    assert api.get(f"/v1/talent/{talent['id']}").body == reply.body


def test_required_fields_cannot_be_removed(api: JsonClient) -> None:
    talent = create_talent(api, "req2@example.com")
    for field in ("display_name", "categories", "location"):
        reply = api.patch(
            f"/v1/talent/{talent['id']}", as_user="req2@example.com", json_body={field: None}
        )
        assert reply.status == 400, field


def test_others_cannot_edit(api: JsonClient) -> None:
    talent = create_talent(api, "mine@example.com")
    reply = api.patch(
        f"/v1/talent/{talent['id']}", as_user="thief@example.com", json_body={"headline": "x"}
    )
    assert reply.status == 403
    assert api.get(f"/v1/talent/{talent['id']}").body["headline"] == talent["headline"]


def test_unknown_talent_is_404(api: JsonClient) -> None:
    assert api.get("/v1/talent/01J0000000000000000000000Z").status == 404
    assert api.get("/v1/talent/not%20an%20id").status == 404


def test_a_stale_write_loses_cleanly(api: JsonClient) -> None:
    # GIVEN two editors that read the same revision
    talent = create_talent(api, "race@example.com")
    first = talent_store.require(talent["id"])
    second = talent_store.require(talent["id"])
    talent_store.update(first, {"headline": "first"})
    # THEN the second write is a conflict, and the first one stands
    from chalicelib.models.conditions import ConditionFailedError

    # (a failed condition, not a transient conflict: still a 409 CONFLICT to callers)
    with pytest.raises(ConditionFailedError):
        talent_store.update(second, {"headline": "second"})
    assert talent_store.require(talent["id"]).headline == "first"


def test_portfolio_needs_verified_portfolio_media_of_the_owner(api: JsonClient) -> None:
    talent = create_talent(api, "port@example.com")
    reply = api.post(
        f"/v1/talent/{talent['id']}/portfolio",
        as_user="port@example.com",
        json_body={"title": "Wedding show", "media_id": "01J0000000000000000000000Z"},
    )
    assert reply.status == 400
    assert count_items("portfolio") == 0


def test_portfolio_lifecycle(api: JsonClient) -> None:
    talent = create_talent(api, "art@example.com")
    base = f"/v1/talent/{talent['id']}/portfolio"
    second = api.post(
        base,
        as_user="art@example.com",
        json_body={
            "title": "Second",
            "media_id": verified_media(api, "art@example.com"),
            "position": 2,
        },
    ).body
    first = api.post(
        base,
        as_user="art@example.com",
        json_body={
            "title": "First",
            "media_id": verified_media(api, "art@example.com"),
            "position": 1,
        },
    ).body
    profile = api.get(f"/v1/talent/{talent['id']}").body
    assert [item["title"] for item in profile["portfolio"]] == ["First", "Second"]
    moved = api.patch(
        f"{base}/{second['id']}", as_user="art@example.com", json_body={"position": 0}
    )
    assert moved.status == 200
    profile = api.get(f"/v1/talent/{talent['id']}").body
    assert [item["title"] for item in profile["portfolio"]] == ["Second", "First"]
    assert api.delete(f"{base}/{first['id']}", as_user="art@example.com").status == 204
    assert api.delete(f"{base}/{first['id']}", as_user="art@example.com").status == 404
    assert [i["title"] for i in api.get(f"/v1/talent/{talent['id']}").body["portfolio"]] == [
        "Second"
    ]


def test_portfolio_of_someone_else_is_forbidden(api: JsonClient) -> None:
    talent = create_talent(api, "owner@example.com")
    media_id = verified_media(api, "intruder@example.com")
    reply = api.post(
        f"/v1/talent/{talent['id']}/portfolio",
        as_user="intruder@example.com",
        json_body={"title": "Mine now", "media_id": media_id},
    )
    assert reply.status == 403


def test_portfolio_is_capped(api: JsonClient) -> None:
    talent = create_talent(api, "many@example.com")
    owner = talent_store.require(talent["id"])
    for index in range(talent_store.MAX_PORTFOLIO_ITEMS):
        talent_store.add_portfolio_entry(
            owner, f"#{index}", None, "01J0000000000000000000000Z", index
        )
    reply = api.post(
        f"/v1/talent/{talent['id']}/portfolio",
        as_user="many@example.com",
        json_body={"title": "one too many", "media_id": verified_media(api, "many@example.com")},
    )
    assert reply.status == 409
    assert count_items("portfolio") == talent_store.MAX_PORTFOLIO_ITEMS


def test_avatar_must_be_own_verified_avatar(api: JsonClient) -> None:
    talent = create_talent(api, "face@example.com")
    path = f"/v1/talent/{talent['id']}"
    portfolio_media = verified_media(api, "face@example.com", "portfolio")
    assert (
        api.patch(
            path, as_user="face@example.com", json_body={"avatar_media_id": portfolio_media}
        ).status
        == 400
    )
    avatar = verified_media(api, "face@example.com", "avatar")
    reply = api.patch(path, as_user="face@example.com", json_body={"avatar_media_id": avatar})
    assert reply.status == 200 and reply.body["avatar_media_id"] == avatar


def test_categories_tree(api: JsonClient) -> None:
    tree = api.get("/v1/categories").body["items"]
    roots = {node["slug"] for node in tree}
    assert {
        "music",
        "fire-led",
        "dance",
        "photography",
        "video",
        "design",
        "development",
        "writing",
        "marketing",
    } <= roots
    music = next(node for node in tree if node["slug"] == "music")
    assert "music.dj" in {child["slug"] for child in music["children"]}

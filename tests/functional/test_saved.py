"""Saved talent: idempotent, private, most recent first."""

from __future__ import annotations

from typing import Any

from tests.functional.factories import create_talent
from tests.support import JsonClient


def test_save_twice_keeps_one(api: JsonClient, frozen_clock: Any) -> None:
    talent = create_talent(api, "star@example.com")
    first = api.post(f"/v1/me/saved/{talent['id']}", as_user="fan@example.com")
    frozen_clock.advance(60)
    again = api.post(f"/v1/me/saved/{talent['id']}", as_user="fan@example.com")
    assert (first.status, again.status) == (201, 200)
    assert again.body == first.body
    assert [
        i["talent_id"] for i in api.get("/v1/me/saved", as_user="fan@example.com").body["items"]
    ] == [talent["id"]]


def test_most_recent_first_and_paged(api: JsonClient, frozen_clock: Any) -> None:
    ids = []
    for index in range(5):
        ids.append(create_talent(api, f"t{index}@example.com")["id"])
        api.post(f"/v1/me/saved/{ids[-1]}", as_user="collector@example.com")
        frozen_clock.advance(1)
    seen: list[str] = []
    cursor = None
    while True:
        suffix = f"&cursor={cursor}" if cursor else ""
        page = api.get(f"/v1/me/saved?limit=2{suffix}", as_user="collector@example.com").body
        seen.extend(i["talent_id"] for i in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(ids))


def test_unsave_is_idempotent(api: JsonClient) -> None:
    talent = create_talent(api, "bye@example.com")
    api.post(f"/v1/me/saved/{talent['id']}", as_user="fickle@example.com")
    assert api.delete(f"/v1/me/saved/{talent['id']}", as_user="fickle@example.com").status == 204
    assert api.delete(f"/v1/me/saved/{talent['id']}", as_user="fickle@example.com").status == 204
    assert api.get("/v1/me/saved", as_user="fickle@example.com").body["items"] == []


def test_lists_are_private(api: JsonClient) -> None:
    talent = create_talent(api, "p@example.com")
    api.post(f"/v1/me/saved/{talent['id']}", as_user="a@example.com")
    assert api.get("/v1/me/saved", as_user="b@example.com").body["items"] == []
    cursor_of_a = None
    for index in range(3):
        other = create_talent(api, f"q{index}@example.com")
        api.post(f"/v1/me/saved/{other['id']}", as_user="a@example.com")
    cursor_of_a = api.get("/v1/me/saved?limit=1", as_user="a@example.com").body["next_cursor"]
    assert api.get(f"/v1/me/saved?cursor={cursor_of_a}", as_user="b@example.com").status == 400


def test_hidden_or_unknown_talent_cannot_be_saved(api: JsonClient) -> None:
    talent = create_talent(api, "h@example.com")
    api.patch(f"/v1/talent/{talent['id']}", as_user="h@example.com", json_body={"is_active": False})
    assert api.post(f"/v1/me/saved/{talent['id']}", as_user="s@example.com").status == 404
    assert (
        api.post("/v1/me/saved/01J0000000000000000000000Z", as_user="s@example.com").status == 404
    )
    assert api.get("/v1/me/saved", as_user="s@example.com").body["items"] == []

"""Paging never loses talent: everyone who exists and matches when the first page is read
is on some page, whatever the sub-second timing of their indexing (issue 11, point 10)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.functional.factories import create_talent
from tests.support import JsonClient


def _page_through(api: JsonClient, query: str, limit: int) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        suffix = f"&cursor={cursor}" if cursor else ""
        reply = api.get(f"/v1/search/talent?{query}&limit={limit}{suffix}")
        assert reply.status == 200, reply.body
        seen.extend(item["id"] for item in reply.body["items"])
        cursor = reply.body["next_cursor"]
        if not cursor:
            return seen


def test_talent_created_one_after_another_are_all_on_some_page(
    api: JsonClient, frozen_clock: Any
) -> None:
    # Real time moves between requests: a few hundred milliseconds per creation.
    frozen_clock.set(datetime(2026, 11, 22, 12, 0, 0, 150_000, tzinfo=UTC))
    created = []
    # The issue saw it with 24; 12 lose the last one the same way, in half the time.
    for index in range(12):
        created.append(create_talent(api, f"p{index}@example.com", skills=["ney"])["id"])
        frozen_clock.advance(0.3)

    one_page = _page_through(api, "skills=ney", 50)
    paged = _page_through(api, "skills=ney", 5)

    assert sorted(one_page) == sorted(created)
    assert len(paged) == len(set(paged)) == 12
    assert set(paged) == set(created)


def test_talent_indexed_in_the_same_second_as_the_first_page_are_kept(
    api: JsonClient, frozen_clock: Any
) -> None:
    frozen_clock.set(datetime(2026, 11, 22, 12, 0, 0, 0, tzinfo=UTC))
    early = [
        create_talent(api, f"e{index}@example.com", skills=["ney"])["id"] for index in range(3)
    ]
    frozen_clock.advance(0.9)  # the newest is indexed at .9 s, the page is read at .95 s
    late = create_talent(api, "late@example.com", skills=["ney"])["id"]
    frozen_clock.advance(0.05)

    paged = _page_through(api, "skills=ney", 1)

    assert sorted(paged) == sorted([*early, late])


def _unindex(talent_id: str) -> None:
    """As if the talent's (asynchronous) first indexing had not run yet."""
    from chalicelib.models import keys, search_index

    directory = search_index._directory(talent_id)
    assert directory is not None and directory.entries
    for entry in directory.entries:
        pk, sk = search_index._posting_key(entry)
        search_index.SearchPostingItem(pk, sk).delete()
    search_index.SearchDirectoryItem(
        keys.search_directory_pk(talent_id), keys.SEARCH_DIRECTORY_SK
    ).delete()


def test_a_talent_indexed_after_the_first_page_was_read_is_not_skipped(
    api: JsonClient, frozen_clock: Any
) -> None:
    from chalicelib.models import search_index

    early = [
        create_talent(api, f"i{index}@example.com", skills=["ney"])["id"] for index in range(2)
    ]
    late = create_talent(api, "late-index@example.com", skills=["ney"])["id"]
    _unindex(late)
    frozen_clock.advance(1)
    first = api.get("/v1/search/talent?skills=ney&limit=1").body
    assert first["items"] and first["next_cursor"]
    frozen_clock.advance(60)  # the outbox's reindex runs a minute later
    search_index.refresh(late)

    seen = [item["id"] for item in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = api.get(f"/v1/search/talent?skills=ney&limit=1&cursor={cursor}").body
        seen.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]

    assert sorted(seen) == sorted([*early, late])

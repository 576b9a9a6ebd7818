"""Search over HTTP: what the index shows follows every change, bad queries are 400s,
pages are stable while profiles change, and featured sections come from a schedule."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest

from chalicelib.models import keys, search_index, search_outbox, timer_items
from chalicelib.models.talent import TalentItem
from tests.functional.conftest import ADMIN_EMAIL
from tests.functional.factories import create_talent
from tests.support import JsonClient


def _search(api: JsonClient, **params: Any) -> list[str]:
    reply = api.get(f"/v1/search/talent?{urlencode(params)}")
    assert reply.status == 200, reply.body
    return [item["id"] for item in reply.body["items"]]


def test_a_new_profile_is_found_at_once(api: JsonClient) -> None:
    talent = create_talent(api, "new@example.com", headline="Oud player for weddings")
    assert _search(api, q="oud") == [talent["id"]]
    assert _search(api, category="fire-led") == [talent["id"]]
    [card] = api.get("/v1/search/talent?q=oud").body["items"]
    assert card["display_name"] == "Layla Fire"
    assert card["rate"] == {"amount": 250000, "currency": "IQD"}
    assert card["score"] is not None


def test_edits_move_the_profile_between_buckets(api: JsonClient) -> None:
    talent = create_talent(api, "edit@example.com", headline="Oud player")
    api.patch(
        f"/v1/talent/{talent['id']}",
        as_user="edit@example.com",
        json_body={"headline": "Dabke troupe", "categories": ["dance.dabke"]},
    )
    assert _search(api, q="oud") == []
    assert _search(api, q="dabke") == [talent["id"]]
    assert _search(api, category="fire-led") == []
    assert _search(api, category="dance") == [talent["id"]]


def test_hidden_talent_leave_the_index_and_come_back(api: JsonClient) -> None:
    talent = create_talent(api, "hide@example.com")
    path = f"/v1/talent/{talent['id']}"
    api.patch(path, as_user="hide@example.com", json_body={"is_active": False})
    assert _search(api) == []
    api.patch(path, as_user="hide@example.com", json_body={"is_active": True})
    assert _search(api) == [talent["id"]]
    api.patch(path, as_user=ADMIN_EMAIL, json_body={"is_suspended": True})
    assert _search(api) == []


def test_availability_changes_show_in_date_search(api: JsonClient) -> None:
    talent = create_talent(api, "cal@example.com")
    assert _search(api, date="2026-12-04") == []
    api.put(
        f"/v1/talent/{talent['id']}/availability",
        as_user="cal@example.com",
        json_body={"weekly": ["fri"], "days": [{"date": "2026-12-11", "available": False}]},
    )
    assert _search(api, date="2026-12-04") == [talent["id"]]  # a Friday
    assert _search(api, date="2026-12-11") == []  # that Friday is off
    assert _search(api, date="2026-12-05") == []  # a Saturday


def test_arabic_and_kurdish_spellings_meet(api: JsonClient) -> None:
    talent = create_talent(api, "ar@example.com", headline="فرقة مُوسيقى كوردی")
    assert _search(api, q="موسيقى") == [talent["id"]]
    assert _search(api, q="كوردي") == [talent["id"]]


def test_a_crashed_reindex_is_finished_by_the_sweep(
    api: JsonClient, lambdas: Any, frozen_clock: Any
) -> None:
    # GIVEN a profile change whose request died after writing the profile, before reindexing
    talent = create_talent(api, "crash@example.com", headline="Oud player")
    search_outbox.mark_stale(talent["id"])
    TalentItem(keys.talent_pk(talent["id"]), keys.PROFILE_SK).update(
        actions=[TalentItem.headline.set("Dabke troupe")]
    )
    assert _search(api, q="dabke") == []
    # WHEN the timers sweep runs
    frozen_clock.advance(60)
    event = lambdas.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    assert lambdas.lambda_.invoke("timers_sweep", event).payload["fired"] == 1
    # THEN the index caught up and the outbox is empty
    assert _search(api, q="dabke") == [talent["id"]]
    assert timer_items.due(frozen_clock.now()) == []


@pytest.mark.parametrize(
    "params",
    [
        {"min_price": 100},
        {"lat": 33.3},
        {"radius_km": 10},
        {"sort": "distance"},
        {"sort": "price_asc"},
        {"sort": "distance", "lat": 33.3, "lng": 44.4, "radius_km": 900},
        {"category": "no-such-thing"},
        {"date": "2026-02-30"},
        {"date": "tomorrow"},
        {"q": "one two three four five six seven eight nine"},
        {"limit": 0},
        {"limit": 101},
        {"lat": 91, "lng": 0},
        {"currency": "BTC"},
        {"sort": "random"},
        {"min_price": 10, "max_price": 5, "currency": "IQD"},
        {"cursor": "not-a-cursor"},
    ],
)
def test_bad_searches_are_400(api: JsonClient, params: dict[str, Any]) -> None:
    reply = api.get(f"/v1/search/talent?{urlencode(params)}")
    assert reply.status == 400, (params, reply.body)
    assert reply.error_code == "VALIDATION_ERROR"


def test_a_cursor_only_continues_its_own_search(api: JsonClient) -> None:
    for index in range(3):
        create_talent(api, f"c{index}@example.com")
    cursor = api.get("/v1/search/talent?limit=1").body["next_cursor"]
    assert cursor
    assert api.get(f"/v1/search/talent?limit=1&cursor={cursor}").status == 200
    assert api.get(f"/v1/search/talent?limit=1&q=fire&cursor={cursor}").status == 400


def _set_rating(talent_id: str, rating_sum: int, count: int) -> None:
    """What the review process will do: change a counter, then reindex."""
    search_outbox.mark_stale(talent_id)
    TalentItem(keys.talent_pk(talent_id), keys.PROFILE_SK).update(
        actions=[TalentItem.rating_sum.set(rating_sum), TalentItem.rating_count.set(count)]
    )
    search_index.refresh(talent_id)


def test_pages_stay_stable_while_profiles_change(api: JsonClient, frozen_clock: Any) -> None:
    ids = [create_talent(api, f"s{index}@example.com")["id"] for index in range(6)]
    for index, talent_id in enumerate(ids):
        _set_rating(talent_id, 4 * (index + 1), index + 1)
    frozen_clock.advance(5)
    first = api.get("/v1/search/talent?limit=2").body
    seen = [item["id"] for item in first["items"]]
    # WHEN, between pages, one shown talent and one not yet shown are re-rated (they move),
    # and a new talent appears
    frozen_clock.advance(5)
    _set_rating(seen[0], 0, 0)
    unseen = next(t for t in ids if t not in seen)
    _set_rating(unseen, 5000, 1000)
    create_talent(api, "late@example.com")
    cursor = first["next_cursor"]
    while cursor:
        page = api.get(f"/v1/search/talent?limit=2&cursor={cursor}").body
        seen.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
    # THEN nobody is shown twice, and everyone who did not move is shown
    assert len(seen) == len(set(seen))
    assert set(ids) - {seen[0], unseen} <= set(seen)


def test_featured_sections_come_from_the_schedule(
    api: JsonClient, lambdas: Any, frozen_clock: Any
) -> None:
    frozen_clock.set(datetime(2026, 12, 2, 12, tzinfo=UTC))  # a Wednesday
    rated = create_talent(api, "star@example.com")
    _set_rating(rated["id"], 48, 10)
    weekend = create_talent(api, "weekend@example.com", categories=["music.dj"])
    api.put(
        f"/v1/talent/{weekend['id']}/availability",
        as_user="weekend@example.com",
        json_body={"weekly": ["sat"]},
    )
    assert api.get("/v1/featured").body == {"sections": []}
    event = lambdas.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    lambdas.lambda_.invoke("featured_refresh", event)
    sections = {
        s["key"]: [i["id"] for i in s["items"]] for s in api.get("/v1/featured").body["sections"]
    }
    assert sections["new"] == [weekend["id"], rated["id"]]
    assert sections["weekend"] == [weekend["id"]]
    assert sections["top-fire-led"] == [rated["id"]]
    assert "top-music" not in sections  # nobody rated there yet


def test_skills_found_only_among_skills_are_found(api: JsonClient) -> None:
    # A word bucket has a tier-0 part (name/headline) and a tier-1 part (skills only);
    # a skills search without q must read both (found by the oracle test).
    talent = create_talent(api, "skills@example.com", skills=["weddings"], headline="Fire shows")
    assert _search(api, skills="weddings") == [talent["id"]]
    assert _search(api, skills="weddings", sort="rating") == [talent["id"]]

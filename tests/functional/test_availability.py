"""Availability: explicit days over a weekly plan, booked days, local dates across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from chalicelib.domain.availability import local_date
from chalicelib.models import keys
from chalicelib.models.calendar import BookedDayItem
from tests.functional.factories import create_talent
from tests.support import JsonClient


def _put(api: JsonClient, email: str, talent_id: str, body: dict[str, object]) -> object:
    return api.put(f"/v1/talent/{talent_id}/availability", as_user=email, json_body=body)


def _get(api: JsonClient, talent_id: str, first: str, last: str, **options: object) -> object:
    return api.get(f"/v1/talent/{talent_id}/availability?from={first}&to={last}", **options)


def _mark_booked(talent_id: str, day: str) -> None:
    BookedDayItem(
        keys.calendar_pk(talent_id),
        keys.calendar_booked_sk(day),
        talent_id=talent_id,
        day=day,
        booking_id="B1",
    ).save()


def test_days_override_the_weekly_plan(api: JsonClient) -> None:
    talent = create_talent(api, "cal@example.com")
    # 2026-12-04 is a Friday, 2026-12-05 a Saturday
    reply = _put(
        api,
        "cal@example.com",
        talent["id"],
        {"weekly": ["fri", "sat"], "days": [{"date": "2026-12-05", "available": False}]},
    )
    assert reply.status == 200, reply.body  # type: ignore[attr-defined]
    days = _get(api, talent["id"], "2026-12-03", "2026-12-06").body["days"]  # type: ignore[attr-defined]
    assert [(d["date"], d["available"], d["source"]) for d in days] == [
        ("2026-12-03", False, "weekly"),
        ("2026-12-04", True, "weekly"),
        ("2026-12-05", False, "day"),
        ("2026-12-06", False, "weekly"),
    ]


def test_without_a_plan_days_are_unavailable(api: JsonClient) -> None:
    talent = create_talent(api, "blank@example.com")
    days = _get(api, talent["id"], "2026-12-01", "2026-12-02").body["days"]  # type: ignore[attr-defined]
    assert [(d["date"], d["available"], d["booked"], d["source"]) for d in days] == [
        ("2026-12-01", False, False, "none"),
        ("2026-12-02", False, False, "none"),
    ]


def test_booked_days_show_as_booked(api: JsonClient) -> None:
    talent = create_talent(api, "busy@example.com")
    _put(
        api, "busy@example.com", talent["id"], {"days": [{"date": "2026-12-10", "available": True}]}
    )
    _mark_booked(talent["id"], "2026-12-10")
    # Setting the day again must not clear the booking.
    _put(
        api, "busy@example.com", talent["id"], {"days": [{"date": "2026-12-10", "available": True}]}
    )
    [day] = _get(api, talent["id"], "2026-12-10", "2026-12-10").body["days"]  # type: ignore[attr-defined]
    assert (day["available"], day["booked"]) == (True, True)


def test_a_whole_year_at_once(api: JsonClient) -> None:
    talent = create_talent(api, "year@example.com")
    start = date(2027, 1, 1)
    days = [
        {"date": (start + timedelta(days=i)).isoformat(), "available": i % 2 == 0}
        for i in range(366)
    ]
    assert _put(api, "year@example.com", talent["id"], {"days": days}).status == 200  # type: ignore[attr-defined]
    last = (start + timedelta(days=365)).isoformat()
    got = _get(api, talent["id"], start.isoformat(), last).body["days"]  # type: ignore[attr-defined]
    assert [d["available"] for d in got] == [i % 2 == 0 for i in range(366)]


def test_bad_requests_change_nothing(api: JsonClient) -> None:
    talent = create_talent(api, "badcal@example.com")
    tid = talent["id"]
    bad_bodies = [
        {"days": [{"date": "2026-02-30", "available": True}]},
        {"days": [{"date": "12/01/2026", "available": True}]},
        {"days": [{"date": "2026-12-01", "available": "yes"}]},
        {
            "days": [
                {"date": "2026-12-01", "available": True},
                {"date": "2026-12-01", "available": False},
            ]
        },
        {
            "days": [
                {"date": "2026-01-01", "available": True},
                {"date": "2027-01-02", "available": True},
            ]
        },
        {
            "days": [
                {"date": (date(2027, 1, 1) + timedelta(days=i)).isoformat(), "available": True}
                for i in range(367)
            ]
        },
        {"weekly": ["funday"]},
        {"weekly": ["mon"], "clear_weekly": True},
    ]
    for body in bad_bodies:
        reply = _put(api, "badcal@example.com", tid, body)
        assert reply.status == 400, body  # type: ignore[attr-defined]
    days = _get(api, tid, "2026-01-01", "2026-12-31").body["days"]  # type: ignore[attr-defined]
    assert len(days) == 365
    assert [d["date"] for d in days if d["available"] or d["source"] != "none"] == []
    for first, last in (
        ("2026-12-02", "2026-12-01"),
        ("2026-01-01", "2027-01-02"),
        ("x", "2026-01-01"),
    ):
        assert _get(api, tid, first, last).status == 400  # type: ignore[attr-defined]
    assert api.get(f"/v1/talent/{tid}/availability").status == 400


def test_only_the_owner_sets_availability(api: JsonClient) -> None:
    talent = create_talent(api, "mycal@example.com")
    body = {"days": [{"date": "2026-12-01", "available": True}]}
    assert _put(api, "other@example.com", talent["id"], body).status == 403  # type: ignore[attr-defined]
    assert api.put(f"/v1/talent/{talent['id']}/availability", json_body=body).status == 401
    [day] = _get(api, talent["id"], "2026-12-01", "2026-12-01").body["days"]  # type: ignore[attr-defined]
    assert day["available"] is False


def test_dst_changes_do_not_shift_days(api: JsonClient) -> None:
    # GIVEN a New York talent available on Sundays only, across the 2027 spring-forward
    # (Sunday 14 March) and fall-back (Sunday 7 November) changes
    talent = create_talent(
        api,
        "ny@example.com",
        timezone="America/New_York",
        location={"city": "New York", "country": "US", "lat": 40.71, "lng": -74.0},
    )
    _put(api, "ny@example.com", talent["id"], {"weekly": ["sun"]})
    for first, last, sunday in (
        ("2027-03-13", "2027-03-15", "2027-03-14"),
        ("2027-11-06", "2027-11-08", "2027-11-07"),
    ):
        days = _get(api, talent["id"], first, last).body["days"]  # type: ignore[attr-defined]
        assert [d["date"] for d in days if d["available"]] == [sunday]
    # AND an instant late on the DST day is still that local day, not the next
    late = datetime(2027, 3, 15, 3, 30, tzinfo=UTC)  # 23:30 on 14 March in New York (EDT)
    assert local_date(late, "America/New_York") == date(2027, 3, 14)
    assert local_date(late, "Asia/Baghdad") == date(2027, 3, 15)


def test_hidden_talent_availability_is_hidden(api: JsonClient) -> None:
    talent = create_talent(api, "gone@example.com")
    api.patch(
        f"/v1/talent/{talent['id']}", as_user="gone@example.com", json_body={"is_active": False}
    )
    assert _get(api, talent["id"], "2026-12-01", "2026-12-01").status == 404  # type: ignore[attr-defined]
    assert (
        _get(api, talent["id"], "2026-12-01", "2026-12-01", as_user="gone@example.com").status
        == 200
    )  # type: ignore[attr-defined]

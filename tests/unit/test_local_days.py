"""Which local dates an event covers in the talent's time zone, without AWS."""

from __future__ import annotations

from datetime import UTC, date, datetime

from chalicelib.domain.availability import local_date, local_days


def test_an_event_ending_at_local_midnight_does_not_take_the_next_day() -> None:
    # 18:00 to 24:00 in Baghdad (UTC+3) is 15:00 to 21:00 UTC.
    start = datetime(2027, 5, 1, 15, tzinfo=UTC)
    end = datetime(2027, 5, 1, 21, tzinfo=UTC)
    assert local_days(start, end, "Asia/Baghdad") == [date(2027, 5, 1)]
    assert local_days(start, end.replace(minute=1), "Asia/Baghdad") == [
        date(2027, 5, 1),
        date(2027, 5, 2),
    ]


def test_the_days_are_the_talents_not_utcs() -> None:
    # 22:00 UTC on 14 March to 02:00 UTC on 15 March: one day in New York, the 15th in Baghdad.
    start = datetime(2027, 3, 14, 22, tzinfo=UTC)
    end = datetime(2027, 3, 15, 2, tzinfo=UTC)
    assert local_days(start, end, "America/New_York") == [date(2027, 3, 14)]
    assert local_days(start, end, "Asia/Baghdad") == [date(2027, 3, 15)]
    assert local_date(start, "Asia/Baghdad") == date(2027, 3, 15)


def test_a_multi_day_event_lists_every_day_across_a_dst_change() -> None:
    start = datetime(2027, 3, 13, 15, tzinfo=UTC)
    end = datetime(2027, 3, 16, 15, tzinfo=UTC)
    days = local_days(start, end, "America/New_York")
    assert days == [date(2027, 3, 13), date(2027, 3, 14), date(2027, 3, 15), date(2027, 3, 16)]

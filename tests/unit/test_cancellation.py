"""The refund a cancellation grants, at every boundary of every policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.cancellation import refund

START = datetime(2026, 12, 20, 18, 0, tzinfo=UTC)
PAID = 300_001  # odd, to see the rounding
SECOND = timedelta(seconds=1)


def _percent(policy: str, before: timedelta, timezone: str = "Asia/Baghdad") -> int:
    return refund(
        policy, PAID, START, START - before, timezone=timezone, cancelled_by="customer"
    ).percent  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("policy", "before", "percent"),
    [
        ("flexible", timedelta(days=30), 100),
        ("flexible", timedelta(hours=24), 100),
        ("flexible", timedelta(hours=24) - SECOND, 0),
        ("flexible", timedelta(0), 0),
        ("moderate", timedelta(hours=72), 100),
        ("moderate", timedelta(hours=72) - SECOND, 50),
        ("moderate", timedelta(hours=24), 50),
        ("moderate", timedelta(hours=24) - SECOND, 0),
        ("moderate", -timedelta(hours=1), 0),
        ("strict", timedelta(days=7), 50),
        ("strict", timedelta(days=7) - SECOND, 0),
        ("strict", timedelta(days=60), 50),
    ],
)
def test_boundaries(policy: str, before: timedelta, percent: int) -> None:
    assert _percent(policy, before) == percent


def test_half_refunds_round_down_to_the_minor_unit() -> None:
    result = refund(
        "moderate",
        PAID,
        START,
        START - timedelta(hours=48),
        timezone="UTC",
        cancelled_by="customer",
    )
    assert (result.percent, result.amount) == (50, 150_000)


@pytest.mark.parametrize("who", ["talent", "system"])
def test_a_talent_or_platform_cancellation_refunds_everything(who: str) -> None:
    late = START - timedelta(minutes=5)
    assert refund("strict", PAID, START, late, timezone="UTC", cancelled_by=who).amount == PAID  # type: ignore[arg-type]


def test_seven_days_are_calendar_days_in_the_talents_zone() -> None:
    # GIVEN a New York booking at 18:00 on Sunday 8 March 2026 (EDT: the clocks went forward
    # that morning); seven local days earlier is 18:00 on 1 March (EST), only 167 h before
    start = datetime(2026, 3, 8, 22, 0, tzinfo=UTC)
    boundary = datetime(2026, 3, 1, 23, 0, tzinfo=UTC)
    assert start - boundary == timedelta(hours=167)
    # THEN the boundary itself still earns the refund, one second later does not
    assert (
        refund(
            "strict", 100, start, boundary, timezone="America/New_York", cancelled_by="customer"
        ).percent
        == 50
    )
    late = boundary + SECOND
    assert (
        refund(
            "strict", 100, start, late, timezone="America/New_York", cancelled_by="customer"
        ).percent
        == 0
    )
    # AND in a zone without the change, seven days are 168 h as usual
    baghdad_boundary = start - timedelta(days=7)
    assert (
        refund(
            "strict", 100, start, baghdad_boundary, timezone="Asia/Baghdad", cancelled_by="customer"
        ).percent
        == 50
    )
    assert (
        refund(
            "strict",
            100,
            start,
            baghdad_boundary + SECOND,
            timezone="Asia/Baghdad",
            cancelled_by="customer",
        ).percent
        == 0
    )


@given(
    policy=st.sampled_from(["flexible", "moderate", "strict"]),
    paid=st.integers(0, 10**12),
    earlier=st.integers(0, 90 * 24 * 3600),
    later=st.integers(0, 90 * 24 * 3600),
)
def test_cancelling_earlier_never_refunds_less(
    policy: str, paid: int, earlier: int, later: int
) -> None:
    early, late = sorted([earlier, later], reverse=True)
    first = refund(
        policy,
        paid,
        START,
        START - timedelta(seconds=early),
        timezone="Asia/Baghdad",
        cancelled_by="customer",
    )  # type: ignore[arg-type]
    second = refund(
        policy,
        paid,
        START,
        START - timedelta(seconds=late),
        timezone="Asia/Baghdad",
        cancelled_by="customer",
    )  # type: ignore[arg-type]
    assert first.amount >= second.amount
    assert 0 <= second.amount <= paid


def test_amounts_are_integers() -> None:
    with pytest.raises(ValueError):
        refund("flexible", 10.5, START, START, timezone="UTC", cancelled_by="customer")  # type: ignore[arg-type]

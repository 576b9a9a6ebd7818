"""Timers that keep failing: backed off (later, growing, jittered) so they never starve the
rest of their shard, parked as dead after TIMER_MAX_ATTEMPTS, listed to admins and retried
by them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chalicelib.models import timer_items
from tests.functional.deals import ADMIN, CUSTOMER, book, talent_with_service
from tests.support import JsonClient

HOUR = 3600


def _sweep() -> Any:
    from chalicelib.workers import timer_kinds
    from chalicelib.workers import timer_sweep as sweeper

    timer_kinds.load()
    return sweeper.sweep()


def _poisoned_ids(count: int, shard: int) -> list[str]:
    """Ids that land in `shard`: a shard whose head is all poison is the starving case."""
    found: list[str] = []
    n = 0
    while len(found) < count:
        candidate = f"poison-{n:05d}"
        if timer_items._shard(candidate) == shard:
            found.append(candidate)
        n += 1
    return found


def _plant_poison(ids: list[str], due_at: Any) -> None:
    # A transition timer without its subject in the payload fails on every attempt.
    with timer_items.TimerItem.batch_write() as batch:
        for timer_id in ids:
            batch.save(timer_items.build(timer_id, "process.transition", "nothing", due_at, {}))


def _stored(timer_id: str) -> timer_items.TimerItem | None:
    from chalicelib.models import keys

    try:
        return timer_items.TimerItem.get(
            keys.timer_pk(timer_id), keys.TIMER_SK, consistent_read=True
        )
    except timer_items.TimerItem.DoesNotExist:
        return None


def _booking_expiry(booking_id: str) -> str:
    from chalicelib.models import subjects

    booking = subjects.require("booking", booking_id)
    (expiry,) = [t for t in booking.armed_timers if t.endswith("-expire_request")]
    return expiry


def test_101_failing_timers_do_not_starve_a_good_one_in_their_shard(
    api: JsonClient, frozen_clock: Any
) -> None:
    _, service = talent_with_service(api)
    booking = book(api, service["id"])
    good = _booking_expiry(booking["id"])
    assert _stored(good) is not None
    poison = _poisoned_ids(101, timer_items._shard(good))
    _plant_poison(poison, frozen_clock.now())
    frozen_clock.advance(49 * HOUR)

    report = _sweep()

    state = api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body["state"]
    assert state == "expired"
    assert report.fired >= 1 and report.failed == 101
    # Every poisoned timer now waits for its next attempt, out of the due range.
    assert not [t for t in timer_items.due(frozen_clock.now()) if t.id in set(poison)]
    retried = _stored(poison[0])
    assert retried is not None and retried.attempts == 1
    assert retried.due_at > frozen_clock.now()


def test_backoff_grows_and_is_jittered(api: JsonClient, frozen_clock: Any) -> None:
    ids = ["poison-a", "poison-b"]
    _plant_poison(ids, frozen_clock.now())
    delays: dict[str, list[timedelta]] = {timer_id: [] for timer_id in ids}
    for _ in range(3):
        _sweep()
        for timer_id in ids:
            item = _stored(timer_id)
            assert item is not None
            delays[timer_id].append(item.due_at - frozen_clock.now())
        frozen_clock.advance(24 * HOUR)
    for series in delays.values():
        assert series[0] > timedelta(0)
        assert series[0] < series[1] < series[2], series
    # Two timers failing together do not come back in lockstep.
    assert delays["poison-a"] != delays["poison-b"]


def _fail_until_dead(frozen_clock: Any, timer_id: str) -> None:
    from chalicelib.settings import get_settings

    for _ in range(get_settings().timer_max_attempts):
        _sweep()
        frozen_clock.advance(48 * HOUR)


def test_a_timer_failing_max_attempts_is_parked_dead_and_listed_to_admins(
    api: JsonClient, frozen_clock: Any
) -> None:
    _plant_poison(["poison-dead"], frozen_clock.now())
    _fail_until_dead(frozen_clock, "poison-dead")

    parked = _stored("poison-dead")
    assert parked is not None and parked.state == "dead"
    assert parked.gsi3pk is None  # out of the sweep's index for good
    assert "poison-dead" not in {
        t.id for t in timer_items.due(frozen_clock.now() + timedelta(days=400))
    }
    listed = api.get("/v1/admin/timers?state=dead", as_user=ADMIN)
    assert listed.status == 200, listed.body
    items = listed.body["items"]
    assert [item["id"] for item in items] == ["poison-dead"]
    assert items[0]["attempts"] >= 1 and items[0]["last_error"]
    assert items[0]["kind"] == "process.transition"

    refused = api.get("/v1/admin/timers?state=dead", as_user=CUSTOMER)
    assert refused.status == 403


def test_an_admin_retries_a_dead_timer_once(api: JsonClient, frozen_clock: Any) -> None:
    _plant_poison(["poison-retry"], frozen_clock.now())
    _fail_until_dead(frozen_clock, "poison-retry")

    stranger = api.post("/v1/admin/timers/poison-retry/retry", as_user=CUSTOMER)
    assert stranger.status == 403
    assert _stored("poison-retry").state == "dead"  # type: ignore[union-attr]

    retried = api.post("/v1/admin/timers/poison-retry/retry", as_user=ADMIN)
    assert retried.status == 200, retried.body
    assert retried.body["state"] == "scheduled" and retried.body["attempts"] == 0
    assert "poison-retry" in {t.id for t in timer_items.due(frozen_clock.now())}
    assert api.get("/v1/admin/timers?state=dead", as_user=ADMIN).body["items"] == []

    again = api.post("/v1/admin/timers/poison-retry/retry", as_user=ADMIN)
    assert again.status == 409 and again.error_code == "CONFLICT"
    missing = api.post("/v1/admin/timers/nothing-here/retry", as_user=ADMIN)
    assert missing.status == 404 and missing.error_code == "NOT_FOUND"


@pytest.mark.parametrize("state", ["alive", ""])
def test_an_unknown_state_filter_is_a_400(api: JsonClient, state: str) -> None:
    reply = api.get(f"/v1/admin/timers?state={state}", as_user=ADMIN)
    assert reply.status == 400 and reply.error_code == "VALIDATION_ERROR"

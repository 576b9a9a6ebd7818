"""Publication: blind reviews become visible together, when the second party reviews or
when the window closes. The window's end is a timer of the timers sweep (it survives
restarts, and the local clock moves it); the sweep's transaction publishes what was
written, moves the sums and consumes the timer, so it fires once."""

from __future__ import annotations

from datetime import datetime

from chalicelib import clock
from chalicelib.domain import reviews as rules
from chalicelib.models import keys, review_items, search_index, timer_items
from chalicelib.models.thread_items import fetch
from chalicelib.models.writes import Writes, delete, save
from chalicelib.usecases.reviews import events

WINDOW_TIMER = "reviews.window_end"


def _timer_id(subject_type: str, subject_id: str) -> str:
    return f"review-window-{subject_type}-{subject_id}"


def window_timer(
    subject_type: str, subject_id: str, completed_at: datetime
) -> timer_items.TimerItem:
    return timer_items.build(
        _timer_id(subject_type, subject_id),
        WINDOW_TIMER,
        f"{subject_type}#{subject_id}",
        rules.window_end(completed_at),
        {"subject_type": subject_type, "subject_id": subject_id},
    )


def arm_in(writes: Writes, subject_type: str, subject_id: str, completed_at: datetime) -> None:
    item = window_timer(subject_type, subject_id, completed_at)
    writes.add((item.pk, item.sk), "window", save(item))


def disarm_in(writes: Writes, subject_type: str, subject_id: str) -> None:
    item = timer_items.TimerItem(keys.timer_pk(_timer_id(subject_type, subject_id)), keys.TIMER_SK)
    writes.add((item.pk, item.sk), "window", delete(item))


def read_slots(subject_type: str, subject_id: str) -> dict[str, review_items.Slot]:
    """Both parties' slots in one BatchGetItem."""
    wanted = {
        role: review_items.slot_key(subject_type, subject_id, role)
        for role in (rules.CUSTOMER, rules.TALENT)
    }
    found = fetch(list(wanted.values()))
    return {
        role: review_items.to_slot(role, item)
        for role, key in wanted.items()
        if isinstance(item := found.get(key), review_items.ReviewSlotItem)
    }


def publish_slot_in(
    writes: Writes, subject: dict[str, str], slot: review_items.Slot, at: datetime
) -> timer_items.TimerItem:
    review_items.publish_in(writes, subject["type"], subject["id"], slot, at)
    return events.add_in(
        writes,
        events.REVIEW_PUBLISHED,
        review_id=slot.review_id,
        author_id=slot.author_id,
        reviewee_id=slot.reviewee.user_id,
        subject=subject,
    )


def close_window(timer: timer_items.Timer) -> None:
    """The window closed: publish whatever was written (the sums with it) and consume the
    timer in the same transaction."""
    subject = {"type": timer.payload["subject_type"], "id": timer.payload["subject_id"]}
    pending = [s for s in read_slots(subject["type"], subject["id"]).values() if not s.published]
    writes = Writes()
    item = timer_items.TimerItem(keys.timer_pk(timer.id), keys.TIMER_SK)
    writes.add((item.pk, item.sk), "window", delete(item, timer_items.TimerItem.pk.exists()))
    now = clock.now()
    published = [publish_slot_in(writes, subject, slot, now) for slot in pending]
    writes.commit("the review window was closed meanwhile")
    events.publish_now(published)
    # The sweep already fired this talent's reindex timer in this run, if it was due: the
    # reindex happens here rather than a sweep later (no request waits on it).
    for slot in pending:
        if slot.reviewee.type == rules.REVIEWEE_TALENT:
            search_index.refresh(slot.reviewee.id)

"""The domain events of reviews, written to the outbox in the transaction that causes them
and published right after the commit (the timers sweep retries a failed publish). While a
review is blind its event names it and its people, never its rating or words."""

from __future__ import annotations

from typing import Any

from chalicelib.models import outbox, timer_items
from chalicelib.models.writes import Writes, save

REVIEW_RECEIVED = "review.received"
REVIEW_PUBLISHED = "review.published"


def _detail(
    event_id: str, review_id: str, author_id: str, reviewee_user_id: str, subject: dict[str, str]
) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "review_id": review_id,
        "author_id": author_id,
        "reviewee_id": reviewee_user_id,
        "subject": subject,
    }


def add_in(
    writes: Writes,
    detail_type: str,
    *,
    review_id: str,
    author_id: str,
    reviewee_id: str,
    subject: dict[str, str],
) -> timer_items.TimerItem:
    # One event per review and kind: a retried transaction cannot announce twice.
    event_id = f"{detail_type}-{review_id}"
    detail = _detail(event_id, review_id, author_id, reviewee_id, subject)
    item = outbox.event_timer(event_id, detail_type, detail)
    writes.add((item.pk, item.sk), "outbox", save(item))
    return item


def publish_now(items: list[timer_items.TimerItem]) -> None:
    from chalicelib.usecases.conversations import events

    for item in items:
        events.publish_now(item)

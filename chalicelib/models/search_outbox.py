"""The outbox between talent data and the search index: a timer per talent saying "its
postings may be stale". It is armed before (or with) every change that shows in search and
consumed by the reindex that follows; if that reindex never runs, the timers sweep does
it. Saving it again only moves its due time, so a burst of changes is one reindex."""

from __future__ import annotations

from datetime import datetime

from chalicelib import clock
from chalicelib.models import timer_items

REINDEX_TIMER = "search.reindex"


def _timer_id(talent_id: str) -> str:
    return f"reindex-{talent_id}"


def timer_item(talent_id: str) -> timer_items.TimerItem:
    return timer_items.build(_timer_id(talent_id), REINDEX_TIMER, talent_id, clock.now(), {})


def mark_stale(talent_id: str) -> None:
    timer_item(talent_id).save()


def consume(talent_id: str, reindexed_from: datetime) -> bool:
    """Consume the entry unless a change re-armed it after the reindex began."""
    return timer_items.consume_if_due_by(_timer_id(talent_id), reindexed_from)

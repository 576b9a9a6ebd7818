"""Timer handlers of search: the outbox sweep that reindexes talent whose postings may be
stale (a request that changed them died before it could)."""

from __future__ import annotations

from chalicelib import clock
from chalicelib.models import search_index, search_outbox, timer_items
from chalicelib.workers.timer_sweep import register


@register(search_outbox.REINDEX_TIMER)
def reindex_stale_talent(timer: timer_items.Timer) -> None:
    started = clock.now()
    search_index.reindex(timer.subject)
    search_outbox.consume(timer.subject, started)

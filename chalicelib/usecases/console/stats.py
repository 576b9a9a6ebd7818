"""The stats worker's logic: each domain event moves the dashboard's counters once.

A `process.transition` moves its process's state counters (from → to), adds the payment of
a `payment_succeeded` / `balance_paid` to the day's GMV, and the platform fee of the
transition's settlement entry (if it posted one) to the day's revenue; the event's id mark
is in the same transaction, so a redelivery moves nothing. The talent of the subject is
then counted active for the day, once (its own mark)."""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from chalicelib import clock, observability
from chalicelib.domain import ledger as books
from chalicelib.models import keys, stats
from chalicelib.models import payment_items as payment_store
from chalicelib.models.ledger import EntryItem
from chalicelib.models.writes import TransactionConflictError, Writes

logger = logging.getLogger(__name__)

TRANSITION = "process.transition"
PAYMENT_TRANSITIONS = frozenset({"payment_succeeded", "balance_paid"})


def _gmv(detail: dict[str, Any]) -> dict[str, int]:
    params = detail.get("params") or {}
    payment_id = params.get("payment_id")
    if detail.get("transition") not in PAYMENT_TRANSITIONS or not payment_id:
        return {}
    payment = payment_store.get(str(payment_id))
    if payment is None:
        # Permanent (payments are recorded before a provider is asked): retrying would only
        # stop the state counters too. Counted and logged for admins instead.
        logger.error("stats: payment %s of event %s not found", payment_id, detail["event_id"])
        observability.count("StatsPaymentMissing")
        return {}
    return {f"gmv_{payment.currency}": payment.amount}


def _revenue(detail: dict[str, Any]) -> dict[str, int]:
    """The platform fee the transition's settlement posted (effects name it per version)."""
    subject = detail["subject"]
    entry_id = f"{subject['type']}-{subject['id']}-v{detail['version']}-settled"
    try:
        entry = EntryItem.get(keys.ledger_entry_pk(entry_id), keys.LEDGER_ENTRY_SK)
    except EntryItem.DoesNotExist:
        return {}
    figures: dict[str, int] = defaultdict(int)
    for posting in entry.postings or []:
        if posting["account"] == books.PLATFORM_REVENUE:
            figures[f"revenue_{posting['currency']}"] += int(posting["amount"])
    return dict(figures)


def count_transition(detail: dict[str, Any]) -> bool:
    """True when counted now, False when the event was counted before."""
    day = stats.day_of(clock.parse_rfc3339(detail["at"]))
    writes = Writes()
    stats.mark_event_in(writes, detail["event_id"])
    if detail.get("from") != detail.get("to"):
        stats.move_state_in(writes, detail["process"]["name"], detail.get("from"), detail["to"])
    stats.add_to_day_in(writes, day, {**_gmv(detail), **_revenue(detail)})
    counted = True
    try:
        writes.commit("the event was counted already")
    except TransactionConflictError as conflict:
        if conflict.labels != ["stats_event"]:
            raise
        counted = False
    # Its own mark: a redelivery after a crash between the two still counts it once.
    talent_id = detail.get("talent_id")
    if talent_id:
        _count_active(day, str(talent_id))
    return counted


def _count_active(day: Any, talent_id: str) -> None:
    writes = Writes()
    stats.mark_active_in(writes, day, talent_id)
    stats.add_to_day_in(writes, day, {"active_talent": 1})
    try:
        writes.commit("counted active already")
    except TransactionConflictError as conflict:
        if conflict.labels != ["stats_active"]:
            raise


def handle(detail_type: str, detail: dict[str, Any]) -> None:
    if detail_type == TRANSITION:
        counted = count_transition(detail)
        logger.info("stats: %s %s", detail["event_id"], "counted" if counted else "seen before")
        return
    raise ValueError(f"the stats worker does not count {detail_type!r} events")

"""Reports of content or people: the moderation queue (GSI1 `REPORTS#<state>`, oldest
first) and its decisions, each a conditional move out of `open`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from chalicelib import clock
from chalicelib.models import keys, pagination
from chalicelib.models.base import Item
from chalicelib.models.writes import Writes, save

OPEN = "open"
DECIDED = "decided"
# The reason of a report that is an author's appeal of their hidden content.
APPEAL_REASON = "appeal"


class ReportItem(Item, discriminator="report"):
    report_id = UnicodeAttribute()
    reporter_id = UnicodeAttribute()
    target_type = UnicodeAttribute()
    target_id = UnicodeAttribute()
    reason = UnicodeAttribute()
    details = UnicodeAttribute(null=True)
    state = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    decision = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    decided_at = UTCDateTimeAttribute(null=True)


@dataclass(frozen=True)
class Report:
    id: str
    reporter_id: str
    target_type: str
    target_id: str
    reason: str
    details: str | None
    state: str
    created_at: datetime
    decision: str | None = None
    note: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None


def _item(report: Report) -> ReportItem:
    return ReportItem(
        keys.report_pk(report.id),
        keys.REPORT_SK,
        report_id=report.id,
        reporter_id=report.reporter_id,
        target_type=report.target_type,
        target_id=report.target_id,
        reason=report.reason,
        details=report.details,
        state=report.state,
        created_at=report.created_at,
        gsi1pk=keys.reports_by_state_gsi1pk(report.state),
        gsi1sk=f"{clock.to_rfc3339(report.created_at)}#{report.id}",
    )


def create(report: Report) -> Report:
    """Stored once, open, in the moderation queue (GSI1 by state, oldest first)."""
    _item(report).save(condition=ReportItem.pk.does_not_exist())
    return report


def create_in(writes: Writes, report: Report) -> None:
    """The same, inside a transaction (an appeal queues its review with the appeal mark)."""
    item = _item(report)
    writes.add((item.pk, item.sk), "report", save(item, ReportItem.pk.does_not_exist()))


def _to_report(item: ReportItem) -> Report:
    return Report(
        item.report_id,
        item.reporter_id,
        item.target_type,
        item.target_id,
        item.reason,
        item.details,
        item.state,
        item.created_at,
        item.decision,
        item.note,
        item.decided_by,
        item.decided_at,
    )


def get(report_id: str) -> Report | None:
    try:
        item = ReportItem.get(keys.report_pk(report_id), keys.REPORT_SK, consistent_read=True)
    except ReportItem.DoesNotExist:
        return None
    return _to_report(item)


def list_by_state(state: str, limit: int, cursor: str | None) -> tuple[list[Report], str | None]:
    """The moderation queue: one Query on GSI1, oldest first, cursor pages."""
    partition = keys.reports_by_state_gsi1pk(state)
    results = ReportItem.gsi1.query(
        partition,
        scan_index_forward=True,
        limit=limit,
        page_size=limit,
        last_evaluated_key=pagination.decode(cursor, {"GSI1PK": partition}),
    )
    found = [_to_report(item) for item in results if isinstance(item, ReportItem)]
    return found, pagination.encode(results.last_evaluated_key)


def decide_in(
    writes: Writes, report: Report, *, action: str, note: str, actor_id: str, at: datetime
) -> Report:
    """Out of the open queue into `decided`, once (a second decision is a conflict)."""
    item = ReportItem(keys.report_pk(report.id), keys.REPORT_SK)
    actions: list[Any] = [
        ReportItem.state.set(DECIDED),
        ReportItem.decision.set(action),
        ReportItem.note.set(note),
        ReportItem.decided_by.set(actor_id),
        ReportItem.decided_at.set(at),
        ReportItem.gsi1pk.set(keys.reports_by_state_gsi1pk(DECIDED)),
    ]
    writes.add_first(
        (item.pk, item.sk),
        "report",
        lambda transaction: transaction.update(
            item, actions=actions, condition=ReportItem.state == OPEN
        ),
    )
    return replace(
        report, state=DECIDED, decision=action, note=note, decided_by=actor_id, decided_at=at
    )

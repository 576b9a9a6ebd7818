"""Reports of content or people, waiting for moderation (decided in a later issue)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from chalicelib import clock
from chalicelib.models import keys
from chalicelib.models.base import Item
from chalicelib.models.writes import Writes, save

OPEN = "open"


class ReportItem(Item, discriminator="report"):
    report_id = UnicodeAttribute()
    reporter_id = UnicodeAttribute()
    target_type = UnicodeAttribute()
    target_id = UnicodeAttribute()
    reason = UnicodeAttribute()
    details = UnicodeAttribute(null=True)
    state = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


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


def get(report_id: str) -> Report | None:
    try:
        item = ReportItem.get(keys.report_pk(report_id), keys.REPORT_SK, consistent_read=True)
    except ReportItem.DoesNotExist:
        return None
    return Report(
        item.report_id,
        item.reporter_id,
        item.target_type,
        item.target_id,
        item.reason,
        item.details,
        item.state,
        item.created_at,
    )

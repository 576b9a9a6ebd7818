"""Delivery reports and their QC, stored on the booking's own subject item (`report`,
`report_version`, `qc`, `qc_status`) and the admin's QC queue (docs/data-model.md Q1-Q6).

Transitions never write these attributes and the writes here never move the subject's
`version`, so neither disturbs the other's timers; where one decision depends on the other
(the completion's hold, a verdict's release) the write is conditioned on what was read.

The admin queue: a booking 7 days past delivery without a passing report gets an
escalation item in its own partition, on GSI1 under `QC_QUEUE#revise` sorted by when it
was escalated; a pass or a waiver deletes it in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from chalicelib import clock
from chalicelib.domain import qc as rules
from chalicelib.models import keys, pagination
from chalicelib.models.base import Item
from chalicelib.models.subjects import Subject, SubjectItem
from chalicelib.models.writes import Writes, delete, save

ESCALATION_SK = "QC#ESCALATED"
QUEUE_STATUS = "revise"


def queue_gsi1pk(status: str) -> str:
    return f"QC_QUEUE#{status}"


def queue_gsi1sk(escalated_iso: str, booking_id: str) -> str:
    return f"{escalated_iso}#{booking_id}"


class EscalationItem(Item, discriminator="qc_escalation"):
    booking_id = UnicodeAttribute()
    talent_id = UnicodeAttribute()
    talent_user_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    qc_status = UnicodeAttribute(null=True)  # as it was when escalated; None: no report
    escalated_at = UTCDateTimeAttribute()


@dataclass(frozen=True)
class Escalation:
    booking_id: str
    talent_id: str
    talent_user_id: str
    customer_id: str
    qc_status: str | None
    escalated_at: datetime


def _subject_item(booking_id: str) -> SubjectItem:
    return SubjectItem(keys.subject_pk("booking", booking_id), keys.SUBJECT_SK)


def _key(booking_id: str) -> tuple[str, str]:
    return (keys.subject_pk("booking", booking_id), keys.SUBJECT_SK)


def _status_was(status: str | None) -> Any:
    if status is None:
        return SubjectItem.qc_status.does_not_exist()
    return SubjectItem.qc_status == status


def submit_in(writes: Writes, booking: Subject, report: dict[str, Any], qc: dict[str, Any]) -> None:
    """The talent's report (the next version) and QC `pending`, if the booking is still
    reportable and nobody posted since `booking` was read. Q1."""
    version = booking.report_version
    condition = (
        SubjectItem.state.is_in(*rules.REPORTABLE_STATES)
        & (
            SubjectItem.report_version.does_not_exist()
            if version == 0
            else SubjectItem.report_version == version
        )
        & _status_was(booking.qc_status)
    )
    item = _subject_item(booking.id)
    actions: list[Any] = [
        SubjectItem.report.set(report),
        SubjectItem.report_version.set(version + 1),
        SubjectItem.qc.set(qc),
        SubjectItem.qc_status.set(qc["status"]),
    ]
    writes.add(
        _key(booking.id),
        "report",
        lambda t: t.update(item, actions=actions, condition=condition),
    )


def verdict_in(writes: Writes, booking: Subject, qc: dict[str, Any]) -> None:
    """QC's (or an admin's) verdict on the booking as read: written only if neither the
    booking (its version: state and held money) nor its report or QC moved since. Q2."""
    condition = (
        (SubjectItem.version == booking.version)
        & (
            SubjectItem.report_version.does_not_exist()
            if booking.report_version == 0
            else SubjectItem.report_version == booking.report_version
        )
        & _status_was(booking.qc_status)
    )
    item = _subject_item(booking.id)
    actions: list[Any] = [SubjectItem.qc.set(qc), SubjectItem.qc_status.set(qc["status"])]
    writes.add(
        _key(booking.id),
        "qc",
        lambda t: t.update(item, actions=actions, condition=condition),
    )


def escalate_in(writes: Writes, booking: Subject, now: datetime) -> None:
    """Into the admin's QC queue, once (a second escalation of one booking is refused). Q4."""
    item = EscalationItem(
        keys.subject_pk("booking", booking.id),
        ESCALATION_SK,
        booking_id=booking.id,
        talent_id=booking.talent_id,
        talent_user_id=booking.talent_user_id,
        customer_id=booking.customer_id,
        qc_status=booking.qc_status,
        escalated_at=now,
        gsi1pk=queue_gsi1pk(QUEUE_STATUS),
        gsi1sk=queue_gsi1sk(clock.to_rfc3339(now), booking.id),
    )
    writes.add((item.pk, item.sk), "escalation", save(item, EscalationItem.pk.does_not_exist()))


def unescalate_in(writes: Writes, booking_id: str) -> None:
    """Out of the admin's queue (if it was in it): QC passed or was waived. Q5."""
    item = EscalationItem(keys.subject_pk("booking", booking_id), ESCALATION_SK)
    writes.add((item.pk, item.sk), "unescalate", delete(item))


def _escalation(item: EscalationItem) -> Escalation:
    return Escalation(
        booking_id=item.booking_id,
        talent_id=item.talent_id,
        talent_user_id=item.talent_user_id,
        customer_id=item.customer_id,
        qc_status=item.qc_status,
        escalated_at=item.escalated_at,
    )


def queue(status: str, *, limit: int, cursor: str | None) -> tuple[list[Escalation], str | None]:
    """The admin's QC queue, oldest escalation first: one Query of GSI1. Q6."""
    partition = queue_gsi1pk(status)
    start = pagination.decode(cursor, {"GSI1PK": partition})
    results = EscalationItem.gsi1.query(
        partition, limit=limit, page_size=limit, last_evaluated_key=start
    )
    found = [_escalation(item) for item in results if isinstance(item, EscalationItem)]
    return found, pagination.encode(results.last_evaluated_key)

"""Nudges and escalation for a report-required booking, armed by its delivery.

`mark_delivered` runs the `open_qc` effect: in the delivery's own transaction it writes
three timers, 24 h and 48 h (a reminder to the talent) and 7 days (the admin's QC queue)
after delivery. Each carries a `when` guard (registered with the process engine's guards
below) that the sweep checks on a fresh read of the booking when the timer fires: a
reminder goes only while no report exists, the escalation only while QC is not open.

They are timers of their own rather than the booking process's state reminders because
those are disarmed when the booking leaves `delivered`, and a customer's early completion
must not silence them: the talent's money is held until the report passes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib import clock
from chalicelib.domain import qc as rules
from chalicelib.errors import ConflictError
from chalicelib.models import keys, outbox, qc_items, subjects, timer_items
from chalicelib.models.subjects import Subject
from chalicelib.models.writes import Writes, save
from chalicelib.usecases.process_registry import Catalogue, Change
from chalicelib.usecases.qc import gate
from chalicelib.usecases.subject_writes import DETAIL_REMINDER

CATALOGUE = Catalogue()

NUDGE_TIMER = "qc.nudge"
ESCALATE_TIMER = "qc.escalate"
REPORT_MISSING = "report_missing"
QC_NOT_OPEN = "qc_not_open"
# (name, after delivery, timer kind, when guard)
SCHEDULE: tuple[tuple[str, timedelta, str, str], ...] = (
    ("report_due_24h", timedelta(hours=24), NUDGE_TIMER, REPORT_MISSING),
    ("report_due_48h", timedelta(hours=48), NUDGE_TIMER, REPORT_MISSING),
    ("qc_escalation", timedelta(days=7), ESCALATE_TIMER, QC_NOT_OPEN),
)


@CATALOGUE.guard(REPORT_MISSING, "a delivery report was posted, or QC was waived")
def _report_missing(subject: Subject, now: datetime) -> bool:
    return subject.report_version == 0 and subject.qc_status not in rules.OPEN


@CATALOGUE.guard(QC_NOT_OPEN, "QC passed or was waived")
def _qc_not_open(subject: Subject, now: datetime) -> bool:
    return subject.qc_status not in rules.OPEN


def timer_id(booking_id: str, name: str) -> str:
    return f"qc-{booking_id}-{name}"


@CATALOGUE.effect("open_qc")
def _open_qc(change: Change) -> None:
    """On delivery of a report-required booking: the nudge and escalation timer_items."""
    if not change.data.get("report_required"):
        return
    booking_id = change.before.id
    change.data["delivered_at"] = clock.to_rfc3339(change.now)
    for name, after, kind, when in SCHEDULE:
        payload = {"booking_id": booking_id, "name": name, "when": when}
        item = timer_items.build(
            timer_id(booking_id, name), kind, booking_id, change.now + after, payload
        )
        change.writes.add((item.pk, item.sk), f"timer:{name}", save(item))


def _consume_in(writes: Writes, timer: timer_items.Timer) -> None:
    item = timer_items.TimerItem(keys.timer_pk(timer.id), keys.TIMER_SK)
    writes.add(
        (item.pk, item.sk),
        "timer",
        lambda t: t.delete(item, condition=timer_items.TimerItem.pk.exists()),
    )


def _applies(timer: timer_items.Timer) -> Subject | None:
    """The booking, if the timer's `when` guard holds on it now."""
    from chalicelib.usecases import process_wiring

    booking = subjects.get("booking", str(timer.payload["booking_id"]))
    if booking is None or not gate.awaits_report(booking):
        return None
    when = str(timer.payload["when"])
    if not process_wiring.load().guard_holds(when, booking, clock.now()):
        return None
    return booking


def _drop(timer: timer_items.Timer) -> None:
    timer_items.TimerItem(keys.timer_pk(timer.id), keys.TIMER_SK).delete()


def reminder_detail(timer: timer_items.Timer, booking: Subject) -> dict[str, Any]:
    """A `process.reminder`, so the notifications table and templates treat it as any."""
    return {
        "event_id": timer.id,  # one reminder per timer: consumers deduplicate on it
        "at": clock.to_rfc3339(clock.now()),
        "reminder": str(timer.payload["name"]),
        "subject": {"type": "booking", "id": booking.id},
        "state": booking.state,
        "notify": ["talent"],
        "customer_id": booking.customer_id,
        "talent_id": booking.talent_id,
        "talent_user_id": booking.talent_user_id,
    }


def fire_nudge(timer: timer_items.Timer) -> None:
    booking = _applies(timer)
    if booking is None:
        _drop(timer)
        return
    writes = Writes()
    _consume_in(writes, timer)
    entry = outbox.event_timer(timer.id, DETAIL_REMINDER, reminder_detail(timer, booking))
    writes.add((entry.pk, entry.sk), "outbox", save(entry))
    writes.commit("reminder already sent")


def fire_escalation(timer: timer_items.Timer) -> None:
    booking = _applies(timer)
    if booking is None:
        _drop(timer)
        return
    writes = Writes()
    _consume_in(writes, timer)
    qc_items.escalate_in(writes, booking, clock.now())
    try:
        writes.commit("already escalated")
    except ConflictError:
        _drop(timer)  # escalated before (a retried sweep): nothing more to do

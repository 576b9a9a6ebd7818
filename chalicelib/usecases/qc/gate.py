"""The QC gate in the ledger. A report-required booking's completion (or a dispute's
resolution, including the talent's share of a partial refund) puts the talent's net share in
`talent:<id>:pending` instead of `available`, and notes the hold on the booking (`qc_hold`);
QC `passed` or an admin's `waived` moves it to `available` with its own entry
(`booking-<id>-qc-release`, so exactly once) and schedules the payout then. A booking whose
QC was already open when it settled is paid as any.

Each side conditions its write on what it read of the other: the completion on the QC
status (models/qc_items.py never moves it back), the verdict on the booking's version. So when
the two race, the second to commit sees the first, and the money never stays stuck.

While a booking is `disputed` nothing is released: its money is in escrow (a dispute is
opened before completion), and a verdict on a disputed booking only records QC; the
dispute's resolution then releases straight to `available` if QC has opened meanwhile."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import ledger as books
from chalicelib.domain import qc as rules
from chalicelib.models import ledger as ledger_store
from chalicelib.models.subjects import Subject, SubjectItem
from chalicelib.models.writes import Writes
from chalicelib.usecases.process_registry import Change

HOLD = "qc_hold"


def _and_condition(change: Change, condition: object) -> None:
    existing = change.subject_condition
    change.subject_condition = condition if existing is None else existing & condition


def hold_in(change: Change, net: int, currency: str, settled_entry_id: str) -> bool:
    """In a completion's transaction: whether the talent's share goes to `pending`."""
    if not change.data.get("report_required"):
        return False
    status = change.before.qc_status
    if status in rules.OPEN:
        # Passed or waived before completion: paid as any booking. (Never moves back.)
        _and_condition(change, SubjectItem.qc_status.is_in(*rules.OPEN))
        return False
    _and_condition(
        change,
        SubjectItem.qc_status.does_not_exist() | ~SubjectItem.qc_status.is_in(*rules.OPEN),
    )
    if net > 0:
        change.data[HOLD] = {"amount": net, "currency": currency, "entry_id": settled_entry_id}
    return True


def awaits_report(booking: Subject) -> bool:
    """Whether the booking's money waits (or will wait) for its report: delivered and not
    settled, or settled with a share held for QC (a partial refund leaves one too)."""
    if booking.state in ("delivered", "completed", "disputed"):
        return True
    return booking.state in rules.HOLDING_STATES and bool(booking.data.get(HOLD))


def release_entry_id(booking_id: str) -> str:
    return f"booking-{booking_id}-qc-release"


def release_in(writes: Writes, booking: Subject, now: datetime) -> bool:
    """In the transaction that opens the gate (conditioned on `booking`'s version): what the
    completion held becomes available, and its payout is scheduled. False: nothing held
    (not settled yet, nothing to the talent, or disputed: frozen)."""
    hold = booking.data.get(HOLD)
    if not hold or booking.state not in rules.HOLDING_STATES:
        return False
    from chalicelib.usecases.payouts import scheduling

    amount, currency = int(hold["amount"]), str(hold["currency"])
    entry = books.qc_release(release_entry_id(booking.id), booking.talent_id, amount, currency)
    ledger_store.post_in(writes, entry)
    scheduling.schedule_payout_in(
        writes,
        talent_id=booking.talent_id,
        amount=amount,
        currency=currency,
        source_entry_id=entry.id,
        now=now,
    )
    return True

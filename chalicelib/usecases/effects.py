"""The guards and effects the process definitions name, for bookings, milestones and
contracts. Each adds actions to the transition's one transaction or edits the subject's
data; none reads anything. Money effects record what moved on the subject and post the
balanced ledger entry for it in the same transaction (docs/ledger.md)."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import cancellation, pricing
from chalicelib.domain import ledger as books
from chalicelib.errors import ValidationError
from chalicelib.models import keys, search_outbox, subjects, talent
from chalicelib.models import ledger as ledger_store
from chalicelib.models.calendar import BookedDayItem
from chalicelib.models.subjects import Subject
from chalicelib.models.writes import delete, save
from chalicelib.settings import get_settings
from chalicelib.usecases import refunds_owed
from chalicelib.usecases.contract_effects import settle_contract_later
from chalicelib.usecases.process_registry import Catalogue, Change
from chalicelib.usecases.qc import gate as qc_gate

CATALOGUE = Catalogue()
guard, effect, subject_hook = CATALOGUE.guard, CATALOGUE.effect, CATALOGUE.subject_hook


@guard("started", "the booking has not started yet")
def _started(subject: Subject, now: datetime) -> bool:
    return subject.start_at is not None and subject.start_at <= now


@guard("balance_unpaid", "the balance is paid")
def _balance_unpaid(subject: Subject, now: datetime) -> bool:
    return pricing.balance_due(subject.data) > 0


@guard("revisions_remaining", "no revisions remain under this contract")
def _revisions_remaining(subject: Subject, now: datetime) -> bool:
    return int(subject.data.get("revisions_used", 0)) < int(
        subject.data.get("revisions_allowed", 0)
    )


@guard("all_milestones_settled", "some milestones are still open")
def _all_settled(subject: Subject, now: datetime) -> bool:
    # Safe on the value read: a contract never gains milestones, so the count only falls.
    return subject.open_children == 0


@guard("no_escrow", "some milestones hold escrow; resolve them first")
def _no_escrow_read(subject: Subject, now: datetime) -> bool:
    return subject.held_children == 0


@effect("no_escrow")
def _no_escrow(change: Change) -> None:
    # A milestone may be funded between the read and the write: the write checks again.
    change.subject_condition = subjects.SubjectItem.held_children == 0


def _talent_counter(change: Change, counter: str) -> None:
    talent_id = change.before.talent_id
    item = talent.TalentItem(keys.talent_pk(talent_id), keys.PROFILE_SK)
    attribute = getattr(talent.TalentItem, counter)
    change.writes.add(
        (item.pk, item.sk),
        "talent",
        lambda t: t.update(
            item, actions=[attribute.add(1)], condition=talent.TalentItem.pk.exists()
        ),
    )
    # The counters rank talent in search: the outbox reindexes them.
    stale = search_outbox.timer_item(talent_id)
    change.writes.add_or_keep((stale.pk, stale.sk), "reindex", save(stale))


@effect("count_answered")
def _count_answered(change: Change) -> None:
    _talent_counter(change, "requests_answered")


@effect("count_completed")
def _count_completed(change: Change) -> None:
    _talent_counter(change, "completed_count")


@effect("set_price")
def _set_price(change: Change) -> None:
    price = change.params["price"]
    currency = change.data["price"]["currency"]
    if price["currency"] != currency:
        raise ValidationError(f"the quote must be in the booking's currency, {currency}")
    quoted = {"amount": int(price["amount"]), "currency": currency}
    pricing.check_price(quoted, get_settings().max_prices, what="the quote")
    deposit = pricing.deposit_of(quoted, int(change.data.get("deposit_percent", 0)))
    change.data["price"] = quoted
    if deposit is not None:
        change.data["deposit"] = deposit


def booked_days(subject: Subject) -> list[str]:
    return list(subject.data.get("days", ()))


@effect("claim_day")
def _claim_days(change: Change) -> None:
    subject = change.before
    for day in booked_days(subject):
        item = BookedDayItem(
            keys.calendar_pk(subject.talent_id),
            keys.calendar_booked_sk(day),
            talent_id=subject.talent_id,
            day=day,
            booking_id=subject.id,
        )
        change.writes.add(
            (item.pk, item.sk),
            "day",
            save(item, BookedDayItem.pk.does_not_exist()),
        )


@effect("release_day")
def _release_days(change: Change) -> None:
    subject = change.before
    for day in booked_days(subject):
        item = BookedDayItem(keys.calendar_pk(subject.talent_id), keys.calendar_booked_sk(day))
        change.writes.add(
            (item.pk, item.sk),
            "day",
            delete(item, BookedDayItem.booking_id == subject.id),
        )


@effect("post_escrow")
def _post_escrow(change: Change) -> None:
    before = change.before
    paid = (
        pricing.amount_due_now(before.data)
        if before.type == "booking"
        else dict(change.data["amount"])
    )
    provider = str(change.params.get("provider") or "direct")
    _funded_by(change, int(paid["amount"]), paid["currency"], provider)  # before `paid` is set
    change.data["paid"] = {**paid, "payment_id": change.params.get("payment_id")}
    change.data["provider"] = provider
    _post(
        change,
        books.payment_received(
            _entry_id(change, "received"),
            provider,
            books.escrow(before.type, before.id),
            int(paid["amount"]),
            paid["currency"],
        ),
    )


def _entry_id(change: Change, what: str) -> str:
    # One entry per transition of a subject: a retried transition cannot post twice.
    return f"{change.before.type}-{change.before.id}-v{change.before.version + 1}-{what}"


def _post(change: Change, entry: books.Entry | None) -> None:
    if entry is not None:
        ledger_store.post_in(change.writes, entry)


def _funded_by(change: Change, amount: int, currency: str, provider: str) -> None:
    refunds_owed.funded_by(change, amount, currency, provider)


def _owe_refund(change: Change, amount: int, currency: str) -> None:
    refunds_owed.owe(change, _entry_id(change, "refund"), amount, currency)


def _settle(
    change: Change, *, to_talent: int, to_customer: int, memo: str, gated: bool = False
) -> None:
    """`gated`: a completion, which a report-required booking's QC gate holds (qc.gate)."""
    before = change.before
    _owe_refund(change, to_customer, _currency(change))
    net = to_talent - books.fee(to_talent, get_settings().platform_fee_bps)
    held = gated and qc_gate.hold_in(change, net, _currency(change), _entry_id(change, "settled"))
    entry = books.settle(
        _entry_id(change, "settled"),
        escrow_account=books.escrow(before.type, before.id),
        currency=_currency(change),
        to_talent=to_talent,
        to_customer=to_customer,
        talent_id=before.talent_id,
        customer_id=before.customer_id,
        fee_bps=get_settings().platform_fee_bps,
        memo=memo,
        held_for_qc=held,
    )
    _post(change, entry)
    if entry is not None and net > 0 and not held:
        from chalicelib.usecases.payouts import scheduling

        # What the talent earned is paid out after the hold, from the same transaction.
        scheduling.schedule_payout_in(
            change.writes,
            talent_id=before.talent_id,
            amount=net,
            currency=_currency(change),
            source_entry_id=entry.id,
            now=change.now,
        )


def _paid(change: Change) -> int:
    return int((change.data.get("paid") or {}).get("amount", 0))


def _currency(change: Change) -> str:
    money = change.data.get("price") or change.data.get("amount") or {}
    return str(money.get("currency", ""))


@effect("refund_by_policy")
def _refund_by_policy(change: Change) -> None:
    subject = change.before
    start = subject.start_at or change.now
    refund = cancellation.refund(
        change.data.get("cancellation_policy", "moderate"),
        _paid(change),
        start,
        change.now,
        timezone=change.data.get("timezone", "UTC"),
        cancelled_by=change.actor,
    )
    change.data["refund"] = {
        "amount": refund.amount,
        "currency": _currency(change),
        "percent": refund.percent,
        "rule": refund.rule,
    }
    # What the policy does not refund is the talent's, as if delivered.
    _settle(
        change,
        to_talent=_paid(change) - refund.amount,
        to_customer=refund.amount,
        memo=f"cancelled: {refund.rule}",
    )


@effect("refund_in_full")
def _refund_in_full(change: Change) -> None:
    # The payment succeeded but never became this booking's: all of it goes back.
    paid = pricing.amount_due_now(change.before.data)
    provider = str(change.params.get("provider") or "direct")
    _funded_by(change, int(paid["amount"]), paid["currency"], provider)  # before `paid` is set
    change.data["paid"] = {**paid, "payment_id": change.params.get("payment_id")}
    change.data["cancel_reason"] = "slot_taken"
    change.data["refund"] = {
        "amount": int(paid["amount"]),
        "currency": paid["currency"],
        "percent": 100,
        "rule": "the day was confirmed for another booking",
    }
    change.data["provider"] = provider
    _owe_refund(change, int(paid["amount"]), paid["currency"])
    _post(
        change,
        books.received_and_owed_back(
            _entry_id(change, "owed-back"),
            provider,
            change.before.customer_id,
            int(paid["amount"]),
            paid["currency"],
        ),
    )


@effect("post_balance")
def _post_balance(change: Change) -> None:
    balance = pricing.balance_due(change.before.data)  # > 0: the balance_unpaid guard holds
    paid = dict(change.data.get("paid") or pricing.amount_due_now(change.before.data))
    provider = str(change.params.get("provider") or change.data.get("provider") or "direct")
    _funded_by(change, balance, paid["currency"], provider)  # before `paid` counts it
    change.data["paid"] = {**paid, "amount": int(paid["amount"]) + balance}
    change.data["balance_paid"] = True
    change.data["balance_payment_id"] = change.params.get("payment_id")
    before = change.before
    _post(
        change,
        books.payment_received(
            _entry_id(change, "balance"),
            provider,
            books.escrow(before.type, before.id),
            balance,
            paid["currency"],
        ),
    )


@effect("release_escrow")
def _release_escrow(change: Change) -> None:
    change.data["released"] = {"amount": _paid(change), "currency": _currency(change)}
    _settle(
        change, to_talent=_paid(change), to_customer=0, memo="released to the talent", gated=True
    )


@effect("settle_dispute")
def _settle_dispute(change: Change) -> None:
    paid = _paid(change)
    decision = change.params["decision"]
    refund = change.params.get("refund_amount")
    if decision == "refund":
        refund = paid if refund is None else int(refund)
        if refund > paid:
            raise ValidationError(f"refund_amount cannot exceed the {paid} paid")
    elif refund is not None:
        raise ValidationError("refund_amount goes with decision=refund")
    change.data["resolution"] = {
        "decision": decision,
        "refund_amount": refund or 0,
        "released_amount": paid - (refund or 0),
        "currency": _currency(change),
        "note": change.params.get("note"),
    }
    _settle(
        change,
        to_talent=paid - (refund or 0),
        to_customer=refund or 0,
        memo=f"dispute resolved: {decision}",
        gated=True,
    )


@effect("count_revision")
def _count_revision(change: Change) -> None:
    change.data["revisions_used"] = int(change.data.get("revisions_used", 0)) + 1


@effect("contract_active")
def _contract_active(change: Change) -> None:
    # Written by the milestone hook below, which owns the contract item in this transaction.
    change.requires.add("contract_active")


_HOLDING = frozenset({"funded", "submitted", "disputed"})
_SETTLED = frozenset({"released", "refunded", "cancelled"})
SETTLE_TIMER = "contract-settle"


@subject_hook("milestone")
def _move_contract_counts(change: Change) -> None:
    """A milestone's moves into and out of escrow, and its settlement, count on its contract;
    the contract completes once nothing is open (a timer in this transaction makes sure)."""
    source, target = change.before.state, change.decision.target
    held = (target in _HOLDING) - (source in _HOLDING)
    settled = target in _SETTLED and source not in _SETTLED
    active = "contract_active" in change.requires
    contract_id = change.before.data["contract_id"]
    key = (keys.subject_pk("contract", contract_id), keys.SUBJECT_SK)
    if held or settled:
        change.writes.add(
            key,
            "contract",
            lambda t: subjects.add_to_counters_in(
                t,
                "contract",
                contract_id,
                open_=-1 if settled else 0,
                held=held,
                require_state="active" if active else None,
            ),
        )
    elif active:
        change.writes.add(
            key, "contract", lambda t: subjects.check_state_in(t, "contract", contract_id, "active")
        )
    if settled:
        settle_contract_later(change, contract_id)

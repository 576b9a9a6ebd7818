"""Sending the refunds customers are owed: through the provider where it can refund (in
full, or in part where it allows), otherwise by an admin, who marks them settled. Either
way the ledger moves `customer:<id>:refunds -> provider:<name>` once, in the transaction
that records the refund done, and the same transaction announces `payment.refunded` with
the refund's own amount (full or partial) for the notifications worker to tell the payer."""

from __future__ import annotations

from chalicelib import clock
from chalicelib.domain import ledger as books
from chalicelib.errors import ConflictError, NotFoundError
from chalicelib.models import audit, keys, outbox, refund_items, timer_items
from chalicelib.models import ledger as ledger_store
from chalicelib.models import payment_items as payment_store
from chalicelib.models.writes import Writes, delete, save
from chalicelib.payments import registry
from chalicelib.payments.base import PaymentError


def _refund_from(timer: timer_items.Timer) -> refund_items.Refund:
    payload = timer.payload
    return refund_items.Refund(
        id=timer.id,
        customer_id=str(payload["customer_id"]),
        payment_id=str(payload.get("payment_id") or "") or None,
        provider=str(payload["provider"]),
        amount=int(payload["amount"]),
        currency=str(payload["currency"]),
        state="sending",
        provider_refund_ref=None,
        note=None,
        created_at=clock.now(),
    )


def _manual_reason(
    refund: refund_items.Refund, payment: payment_store.Payment | None
) -> str | None:
    """Why the provider cannot take this refund, if it cannot."""
    if payment is None or payment.provider_ref is None:
        return "no provider payment to refund against"
    if refund.provider not in registry.enabled():
        return f"{refund.provider} is not enabled"
    capabilities = registry.get(refund.provider).capabilities
    if not capabilities.refund:
        return f"{refund.provider} has no refund API"
    if refund.currency not in capabilities.currencies:
        return f"{refund.provider} does not refund in {refund.currency}"
    if refund.amount < _held(payment) and not capabilities.partial_refund:
        return f"{refund.provider} refunds only in full"
    return None


def _held(payment: payment_store.Payment) -> int:
    """What the provider took for this payment: what arrived, when that differed."""
    arrived = (payment.received or {}).get("amount")
    return int(arrived) if isinstance(arrived, int) else payment.amount


def send(timer: timer_items.Timer) -> None:
    """The `payments.refund` timer: claim, ask the provider, record; or hand to an admin."""
    refund = _refund_from(timer)
    existing = refund_items.get(refund.id)
    if existing is not None:
        # Claimed by an attempt that died after (perhaps) asking the provider: a person
        # checks rather than the provider being asked twice.
        if existing.state == "sending":
            _finish(timer, refund, "sending", "manual_pending", note="interrupted; verify first")
        else:
            _consume(timer)
        return
    payment = payment_store.get(refund.payment_id) if refund.payment_id else None
    reason = _manual_reason(refund, payment)
    refund_items.claim(refund)
    if reason is not None or payment is None or payment.provider_ref is None:
        _finish(timer, refund, "sending", "manual_pending", note=reason, payment=payment)
        return
    try:
        result = registry.get(refund.provider).refund(
            payment.provider_ref, refund.amount, refund.currency, reference=refund.id
        )
    except PaymentError as error:
        _finish(timer, refund, "sending", "manual_pending", note=error.message, payment=payment)
        return
    _finish(
        timer,
        refund,
        "sending",
        result.state,
        provider_refund_ref=result.refund_ref,
        payment=payment,
    )


def _consume(timer: timer_items.Timer) -> None:
    timer_items.TimerItem(keys.timer_pk(timer.id), keys.TIMER_SK).delete()


def _finish(
    timer: timer_items.Timer,
    refund: refund_items.Refund,
    from_state: str,
    to_state: str,
    *,
    provider_refund_ref: str | None = None,
    note: str | None = None,
    payment: payment_store.Payment | None = None,
) -> None:
    writes = Writes()
    item = timer_items.TimerItem(keys.timer_pk(timer.id), keys.TIMER_SK)
    writes.add((item.pk, item.sk), "timer", delete(item, timer_items.TimerItem.pk.exists()))
    refund_items.move_in(
        writes,
        refund.id,
        from_state=from_state,
        to_state=to_state,
        provider_refund_ref=provider_refund_ref,
        note=note,
    )
    # A payment that failed (the wrong amount arrived) keeps saying so; the refund record
    # tells how what arrived went back.
    shows_refund = payment is not None and payment.state != "failed"
    if to_state in ("refunded", "refund_pending"):
        _post_sent(writes, refund, payment)
        if payment is not None and shows_refund:
            payment_store.move_in(writes, payment, _refunded_state(refund, payment))
    elif to_state == "manual_pending" and payment is not None and shows_refund:
        # The payment shows the refund is owed until an admin settles it.
        payment_store.move_in(writes, payment, "refund_pending")
    writes.commit("the refund moved meanwhile")


def _refunded_state(refund: refund_items.Refund, payment: payment_store.Payment) -> str:
    return "refunded" if refund.amount >= _held(payment) else "partially_refunded"


def _post_sent(
    writes: Writes, refund: refund_items.Refund, payment: payment_store.Payment | None
) -> None:
    ledger_store.post_in(
        writes,
        books.refund_sent(
            f"{refund.id}-sent", refund.customer_id, refund.provider, refund.amount, refund.currency
        ),
    )
    _announce_in(writes, refund, payment)


REFUNDED_EVENT = "payment.refunded"


def _announce_in(
    writes: Writes, refund: refund_items.Refund, payment: payment_store.Payment | None
) -> None:
    """One event per refund (its id names it, so a retried transaction announces once),
    with the amount that went back; the notification links to the payment."""
    if refund.payment_id is None:
        return  # nothing to link to (no refund is owed without a payment today)
    event_id = f"{REFUNDED_EVENT}-{refund.id}"
    detail = {
        "event_id": event_id,
        "refund_id": refund.id,
        "payment_id": refund.payment_id,
        "customer_id": refund.customer_id,
        "talent_id": payment.talent_id if payment else None,
        "subject": ({"type": payment.subject_type, "id": payment.subject_id} if payment else None),
        "amount": {"amount": refund.amount, "currency": refund.currency},
        "partial": payment is not None and refund.amount < _held(payment),
        "at": clock.to_rfc3339(clock.now()),
    }
    entry = outbox.event_timer(event_id, REFUNDED_EVENT, detail)
    writes.add((entry.pk, entry.sk), "outbox", save(entry))


def settle_manually(refund_id: str, actor_id: str) -> refund_items.Refund:
    """An admin paid it back outside the provider: the ledger records it, once, and the
    audit log says who, in the same transaction."""
    refund = refund_items.get(refund_id)
    if refund is None:
        raise NotFoundError("refund not found")
    if refund.state != "manual_pending":
        raise ConflictError(f"a refund that is {refund.state} is not waiting for an admin")
    writes = Writes()
    refund_items.move_in(writes, refund.id, from_state="manual_pending", to_state="settled")
    audit.record(
        writes,
        actor_id=actor_id,
        action="refund.settle",
        target_type="refund",
        target_id=refund.id,
        before={"state": refund.state},
        after={"state": "settled", "amount": refund.amount, "currency": refund.currency},
    )
    payment = payment_store.get(refund.payment_id) if refund.payment_id else None
    _post_sent(writes, refund, payment)
    if payment is not None and payment.state == "refund_pending":  # never a failed one
        payment_store.move_in(writes, payment, _refunded_state(refund, payment))
    writes.commit("the refund moved meanwhile")
    settled = refund_items.get(refund_id)
    assert settled is not None
    return settled

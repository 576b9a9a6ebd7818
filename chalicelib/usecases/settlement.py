"""What a provider's "succeeded" becomes, whenever it arrives: the subject takes the money,
or the money is recorded and owed back in full; never "processed" with money unaccounted.

A success may come after we gave up on the payment (expired, cancelled, a failed cancel),
for a subject that moved on (the booking was cancelled, another payment confirmed it),
for a different amount or currency than we asked, or while other transactions collide
with ours. Each ends in exactly one outcome, written in one transaction with its ledger
entry: the subject's `payment_succeeded` (or `balance_paid`), or a refund owed."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from chalicelib.domain import ledger as books
from chalicelib.errors import ConflictError
from chalicelib.models import ledger as ledger_store
from chalicelib.models import payment_items, refund_items
from chalicelib.models.conditions import TransientConflictError, retry_transient
from chalicelib.models.writes import TransactionConflictError, Writes
from chalicelib.payments.base import ProviderStatus
from chalicelib.usecases import bookings, transitions

AMOUNT_MISMATCH = "amount_mismatch"
OWED_BACK = "the subject could not take it: refunded"
# States a provider's success still counts from: we gave up, the provider did not.
LATE_STATES = frozenset({"expired", "cancelled", "failed"})
# A subject that keeps moving under us is decided again, a few times, then left to the
# queue's retry.
_SUBJECT_ATTEMPTS = 3


def awaits_news(payment: payment_items.Payment) -> bool:
    """Whether a provider's word could still change this payment: pending, or given up on
    by us without the provider's money having been accounted for."""
    if payment.provider_ref is None:
        return False
    if payment.state == "pending":
        return True
    return payment.state in LATE_STATES and payment.received is None


def mismatch(payment: payment_items.Payment, status: ProviderStatus) -> bool:
    """Paid means our amount AND currency, both readable: anything else is not paid."""
    return status.amount != payment.amount or (status.currency or "").upper() != (
        payment.currency.upper()
    )


def received(status: ProviderStatus) -> dict[str, Any]:
    return {"amount": status.amount, "currency": status.currency}


def mismatch_note(payment: payment_items.Payment) -> str:
    return (
        f"amount_mismatch: payment {payment.id} asked {payment.amount} {payment.currency}, "
        f"the provider reports {payment.received}; what arrived is owed back"
    )


def list_mismatch_found_by_recheck(payment: payment_items.Payment) -> None:
    """No callback reported it (FastPay's IPN was lost): the recheck's finding is listed
    for admins as a failed report, once per payment."""
    payment_items.record_failed_report(
        f"recheck-{payment.id}",
        payment.provider,
        payment.provider_ref,
        json.dumps(payment.received),
        mismatch_note(payment),
    )


def take(
    payment_id: str, fire: Callable[[payment_items.Payment, Callable[[Writes], None]], None]
) -> None:
    """The subject takes the payment (`fire` applies its transition with `extra` in the same
    transaction), or, when the subject as it is now cannot, the money is owed back.
    Collisions with other transactions are retried; a failed condition is read for WHICH
    item failed: the payment (another delivery won), the subject (decide again)."""
    retry_transient(lambda: _take(payment_id, fire))


def _take(
    payment_id: str, fire: Callable[[payment_items.Payment, Callable[[Writes], None]], None]
) -> None:
    for _ in range(_SUBJECT_ATTEMPTS):
        payment = payment_items.require(payment_id)
        if not awaits_news(payment):
            return  # settled by an earlier delivery of the same news

        def mark(writes: Writes, payment: payment_items.Payment = payment) -> None:
            payment_items.move_in(writes, payment, "succeeded")

        try:
            fire(payment, mark)
            return
        except TransientConflictError:
            raise
        except TransactionConflictError as conflict:
            if "payment" in conflict.labels:
                return  # another delivery of the same news moved it first
            if "subject" in conflict.labels:
                continue  # the subject moved between our read and our write: decide again
            raise  # some other guard (a ledger balance): loud, retried, then an admin's
        except ConflictError:
            # Decided on the subject as it is now (its state, a guard): it cannot take it.
            owed_back(payment_items.require(payment_id), None)
            return
    raise TransientConflictError("the subject kept changing; retried later")


def owed_back(payment: payment_items.Payment, status: ProviderStatus | None) -> None:
    """Money arrived that no subject takes: recorded as received and owed back in full
    (the refunds timer sends it through the provider, or hands it to an admin). A payment
    for the wrong amount or currency ends `failed` (amount_mismatch) with what arrived."""
    if not awaits_news(payment):
        return
    wrong = status is not None and mismatch(payment, status)
    amount = int(status.amount) if wrong and status and status.amount else payment.amount
    currency = str(status.currency).upper() if wrong and status and status.currency else ""
    currency = currency or payment.currency
    knowable = not wrong or bool(status is not None and status.amount and status.currency)
    writes = Writes()
    if wrong:
        assert status is not None
        payment_items.move_in(
            writes, payment, "failed", failure=AMOUNT_MISMATCH, received=received(status)
        )
    else:
        payment_items.move_in(
            writes,
            payment,
            "succeeded",
            failure=OWED_BACK,
            received={"amount": payment.amount, "currency": payment.currency},
        )
    if knowable and amount > 0:
        _owe_in(writes, payment, amount, currency)
    # An unreadable amount cannot be booked or refunded by machine: the payment is failed
    # and listed for an admin (the webhook's note), who checks with the provider.
    try:
        retry_transient(lambda: writes.commit("the payment changed meanwhile"))
    except TransactionConflictError as conflict:
        if "payment" in conflict.labels or "ledger_entry" in conflict.labels:
            return  # another delivery recorded it
        raise


def _owe_in(writes: Writes, payment: payment_items.Payment, amount: int, currency: str) -> None:
    refund_items.owe_in(
        writes,
        refund_id=f"payment-{payment.id}-refund",
        customer_id=payment.payer_user_id,
        payment_id=payment.id,
        provider=payment.provider,
        amount=amount,
        currency=currency,
    )
    ledger_store.post_in(
        writes,
        books.received_and_owed_back(
            f"payment-{payment.id}-owed-back",
            payment.provider,
            payment.payer_user_id,
            amount,
            currency,
        ),
    )


def fire_for(payment: payment_items.Payment, mark: Callable[[Writes], None]) -> None:
    """The subject's transition for this payment, with `mark` in its transaction."""
    params = {"payment_id": payment.id, "provider": payment.provider}
    if payment.purpose == "balance":
        transitions.apply(
            "booking", payment.subject_id, "balance_paid", transitions.SYSTEM, params, extra=mark
        )
    elif payment.subject_type == "booking":
        bookings.confirm_payment(
            payment.subject_id, payment.id, provider=payment.provider, extra=mark
        )
    else:
        transitions.apply(
            payment.subject_type,
            payment.subject_id,
            "payment_succeeded",
            transitions.SYSTEM,
            params,
            extra=mark,
        )

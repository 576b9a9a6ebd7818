"""Payments (one per attempt to pay for a booking or milestone) and the raw webhooks that
report on them. A payment is found by our id, or by its provider's reference (webhooks
name only that) through a small pointer item written with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import DoesNotExist

from chalicelib import clock
from chalicelib.errors import NotFoundError
from chalicelib.models import exports, keys, timer_items
from chalicelib.models.base import Item
from chalicelib.models.conditions import conflict_on_condition_failure
from chalicelib.models.writes import Writes, save

OPEN_STATES = frozenset({"creating", "pending"})


class PaymentItem(Item, discriminator="payment"):
    payment_id = UnicodeAttribute()
    subject_type = UnicodeAttribute()
    subject_id = UnicodeAttribute()
    payer_user_id = UnicodeAttribute()
    talent_id = UnicodeAttribute()
    provider = UnicodeAttribute()
    order_ref = UnicodeAttribute()
    provider_ref = UnicodeAttribute(null=True)
    amount = NumberAttribute()
    currency = UnicodeAttribute()
    purpose = UnicodeAttribute(default="payment")  # payment (deposit or whole) or balance
    state = UnicodeAttribute()
    action = JSONAttribute(null=True)
    failure = UnicodeAttribute(null=True)
    # What the provider said arrived, kept when it is not what we asked for (or arrived for
    # a subject that could not take it): {amount, currency}, either null when unreadable.
    received = JSONAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()


class PaymentRefItem(Item, discriminator="payment_ref"):
    payment_id = UnicodeAttribute()


class WebhookItem(Item, discriminator="webhook"):
    webhook_id = UnicodeAttribute()
    provider = UnicodeAttribute()
    provider_ref = UnicodeAttribute(null=True)
    event_id = UnicodeAttribute(null=True)
    headers = JSONAttribute()
    body = UnicodeAttribute()
    state = UnicodeAttribute()  # received, processed, unmatched, failed
    note = UnicodeAttribute(null=True)
    # Raw callbacks are evidence for a while, not forever (models/webhook_retention.py).
    expires_at = TTLAttribute(null=True)
    received_at = UTCDateTimeAttribute()


@dataclass(frozen=True)
class Payment:
    id: str
    subject_type: str
    subject_id: str
    payer_user_id: str
    talent_id: str
    provider: str
    order_ref: str
    provider_ref: str | None
    amount: int
    currency: str
    state: str
    action: dict[str, Any] | None
    failure: str | None
    created_at: datetime
    updated_at: datetime
    purpose: str = "payment"
    received: dict[str, Any] | None = None


def _to_payment(item: PaymentItem) -> Payment:
    return Payment(
        id=item.payment_id,
        subject_type=item.subject_type,
        subject_id=item.subject_id,
        payer_user_id=item.payer_user_id,
        talent_id=item.talent_id,
        provider=item.provider,
        order_ref=item.order_ref,
        provider_ref=item.provider_ref,
        amount=int(item.amount),
        currency=item.currency,
        state=item.state,
        action=item.action,
        failure=item.failure,
        created_at=item.created_at,
        updated_at=item.updated_at,
        purpose=item.purpose or "payment",
        received=item.received,
    )


def start(payment: Payment) -> None:
    """Recorded before the provider is asked, so that nothing it creates goes unrecorded."""
    item = PaymentItem(
        keys.payment_pk(payment.id),
        keys.PAYMENT_SK,
        payment_id=payment.id,
        subject_type=payment.subject_type,
        subject_id=payment.subject_id,
        payer_user_id=payment.payer_user_id,
        talent_id=payment.talent_id,
        provider=payment.provider,
        order_ref=payment.order_ref,
        amount=payment.amount,
        currency=payment.currency,
        purpose=payment.purpose,
        state="creating",
        created_at=payment.created_at,
        updated_at=payment.updated_at,
        gsi1pk=keys.payments_of_subject_gsi1pk(payment.subject_type, payment.subject_id),
        gsi1sk=f"{clock.to_rfc3339(payment.created_at)}#{payment.id}",
        # Admin exports page through payments by creation day (models/exports.py).
        gsi3pk=exports.index_gsi3pk("payment", payment.created_at.date()),
        gsi3sk=exports.index_gsi3sk(payment.created_at, payment.id),
    )
    with conflict_on_condition_failure("payment already exists"):
        item.save(condition=PaymentItem.pk.does_not_exist())


def opened(payment_id: str, provider: str, provider_ref: str, action: dict[str, Any]) -> None:
    """The provider created it: pending, findable by its reference."""
    writes = Writes()
    item = PaymentItem(keys.payment_pk(payment_id), keys.PAYMENT_SK)
    writes.add(
        (item.pk, item.sk),
        "payment",
        lambda t: t.update(
            item,
            actions=[
                PaymentItem.state.set("pending"),
                PaymentItem.provider_ref.set(provider_ref),
                PaymentItem.action.set(action),
                PaymentItem.updated_at.set(clock.now()),
            ],
            condition=PaymentItem.state == "creating",
        ),
    )
    pointer = PaymentRefItem(
        keys.payment_by_ref_pk(provider, provider_ref), keys.PAYMENT_REF_SK, payment_id=payment_id
    )
    writes.add((pointer.pk, pointer.sk), "ref", save(pointer, PaymentRefItem.pk.does_not_exist()))
    check = recheck_timer(payment_id, clock.now() + RECHECK_AFTER)
    writes.add((check.pk, check.sk), "recheck", save(check))
    writes.commit("the payment changed meanwhile")


# Reconciliation: every pending payment is re-checked with its provider a few minutes after
# it opened, and again until it settles or is abandoned (FastPay reports no failures, FIB
# callbacks may never come).
RECHECK_TIMER = "payments.recheck"
RECHECK_AFTER = timedelta(minutes=3)


def recheck_timer(payment_id: str, due_at: datetime) -> timer_items.TimerItem:
    return timer_items.build(f"payment-check-{payment_id}", RECHECK_TIMER, payment_id, due_at, {})


def failed_to_open(payment_id: str, reason: str) -> None:
    item = PaymentItem(keys.payment_pk(payment_id), keys.PAYMENT_SK)
    with conflict_on_condition_failure("the payment changed meanwhile"):
        item.update(
            actions=[
                PaymentItem.state.set("failed"),
                PaymentItem.failure.set(reason[:500]),
                PaymentItem.updated_at.set(clock.now()),
            ],
            condition=PaymentItem.state == "creating",
        )


def move_in(
    writes: Writes,
    payment: Payment,
    state: str,
    *,
    failure: str | None = None,
    received: dict[str, Any] | None = None,
) -> None:
    """In the transaction of its effect: the payment leaves the state it was read in once."""
    item = PaymentItem(keys.payment_pk(payment.id), keys.PAYMENT_SK)
    actions: list[Any] = [PaymentItem.state.set(state), PaymentItem.updated_at.set(clock.now())]
    if failure:
        actions.append(PaymentItem.failure.set(failure[:500]))
    if received is not None:
        actions.append(PaymentItem.received.set(received))
    writes.add(
        (item.pk, item.sk),
        "payment",
        lambda t: t.update(item, actions=actions, condition=PaymentItem.state == payment.state),
    )
    if state in ANNOUNCED:
        _announce_in(writes, payment, ANNOUNCED[state])


# A payment's final states that concern the payer, as domain events (the notifications
# worker tells them): the provider's failed, cancelled and expired are all "it did not go
# through". Refunds are not here: each refund, full or partial, announces
# `payment.refunded` with its own amount when the money goes back (usecases/refunds.py).
ANNOUNCED = {
    "failed": "payment.failed",
    "cancelled": "payment.failed",
    "expired": "payment.failed",
}


def _announce_in(writes: Writes, payment: Payment, detail_type: str) -> None:
    from chalicelib.models import outbox

    event_id = f"{detail_type}-{payment.id}"
    detail = {
        "event_id": event_id,
        "payment_id": payment.id,
        "customer_id": payment.payer_user_id,
        "talent_id": payment.talent_id,
        "subject": {"type": payment.subject_type, "id": payment.subject_id},
        "amount": {"amount": payment.amount, "currency": payment.currency},
        "at": clock.to_rfc3339(clock.now()),
    }
    entry = outbox.event_timer(event_id, detail_type, detail)
    writes.add((entry.pk, entry.sk), "outbox", save(entry))


def get(payment_id: str) -> Payment | None:
    try:
        return _to_payment(PaymentItem.get(keys.payment_pk(payment_id), keys.PAYMENT_SK))
    except DoesNotExist:
        return None


def require(payment_id: str) -> Payment:
    payment = get(payment_id)
    if payment is None:
        raise NotFoundError("payment not found")
    return payment


def find_by_ref(provider: str, provider_ref: str) -> Payment | None:
    try:
        pointer = PaymentRefItem.get(
            keys.payment_by_ref_pk(provider, provider_ref), keys.PAYMENT_REF_SK
        )
    except DoesNotExist:
        return None
    return get(pointer.payment_id)


def record_webhook(
    webhook_id: str,
    provider: str,
    *,
    provider_ref: str | None,
    event_id: str | None,
    headers: dict[str, str],
    body: str,
    expires_at: datetime,
) -> None:
    WebhookItem(
        keys.webhook_pk(webhook_id),
        keys.WEBHOOK_SK,
        webhook_id=webhook_id,
        provider=provider,
        provider_ref=provider_ref,
        event_id=event_id,
        headers=headers,
        body=body,
        state="received",
        expires_at=expires_at,
        received_at=clock.now(),
        gsi1pk=webhooks_listed_gsi1pk("received"),
        gsi1sk=f"{clock.to_rfc3339(clock.now())}#{webhook_id}",
    ).save()


def record_failed_report(
    report_id: str, provider: str, provider_ref: str | None, body: str, note: str
) -> None:
    """What a status check (not a callback) found that an admin must see: kept as a report,
    listed at once among the failed (never processed: there is nothing to retry)."""
    WebhookItem(
        keys.webhook_pk(report_id),
        keys.WEBHOOK_SK,
        webhook_id=report_id,
        provider=provider,
        provider_ref=provider_ref,
        event_id=None,
        headers={},
        body=body,
        state="failed",
        note=note[:500],
        received_at=clock.now(),
        gsi1pk=webhooks_listed_gsi1pk("failed"),
        gsi1sk=f"{clock.to_rfc3339(clock.now())}#{report_id}",
    ).save()


def webhooks_listed_gsi1pk(listing: str) -> str:
    """Webhooks are listed by where they stand: received, processed, unmatched, or failed
    (processing failed at least once and has not succeeded since: retried, then in the
    DLQ)."""
    return f"WEBHOOKS#{listing}"


def get_webhook(webhook_id: str) -> WebhookItem | None:
    try:
        return WebhookItem.get(keys.webhook_pk(webhook_id), keys.WEBHOOK_SK)
    except DoesNotExist:
        return None


def mark_webhook(webhook_id: str, state: str, note: str | None = None) -> None:
    item = WebhookItem(keys.webhook_pk(webhook_id), keys.WEBHOOK_SK)
    actions: list[Any] = [
        WebhookItem.state.set(state),
        WebhookItem.gsi1pk.set(webhooks_listed_gsi1pk(state)),
    ]
    if note:
        actions.append(WebhookItem.note.set(note[:500]))
    item.update(actions=actions, condition=WebhookItem.pk.exists())


def webhook_failed(webhook_id: str, error: str) -> None:
    """Still `received` (so a retry processes it), but listed among the failed."""
    item = WebhookItem(keys.webhook_pk(webhook_id), keys.WEBHOOK_SK)
    item.update(
        actions=[
            WebhookItem.note.set(f"failed: {error}"[:500]),
            WebhookItem.gsi1pk.set(webhooks_listed_gsi1pk("failed")),
        ],
        condition=WebhookItem.state == "received",
    )


def list_webhooks(
    listing: str, *, limit: int, cursor: str | None
) -> tuple[list[WebhookItem], str | None]:
    from chalicelib.models import pagination

    partition = webhooks_listed_gsi1pk(listing)
    start = pagination.decode(cursor, {"GSI1PK": partition})
    results = WebhookItem.gsi1.query(
        partition, scan_index_forward=False, limit=limit, page_size=limit, last_evaluated_key=start
    )
    found = [item for item in results if isinstance(item, WebhookItem)]
    return found, pagination.encode(results.last_evaluated_key)

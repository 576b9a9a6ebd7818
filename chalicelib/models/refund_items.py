"""Refunds owed to customers. A refund is owed in the transaction that credits the
customer's refunds account (a cancellation, a day already taken, a dispute): that
transaction also arms a `payments.refund` timer, whose handler sends the refund through
the provider, or hands it to an admin when the provider cannot refund.

A refund record is claimed (`sending`) before the provider is called: a crash after the
call leaves a record that says so, and the retry hands it to an admin instead of
refunding twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist

from chalicelib import clock
from chalicelib.models import keys, timer_items
from chalicelib.models.base import Item
from chalicelib.models.writes import Writes, save

REFUND_TIMER = "payments.refund"
MANUAL_INDEX = "REFUNDS#MANUAL"


class RefundItem(Item, discriminator="refund"):
    refund_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    payment_id = UnicodeAttribute(null=True)
    provider = UnicodeAttribute()
    amount = NumberAttribute()
    currency = UnicodeAttribute()
    state = UnicodeAttribute()  # sending, refunded, refund_pending, manual_pending, settled
    provider_refund_ref = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()


@dataclass(frozen=True)
class Refund:
    id: str
    customer_id: str
    payment_id: str | None
    provider: str
    amount: int
    currency: str
    state: str
    provider_refund_ref: str | None
    note: str | None
    created_at: datetime


def owe_in(
    writes: Writes,
    *,
    refund_id: str,
    customer_id: str,
    payment_id: str | None,
    provider: str,
    amount: int,
    currency: str,
) -> None:
    """In the transaction that credits the customer's refunds account."""
    item = timer_items.build(
        refund_id,
        REFUND_TIMER,
        customer_id,
        clock.now(),
        {
            "customer_id": customer_id,
            "payment_id": payment_id or "",
            "provider": provider,
            "amount": amount,
            "currency": currency,
        },
    )
    writes.add((item.pk, item.sk), "refund", save(item))


def _to_refund(item: RefundItem) -> Refund:
    return Refund(
        id=item.refund_id,
        customer_id=item.customer_id,
        payment_id=item.payment_id,
        provider=item.provider,
        amount=int(item.amount),
        currency=item.currency,
        state=item.state,
        provider_refund_ref=item.provider_refund_ref,
        note=item.note,
        created_at=item.created_at,
    )


def get(refund_id: str) -> Refund | None:
    try:
        return _to_refund(RefundItem.get(keys.refund_pk(refund_id), keys.REFUND_SK))
    except DoesNotExist:
        return None


def claim(refund: Refund) -> None:
    """The record, `sending`, before the provider is asked: once per refund."""
    now = clock.now()
    RefundItem(
        keys.refund_pk(refund.id),
        keys.REFUND_SK,
        refund_id=refund.id,
        customer_id=refund.customer_id,
        payment_id=refund.payment_id,
        provider=refund.provider,
        amount=refund.amount,
        currency=refund.currency,
        state="sending",
        created_at=now,
        updated_at=now,
    ).save(condition=RefundItem.pk.does_not_exist())


def move_in(
    writes: Writes,
    refund_id: str,
    *,
    from_state: str,
    to_state: str,
    provider_refund_ref: str | None = None,
    note: str | None = None,
) -> None:
    item = RefundItem(keys.refund_pk(refund_id), keys.REFUND_SK)
    actions: list[Any] = [RefundItem.state.set(to_state), RefundItem.updated_at.set(clock.now())]
    if provider_refund_ref:
        actions.append(RefundItem.provider_refund_ref.set(provider_refund_ref))
    if note:
        actions.append(RefundItem.note.set(note[:500]))
    if to_state == "manual_pending":
        actions += [
            RefundItem.gsi1pk.set(MANUAL_INDEX),
            RefundItem.gsi1sk.set(f"{clock.to_rfc3339(clock.now())}#{refund_id}"),
        ]
    else:
        actions += [RefundItem.gsi1pk.remove(), RefundItem.gsi1sk.remove()]
    writes.add(
        (item.pk, item.sk),
        "refund_record",
        lambda t: t.update(item, actions=actions, condition=RefundItem.state == from_state),
    )


def manual() -> list[Refund]:
    """Refunds waiting for an admin, oldest first (one Query of a sparse index)."""
    return [
        _to_refund(item)
        for item in RefundItem.gsi1.query(MANUAL_INDEX)
        if isinstance(item, RefundItem)
    ]

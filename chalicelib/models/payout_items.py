"""Payouts and payout methods.

A talent has one payout method item (`PAYOUTMETHOD#<talent>`): where its money goes
(Stripe connected account, FIB IBAN, or bank details for the manual batch). A Stripe
account id, once created, stays on the item whatever method the talent picks later, so
going back to Stripe never creates a second account.

A payout is one item per payout id. It is listed per talent, newest first, on GSI1; while
it waits for an admin (the open manual batch, or an unconfirmed provider call) it is also
on a sparse GSI2 partition of that state, which it leaves when it is settled. Every state
change is conditional on the state it leaves: one winner."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import DoesNotExist

from chalicelib import clock
from chalicelib.errors import ConflictError, NotFoundError
from chalicelib.models import exports, keys, pagination, stats
from chalicelib.models.base import Item
from chalicelib.models.conditions import conflict_on_condition_failure
from chalicelib.models.writes import Writes, save

# States (usecases/payouts/ tells the whole story).
IN_TRANSIT = "in_transit"  # money moved to payouts_in_transit; not yet handed to a provider
SENDING = "sending"  # claimed: the provider call is under way
PROVIDER_PENDING = "provider_pending"  # the provider took it; its confirmation is awaited
MANUAL_PENDING = "manual_pending"  # in the open manual batch, for an admin to pay by hand
UNCONFIRMED = "unconfirmed"  # the provider call ended without a clear answer: an admin decides
PAID = "paid"
FAILED = "failed"  # the money went back to the talent's available balance
SKIPPED = "skipped"  # the available balance did not cover it: nothing moved
FINAL_STATES = frozenset({PAID, FAILED, SKIPPED})
# States an admin must act on: kept on a sparse GSI2 partition each.
ADMIN_STATES = frozenset({MANUAL_PENDING, UNCONFIRMED})


class PayoutMethodItem(Item, discriminator="payout_method"):
    talent_id = UnicodeAttribute()
    provider = UnicodeAttribute(null=True)
    details = JSONAttribute(null=True)
    stripe_account_id = UnicodeAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)


class PayoutItem(Item, discriminator="payout"):
    payout_id = UnicodeAttribute()
    talent_id = UnicodeAttribute()
    amount = NumberAttribute()
    currency = UnicodeAttribute()
    state = UnicodeAttribute()
    method = UnicodeAttribute()  # stripe, fib or manual: how it is paid
    destination = JSONAttribute(null=True)  # a snapshot of the method's details when it left
    source_entry_id = UnicodeAttribute(null=True)
    provider_ref = UnicodeAttribute(null=True)
    failure = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    paid_at = UTCDateTimeAttribute(null=True)


@dataclass(frozen=True)
class PayoutMethod:
    talent_id: str
    provider: str | None
    details: dict[str, Any]
    stripe_account_id: str | None
    updated_at: datetime | None


@dataclass(frozen=True)
class Payout:
    id: str
    talent_id: str
    amount: int
    currency: str
    state: str
    method: str
    destination: dict[str, Any]
    source_entry_id: str | None
    provider_ref: str | None
    failure: str | None
    note: str | None
    created_at: datetime
    updated_at: datetime
    paid_at: datetime | None


# --- payout methods ----------------------------------------------------------------------


def _to_method(item: PayoutMethodItem) -> PayoutMethod:
    return PayoutMethod(
        talent_id=item.talent_id,
        provider=item.provider,
        details=dict(item.details or {}),
        stripe_account_id=item.stripe_account_id,
        updated_at=item.updated_at,
    )


def get_method(talent_id: str) -> PayoutMethod | None:
    try:
        item = PayoutMethodItem.get(keys.payout_method_pk(talent_id), keys.PAYOUT_METHOD_SK)
    except DoesNotExist:
        return None
    return _to_method(item)


def methods_of(talent_ids: Iterable[str]) -> dict[str, PayoutMethod]:
    """Several talents' methods at once (BatchGet), by talent id."""
    wanted = sorted(set(talent_ids))
    if not wanted:
        return {}
    found = PayoutMethodItem.batch_get(
        [(keys.payout_method_pk(talent_id), keys.PAYOUT_METHOD_SK) for talent_id in wanted]
    )
    return {item.talent_id: _to_method(item) for item in found}


def set_method(talent_id: str, provider: str, details: dict[str, Any]) -> PayoutMethod:
    """Replace the method; a Stripe account id already on the item is kept."""
    item = PayoutMethodItem(keys.payout_method_pk(talent_id), keys.PAYOUT_METHOD_SK)
    item.update(
        actions=[
            PayoutMethodItem.kind.set(PayoutMethodItem),
            PayoutMethodItem.talent_id.set(talent_id),
            PayoutMethodItem.provider.set(provider),
            PayoutMethodItem.details.set(details),
            PayoutMethodItem.updated_at.set(clock.now()),
        ]
    )
    method = get_method(talent_id)
    assert method is not None
    return method


def keep_stripe_account(talent_id: str, account_id: str) -> str:
    """Remember the talent's Stripe account unless one is already known (a concurrent
    request won): the account id kept is returned."""
    item = PayoutMethodItem(keys.payout_method_pk(talent_id), keys.PAYOUT_METHOD_SK)
    try:
        with conflict_on_condition_failure("the talent already has a Stripe account"):
            item.update(
                actions=[
                    PayoutMethodItem.kind.set(PayoutMethodItem),
                    PayoutMethodItem.talent_id.set(talent_id),
                    PayoutMethodItem.stripe_account_id.set(account_id),
                ],
                condition=PayoutMethodItem.stripe_account_id.does_not_exist(),
            )
    except ConflictError:
        existing = get_method(talent_id)
        if existing is None or existing.stripe_account_id is None:
            raise
        return existing.stripe_account_id
    return account_id


# --- payouts -----------------------------------------------------------------------------


def _to_payout(item: PayoutItem) -> Payout:
    return Payout(
        id=item.payout_id,
        talent_id=item.talent_id,
        amount=int(item.amount),
        currency=item.currency,
        state=item.state,
        method=item.method,
        destination=dict(item.destination or {}),
        source_entry_id=item.source_entry_id,
        provider_ref=item.provider_ref,
        failure=item.failure,
        note=item.note,
        created_at=item.created_at,
        updated_at=item.updated_at,
        paid_at=item.paid_at,
    )


def _key(payout_id: str) -> PayoutItem:
    return PayoutItem(keys.payout_pk(payout_id), keys.PAYOUT_SK)


def get(payout_id: str) -> Payout | None:
    try:
        return _to_payout(PayoutItem.get(keys.payout_pk(payout_id), keys.PAYOUT_SK))
    except DoesNotExist:
        return None


def require(payout_id: str) -> Payout:
    payout = get(payout_id)
    if payout is None:
        raise NotFoundError("payout not found")
    return payout


def _admin_keys(state: str, created_at: datetime, payout_id: str) -> tuple[str, str]:
    return (
        keys.open_payouts_gsi2pk(state),
        keys.payout_by_time_sk(clock.to_rfc3339(created_at), payout_id),
    )


LABEL = "payout"


def create_in(writes: Writes, payout: Payout) -> None:
    """Record a payout once: a second attempt with the same id fails on the label `payout`."""
    item = PayoutItem(
        keys.payout_pk(payout.id),
        keys.PAYOUT_SK,
        payout_id=payout.id,
        talent_id=payout.talent_id,
        amount=payout.amount,
        currency=payout.currency,
        state=payout.state,
        method=payout.method,
        destination=payout.destination,
        source_entry_id=payout.source_entry_id,
        provider_ref=payout.provider_ref,
        failure=payout.failure,
        note=payout.note,
        created_at=payout.created_at,
        updated_at=payout.updated_at,
        paid_at=payout.paid_at,
        gsi1pk=keys.payouts_of_talent_gsi1pk(payout.talent_id),
        gsi1sk=keys.payout_by_time_sk(clock.to_rfc3339(payout.created_at), payout.id),
        # Admin exports page through payouts by creation day (models/exports.py).
        gsi3pk=exports.index_gsi3pk("payout", payout.created_at.date()),
        gsi3sk=exports.index_gsi3sk(payout.created_at, payout.id),
    )
    if payout.state in ADMIN_STATES:
        item.gsi2pk, item.gsi2sk = _admin_keys(payout.state, payout.created_at, payout.id)
    writes.add((item.pk, item.sk), LABEL, save(item, PayoutItem.pk.does_not_exist()))
    if payout.state not in FINAL_STATES:  # the dashboard's pending payouts, in this transaction
        stats.payouts_pending_in(writes, payout.id, payout.currency, 1, payout.amount)


def move_in(
    writes: Writes,
    payout: Payout,
    state: str,
    *,
    provider_ref: str | None = None,
    failure: str | None = None,
    note: str | None = None,
    expect_updated_at: datetime | None = None,
) -> None:
    """In the transaction of its effect: the payout leaves `payout.state` once (and, with
    `expect_updated_at`, only if nobody touched it since it was read)."""
    now = clock.now()
    item = _key(payout.id)
    actions: list[Any] = [PayoutItem.state.set(state), PayoutItem.updated_at.set(now)]
    if provider_ref:
        actions.append(PayoutItem.provider_ref.set(provider_ref))
    if failure:
        actions.append(PayoutItem.failure.set(failure[:500]))
    if note:
        actions.append(PayoutItem.note.set(note[:500]))
    if state in FINAL_STATES and payout.state not in FINAL_STATES:
        stats.payouts_pending_in(writes, payout.id, payout.currency, -1, -payout.amount)
    if state == PAID:
        actions.append(PayoutItem.paid_at.set(now))
        _announce_paid_in(writes, payout, now)
    if state in ADMIN_STATES:
        gsi2pk, gsi2sk = _admin_keys(state, payout.created_at, payout.id)
        actions += [PayoutItem.gsi2pk.set(gsi2pk), PayoutItem.gsi2sk.set(gsi2sk)]
    else:
        actions += [PayoutItem.gsi2pk.remove(), PayoutItem.gsi2sk.remove()]
    condition = PayoutItem.state == payout.state
    if expect_updated_at is not None:
        condition &= PayoutItem.updated_at == expect_updated_at
    writes.add(
        (item.pk, item.sk),
        LABEL,
        lambda t: t.update(item, actions=actions, condition=condition),
    )


PAID_EVENT = "payout.paid"


def _announce_paid_in(writes: Writes, payout: Payout, now: datetime) -> None:
    """The `payout.paid` domain event, in the outbox of the same transaction (it tells the
    talent; a payout is paid once, so its id names the event)."""
    from chalicelib.models import outbox

    event_id = f"payout-paid-{payout.id}"
    detail = {
        "event_id": event_id,
        "payout_id": payout.id,
        "talent_id": payout.talent_id,
        "amount": {"amount": payout.amount, "currency": payout.currency},
        "at": clock.to_rfc3339(now),
    }
    entry = outbox.event_timer(event_id, PAID_EVENT, detail)
    writes.add((entry.pk, entry.sk), "outbox", save(entry))


def list_for_talent(
    talent_id: str, *, limit: int, cursor: str | None
) -> tuple[list[Payout], str | None]:
    """Newest first: one Query of GSI1."""
    partition = keys.payouts_of_talent_gsi1pk(talent_id)
    start = pagination.decode(cursor, {"GSI1PK": partition})
    results = PayoutItem.gsi1.query(
        partition, scan_index_forward=False, limit=limit, last_evaluated_key=start, page_size=limit
    )
    found = [_to_payout(item) for item in results if isinstance(item, PayoutItem)]
    return found, pagination.encode(results.last_evaluated_key)


def waiting_for_admin(state: str) -> list[Payout]:
    """Every payout in an admin state (the open manual batch, say), oldest first: one paged
    Query of that state's sparse GSI2 partition."""
    if state not in ADMIN_STATES:
        raise ValueError(f"{state} is not a state an admin acts on")
    return [
        _to_payout(item)
        for item in PayoutItem.gsi2.query(keys.open_payouts_gsi2pk(state))
        if isinstance(item, PayoutItem)
    ]

"""A payout's state machine, from `payout.requested` to paid, failed or an admin's hands
(the package's docstring tells the whole story)."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib import clock, observability
from chalicelib.domain import ledger as books
from chalicelib.errors import ConflictError, NotFoundError
from chalicelib.models import ledger as ledger_store
from chalicelib.models import payout_items, timer_items
from chalicelib.models.writes import TransactionConflictError, Writes, save
from chalicelib.money import CURRENCY_EXPONENTS
from chalicelib.payments import registry
from chalicelib.payments.base import PaymentError, PaymentProvider, PayoutRef, PayoutStatusReader
from chalicelib.usecases.payouts import entries
from chalicelib.usecases.payouts.methods import MANUAL

CHECK_TIMER = "payouts.check"

# FIB payouts have no callback: the first look soon after sending, then every few minutes;
# a payout still pending after days is handed to an admin.
FIRST_CHECK_AFTER = timedelta(minutes=2)
CHECK_EVERY = timedelta(minutes=10)
GIVE_UP_PENDING_AFTER = timedelta(days=3)
# A payout found `sending` this long after it was claimed was left by a crashed attempt
# (a concurrent delivery of the same message finishes in seconds).
SENDING_STALE_AFTER = timedelta(minutes=15)
# Stripe remembers an idempotency key for 24 hours: a stale Stripe transfer is resent
# (Stripe answers with the same transfer) only well inside that.
STRIPE_RESEND_WITHIN = timedelta(hours=23)
PROVIDER_METHODS = ("stripe", "fib")


def check_timer_id(payout_id: str) -> str:
    return f"payout-check-{payout_id}"


def _parse(message: dict[str, Any]) -> tuple[str, str, int, str, str | None]:
    payout_id, talent_id = message.get("payout_id"), message.get("talent_id")
    amount, currency = message.get("amount"), message.get("currency")
    source = message.get("source_entry_id")
    if not isinstance(payout_id, str) or not payout_id or not isinstance(talent_id, str):
        raise ValueError("payout.requested needs payout_id and talent_id")
    if isinstance(amount, float) and amount.is_integer():
        amount = int(amount)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValueError("payout.requested needs a positive integer amount")
    if not isinstance(currency, str) or currency not in CURRENCY_EXPONENTS:
        raise ValueError("payout.requested needs a supported currency")
    return payout_id, talent_id, amount, currency, source if isinstance(source, str) else None


def process_request(message: dict[str, Any]) -> payout_items.Payout:
    """The payouts queue's `payout.requested`: record once, then carry it on."""
    payout_id, talent_id, amount, currency, source = _parse(message)
    payout = payout_items.get(payout_id) or _record(payout_id, talent_id, amount, currency, source)
    _advance(payout)
    return payout_items.require(payout_id)


def _pays(provider_name: str, currency: str) -> bool:
    try:
        capabilities = registry.get(provider_name).capabilities
    except (NotFoundError, PaymentError):
        observability.logger().warning(
            "payout provider unavailable", extra={"provider": provider_name}
        )
        return False
    return capabilities.payout and currency in capabilities.currencies


def _route(talent_id: str, currency: str) -> tuple[str, dict[str, Any], str | None]:
    """(how it is paid, where to, why it went to the manual batch if it did)."""
    method = payout_items.get_method(talent_id)
    if method is None or method.provider is None:
        return MANUAL, {}, "no payout method on file"
    if method.provider == MANUAL:
        return MANUAL, method.details, None
    if method.provider in PROVIDER_METHODS and _pays(method.provider, currency):
        return method.provider, method.details, None
    return MANUAL, method.details, f"{method.provider} cannot pay out {currency}"


def _record(
    payout_id: str, talent_id: str, amount: int, currency: str, source: str | None
) -> payout_items.Payout:
    route, destination, note = _route(talent_id, currency)
    now = clock.now()
    payout = payout_items.Payout(
        id=payout_id,
        talent_id=talent_id,
        amount=amount,
        currency=currency,
        state=payout_items.MANUAL_PENDING if route == MANUAL else payout_items.IN_TRANSIT,
        method=route,
        destination=destination,
        source_entry_id=source,
        provider_ref=None,
        failure=None,
        note=note,
        created_at=now,
        updated_at=now,
        paid_at=None,
    )
    writes = Writes()
    payout_items.create_in(writes, payout)
    ledger_store.post_in(writes, entries.sent_entry(payout))
    try:
        writes.commit("the payout was recorded meanwhile")
    except TransactionConflictError as conflict:
        if payout_items.LABEL in conflict.labels:
            return payout_items.require(payout_id)  # another delivery of this message recorded it
        if f"balance:{books.talent_available(talent_id)}" not in conflict.labels:
            raise  # a transient conflict: the message is retried
        skipped = replace(
            payout,
            state=payout_items.SKIPPED,
            failure="the talent's available balance did not cover it: nothing was moved",
        )
        writes = Writes()
        payout_items.create_in(writes, skipped)
        with contextlib.suppress(ConflictError):
            writes.commit("the payout was recorded meanwhile")
        observability.logger().warning(
            "payout skipped: available balance too low",
            extra={"payout": payout_id, "talent": talent_id, "amount": amount},
        )
        return payout_items.require(payout_id)
    return payout


def _advance(payout: payout_items.Payout) -> None:
    if payout.state == payout_items.IN_TRANSIT:
        _send(payout)
    elif payout.state == payout_items.SENDING:
        _recover(payout)


def _move(
    payout: payout_items.Payout,
    state: str,
    *,
    provider_ref: str | None = None,
    failure: str | None = None,
    entry: books.Entry | None = None,
    expect_updated_at: datetime | None = None,
    timer: timer_items.TimerItem | None = None,
) -> bool:
    """One conditional state change with its ledger entry; False if another worker won."""
    writes = Writes()
    payout_items.move_in(
        writes,
        payout,
        state,
        provider_ref=provider_ref,
        failure=failure,
        expect_updated_at=expect_updated_at,
    )
    if entry is not None:
        ledger_store.post_in(writes, entry)
    if timer is not None:
        writes.add((timer.pk, timer.sk), "check_timer", save(timer))
    try:
        writes.commit("the payout changed meanwhile")
    except ConflictError:
        return False
    return True


def _send(payout: payout_items.Payout) -> None:
    driver = registry.get(payout.method)  # unavailable: nothing sent, the message is retried
    if not _move(payout, payout_items.SENDING):
        return  # another delivery claimed it
    _call(driver, payout_items.require(payout.id))


def _recover(payout: payout_items.Payout) -> None:
    """A payout found `sending`: a concurrent delivery is on it, or an attempt crashed."""
    age = clock.now() - payout.updated_at
    if age < SENDING_STALE_AFTER:
        return
    if payout.method == "stripe" and age < STRIPE_RESEND_WITHIN:
        # The transfer's idempotency key is the payout id: resending is answered with the
        # transfer already made, if it was. Claim it again first (one resender).
        driver = registry.get(payout.method)
        if _move(payout, payout_items.SENDING, expect_updated_at=payout.updated_at):
            _call(driver, payout_items.require(payout.id))
        return
    _move(
        payout,
        payout_items.UNCONFIRMED,
        failure="the provider call was interrupted: check with the provider",
        expect_updated_at=payout.updated_at,
    )


def _refused(error: PaymentError) -> bool:
    """The provider (or the driver, before any request) clearly said no: nothing was paid."""
    details = error.details
    if details.get("payout_ref"):
        return False  # it exists at the provider
    status = details.get("status_code") or details.get("http_status")
    if isinstance(status, int):
        return 400 <= status < 500
    return "path" not in details and "operation" not in details


def _call(driver: PaymentProvider, payout: payout_items.Payout) -> None:
    log: Any = observability.logger()
    try:
        answer = driver.payout(
            payout.destination, payout.amount, payout.currency, reference=payout.id
        )
    except PaymentError as error:
        if error.retryable:
            _move(payout, payout_items.IN_TRANSIT, failure=error.message)
            raise
        if _refused(error):
            _fail(payout, error.message)
            return
        ref = error.details.get("payout_ref")
        log.error("payout unconfirmed", extra={"payout": payout.id, "error": error.message})
        _move(
            payout,
            payout_items.UNCONFIRMED,
            provider_ref=ref if isinstance(ref, str) else None,
            failure=error.message,
        )
        return
    except Exception as error:  # the driver broke mid-call: money may have moved
        log.exception("payout unconfirmed", extra={"payout": payout.id})
        _move(payout, payout_items.UNCONFIRMED, failure=f"{type(error).__name__} during the payout")
        return
    _apply(payout, answer)


def _apply(payout: payout_items.Payout, answer: PayoutRef) -> None:
    if answer.state == "paid":
        _move(
            payout,
            payout_items.PAID,
            provider_ref=answer.payout_ref,
            entry=entries.paid_entry(payout),
        )
    elif answer.state == "failed":
        _fail(payout, "the provider reports the payout failed", answer.payout_ref)
    elif payout.state == payout_items.SENDING:
        timer = timer_items.build(
            check_timer_id(payout.id),
            CHECK_TIMER,
            payout.id,
            clock.now() + FIRST_CHECK_AFTER,
            {},
        )
        _move(payout, payout_items.PROVIDER_PENDING, provider_ref=answer.payout_ref, timer=timer)


def _fail(payout: payout_items.Payout, reason: str, provider_ref: str | None = None) -> bool:
    return _move(
        payout,
        payout_items.FAILED,
        provider_ref=provider_ref,
        failure=reason,
        entry=entries.returned_entry(payout),
    )


def check(payout_id: str) -> None:
    """The `payouts.check` timer's work: ask the provider, settle, or look again later."""
    payout = payout_items.get(payout_id)
    if payout is None or payout.state != payout_items.PROVIDER_PENDING:
        return
    driver = registry.get(payout.method)
    if not isinstance(driver, PayoutStatusReader) or not payout.provider_ref:
        _move(
            payout, payout_items.UNCONFIRMED, failure=f"{payout.method} cannot report payout status"
        )
        return
    # An error leaves the timer for the next sweep.
    answer = driver.payout_status(payout.provider_ref)
    if not isinstance(answer, PayoutRef):
        raise PaymentError(payout.method, "payout_status answered without a PayoutRef")
    if answer.state != "pending":
        _apply(payout, answer)
        return
    now = clock.now()
    if now - payout.updated_at > GIVE_UP_PENDING_AFTER:
        _move(
            payout, payout_items.UNCONFIRMED, failure=f"still pending at {payout.method} after days"
        )
        return
    timer_items.build(
        check_timer_id(payout.id), CHECK_TIMER, payout.id, now + CHECK_EVERY, {}
    ).save()


def fire_check_timer(timer: timer_items.Timer) -> None:
    # A payout still pending re-arms the timer (same id, later due), which the conditional
    # consume then leaves alone.
    check(timer.subject)
    timer_items.consume_if_due_by(timer.id, timer.due_at)

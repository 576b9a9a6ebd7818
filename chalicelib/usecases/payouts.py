"""Payouts: paying a talent what the ledger says it is owed (PAYMENTS.md, "Escrow and the
ledger": `talent:<id>:available -> payouts_in_transit:<id> -> provider:<name>`).

How a payout goes:

1. A release of escrow calls `schedule_payout_in` inside its own transaction: a timer
   (`payouts.due`, id `payout-<release entry>`) due after PAYOUT_HOLD_HOURS (default 0).
   The sweep fires it: a `payout.requested` message goes to the payouts queue and the timer
   is consumed. (`request_payout` sends the same message at once.)
2. The processor records the payout (its id is deterministic per release, the item is
   written only if absent) in ONE transaction with the ledger entry `available ->
   in_transit`. A redelivered message finds the payout and does nothing twice.
   - If the available balance does not cover it (the ledger's non-negative condition
     refuses the entry), the payout is recorded `skipped` and nothing moves. This is
     final and deliberate: the money it would have paid is not there (an earlier payout
     already took it, or it was taken back), and whatever is left stays available, to go
     with the talent's next payout or one an admin requests. Retrying would not make the
     balance appear, and paying part would pay a release twice once the rest came back.
   - Without a method, with the `manual` method, or when the method's provider cannot pay
     the currency, the payout joins the open manual batch: `manual_pending` (CSV for an
     admin, who marks each one paid).
   - Otherwise it is `in_transit`, then claimed (`sending`) and sent through the driver:
     Stripe transfers to the connected account, FIB pays the IBAN.
3. The provider's answer: paid -> `in_transit -> provider:<name>` and `paid`; failed ->
   the reverse entry back to available and `failed`; pending (FIB: payouts have no
   callback) -> `provider_pending`, with a `payouts.check` timer that polls
   `payout_status` until it is paid or failed.
   A provider error that is retryable (nothing was done, or the call is safe to repeat)
   puts the payout back to `in_transit` and fails the message, which is retried. A clear
   refusal (HTTP 4xx, or refused before any request) fails the payout. Anything else may
   have moved money (a timeout on a call FIB cannot deduplicate): the payout becomes
   `unconfirmed`, the money stays in transit, and an admin settles it as paid or failed.

Every state change is conditional on the state it leaves, in the transaction of its
ledger entry (whose id is deterministic per payout and step): each happens once."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import inspect
import io
import json
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from chalicelib import clients, clock, ids, observability
from chalicelib.auth.principal import Principal
from chalicelib.domain import ledger as books
from chalicelib.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from chalicelib.models import ledger as ledger_store
from chalicelib.models import payouts as store
from chalicelib.models import timers
from chalicelib.models.writes import TransactionConflictError, Writes, save
from chalicelib.money import CURRENCY_EXPONENTS
from chalicelib.payments import registry
from chalicelib.payments.base import PaymentError, PaymentProvider, PayoutRef
from chalicelib.schemas.payouts import FibDetails, ManualDetails, StripeDetails
from chalicelib.settings import get_settings

PAYOUT_REQUESTED = "payout.requested"
DUE_TIMER = "payouts.due"
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
MANUAL = "manual"
PROVIDER_METHODS = ("stripe", "fib")
CSV_COLUMNS = (
    "talent_id",
    "account_name",
    "account_number",
    "bank_name",
    "amount",
    "currency",
    "payout_id",
)


# --- payout methods ----------------------------------------------------------------------


def require_talent(principal: Principal) -> str:
    talent_id = principal.user.talent_id
    if talent_id is None:
        raise ForbiddenError("only a talent has a payout method")
    return talent_id


def _details(model: type[BaseModel], details: dict[str, Any]) -> Any:
    try:
        return model.model_validate(details)
    except PydanticValidationError as error:
        fields = [
            {
                "field": ".".join(["details", *(str(part) for part in item["loc"])]),
                "message": item["msg"],
                "type": item["type"],
            }
            for item in error.errors(include_url=False, include_context=False, include_input=False)
        ]
        raise ValidationError("invalid payout details", {"fields": fields}) from None


def set_method(principal: Principal, provider: str, details: dict[str, Any]) -> dict[str, Any]:
    talent_id = require_talent(principal)
    if provider == "fib":
        fib: FibDetails = _details(FibDetails, details)
        method = store.set_method(talent_id, "fib", {"iban": fib.iban})
        return method_to_json(method)
    if provider == MANUAL:
        manual: ManualDetails = _details(ManualDetails, details)
        method = store.set_method(talent_id, MANUAL, manual.model_dump())
        return method_to_json(method)
    if provider == "stripe":
        stripe: StripeDetails = _details(StripeDetails, details)
        return _stripe_method(principal, talent_id, stripe)
    raise ValidationError(f"unknown payout provider {provider!r}")


def _stripe_method(principal: Principal, talent_id: str, details: StripeDetails) -> dict[str, Any]:
    try:
        driver: Any = registry.get("stripe")
    except NotFoundError:
        raise ValidationError("Stripe payouts are not available") from None
    create = getattr(driver, "create_express_account", None)
    link = getattr(driver, "account_link", None)
    if not callable(create) or not callable(link):
        raise PaymentError(
            "stripe", "this Stripe driver cannot onboard accounts (no create_express_account)"
        )
    existing = store.get_method(talent_id)
    account_id = existing.stripe_account_id if existing else None
    if account_id is None:
        email = principal.user.email
        if not email:
            raise ValidationError("Stripe onboarding needs an email address on the account")
        country = details.country or _talent_country(talent_id)
        account = _create_account(create, email, country, talent_id)
        account_id = store.keep_stripe_account(talent_id, account)
    default_url = f"{get_settings().public_api_url}/v1/me/payout-method"
    onboarding = link(
        account_id, details.refresh_url or default_url, details.return_url or default_url
    )
    url = _field(onboarding, "url")
    if not isinstance(url, str) or not url:
        raise PaymentError("stripe", "the account link has no url")
    method = store.set_method(talent_id, "stripe", {"account": account_id})
    return {**method_to_json(method), "onboarding_url": url}


def _talent_country(talent_id: str) -> str:
    from chalicelib.models import talent as talents

    found = talents.get(talent_id, with_portfolio=False)
    country = (found.location or {}).get("country") if found else None
    if not isinstance(country, str) or len(country) != 2:
        raise ValidationError("details.country is required (the profile names no country)")
    return country.upper()


def _create_account(create: Any, email: str, country: str, talent_id: str) -> str:
    try:
        accepts_reference = "reference" in inspect.signature(create).parameters
    except (TypeError, ValueError):
        accepts_reference = False
    # With our reference, a retried creation returns the same account (idempotency key).
    account = (
        create(email, country, reference=talent_id) if accepts_reference else create(email, country)
    )
    account_id = _field(account, "account_id") or _field(account, "id")
    if not isinstance(account_id, str) or not account_id.startswith("acct_"):
        raise PaymentError("stripe", "the created account has no acct_ id")
    return account_id


def _field(value: Any, name: str) -> Any:
    if isinstance(value, dict):
        return value.get(name)
    return getattr(value, name, None)


def get_method(principal: Principal) -> dict[str, Any]:
    method = store.get_method(require_talent(principal))
    if method is None or method.provider is None:
        raise NotFoundError("no payout method yet")
    return method_to_json(method)


def _last4(value: Any) -> str:
    text = str(value or "").replace(" ", "")
    return f"****{text[-4:]}" if text else ""


def mask(details: dict[str, Any]) -> dict[str, Any]:
    """What may be shown: IBANs and account numbers by their last 4 characters."""
    shown: dict[str, Any] = {}
    for name, value in details.items():
        if name in ("iban", "account_number"):
            shown[name] = _last4(value)
            shown[f"{name}_last4"] = str(value or "").replace(" ", "")[-4:]
        else:
            shown[name] = value
    return shown


def method_to_json(method: store.PayoutMethod) -> dict[str, Any]:
    return {
        "provider": method.provider,
        "details": mask(method.details),
        "updated_at": clock.to_rfc3339(method.updated_at) if method.updated_at else None,
    }


# --- scheduling --------------------------------------------------------------------------


def hold() -> timedelta:
    return timedelta(hours=get_settings().payout_hold_hours)


def payout_id_for(source_entry_id: str) -> str:
    """Deterministic per release: however often it is requested, it is one payout."""
    return "po" + hashlib.sha256(source_entry_id.encode()).hexdigest()[:24]


def due_timer_id(source_entry_id: str) -> str:
    return f"payout-{source_entry_id}"


def check_timer_id(payout_id: str) -> str:
    return f"payout-check-{payout_id}"


def payout_message(
    payout_id: str,
    talent_id: str,
    amount: int,
    currency: str,
    source_entry_id: str | None = None,
) -> dict[str, Any]:
    return {
        "type": PAYOUT_REQUESTED,
        "payout_id": payout_id,
        "talent_id": talent_id,
        "amount": amount,
        "currency": currency,
        "source_entry_id": source_entry_id,
    }


def schedule_payout_in(
    writes: Writes,
    *,
    talent_id: str,
    amount: int,
    currency: str,
    source_entry_id: str,
    now: datetime,
) -> str | None:
    """In the transaction that made the money available (the release of escrow): a timer
    that requests the payout after the hold. Returns the payout's id (None: nothing due)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError("payout amounts are integers in minor units")
    if amount <= 0:
        return None
    payout_id = payout_id_for(source_entry_id)
    timer = timers.build(
        due_timer_id(source_entry_id),
        DUE_TIMER,
        talent_id,
        now + hold(),
        payout_message(payout_id, talent_id, amount, currency, source_entry_id),
    )
    writes.add((timer.pk, timer.sk), "payout_timer", save(timer))
    return payout_id


def send_request(message: dict[str, Any]) -> None:
    clients.client("sqs").send_message(
        QueueUrl=get_settings().queue_url("payouts"),
        MessageBody=json.dumps(message, separators=(",", ":")),
    )


def request_payout(
    talent_id: str,
    amount: int,
    currency: str,
    *,
    payout_id: str | None = None,
    source_entry_id: str | None = None,
) -> str:
    """Request a payout now (tests, admin tooling): the same message the timer sends."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationError("a payout amount is a positive integer in minor units")
    if currency not in CURRENCY_EXPONENTS:
        raise ValidationError(f"unsupported currency {currency!r}")
    chosen = payout_id or (payout_id_for(source_entry_id) if source_entry_id else ids.new_id())
    send_request(payout_message(chosen, talent_id, amount, currency, source_entry_id))
    return chosen


def fire_due_timer(timer: timers.Timer) -> None:
    """The `payouts.due` timer: hand the request to the payouts queue, then consume the
    timer (in this order: a second send is harmless, a lost one is not)."""
    send_request({**timer.payload, "type": PAYOUT_REQUESTED})
    timers.consume_if_due_by(timer.id, timer.due_at)


# --- the ledger entries of a payout ------------------------------------------------------


def _entry(payout: store.Payout, step: str, memo: str, source: str, target: str) -> books.Entry:
    return books.Entry(
        f"payout-{payout.id}-{step}",
        memo,
        (
            books.Posting(source, -payout.amount, payout.currency),
            books.Posting(target, payout.amount, payout.currency),
        ),
    )


def _sent_entry(payout: store.Payout) -> books.Entry:
    return _entry(
        payout,
        "sent",
        "payout: from the talent's available balance into transit",
        books.talent_available(payout.talent_id),
        books.in_transit(payout.talent_id),
    )


def _paid_entry(payout: store.Payout) -> books.Entry:
    return _entry(
        payout,
        "paid",
        f"payout paid through {payout.method}",
        books.in_transit(payout.talent_id),
        books.provider(payout.method),
    )


def _returned_entry(payout: store.Payout) -> books.Entry:
    return _entry(
        payout,
        "returned",
        "payout failed: back to the talent's available balance",
        books.in_transit(payout.talent_id),
        books.talent_available(payout.talent_id),
    )


# --- processing --------------------------------------------------------------------------


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


def process_request(message: dict[str, Any]) -> store.Payout:
    """The payouts queue's `payout.requested`: record once, then carry it on."""
    payout_id, talent_id, amount, currency, source = _parse(message)
    payout = store.get(payout_id) or _record(payout_id, talent_id, amount, currency, source)
    _advance(payout)
    return store.require(payout_id)


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
    method = store.get_method(talent_id)
    if method is None or method.provider is None:
        return MANUAL, {}, "no payout method on file"
    if method.provider == MANUAL:
        return MANUAL, method.details, None
    if method.provider in PROVIDER_METHODS and _pays(method.provider, currency):
        return method.provider, method.details, None
    return MANUAL, method.details, f"{method.provider} cannot pay out {currency}"


def _record(
    payout_id: str, talent_id: str, amount: int, currency: str, source: str | None
) -> store.Payout:
    route, destination, note = _route(talent_id, currency)
    now = clock.now()
    payout = store.Payout(
        id=payout_id,
        talent_id=talent_id,
        amount=amount,
        currency=currency,
        state=store.MANUAL_PENDING if route == MANUAL else store.IN_TRANSIT,
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
    store.create_in(writes, payout)
    ledger_store.post_in(writes, _sent_entry(payout))
    try:
        writes.commit("the payout was recorded meanwhile")
    except TransactionConflictError as conflict:
        if store.LABEL in conflict.labels:
            return store.require(payout_id)  # another delivery of this message recorded it
        if f"balance:{books.talent_available(talent_id)}" not in conflict.labels:
            raise  # a transient conflict: the message is retried
        skipped = replace(
            payout,
            state=store.SKIPPED,
            failure="the talent's available balance did not cover it: nothing was moved",
        )
        writes = Writes()
        store.create_in(writes, skipped)
        with contextlib.suppress(ConflictError):
            writes.commit("the payout was recorded meanwhile")
        observability.logger().warning(
            "payout skipped: available balance too low",
            extra={"payout": payout_id, "talent": talent_id, "amount": amount},
        )
        return store.require(payout_id)
    return payout


def _advance(payout: store.Payout) -> None:
    if payout.state == store.IN_TRANSIT:
        _send(payout)
    elif payout.state == store.SENDING:
        _recover(payout)
    # manual_pending and unconfirmed wait for an admin, provider_pending for its check
    # timer; paid, failed and skipped are final.


def _move(
    payout: store.Payout,
    state: str,
    *,
    provider_ref: str | None = None,
    failure: str | None = None,
    entry: books.Entry | None = None,
    expect_updated_at: datetime | None = None,
    timer: timers.TimerItem | None = None,
) -> bool:
    """One conditional state change with its ledger entry; False if another worker won."""
    writes = Writes()
    store.move_in(
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


def _send(payout: store.Payout) -> None:
    driver = registry.get(payout.method)  # unavailable: nothing sent, the message is retried
    if not _move(payout, store.SENDING):
        return  # another delivery claimed it
    _call(driver, store.require(payout.id))


def _recover(payout: store.Payout) -> None:
    """A payout found `sending`: a concurrent delivery is on it, or an attempt crashed."""
    age = clock.now() - payout.updated_at
    if age < SENDING_STALE_AFTER:
        return
    if payout.method == "stripe" and age < STRIPE_RESEND_WITHIN:
        # The transfer's idempotency key is the payout id: resending is answered with the
        # transfer already made, if it was. Claim it again first (one resender).
        driver = registry.get(payout.method)
        if _move(payout, store.SENDING, expect_updated_at=payout.updated_at):
            _call(driver, store.require(payout.id))
        return
    _move(
        payout,
        store.UNCONFIRMED,
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


def _call(driver: PaymentProvider, payout: store.Payout) -> None:
    log: Any = observability.logger()
    try:
        answer = driver.payout(
            payout.destination, payout.amount, payout.currency, reference=payout.id
        )
    except PaymentError as error:
        if error.retryable:
            _move(payout, store.IN_TRANSIT, failure=error.message)
            raise
        if _refused(error):
            _fail(payout, error.message)
            return
        ref = error.details.get("payout_ref")
        log.error("payout unconfirmed", extra={"payout": payout.id, "error": error.message})
        _move(
            payout,
            store.UNCONFIRMED,
            provider_ref=ref if isinstance(ref, str) else None,
            failure=error.message,
        )
        return
    except Exception as error:  # the driver broke mid-call: money may have moved
        log.exception("payout unconfirmed", extra={"payout": payout.id})
        _move(payout, store.UNCONFIRMED, failure=f"{type(error).__name__} during the payout")
        return
    _apply(payout, answer)


def _apply(payout: store.Payout, answer: PayoutRef) -> None:
    if answer.state == "paid":
        _move(payout, store.PAID, provider_ref=answer.payout_ref, entry=_paid_entry(payout))
    elif answer.state == "failed":
        _fail(payout, "the provider reports the payout failed", answer.payout_ref)
    elif payout.state == store.SENDING:
        timer = timers.build(
            check_timer_id(payout.id),
            CHECK_TIMER,
            payout.id,
            clock.now() + FIRST_CHECK_AFTER,
            {},
        )
        _move(payout, store.PROVIDER_PENDING, provider_ref=answer.payout_ref, timer=timer)


def _fail(payout: store.Payout, reason: str, provider_ref: str | None = None) -> bool:
    return _move(
        payout,
        store.FAILED,
        provider_ref=provider_ref,
        failure=reason,
        entry=_returned_entry(payout),
    )


def check(payout_id: str) -> None:
    """The `payouts.check` timer's work: ask the provider, settle, or look again later."""
    payout = store.get(payout_id)
    if payout is None or payout.state != store.PROVIDER_PENDING:
        return
    driver = registry.get(payout.method)
    status = getattr(driver, "payout_status", None)
    if not callable(status) or not payout.provider_ref:
        _move(payout, store.UNCONFIRMED, failure=f"{payout.method} cannot report payout status")
        return
    answer = status(payout.provider_ref)  # an error leaves the timer for the next sweep
    if not isinstance(answer, PayoutRef):
        raise PaymentError(payout.method, "payout_status answered without a PayoutRef")
    if answer.state != "pending":
        _apply(payout, answer)
        return
    now = clock.now()
    if now - payout.updated_at > GIVE_UP_PENDING_AFTER:
        _move(payout, store.UNCONFIRMED, failure=f"still pending at {payout.method} after days")
        return
    timers.build(check_timer_id(payout.id), CHECK_TIMER, payout.id, now + CHECK_EVERY, {}).save()


def fire_check_timer(timer: timers.Timer) -> None:
    # A payout still pending re-arms the timer (same id, later due), which the conditional
    # consume then leaves alone.
    check(timer.subject)
    timers.consume_if_due_by(timer.id, timer.due_at)


# --- admin -------------------------------------------------------------------------------


def _admin_settle(payout_id: str, state: str, **change: Any) -> store.Payout:
    payout = store.require(payout_id)
    if payout.state not in store.ADMIN_STATES:
        raise ConflictError(
            f"a payout that is {payout.state} cannot be marked {state}", {"state": payout.state}
        )
    entry = _paid_entry(payout) if state == store.PAID else _returned_entry(payout)
    writes = Writes()
    store.move_in(writes, payout, state, **change)
    ledger_store.post_in(writes, entry)
    writes.commit("the payout changed meanwhile")
    return store.require(payout_id)


def mark_paid(payout_id: str, reference: str | None = None) -> store.Payout:
    """An admin paid it by hand (the manual batch) or confirmed an unconfirmed one."""
    return _admin_settle(payout_id, store.PAID, provider_ref=reference)


def mark_failed(payout_id: str, reason: str | None = None) -> store.Payout:
    """An admin could not pay it (or the provider confirms it did not): money back."""
    return _admin_settle(payout_id, store.FAILED, failure=reason or "marked failed by an admin")


def waiting_for_admin(state: str) -> list[store.Payout]:
    return store.waiting_for_admin(state)


def _major_units(amount: int, currency: str) -> str:
    exponent = CURRENCY_EXPONENTS.get(currency, 0)
    if exponent == 0:
        return str(amount)
    whole, part = divmod(amount, 10**exponent)
    return f"{whole}.{part:0{exponent}d}"


def _cell(value: Any) -> str:
    """Spreadsheets run cells that start like a formula: such text is quoted."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def manual_batch_csv() -> str:
    """The open manual batch, oldest first: one row per payout to pay by hand. Amounts are
    in major units (what a bank form takes). A payout recorded before its talent gave bank
    details shows the talent's current manual details."""
    payouts = store.waiting_for_admin(store.MANUAL_PENDING)
    missing = [p.talent_id for p in payouts if not p.destination.get("account_number")]
    current = store.methods_of(missing)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for payout in payouts:
        details = payout.destination
        method = current.get(payout.talent_id)
        if not details.get("account_number") and method and method.provider == MANUAL:
            details = method.details
        writer.writerow(
            [
                _cell(payout.talent_id),
                _cell(details.get("account_name")),
                _cell(details.get("account_number") or details.get("iban")),
                _cell(details.get("bank_name") or ("IBAN" if details.get("iban") else "")),
                _major_units(payout.amount, payout.currency),
                payout.currency,
                _cell(payout.id),
            ]
        )
    return out.getvalue()


# --- reading -----------------------------------------------------------------------------


def list_mine(
    principal: Principal, limit: int, cursor: str | None
) -> tuple[list[store.Payout], str | None]:
    talent_id = principal.user.talent_id
    if talent_id is None:
        return [], None
    return store.list_for_talent(talent_id, limit=limit, cursor=cursor)


def to_json(payout: store.Payout) -> dict[str, Any]:
    return {
        "id": payout.id,
        "talent_id": payout.talent_id,
        "state": payout.state,
        "amount": {"amount": payout.amount, "currency": payout.currency},
        "method": payout.method,
        "destination": mask(payout.destination),
        "provider_ref": payout.provider_ref,
        "failure": payout.failure,
        "note": payout.note,
        "source_entry_id": payout.source_entry_id,
        "created_at": clock.to_rfc3339(payout.created_at),
        "updated_at": clock.to_rfc3339(payout.updated_at),
        "paid_at": clock.to_rfc3339(payout.paid_at) if payout.paid_at else None,
    }

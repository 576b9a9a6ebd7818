"""Paying for a booking or a milestone, and acting on what providers report.

The amount always comes from the subject, never from the client. A provider's word is
never taken from a callback's body: the status is read back from the provider, and only
then does the subject take `payment_succeeded`, with the payment leaving `pending` and
the ledger entry in the same transaction (so it happens once, however often the provider
calls)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from chalicelib import clock, ids
from chalicelib.auth.principal import Principal
from chalicelib.domain import pricing
from chalicelib.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from chalicelib.models import payment_items, subjects
from chalicelib.models.conditions import TransientConflictError, retry_transient
from chalicelib.models.writes import Writes
from chalicelib.payments import registry
from chalicelib.payments.base import Order, PaymentError, ProviderStatus
from chalicelib.settings import get_settings
from chalicelib.usecases import settlement, transitions

_PAYABLE_STATE = {"booking": "accepted", "milestone": "funding_required"}
# A payment nobody completed in this long is abandoned: cancelled where the provider can,
# and marked expired (a later success is still honoured or refunded by refresh()).
ABANDONED_AFTER = timedelta(minutes=30)
_FINAL_FROM_PROVIDER = {"failed", "cancelled", "expired"}


def _amount_of(subject: subjects.Subject) -> dict[str, Any]:
    if subject.type == "booking" and subject.state == "confirmed":
        # Confirmed on a deposit: what is left is the balance.
        return {
            "amount": pricing.balance_due(subject.data),
            "currency": subject.data["price"]["currency"],
        }
    if subject.type == "booking":
        return pricing.amount_due_now(subject.data)
    return dict(subject.data["amount"])


def _payable(subject: subjects.Subject) -> bool:
    if subject.type == "booking" and subject.state == "confirmed":
        return pricing.balance_due(subject.data) > 0
    return subject.state == _PAYABLE_STATE[subject.type]


def _order_ref(payer_id: str, idempotency_key: str | None, payment_id: str) -> str:
    """Deterministic per request: a retried request (same Idempotency-Key) names the same
    order at providers that deduplicate on it. 24 alphanumerics fit FastPay's 8-32."""
    seed = f"{payer_id}|{idempotency_key}" if idempotency_key else payment_id
    return hashlib.sha256(seed.encode()).hexdigest()[:24]


def create(
    principal: Principal,
    subject_type: str,
    subject_id: str,
    provider_name: str,
    *,
    return_url: str | None,
    idempotency_key: str | None,
) -> payment_items.Payment:
    subject = subjects.require(subject_type, subject_id)
    caller = transitions.Caller(principal)
    roles = caller.require_party(subject)
    if "customer" not in roles:
        raise ForbiddenError(f"only the {subject_type}'s customer pays for it")
    if not _payable(subject):
        raise ConflictError(
            f"a {subject_type} that is {subject.state} takes no payment", {"state": subject.state}
        )
    if provider_name not in registry.enabled():
        # A field of the body, not a resource of the path: a 400 that names the choices.
        raise ValidationError(
            f"unknown or disabled provider {provider_name!r}",
            {"enabled": registry.enabled()},
        )
    provider = registry.get(provider_name)
    amount = _amount_of(subject)
    if int(amount["amount"]) <= 0:
        # No provider takes 0: refused here rather than as the provider's 502.
        raise ValidationError(f"nothing is due on this {subject_type}", {"amount": amount})
    if amount["currency"] not in provider.capabilities.currencies:
        raise ValidationError(f"{provider_name} does not take {amount['currency']}")
    now = clock.now()
    payment_id = ids.new_id()
    payment = payment_items.Payment(
        id=payment_id,
        subject_type=subject_type,
        subject_id=subject_id,
        payer_user_id=principal.user_id,
        talent_id=subject.talent_id,
        provider=provider_name,
        order_ref=_order_ref(principal.user_id, idempotency_key, payment_id),
        provider_ref=None,
        amount=int(amount["amount"]),
        currency=amount["currency"],
        state="creating",
        action=None,
        failure=None,
        created_at=now,
        updated_at=now,
        purpose="balance" if subject.state == "confirmed" else "payment",
    )
    payment_items.start(payment)
    order = Order(
        payment_id=payment_id,
        order_ref=payment.order_ref,
        amount=payment.amount,
        currency=payment.currency,
        description=f"{subject_type} {subject_id}"[:50],
        callback_url=f"{get_settings().public_api_url}/v1/payments/webhook/{provider_name}",
        # Providers need somewhere to send the payer back to: by default, the payment itself.
        return_url=return_url or f"{get_settings().public_api_url}/v1/payments/{payment_id}",
        transfer_group=subject.data.get("contract_id") or subject_id,
    )
    try:
        created = provider.create_payment(order)
    except PaymentError as error:
        payment_items.failed_to_open(payment_id, error.message)
        raise
    action = {k: v for k, v in asdict(created.action).items() if v is not None}
    if created.action.expires_at is not None:
        action["expires_at"] = clock.to_rfc3339(created.action.expires_at)
    payment_items.opened(payment_id, provider_name, created.provider_ref, action)
    return payment_items.require(payment_id)


def visible(payment_id: str, principal: Principal) -> payment_items.Payment:
    payment = payment_items.require(payment_id)
    talent_id = principal.user.talent_id
    if not (
        principal.user_id == payment.payer_user_id
        or (talent_id is not None and talent_id == payment.talent_id)
        or principal.is_admin
    ):
        raise NotFoundError("payment not found")
    return payment


def refresh(payment: payment_items.Payment) -> payment_items.Payment:
    """A payment the provider's word could still change, re-checked with it and acted on:
    pending, or given up on by us (a success that comes later is still honoured)."""
    if not settlement.awaits_news(payment) or payment.provider_ref is None:
        return payment
    provider = registry.get(payment.provider)
    status = provider.get_status(payment.provider_ref, order_ref=payment.order_ref)
    apply_status(payment, status)
    return payment_items.require(payment.id)


def apply_status(payment: payment_items.Payment, status: ProviderStatus) -> None:
    if not settlement.awaits_news(payment):
        return  # settled before: a repeated report has no second effect
    if status.state == "succeeded":
        _succeeded(payment, status)
    elif status.state in _FINAL_FROM_PROVIDER and payment.state == "pending":
        writes = Writes()
        payment_items.move_in(writes, payment, status.state)
        try:
            retry_transient(lambda: writes.commit("the payment changed meanwhile"))
        except TransientConflictError:
            raise
        except ConflictError:
            return


def _succeeded(payment: payment_items.Payment, status: ProviderStatus) -> None:
    if settlement.mismatch(payment, status):
        # Not what we asked for: one terminal outcome (failed, amount_mismatch, what
        # arrived owed back), not an error retried forever.
        settlement.owed_back(payment, status)
        return
    settlement.take(payment.id, settlement.fire_for)


def to_json(payment: payment_items.Payment) -> dict[str, Any]:
    return {
        "id": payment.id,
        "state": payment.state,
        "subject": {"type": payment.subject_type, "id": payment.subject_id},
        "amount": {"amount": payment.amount, "currency": payment.currency},
        "provider": payment.provider,
        "provider_ref": payment.provider_ref,
        "action": payment.action,
        "failure": payment.failure,
        "created_at": clock.to_rfc3339(payment.created_at),
        "updated_at": clock.to_rfc3339(payment.updated_at),
    }


def reconcile(payment_id: str) -> None:
    """The recheck timer's work: settle, expire, or look again later."""
    payment = payment_items.get(payment_id)
    if payment is None or payment.state != "pending":
        return
    abandoned = clock.now() - payment.created_at >= ABANDONED_AFTER
    try:
        payment = refresh(payment)
    except PaymentError as error:
        # A provider that cannot say yet (an outage, an undocumented answer) is asked again;
        # past the deadline the payment is abandoned as if silent: a later success is still
        # honoured. Anything else stays loud and the timer retries.
        if not (error.retryable and abandoned):
            raise
    if payment.failure == settlement.AMOUNT_MISMATCH:
        settlement.list_mismatch_found_by_recheck(payment)
        return
    if payment.state != "pending":
        return
    if not abandoned:
        payment_items.recheck_timer(payment.id, clock.now() + payment_items.RECHECK_AFTER).save()
        return
    provider = registry.get(payment.provider)
    if provider.capabilities.cancel and payment.provider_ref:
        # Not swallowed: while the provider may still take the money the payment is not
        # expired; the failure leaves the timer for the next sweep, which looks again.
        provider.cancel(payment.provider_ref)
    writes = Writes()
    payment_items.move_in(writes, payment, "expired", failure="abandoned: not completed in time")
    try:
        writes.commit("the payment changed meanwhile")
    except ConflictError:
        return

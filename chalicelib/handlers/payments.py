"""Payments, provider webhooks, balances and the trial balance."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from chalicelib.lazy import lazy_import
from chalicelib.schemas.common import PageQuery
from chalicelib.schemas.payments import (
    BalanceList,
    PaymentCreate,
    PaymentOut,
    ProviderList,
    RefundList,
    RefundOut,
    TrialBalanceOut,
    WebhookList,
)
from chalicelib.web import limits
from chalicelib.web.router import Api, RawBody, Reply, RequestContext

if TYPE_CHECKING:
    from chalicelib.models import ledger as ledger_store
    from chalicelib.models import refunds as refund_store
    from chalicelib.payments import registry
    from chalicelib.usecases import payment_views, payments, refunds, webhooks_intake
else:
    payment_views = lazy_import("chalicelib.usecases.payment_views")
    ledger_store = lazy_import("chalicelib.models.ledger")
    refund_store = lazy_import("chalicelib.models.refunds")
    refunds = lazy_import("chalicelib.usecases.refunds")
    registry = lazy_import("chalicelib.payments.registry")
    payments = lazy_import("chalicelib.usecases.payments")
    webhooks_intake = lazy_import("chalicelib.usecases.webhooks_intake")

api = Api(__name__, tag="payments")


@api.get(
    "/v1/payments/providers",
    summary="Enabled providers and their currencies",
    auth="public",
    response=ProviderList,
)
def list_providers(ctx: RequestContext) -> dict[str, Any]:
    items = []
    for name in registry.enabled():
        capabilities = registry.get(name).capabilities
        items.append(
            {
                "name": name,
                "currencies": sorted(capabilities.currencies),
                "refunds": capabilities.refund,
                "partial_refunds": capabilities.partial_refund,
            }
        )
    return {"items": items}


@api.post(
    "/v1/payments",
    summary="Pay for a booking (accepted) or a milestone (funding_required): the payer only",
    body=PaymentCreate,
    response=PaymentOut,
    status=201,
    errors=(400, 403, 404, 409, 502),
)
def create_payment(ctx: RequestContext) -> dict[str, Any]:
    body: PaymentCreate = ctx.body
    payment = payments.create(
        ctx.principal,
        body.subject.type,
        body.subject.id,
        body.provider,
        return_url=body.return_url,
        idempotency_key=ctx.header("idempotency-key"),
    )
    return payments.to_json(payment)


@api.get(
    "/v1/payments/{payment_id}",
    summary=(
        "A payment (payer, payee, admin); a pending one is re-checked with its provider. "
        "Only the payer sees `action` whole; admins see it redacted, the payee not at all"
    ),
    response=PaymentOut,
    errors=(404, 502),
    rate_limited=True,
)
def get_payment(ctx: RequestContext, payment_id: str) -> dict[str, Any]:
    payment = payments.visible(payment_id, ctx.principal)
    if payment.state == "pending" and limits.may_recheck_payment(payment.id):
        payment = payments.refresh(payment)
    return payment_views.shown_to(ctx.principal, payment.payer_user_id, payments.to_json(payment))


@api.post(
    "/v1/payments/webhook/{provider}",
    summary="A provider's callback: authenticated where possible, stored, queued, answered",
    auth="public",
    errors=(400, 404, 413),
    # Providers call from a few addresses in bursts; intake is bounded by its size cap,
    # retention and API Gateway's throttling instead (docs/payments.md).
    rate_limited=False,
)
def receive_webhook(ctx: RequestContext, provider: str) -> Reply:
    headers = dict(ctx._request.headers.items())
    answer = webhooks_intake.receive(provider, headers, ctx.raw_body)
    if isinstance(answer, str):
        return Reply(RawBody(answer))
    return Reply(answer)


@api.get(
    "/v1/me/balance",
    summary="What the platform owes me as a talent, per currency: available, pending, paid out",
    response=BalanceList,
)
def my_balance(ctx: RequestContext) -> dict[str, Any]:
    talent_id = ctx.principal.user.talent_id
    if talent_id is None:
        return {"items": []}
    from chalicelib.domain import ledger
    from chalicelib.models import payouts as payout_store

    available = {
        b.currency: b.balance for b in ledger_store.balances_of(ledger.talent_available(talent_id))
    }
    # Sent (or batched) and not yet confirmed paid.
    pending = {
        b.currency: b.balance for b in ledger_store.balances_of(ledger.in_transit(talent_id))
    }
    paid_out: dict[str, int] = {}
    cursor: str | None = None
    while True:
        page, cursor = payout_store.list_for_talent(talent_id, limit=100, cursor=cursor)
        for payout in page:
            if payout.state == "paid":
                paid_out[payout.currency] = paid_out.get(payout.currency, 0) + payout.amount
        if not cursor:
            break
    currencies = sorted(set(available) | set(pending) | set(paid_out))
    return {
        "items": [
            {
                "currency": currency,
                "available": available.get(currency, 0),
                "pending": pending.get(currency, 0),
                "paid_out": paid_out.get(currency, 0),
            }
            for currency in currencies
        ]
    }


@api.get(
    "/v1/admin/ledger/trial-balance",
    summary="Every account's balance; the total per currency is zero",
    auth="admin",
    response=TrialBalanceOut,
)
def trial_balance(ctx: RequestContext) -> dict[str, Any]:
    balances = ledger_store.all_balances()
    totals: dict[str, int] = {}
    for balance in balances:
        totals[balance.currency] = totals.get(balance.currency, 0) + balance.balance
    return {
        "accounts": [
            {"account": b.account, "currency": b.currency, "balance": b.balance} for b in balances
        ],
        "totals": totals,
        "balanced": all(total == 0 for total in totals.values()),
    }


def _refund_json(refund: refund_store.Refund) -> dict[str, Any]:
    return {
        "id": refund.id,
        "customer_id": refund.customer_id,
        "payment_id": refund.payment_id,
        "provider": refund.provider,
        "amount": refund.amount,
        "currency": refund.currency,
        "state": refund.state,
        "note": refund.note,
    }


@api.get(
    "/v1/admin/refunds",
    summary="Refunds waiting for an admin (the provider cannot take them), oldest first",
    auth="admin",
    response=RefundList,
)
def manual_refunds(ctx: RequestContext) -> dict[str, Any]:
    return {"items": [_refund_json(r) for r in refund_store.manual()], "next_cursor": None}


@api.post(
    "/v1/admin/refunds/{refund_id}/settle",
    summary="Mark a refund paid back outside the provider (the ledger records it once)",
    auth="admin",
    response=RefundOut,
    errors=(404, 409),
)
def settle_refund(ctx: RequestContext, refund_id: str) -> dict[str, Any]:
    return _refund_json(refunds.settle_manually(refund_id, ctx.principal.user_id))


class WebhookQuery(PageQuery):
    state: Literal["received", "processed", "unmatched", "failed"] = "failed"


@api.get(
    "/v1/admin/webhooks",
    summary="Stored provider callbacks by state (failed: retried, perhaps in the DLQ)",
    auth="admin",
    query=WebhookQuery,
    response=WebhookList,
)
def list_webhooks(ctx: RequestContext) -> dict[str, Any]:
    from chalicelib.models import payments as payment_store

    found, cursor = payment_store.list_webhooks(
        ctx.query.state, limit=ctx.query.limit, cursor=ctx.query.cursor
    )
    return {
        "items": [
            {
                "id": item.webhook_id,
                "provider": item.provider,
                "provider_ref": item.provider_ref,
                "event_id": item.event_id,
                "state": item.state,
                "note": item.note,
                "received_at": item.received_at.isoformat(),
            }
            for item in found
        ],
        "next_cursor": cursor,
    }

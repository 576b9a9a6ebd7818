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
from chalicelib.schemas.reference import WebhookAck
from chalicelib.web import limits
from chalicelib.web.router import Api, RawBody, Reply, RequestContext

if TYPE_CHECKING:
    from chalicelib.usecases import (
        balances,
        payment_admin,
        payment_views,
        payments,
        refunds,
        webhooks_intake,
    )
else:
    balances = lazy_import("chalicelib.usecases.balances")
    payment_admin = lazy_import("chalicelib.usecases.payment_admin")
    payment_views = lazy_import("chalicelib.usecases.payment_views")
    refunds = lazy_import("chalicelib.usecases.refunds")
    payments = lazy_import("chalicelib.usecases.payments")
    webhooks_intake = lazy_import("chalicelib.usecases.webhooks_intake")

api = Api(__name__, tag="payments")


@api.get(
    "/v1/payments/providers",
    operation_id="listPaymentProviders",
    summary="Enabled providers and their currencies",
    auth="public",
    response=ProviderList,
)
def list_providers(ctx: RequestContext) -> dict[str, Any]:
    return payment_admin.providers()


@api.post(
    "/v1/payments",
    operation_id="createPayment",
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
    operation_id="getPayment",
    summary=(
        "A payment (payer, payee, admin); a pending one is re-checked with its provider. "
        "Only the payer sees `action` whole; admins see it redacted, the payee not at all"
    ),
    response=PaymentOut,
    errors=(404, 502),
    rate_limited=True,
)
def get_payment(ctx: RequestContext, payment_id: str) -> dict[str, Any]:
    return payment_views.view(payment_id, ctx.principal, limits.may_recheck_payment)


@api.post(
    "/v1/payments/webhook/{provider}",
    operation_id="receivePaymentWebhook",
    summary="A provider's callback: authenticated where possible, stored, queued, answered",
    auth="public",
    errors=(400, 404, 413),
    # Providers call from a few addresses in bursts; intake is bounded by its size cap,
    # retention and API Gateway's throttling instead (docs/payments.md).
    rate_limited=False,
    response=WebhookAck,
    produces=("application/json", "text/plain"),
)
def receive_webhook(ctx: RequestContext, provider: str) -> Reply:
    answer = webhooks_intake.receive(provider, ctx.headers, ctx.raw_body)
    if isinstance(answer, str):
        return Reply(RawBody(answer))
    return Reply(answer)


@api.get(
    "/v1/me/balance",
    operation_id="getMyBalance",
    summary="What the platform owes me as a talent, per currency: available, pending, paid out",
    response=BalanceList,
)
def my_balance(ctx: RequestContext) -> dict[str, Any]:
    return balances.talent_balance(ctx.principal)


@api.get(
    "/v1/admin/ledger/trial-balance",
    operation_id="getTrialBalance",
    summary="Every account's balance; the total per currency is zero",
    auth="admin",
    response=TrialBalanceOut,
)
def trial_balance(ctx: RequestContext) -> dict[str, Any]:
    return balances.trial_balance()


@api.get(
    "/v1/admin/refunds",
    operation_id="listManualRefunds",
    summary="Refunds waiting for an admin (the provider cannot take them), oldest first",
    auth="admin",
    response=RefundList,
)
def manual_refunds(ctx: RequestContext) -> dict[str, Any]:
    return payment_admin.manual_refunds()


@api.post(
    "/v1/admin/refunds/{refund_id}/settle",
    operation_id="settleRefund",
    summary="Mark a refund paid back outside the provider (the ledger records it once)",
    auth="admin",
    response=RefundOut,
    errors=(404, 409),
)
def settle_refund(ctx: RequestContext, refund_id: str) -> dict[str, Any]:
    return payment_admin.refund_json(refunds.settle_manually(refund_id, ctx.principal.user_id))


class WebhookQuery(PageQuery):
    state: Literal["received", "processed", "unmatched", "failed"] = "failed"


@api.get(
    "/v1/admin/webhooks",
    operation_id="listWebhooks",
    summary="Stored provider callbacks by state (failed: retried, perhaps in the DLQ)",
    auth="admin",
    query=WebhookQuery,
    response=WebhookList,
)
def list_webhooks(ctx: RequestContext) -> dict[str, Any]:
    query: WebhookQuery = ctx.query
    return payment_admin.webhooks(query.state, query.limit, query.cursor)

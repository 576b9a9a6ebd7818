"""The webhooks processor: a stored provider callback, re-checked with the provider's own
status API, then acted on once (usecases/payments.py). A callback that names no payment we
know is kept and flagged `unmatched`, not dropped. And reconciliation: the timer that
re-checks a pending payment until it settles or is abandoned."""

from __future__ import annotations

from typing import Any

from chalicelib import observability
from chalicelib.models import payment_items, timer_items, webhook_retention
from chalicelib.models import refund_items as refund_store
from chalicelib.payments import registry
from chalicelib.usecases import callback_settlement, payments, refunds, settlement
from chalicelib.workers.queues import webhooks
from chalicelib.workers.timer_sweep import register as timer_handler

WEBHOOK_RECEIVED = "webhook.received"


@webhooks.register(WEBHOOK_RECEIVED)
def process_webhook(message: dict[str, Any]) -> None:
    webhook_id = str(message["webhook_id"])
    webhook = payment_items.get_webhook(webhook_id)
    if webhook is None or webhook.state != "received":
        return  # processed by an earlier delivery of this message
    payment = (
        payment_items.find_by_ref(webhook.provider, webhook.provider_ref)
        if webhook.provider_ref
        else None
    )
    if payment is None:
        _unmatched(webhook)
        return
    try:
        # A status read, or (NassWallet, status API gone) the callback's own exact word.
        settled = callback_settlement.refresh_or_read_callback(payment, webhook)
    except Exception as error:
        # Listed among the failed for admins; the message is retried, then lands in the DLQ.
        payment_items.webhook_failed(webhook_id, f"{type(error).__name__}: {error}")
        raise
    if settled.failure == settlement.AMOUNT_MISMATCH:
        # Terminal, not retried: listed among the failed for an admin, saying what arrived.
        payment_items.mark_webhook(webhook_id, "failed", settlement.mismatch_note(settled))
        return
    payment_items.mark_webhook(webhook_id, "processed", f"payment {settled.id} is {settled.state}")


def _unmatched(webhook: payment_items.WebhookItem) -> None:
    """Anyone can post an unsigned callback naming a made-up reference: such ones are kept
    briefly, and every unmatched one is counted (a metric, and a counter per day)."""
    signed = registry.get(webhook.provider).capabilities.signed_callbacks
    if webhook_retention.mark_unmatched(webhook.webhook_id, webhook.provider, signed=signed):
        observability.count("UnmatchedWebhooks", provider=webhook.provider)


@timer_handler(payment_items.RECHECK_TIMER)
def recheck_payment(timer: timer_items.Timer) -> None:
    # A failure leaves the timer for the next sweep; a payment still pending re-arms it
    # (same id, later due), which the conditional consume below then leaves alone.
    payments.reconcile(timer.subject)
    timer_items.consume_if_due_by(timer.id, timer.due_at)


@timer_handler(refund_store.REFUND_TIMER)
def send_refund(timer: timer_items.Timer) -> None:
    refunds.send(timer)

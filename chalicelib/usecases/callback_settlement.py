"""A provider's callback as a settling path of its own, for providers whose status API has
no official documentation (NassWallet's checkTransaction): when the status cannot be read,
the stored callback is read instead, by the driver, against the payment's own provider
reference, order and amount; only an exact match is acted on, through the same
`apply_status` as a status read."""

from __future__ import annotations

import base64
from typing import Any

from chalicelib.models import payment_items
from chalicelib.payments import registry
from chalicelib.payments.base import CallbackStatusReader, PaymentError
from chalicelib.usecases import payments


def refresh_or_read_callback(payment: payment_items.Payment, webhook: Any) -> payment_items.Payment:
    """`payments.refresh`, or, when the provider cannot say and its driver reads callbacks,
    the callback's word. Every other failure is raised as it came."""
    try:
        return payments.refresh(payment)
    except PaymentError as unavailable:
        driver = registry.get(payment.provider)
        if (
            not isinstance(driver, CallbackStatusReader)
            or not unavailable.details.get("status_unavailable")
            or payment.provider_ref is None
        ):
            raise
        status = driver.status_from_callback(
            base64.b64decode(webhook.body),
            provider_ref=payment.provider_ref,
            order_ref=payment.order_ref,
            amount=payment.amount,
        )
        if status.state == "succeeded":
            # Only money arriving is taken on the callback's word: a failure or cancel it
            # reports is left to reconciliation, which expires the payment in any case.
            payments.apply_status(payment, status)
        return payment_items.require(payment.id)

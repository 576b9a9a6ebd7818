"""Refunds a subject owes, split across the payments that funded it: a booking paid as a
deposit and a balance, perhaps through two providers, is refunded latest payment first,
one provider refund per payment, each booked against its own provider when it is sent
(usecases/refund_items.py)."""

from __future__ import annotations

from typing import Any

from chalicelib.domain import ledger as books
from chalicelib.models import refund_items
from chalicelib.usecases.process_registry import Change


def funded_by(change: Change, amount: int, currency: str, provider: str) -> None:
    """The subject remembers every payment that funded it, in the order paid: a refund is
    split across them, each through its own provider."""
    funded = [dict(p) for p in change.data.get("payments") or _legacy_funding(change.data)]
    funded.append(
        {
            "payment_id": change.params.get("payment_id"),
            "provider": provider,
            "amount": amount,
            "currency": currency,
            "refunded": 0,
        }
    )
    change.data["payments"] = funded


def _legacy_funding(data: dict[str, Any]) -> list[dict[str, Any]]:
    """A subject paid before it kept `payments`: its one payment, from `paid`."""
    paid = data.get("paid")
    if not paid:
        return []
    return [
        {
            "payment_id": paid.get("payment_id"),
            "provider": str(data.get("provider") or "direct"),
            "amount": int(paid["amount"]),
            "currency": paid["currency"],
            "refunded": int((data.get("refund") or {}).get("amount", 0)),
        }
    ]


def owe(change: Change, base: str, amount: int, currency: str) -> None:
    """Refunds owed, split across the subject's payments latest first (ids from `base`)."""
    if amount <= 0:
        return
    funded = [dict(p) for p in change.data.get("payments") or _legacy_funding(change.data)]
    refundable = [
        (str(i), int(p["amount"]) - int(p.get("refunded", 0))) for i, p in enumerate(funded)
    ]
    shares = books.allocate_refund(amount, refundable)
    for n, (index, share) in enumerate(shares):
        payment = funded[int(index)]
        payment["refunded"] = int(payment.get("refunded", 0)) + share
        refund_items.owe_in(
            change.writes,
            # The first keeps the id a single payment's refund always had.
            refund_id=base if n == 0 else f"{base}-{n + 1}",
            customer_id=change.before.customer_id,
            payment_id=payment.get("payment_id"),
            provider=str(payment.get("provider") or "direct"),
            amount=share,
            currency=currency,
        )
    change.data["payments"] = funded

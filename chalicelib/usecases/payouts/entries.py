"""The ledger entries of a payout, one id per payout and step, so each posts once."""

from __future__ import annotations

from chalicelib.domain import ledger as books
from chalicelib.models import payout_items


def entry(
    payout: payout_items.Payout, step: str, memo: str, source: str, target: str
) -> books.Entry:
    return books.Entry(
        f"payout-{payout.id}-{step}",
        memo,
        (
            books.Posting(source, -payout.amount, payout.currency),
            books.Posting(target, payout.amount, payout.currency),
        ),
    )


def sent_entry(payout: payout_items.Payout) -> books.Entry:
    return entry(
        payout,
        "sent",
        "payout: from the talent's available balance into transit",
        books.talent_available(payout.talent_id),
        books.in_transit(payout.talent_id),
    )


def paid_entry(payout: payout_items.Payout) -> books.Entry:
    return entry(
        payout,
        "paid",
        f"payout paid through {payout.method}",
        books.in_transit(payout.talent_id),
        books.provider(payout.method),
    )


def returned_entry(payout: payout_items.Payout) -> books.Entry:
    return entry(
        payout,
        "returned",
        "payout failed: back to the talent's available balance",
        books.in_transit(payout.talent_id),
        books.talent_available(payout.talent_id),
    )

"""Stripe Connect results: Express accounts, their onboarding links, transfer reversals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from chalicelib.payments.stripe.errors import bad_response


@dataclass(frozen=True)
class ConnectedAccount:
    account_id: str
    charges_enabled: bool
    payouts_enabled: bool  # what `account.updated` reports once onboarding is done
    details_submitted: bool
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OnboardingLink:
    """Single use and short lived: hand it to the talent at once, never store it."""

    url: str
    expires_at: datetime
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReversalRef:
    reversal_ref: str
    transfer_ref: str
    amount: int
    raw: dict[str, Any] = field(default_factory=dict)


def account_from(raw: dict[str, Any], operation: str) -> ConnectedAccount:
    account_id = raw.get("id")
    if not isinstance(account_id, str) or not account_id.startswith("acct_"):
        raise bad_response(operation, "no account id in the response", raw)
    return ConnectedAccount(
        account_id=account_id,
        charges_enabled=raw.get("charges_enabled") is True,
        payouts_enabled=raw.get("payouts_enabled") is True,
        details_submitted=raw.get("details_submitted") is True,
        raw=raw,
    )


def link_from(raw: dict[str, Any], operation: str) -> OnboardingLink:
    url, expires_at = raw.get("url"), raw.get("expires_at")
    if not isinstance(url, str) or not isinstance(expires_at, int):
        raise bad_response(operation, "no url or expires_at in the account link", raw)
    return OnboardingLink(url=url, expires_at=datetime.fromtimestamp(expires_at, UTC), raw=raw)


def reversal_from(raw: dict[str, Any], operation: str) -> ReversalRef:
    reversal_id, transfer_id, amount = raw.get("id"), raw.get("transfer"), raw.get("amount")
    if not (isinstance(reversal_id, str) and isinstance(transfer_id, str)) or not isinstance(
        amount, int
    ):
        raise bad_response(operation, "no id, transfer or amount in the reversal", raw)
    return ReversalRef(reversal_ref=reversal_id, transfer_ref=transfer_id, amount=amount, raw=raw)

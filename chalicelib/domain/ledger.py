"""Double-entry bookkeeping, pure: an entry is a set of postings whose amounts sum to zero
per currency. A posting adds its (signed) amount to an account's balance.

Accounts:
- `provider:<name>`               money at a provider (clearing): goes down when customers pay
- `escrow:<type>:<id>`            customer money held for a booking or milestone
- `talent:<id>:pending`           owed to a talent, held until its delivery report passes QC
- `talent:<id>:available`         owed to a talent, payable now
- `payouts_in_transit:<talent>`   sent to a talent, not yet confirmed
- `platform:revenue`              platform fees
- `customer:<id>:refunds`         refunds owed to a customer, or in flight

Balances of escrow, talent, transit and refund accounts never go below zero; the
repository writes that as a condition on each posting that takes money out of one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

NON_NEGATIVE_PREFIXES = ("escrow:", "talent:", "payouts_in_transit:", "customer:")
PLATFORM_REVENUE = "platform:revenue"
BPS_WHOLE = 10_000


@dataclass(frozen=True)
class Posting:
    account: str
    amount: int  # minor units, signed
    currency: str


@dataclass(frozen=True)
class Entry:
    id: str  # deterministic per cause: writing the same entry twice is refused
    memo: str
    postings: tuple[Posting, ...]

    def __post_init__(self) -> None:
        check_balanced(self.postings)


class UnbalancedEntry(ValueError):
    pass


def check_balanced(postings: Iterable[Posting]) -> None:
    totals: dict[str, int] = defaultdict(int)
    seen = False
    for posting in postings:
        if isinstance(posting.amount, bool) or not isinstance(posting.amount, int):
            raise UnbalancedEntry("amounts are integers in minor units")
        totals[posting.currency] += posting.amount
        seen = True
    if not seen:
        raise UnbalancedEntry("an entry has postings")
    unbalanced = {currency: total for currency, total in totals.items() if total}
    if unbalanced:
        raise UnbalancedEntry(f"postings do not sum to zero: {unbalanced}")


def must_stay_non_negative(account: str) -> bool:
    return account.startswith(NON_NEGATIVE_PREFIXES)


def provider(name: str) -> str:
    return f"provider:{name}"


def escrow(subject_type: str, subject_id: str) -> str:
    return f"escrow:{subject_type}:{subject_id}"


def talent_available(talent_id: str) -> str:
    return f"talent:{talent_id}:available"


def talent_pending(talent_id: str) -> str:
    """Released at completion of a report-required booking, held for QC: never paid out."""
    return f"talent:{talent_id}:pending"


def customer_refunds(user_id: str) -> str:
    return f"customer:{user_id}:refunds"


def in_transit(talent_id: str) -> str:
    return f"payouts_in_transit:{talent_id}"


def fee(amount: int, fee_bps: int) -> int:
    """The platform's share, rounded down: the talent never gets less than its share."""
    return amount * fee_bps // BPS_WHOLE


def _moves(source: str, targets: list[tuple[str, int]], currency: str) -> tuple[Posting, ...]:
    total = sum(amount for _, amount in targets)
    postings = [Posting(source, -total, currency)]
    postings += [Posting(account, amount, currency) for account, amount in targets if amount]
    return tuple(postings) if total else ()


def payment_received(
    entry_id: str, provider_name: str, escrow_account: str, amount: int, currency: str
) -> Entry:
    return Entry(
        entry_id,
        "payment received into escrow",
        _moves(provider(provider_name), [(escrow_account, amount)], currency),
    )


def settle(
    entry_id: str,
    *,
    escrow_account: str,
    currency: str,
    to_talent: int,
    to_customer: int,
    talent_id: str,
    customer_id: str,
    fee_bps: int,
    memo: str,
    held_for_qc: bool,
) -> Entry | None:
    """Empty an escrow: `to_customer` is refunded, `to_talent` released less the fee, into
    the talent's available balance, or its pending one while QC holds it."""
    platform = fee(to_talent, fee_bps)
    talent_account = talent_pending(talent_id) if held_for_qc else talent_available(talent_id)
    targets = [
        (customer_refunds(customer_id), to_customer),
        (talent_account, to_talent - platform),
        (PLATFORM_REVENUE, platform),
    ]
    postings = _moves(escrow_account, targets, currency)
    return Entry(entry_id, memo, postings) if postings else None


def qc_release(entry_id: str, talent_id: str, amount: int, currency: str) -> Entry:
    """QC passed (or an admin waived it): what was held becomes payable."""
    return Entry(
        entry_id,
        "delivery report accepted: held earnings become available",
        _moves(talent_pending(talent_id), [(talent_available(talent_id), amount)], currency),
    )


def refund_sent(
    entry_id: str, customer_id: str, provider_name: str, amount: int, currency: str
) -> Entry:
    return Entry(
        entry_id,
        "refund paid back through the provider",
        _moves(customer_refunds(customer_id), [(provider(provider_name), amount)], currency),
    )


def received_and_owed_back(
    entry_id: str, provider_name: str, customer_id: str, amount: int, currency: str
) -> Entry:
    """A payment that arrived for a subject that could no longer take it: all of it is owed
    back to the customer at once."""
    return Entry(
        entry_id,
        "payment received for a subject that could not take it: owed back",
        _moves(provider(provider_name), [(customer_refunds(customer_id), amount)], currency),
    )


def allocate_refund(amount: int, funded_by: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A refund split across the payments that funded a subject, latest first: each takes
    at most what is still refundable on it. `funded_by` is (payment, refundable) in the
    order paid. Refusing more than was paid keeps money from being invented."""
    if amount < 0:
        raise UnbalancedEntry("a refund is not negative")
    left = amount
    shares: list[tuple[str, int]] = []
    for payment, refundable in reversed(funded_by):
        share = min(left, max(refundable, 0))
        if share:
            shares.append((payment, share))
            left -= share
    if left:
        raise UnbalancedEntry(f"refund of {amount} exceeds what was paid by {left}")
    return shares

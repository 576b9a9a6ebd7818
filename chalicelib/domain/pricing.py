"""What a price and a deposit may be. A price above the currency's ceiling (MAX_PRICE) is
refused; so is a deposit that rounds down to nothing, which no provider would take (it used
to surface as a 502 when the customer tried to pay it). And what a booking owes: its deposit
(or whole price) first, then the balance."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.errors import ValidationError


def check_price(price: Mapping[str, Any], ceilings: Mapping[str, int], *, what: str) -> None:
    amount, currency = int(price["amount"]), str(price["currency"])
    if amount <= 0:
        raise ValidationError(f"{what} must be more than 0 {currency}", {"price": dict(price)})
    ceiling = ceilings.get(currency)
    if ceiling is None:
        # Every supported currency has a ceiling (settings); a gap is a configuration bug.
        raise ValidationError(f"{currency} is not a currency prices may be set in")
    if amount > ceiling:
        raise ValidationError(
            f"{what} is above the highest price allowed in {currency}",
            {"price": dict(price), "max": {"amount": ceiling, "currency": currency}},
        )


def deposit_of(price: Mapping[str, Any], percent: int) -> dict[str, Any] | None:
    """The deposit due on `price` (rounded down), or None when the whole price is due."""
    if not 0 < percent < 100:
        return None
    amount = int(price["amount"]) * percent // 100
    if amount <= 0:
        raise ValidationError(
            f"a {percent} % deposit on {price['amount']} {price['currency']} rounds to 0: "
            "raise the price or drop the deposit",
            {"price": dict(price), "deposit_percent": percent},
        )
    return {"amount": amount, "currency": price["currency"]}


def check_service(
    pricing: Mapping[str, Any],
    packages: list[Mapping[str, Any]],
    deposit_percent: int,
    duration_minutes: int | None,
    ceilings: Mapping[str, int],
) -> None:
    """A service's every price is under the ceiling, and the smallest booking of each
    carries a deposit that is not 0 (an hourly service's smallest is its minimum length)."""
    price = pricing["price"]
    check_price(price, ceilings, what="the service's price")
    if pricing["type"] == "hourly":
        minutes = duration_minutes or 60
        smallest = {"amount": int(price["amount"]) * minutes // 60, "currency": price["currency"]}
        check_price(smallest, ceilings, what=f"a {minutes}-minute booking")
        deposit_of(smallest, deposit_percent)
    else:
        deposit_of(price, deposit_percent)
    for package in packages:
        check_price(package["price"], ceilings, what=f"the {package['tier']} package's price")
        deposit_of(package["price"], deposit_percent)


def amount_due_now(booking: Mapping[str, Any]) -> dict[str, Any]:
    """What a booking's first payment is (`booking` is the booking's data): its deposit
    when it has one, else the whole price."""
    deposit = booking.get("deposit")
    return dict(deposit) if deposit else dict(booking["price"])


def balance_due(booking: Mapping[str, Any]) -> int:
    """What is left to pay on a booking confirmed on a deposit (`booking` is the booking's
    data); 0 once the balance is paid or when no deposit was taken."""
    deposit = booking.get("deposit")
    if not deposit or booking.get("balance_paid"):
        return 0
    return int(booking["price"]["amount"]) - int(deposit["amount"])

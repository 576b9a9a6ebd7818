"""IXOPAY takes and returns amounts as decimal strings in major units ("12.50" USD,
"25000" IQD); we hold integers in minor units. The exponent comes from chalicelib.money."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from chalicelib.money import CURRENCY_EXPONENTS


def to_decimal_string(amount: int, currency: str) -> str:
    """12 50 cents -> "12.50"; 25000 IQD -> "25000"."""
    return str(Decimal(amount).scaleb(-CURRENCY_EXPONENTS[currency]))


def to_minor_units(value: object, currency: str) -> int:
    """ "12.50" (or 12.5) USD -> 1250; ValueError for a non-number or a fraction of a unit."""
    exponent = CURRENCY_EXPONENTS.get(currency)
    if exponent is None:
        raise ValueError(f"unsupported currency {currency!r}")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"amount {value!r} is not a number")
    try:
        minor = Decimal(str(value).strip()).scaleb(exponent)
    except InvalidOperation:
        raise ValueError(f"amount {value!r} is not a number") from None
    if not minor.is_finite() or minor != minor.to_integral_value():
        raise ValueError(f"amount {value!r} is not a whole number of minor units")
    return int(minor)

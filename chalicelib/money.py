"""Money is an integer in the currency's smallest unit in practical use, plus its code."""

from __future__ import annotations

from dataclasses import dataclass

# The one table of currency exponents. IQD is whole dinars, as the Iraqi gateways take it.
CURRENCY_EXPONENTS: dict[str, int] = {"IQD": 0, "USD": 2, "EUR": 2, "GBP": 2}


@dataclass(frozen=True)
class Money:
    amount: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError("money amounts are integers in minor units")
        if self.currency not in CURRENCY_EXPONENTS:
            raise ValueError(f"unsupported currency {self.currency!r}")

    def to_json(self) -> dict[str, object]:
        return {"amount": self.amount, "currency": self.currency}

"""Price ceilings and deposits, without AWS."""

from __future__ import annotations

import pytest

from chalicelib.domain import pricing
from chalicelib.errors import ValidationError
from chalicelib.money import CURRENCY_EXPONENTS
from chalicelib.settings import DEFAULT_MAX_PRICES, load_settings
from tests.deployed_env import REQUIRED


def test_every_currency_has_a_ceiling_and_max_price_overrides_some() -> None:
    assert set(DEFAULT_MAX_PRICES) == set(CURRENCY_EXPONENTS)
    settings = load_settings({**REQUIRED, "MAX_PRICE": "iqd=5000, USD=700"})
    assert settings.max_prices == {**DEFAULT_MAX_PRICES, "IQD": 5000, "USD": 700}


@pytest.mark.parametrize("value", ["IQD", "XYZ=5", "IQD=-1", "IQD=0", "IQD=1.5"])
def test_a_bad_max_price_fails_loudly(value: str) -> None:
    with pytest.raises(ValueError, match="MAX_PRICE"):
        load_settings({**REQUIRED, "MAX_PRICE": value})


def test_deposits_round_down_and_refuse_zero() -> None:
    price = {"amount": 1000, "currency": "IQD"}
    assert pricing.deposit_of(price, 30) == {"amount": 300, "currency": "IQD"}
    assert pricing.deposit_of(price, 0) is None
    assert pricing.deposit_of(price, 100) is None
    assert pricing.deposit_of({"amount": 4, "currency": "IQD"}, 30) == {
        "amount": 1,
        "currency": "IQD",
    }
    with pytest.raises(ValidationError):
        pricing.deposit_of({"amount": 3, "currency": "IQD"}, 30)


def test_the_ceiling_is_inclusive() -> None:
    ceilings = {"USD": 100}
    pricing.check_price({"amount": 100, "currency": "USD"}, ceilings, what="x")
    with pytest.raises(ValidationError) as refused:
        pricing.check_price({"amount": 101, "currency": "USD"}, ceilings, what="x")
    assert refused.value.details["max"] == {"amount": 100, "currency": "USD"}


def test_a_booking_with_a_deposit_is_paid_deposit_first_then_balance() -> None:
    booking = {
        "price": {"amount": 250_000, "currency": "IQD"},
        "deposit": {"amount": 75_000, "currency": "IQD"},
    }
    assert pricing.amount_due_now(booking) == {"amount": 75_000, "currency": "IQD"}
    assert pricing.balance_due(booking) == 175_000
    assert pricing.balance_due({**booking, "balance_paid": True}) == 0


def test_a_booking_without_a_deposit_is_paid_whole_and_owes_no_balance() -> None:
    booking = {"price": {"amount": 9_900, "currency": "USD"}, "deposit": None}
    due = pricing.amount_due_now(booking)
    assert due == {"amount": 9_900, "currency": "USD"}
    due["amount"] = 1  # a copy: the caller may not change the booking through it
    assert booking["price"] == {"amount": 9_900, "currency": "USD"}
    assert pricing.balance_due(booking) == 0

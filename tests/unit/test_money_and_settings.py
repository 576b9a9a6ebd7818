from __future__ import annotations

import pytest

from chalicelib.money import CURRENCY_EXPONENTS, Money
from chalicelib.settings import load_settings
from tests.deployed_env import REQUIRED


def test_money_is_integer_minor_units() -> None:
    assert Money(250000, "IQD").to_json() == {"amount": 250000, "currency": "IQD"}
    assert CURRENCY_EXPONENTS == {"IQD": 0, "USD": 2, "EUR": 2, "GBP": 2}


@pytest.mark.parametrize("amount", [1.5, True, "10"])
def test_money_refuses_non_integers(amount: object) -> None:
    with pytest.raises(TypeError):
        Money(amount, "USD")  # type: ignore[arg-type]


def test_money_refuses_unknown_currency() -> None:
    with pytest.raises(ValueError, match="currency"):
        Money(1, "XXX")


def test_settings_parse_the_environment() -> None:
    settings = load_settings(
        {
            "STAGE": "local",
            "ADMIN_EMAILS": " Boss@Example.com, ,ops@example.com",
            "WEBHOOKS_QUEUE_URL": "http://q/webhooks",
            "PLATFORM_CLOCK_FILE": "/tmp/clock",
        }
    )
    assert settings.is_local
    assert settings.admin_emails == {"boss@example.com", "ops@example.com"}
    assert settings.queue_url("webhooks") == "http://q/webhooks"
    with pytest.raises(RuntimeError, match="PAYOUTS_QUEUE_URL"):
        settings.queue_url("payouts")


def test_clock_file_is_ignored_outside_local() -> None:
    from chalicelib import clock
    from chalicelib.settings import get_settings, reset_settings

    assert load_settings({**REQUIRED, "PLATFORM_CLOCK_FILE": "/tmp/x"}).stage == "prod"
    reset_settings()
    try:
        assert not get_settings().is_local
        assert isinstance(clock.current(), clock.SystemClock)
    finally:
        reset_settings()

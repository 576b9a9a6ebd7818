"""Express accounts are created with their country and service agreement explicit (Stripe,
"Service agreement types": cross-border payouts only work under the `recipient` agreement,
and the country must be passed when it differs from the platform's)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs

import pytest

from chalicelib.payments.base import PaymentError
from chalicelib.payments.stripe.driver import StripeDriver, build
from tests.fault_proxy import FaultProxy, fault_proxy
from tests.payments_sandbox import serve_provider


@pytest.fixture
def proxy() -> Iterator[FaultProxy]:
    with serve_provider("stripe") as sandbox, fault_proxy(sandbox.url) as proxied:
        yield proxied


def _driver(
    proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch, platform: str | None
) -> StripeDriver:
    monkeypatch.setenv("STRIPE_API_BASE", f"{proxy.url}/stripe")
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_sandbox")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_sandbox")
    if platform is None:
        monkeypatch.delenv("STRIPE_PLATFORM_COUNTRY", raising=False)
    else:
        monkeypatch.setenv("STRIPE_PLATFORM_COUNTRY", platform)
    return build()


def _account_request(proxy: FaultProxy) -> dict[str, list[str]]:
    [body] = [body for path, body in proxy.bodies if path.endswith("/v1/accounts")]
    return parse_qs(body.decode())


@pytest.mark.parametrize(
    ("talent_country", "agreement"), [("iq", "recipient"), ("GB", "recipient"), ("us", "full")]
)
def test_the_country_and_service_agreement_are_explicit(
    proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch, talent_country: str, agreement: str
) -> None:
    driver = _driver(proxy, monkeypatch, "US")
    account = driver.create_express_account("talent@example.com", talent_country)
    sent = _account_request(proxy)
    assert sent["country"] == [talent_country.upper()]
    assert sent["tos_acceptance[service_agreement]"] == [agreement]
    assert sent["capabilities[transfers][requested]"] == ["true"]
    assert account.raw["country"] == talent_country.upper()


def test_without_the_platform_country_no_account_is_created(
    proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    driver = _driver(proxy, monkeypatch, None)
    with pytest.raises(PaymentError, match="STRIPE_PLATFORM_COUNTRY"):
        driver.create_express_account("talent@example.com", "IQ")
    assert not [path for path, _ in proxy.bodies if path.endswith("/v1/accounts")]

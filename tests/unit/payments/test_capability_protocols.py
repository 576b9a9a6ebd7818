"""The optional driver capabilities are typed protocols: the use cases ask isinstance()
instead of probing attributes, so which driver has which capability is checked here,
against the real driver classes."""

from __future__ import annotations

import pytest

from chalicelib.payments.areeba.driver import AreebaDriver
from chalicelib.payments.base import CallbackStatusReader, ConnectOnboarding, PayoutStatusReader
from chalicelib.payments.fastpay.driver import FastPayDriver
from chalicelib.payments.fib.driver import FibDriver
from chalicelib.payments.nasswallet.driver import NassWalletDriver
from chalicelib.payments.stripe.driver import StripeDriver

DRIVERS = (StripeDriver, FibDriver, FastPayDriver, NassWalletDriver, AreebaDriver)


@pytest.mark.parametrize(
    ("capability", "holders"),
    [
        (ConnectOnboarding, {StripeDriver}),
        (PayoutStatusReader, {FibDriver}),
        (CallbackStatusReader, {NassWalletDriver}),
    ],
)
def test_each_capability_is_held_by_exactly_its_drivers(
    capability: type, holders: set[type]
) -> None:
    assert {driver for driver in DRIVERS if issubclass(driver, capability)} == holders


def test_an_object_with_half_of_connect_is_not_a_connect_driver() -> None:
    class LinksOnly:
        def account_link(self, account_id: str, refresh_url: str, return_url: str) -> object:
            return object()

    assert not isinstance(LinksOnly(), ConnectOnboarding)
    assert not isinstance(object(), PayoutStatusReader)

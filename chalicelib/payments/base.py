"""The one interface every payment provider's driver implements, and the one result shape
each returns. Drivers speak their provider's real HTTP API; only the base URL (from
settings) differs between the local sandbox and production. Provider SDKs and HTTP
clients are imported inside the drivers, on first use, never at import."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, runtime_checkable

from chalicelib.errors import DomainError, ValidationError
from chalicelib.settings import ConfigurationError, provider_settings

if TYPE_CHECKING:
    from pydantic_settings import BaseSettings

    _Config = TypeVar("_Config", bound=BaseSettings)

PaymentState = Literal[
    "pending",
    "succeeded",
    "failed",
    "cancelled",
    "expired",
    "refund_pending",
    "refunded",
    "partially_refunded",
]
ActionType = Literal["redirect", "qr", "client_secret"]


class PaymentError(DomainError):
    """A provider refused or failed; `retryable` says whether trying again may help."""

    code = "PROVIDER_ERROR"
    status = 502

    def __init__(
        self,
        provider: str,
        message: str,
        *,
        retryable: bool = False,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{provider}: {message}", {"provider": provider, **(details or {})})
        self.provider = provider
        self.retryable = retryable


class CallbackRejected(ValidationError):
    """A callback that fails authentication (forged or stale signature): 400, nothing kept."""


@dataclass(frozen=True)
class Order:
    """What we ask a provider to collect."""

    payment_id: str  # our payment's id
    order_ref: str  # deterministic per payment: 8-32 alphanumerics (FastPay's limit)
    amount: int  # minor units of `currency`
    currency: str
    description: str  # short: FIB allows 50 characters
    callback_url: str  # our webhook for this provider
    return_url: str | None = None
    transfer_group: str | None = None  # the booking or contract the money is held for
    language: str = "en"


@dataclass(frozen=True)
class Action:
    """What the payer does next."""

    type: ActionType
    url: str | None = None
    qr_code: str | None = None
    deeplinks: dict[str, str] | None = None
    client_secret: str | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class ProviderPayment:
    provider_ref: str
    action: Action
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProviderStatus:
    provider_ref: str
    state: PaymentState
    amount: int | None = None  # what the provider says was paid, in minor units
    currency: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CallbackRef:
    """What an (authenticated where possible) callback names; never a verdict by itself."""

    provider_ref: str | None
    event_id: str | None = None  # the provider's own event id, when it has one
    order_ref: str | None = None
    # What the provider expects as the answer body (NassWallet: the text SUCCESS).
    answer: str | dict[str, Any] = field(default_factory=lambda: {"received": True})


@dataclass(frozen=True)
class RefundRef:
    refund_ref: str
    state: Literal["refund_pending", "refunded"]
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PayoutRef:
    payout_ref: str
    state: Literal["pending", "paid", "failed"]
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Capabilities:
    currencies: frozenset[str]
    refund: bool
    partial_refund: bool
    cancel: bool
    payout: bool
    signed_callbacks: bool


class PaymentProvider(Protocol):
    name: str
    capabilities: Capabilities

    def create_payment(self, order: Order) -> ProviderPayment: ...

    def get_status(self, provider_ref: str, *, order_ref: str | None = None) -> ProviderStatus: ...

    def cancel(self, provider_ref: str) -> None: ...

    def refund(
        self, provider_ref: str, amount: int, currency: str, *, reference: str
    ) -> RefundRef: ...

    def parse_callback(self, headers: Mapping[str, str], raw_body: bytes) -> CallbackRef: ...

    def payout(
        self, destination: Mapping[str, Any], amount: int, currency: str, *, reference: str
    ) -> PayoutRef: ...


# Capabilities only some drivers have. Each is a protocol checked with isinstance() where
# it is needed, so a driver that lacks one is refused loudly and mypy checks the calls.


class ConnectedAccountRef(Protocol):
    @property
    def account_id(self) -> str: ...


class OnboardingLinkRef(Protocol):
    @property
    def url(self) -> str: ...


@runtime_checkable
class ConnectOnboarding(Protocol):
    """Opens a connected account for a talent and hands out its onboarding link (Stripe
    Connect Express). `reference` (the talent's id) makes a retried creation return the
    account already created."""

    def create_express_account(
        self, email: str, country: str, *, reference: str | None = None
    ) -> ConnectedAccountRef: ...

    def account_link(
        self, account_id: str, refresh_url: str, return_url: str
    ) -> OnboardingLinkRef: ...


@runtime_checkable
class PayoutStatusReader(Protocol):
    """Reports a payout's state, for providers whose payouts have no callback (FIB)."""

    def payout_status(self, payout_ref: str) -> PayoutRef: ...


@runtime_checkable
class CallbackStatusReader(Protocol):
    """Reads a payment's status from a stored callback, for providers whose status API
    cannot always be asked (NassWallet). Only a callback naming exactly this payment's
    provider reference, order and amount may answer."""

    def status_from_callback(
        self, raw_body: bytes, *, provider_ref: str, order_ref: str, amount: int
    ) -> ProviderStatus: ...


def provider_config(provider: str, model: type[_Config]) -> _Config:
    """A provider's typed settings, read when its driver is built; what is missing or wrong
    is a PaymentError naming each variable."""
    try:
        return provider_settings(model)
    except ConfigurationError as error:
        raise PaymentError(provider, str(error)) from error


def header(headers: Mapping[str, str], name: str) -> str | None:
    """Headers arrive in any case (API Gateway lower-cases some)."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None

"""The Stripe driver. Escrow is separate charges and transfers: the customer pays a
PaymentIntent on the platform (tagged with the booking's `transfer_group`), and release is a
Transfer to the talent's Express account. Every POST carries an Idempotency-Key derived
from our own ids, so a retried request never charges, refunds or transfers twice."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from chalicelib.payments.base import (
    Action,
    CallbackRef,
    Capabilities,
    Order,
    PaymentError,
    PayoutRef,
    ProviderPayment,
    ProviderStatus,
    RefundRef,
    provider_config,
)
from chalicelib.payments.stripe import webhook
from chalicelib.payments.stripe.connect import (
    ConnectedAccount,
    OnboardingLink,
    ReversalRef,
    account_from,
    link_from,
    reversal_from,
)
from chalicelib.payments.stripe.errors import NAME, bad_response, wrap
from chalicelib.payments.stripe.statuses import payment_state, refund_state

if TYPE_CHECKING:
    from stripe import StripeClient

DEFAULT_API_BASE = "https://api.stripe.com"
TIMEOUT_SECONDS = 10
# The SDK retries connection errors and what Stripe marks retryable, with the same key.
MAX_NETWORK_RETRIES = 2
_ACCOUNT_ID = re.compile(r"acct_[A-Za-z0-9]+")
_CANCELLED = "canceled"


class StripeDriver:
    name = NAME
    capabilities = Capabilities(
        currencies=frozenset({"USD", "EUR", "GBP"}),
        refund=True,
        partial_refund=True,
        cancel=True,
        payout=True,
        signed_callbacks=True,
    )

    def __init__(
        self,
        *,
        api_key: str,
        webhook_secret: str,
        api_base: str,
        platform_country: str | None = None,
    ) -> None:
        self._api_key = api_key
        self._webhook_secret = webhook_secret
        self._api_base = api_base.rstrip("/")
        self._platform_country = platform_country.upper() if platform_country else None
        self._client: StripeClient | None = None

    # -- payments -------------------------------------------------------------------------

    def create_payment(self, order: Order) -> ProviderPayment:
        currency = self._currency(order.currency)
        _positive(order.amount)
        params: Any = {
            "amount": order.amount,
            "currency": currency,
            "description": order.description,
            "automatic_payment_methods": {"enabled": True},
            "metadata": {"payment_id": order.payment_id, "order_ref": order.order_ref},
        }
        if order.transfer_group:
            params["transfer_group"] = order.transfer_group
        raw = self._call(
            "create_payment",
            lambda client: client.v1.payment_intents.create(
                params=params, options={"idempotency_key": f"payment-intent-{order.order_ref}"}
            ),
        )
        client_secret = raw.get("client_secret")
        if not isinstance(client_secret, str) or not client_secret:
            raise bad_response("create_payment", "no client_secret in the PaymentIntent", raw)
        return ProviderPayment(
            provider_ref=_id(raw, "pi_", "create_payment"),
            action=Action(type="client_secret", client_secret=client_secret),
            raw=raw,
        )

    def get_status(self, provider_ref: str, *, order_ref: str | None = None) -> ProviderStatus:
        _reference(provider_ref, "pi_")
        # The charge carries the refunds; the intent alone says only `succeeded`.
        raw = self._call(
            "get_status",
            lambda client: client.v1.payment_intents.retrieve(
                provider_ref, params={"expand": ["latest_charge"]}
            ),
        )
        state = payment_state(raw)
        if state is None:
            raise bad_response("get_status", f"unknown PaymentIntent status {raw.get('status')!r}")
        received, currency = raw.get("amount_received"), raw.get("currency")
        return ProviderStatus(
            provider_ref=_id(raw, "pi_", "get_status"),
            state=state,
            amount=received if isinstance(received, int) else None,
            currency=currency.upper() if isinstance(currency, str) else None,
            raw=raw,
        )

    def cancel(self, provider_ref: str) -> None:
        import stripe

        _reference(provider_ref, "pi_")
        try:
            self._stripe().v1.payment_intents.cancel(
                provider_ref, options={"idempotency_key": f"cancel-{provider_ref}"}
            )
        except stripe.InvalidRequestError as error:
            # Cancelling twice is Stripe's error but our success.
            if error.code != "payment_intent_unexpected_state":
                raise wrap("cancel", error) from error
            if self.get_status(provider_ref).raw.get("status") != _CANCELLED:
                raise wrap("cancel", error) from error
        except stripe.StripeError as error:
            raise wrap("cancel", error) from error

    def refund(self, provider_ref: str, amount: int, currency: str, *, reference: str) -> RefundRef:
        _reference(provider_ref, "pi_")
        self._currency(currency)
        _positive(amount)
        params: Any = {
            "payment_intent": provider_ref,
            "amount": amount,
            "metadata": {"reference": reference},
        }
        raw = self._call(
            "refund",
            lambda client: client.v1.refunds.create(
                params=params, options={"idempotency_key": f"refund-{reference}"}
            ),
        )
        state = refund_state(raw)
        if state is None or state == "failed":
            raise bad_response("refund", f"the refund is {raw.get('status')!r}", raw)
        return RefundRef(refund_ref=_id(raw, "re_", "refund"), state=state, raw=raw)

    def parse_callback(self, headers: Mapping[str, str], raw_body: bytes) -> CallbackRef:
        return webhook.parse(headers, raw_body, self._webhook_secret)

    # -- Connect: transfers on release, reversals, Express onboarding ---------------------

    def payout(
        self, destination: Mapping[str, Any], amount: int, currency: str, *, reference: str
    ) -> PayoutRef:
        """A Transfer to `destination["account"]`; optional `transfer_group` and
        `source_transaction` (the charge) tie it to the money held for the booking."""
        account = destination.get("account")
        if not isinstance(account, str) or not _ACCOUNT_ID.fullmatch(account):
            raise PaymentError(NAME, "a payout needs destination.account = a Stripe acct_ id")
        params: Any = {
            "amount": _positive(amount),
            "currency": self._currency(currency),
            "destination": account,
            "metadata": {"reference": reference},
        }
        for key in ("transfer_group", "source_transaction"):
            if isinstance(destination.get(key), str) and destination[key]:
                params[key] = destination[key]
        raw = self._call(
            "payout",
            lambda client: client.v1.transfers.create(
                params=params, options={"idempotency_key": f"transfer-{reference}"}
            ),
        )
        # The money is in the talent's Stripe balance now; Stripe pays it out from there.
        return PayoutRef(payout_ref=_id(raw, "tr_", "payout"), state="paid", raw=raw)

    def reverse_transfer(self, transfer_id: str, amount: int, *, reference: str) -> ReversalRef:
        """Take back (part of) a transfer, e.g. before refunding a released booking."""
        _reference(transfer_id, "tr_")
        params: Any = {"amount": _positive(amount), "metadata": {"reference": reference}}
        raw = self._call(
            "reverse_transfer",
            lambda client: client.v1.transfers.reversals.create(
                transfer_id, params=params, options={"idempotency_key": f"reversal-{reference}"}
            ),
        )
        return reversal_from(raw, "reverse_transfer")

    def create_express_account(
        self, email: str, country: str, *, reference: str | None = None
    ) -> ConnectedAccount:
        """`reference` (e.g. the talent's id) makes a retried creation return the same one.

        Stripe ("Service agreement types"): cross-border payouts only work for accounts
        under the `recipient` service agreement, and the country must be given when it
        differs from the platform's; the agreement cannot be changed once accepted, so
        both are decided here, explicitly."""
        if self._platform_country is None:
            raise PaymentError(
                NAME,
                "STRIPE_PLATFORM_COUNTRY is not configured: it decides each connected "
                "account's service agreement (recipient when cross-border)",
            )
        country = country.upper()
        agreement = "full" if country == self._platform_country else "recipient"
        params: Any = {
            "type": "express",
            "email": email,
            "country": country,
            "capabilities": {"transfers": {"requested": True}},
            "tos_acceptance": {"service_agreement": agreement},
        }
        options: Any = {"idempotency_key": f"account-{reference}"} if reference else {}
        raw = self._call(
            "create_express_account",
            lambda client: client.v1.accounts.create(params=params, options=options),
        )
        return account_from(raw, "create_express_account")

    def get_account(self, account_id: str) -> ConnectedAccount:
        _reference(account_id, "acct_")
        raw = self._call("get_account", lambda client: client.v1.accounts.retrieve(account_id))
        return account_from(raw, "get_account")

    def account_link(self, account_id: str, refresh_url: str, return_url: str) -> OnboardingLink:
        _reference(account_id, "acct_")
        # No idempotency key of ours: a replay would hand back a link already used or expired.
        params: Any = {
            "account": account_id,
            "refresh_url": refresh_url,
            "return_url": return_url,
            "type": "account_onboarding",
        }
        raw = self._call(
            "account_link", lambda client: client.v1.account_links.create(params=params)
        )
        return link_from(raw, "account_link")

    # -- plumbing -------------------------------------------------------------------------

    def _stripe(self) -> StripeClient:
        if self._client is None:
            import stripe

            self._client = stripe.StripeClient(
                self._api_key,
                base_addresses={"api": self._api_base},
                http_client=stripe.RequestsClient(timeout=TIMEOUT_SECONDS),
                max_network_retries=MAX_NETWORK_RETRIES,
            )
        return self._client

    def _call(self, operation: str, request: Callable[[StripeClient], Any]) -> dict[str, Any]:
        import stripe

        try:
            result = request(self._stripe())
        except stripe.StripeError as error:
            raise wrap(operation, error) from error
        if not isinstance(result, stripe.StripeObject):
            raise bad_response(operation, f"unexpected response {type(result).__name__}")
        raw: dict[str, Any] = result.to_dict()
        return raw

    def _currency(self, currency: str) -> str:
        if currency.upper() not in self.capabilities.currencies:
            raise PaymentError(NAME, f"currency {currency} is not offered through Stripe")
        return currency.lower()


def _positive(amount: int) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise PaymentError(NAME, "amounts are positive integers in minor units")
    return amount


def _reference(value: str, prefix: str) -> None:
    """Our stored reference, checked before it becomes part of a URL."""
    if not value.startswith(prefix) or not value[len(prefix) :].replace("_", "").isalnum():
        raise PaymentError(NAME, f"{value!r} is not a Stripe {prefix}… id")


def _id(raw: Mapping[str, Any], prefix: str, operation: str) -> str:
    value = raw.get("id")
    if not isinstance(value, str) or not value.startswith(prefix):
        raise bad_response(operation, f"no {prefix}… id in the response", dict(raw))
    return value


def build() -> StripeDriver:
    from chalicelib.settings_models import StripeSettings

    config = provider_config(NAME, StripeSettings)
    return StripeDriver(
        api_key=config.secret_key,
        webhook_secret=config.webhook_secret,
        api_base=config.api_base or DEFAULT_API_BASE,
        # Needed only to onboard talent (create_express_account says so when missing).
        platform_country=config.platform_country,
    )

"""Where a talent's payouts go: a FIB IBAN, bank details for the manual batch, or a Stripe
connected account, opened and onboarded through the driver's Connect capability."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from chalicelib.auth.principal import Principal
from chalicelib.errors import ForbiddenError, NotFoundError, ValidationError
from chalicelib.models import payout_items
from chalicelib.payments import registry
from chalicelib.payments.base import ConnectOnboarding, PaymentError
from chalicelib.schemas.payouts import FibDetails, ManualDetails, StripeDetails
from chalicelib.settings import get_settings
from chalicelib.usecases.payouts.views import method_to_json

MANUAL = "manual"


def require_talent(principal: Principal) -> str:
    talent_id = principal.user.talent_id
    if talent_id is None:
        raise ForbiddenError("only a talent has a payout method")
    return talent_id


def _details(model: type[BaseModel], details: dict[str, Any]) -> Any:
    try:
        return model.model_validate(details)
    except PydanticValidationError as error:
        fields = [
            {
                "field": ".".join(["details", *(str(part) for part in item["loc"])]),
                "message": item["msg"],
                "type": item["type"],
            }
            for item in error.errors(include_url=False, include_context=False, include_input=False)
        ]
        raise ValidationError("invalid payout details", {"fields": fields}) from None


def set_method(principal: Principal, provider: str, details: dict[str, Any]) -> dict[str, Any]:
    talent_id = require_talent(principal)
    if provider == "fib":
        fib: FibDetails = _details(FibDetails, details)
        method = payout_items.set_method(talent_id, "fib", {"iban": fib.iban})
        return method_to_json(method)
    if provider == MANUAL:
        manual: ManualDetails = _details(ManualDetails, details)
        method = payout_items.set_method(talent_id, MANUAL, manual.model_dump())
        return method_to_json(method)
    if provider == "stripe":
        stripe: StripeDetails = _details(StripeDetails, details)
        return _stripe_method(principal, talent_id, stripe)
    raise ValidationError(f"unknown payout provider {provider!r}")


def _stripe_method(principal: Principal, talent_id: str, details: StripeDetails) -> dict[str, Any]:
    try:
        driver = registry.get("stripe")
    except NotFoundError:
        raise ValidationError("Stripe payouts are not available") from None
    if not isinstance(driver, ConnectOnboarding):
        raise PaymentError("stripe", "this Stripe driver cannot onboard connected accounts")
    existing = payout_items.get_method(talent_id)
    account_id = existing.stripe_account_id if existing else None
    if account_id is None:
        email = principal.user.email
        if not email:
            raise ValidationError("Stripe onboarding needs an email address on the account")
        country = details.country or _talent_country(talent_id)
        account_id = payout_items.keep_stripe_account(
            talent_id, _create_account(driver, email, country, talent_id)
        )
    default_url = f"{get_settings().public_api_url}/v1/me/payout-method"
    onboarding = driver.account_link(
        account_id, details.refresh_url or default_url, details.return_url or default_url
    )
    url = onboarding.url
    if not isinstance(url, str) or not url:
        raise PaymentError("stripe", "the account link has no url")
    method = payout_items.set_method(talent_id, "stripe", {"account": account_id})
    return {**method_to_json(method), "onboarding_url": url}


def _talent_country(talent_id: str) -> str:
    from chalicelib.models import talent as talents

    found = talents.get(talent_id, with_portfolio=False)
    country = (found.location or {}).get("country") if found else None
    if not isinstance(country, str) or len(country) != 2:
        raise ValidationError("details.country is required (the profile names no country)")
    return country.upper()


def _create_account(driver: ConnectOnboarding, email: str, country: str, talent_id: str) -> str:
    # With our reference, a retried creation returns the same account (idempotency key).
    account_id = driver.create_express_account(email, country, reference=talent_id).account_id
    if not isinstance(account_id, str) or not account_id.startswith("acct_"):
        raise PaymentError("stripe", "the created account has no acct_ id")
    return account_id


def get_method(principal: Principal) -> dict[str, Any]:
    method = payout_items.get_method(require_talent(principal))
    if method is None or method.provider is None:
        raise NotFoundError("no payout method yet")
    return method_to_json(method)

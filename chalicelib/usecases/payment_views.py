"""What each viewer of a payment may see of its `action`.

The action is the payer's means to pay: a QR code or deep links any FIB app can scan, a
checkout URL whose query carries a session token, a Stripe client secret that confirms the
PaymentIntent. Whoever holds it can act as the payer's checkout, so only the payer gets it
whole; an admin (support) sees its shape with every secret replaced; the payee sees none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from chalicelib.auth.principal import Principal
from chalicelib.usecases import payments

REDACTED = "[redacted]"
# Fields that stay readable for admins: they say what kind of action it is and until when.
_PLAIN = frozenset({"type", "expires_at"})


def _without_query(url: str) -> str:
    # Checkout links carry their session token in the query (NassWallet's `token`).
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def redacted_action(action: dict[str, Any]) -> dict[str, Any]:
    shown: dict[str, Any] = {}
    for name, value in action.items():
        if name in _PLAIN:
            shown[name] = value
        elif name == "url" and isinstance(value, str):
            shown[name] = _without_query(value)
        elif isinstance(value, dict):
            shown[name] = {key: REDACTED for key in value}
        else:
            shown[name] = REDACTED
    return shown


def shown_to(principal: Principal, payer_user_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """A payment's JSON as `principal` may see it (the caller already may see the payment)."""
    action = body.get("action")
    if action is None or principal.user_id == payer_user_id:
        return body
    if principal.is_admin:
        return {**body, "action": redacted_action(action)}
    return {**body, "action": None}


def view(
    payment_id: str, principal: Principal, may_recheck: Callable[[str], bool]
) -> dict[str, Any]:
    """A payment as `principal` may see it (payer, payee or admin; others 404). A pending one
    is asked of its provider first when `may_recheck` allows (the caller's rate limit)."""
    payment = payments.visible(payment_id, principal)
    if payment.state == "pending" and may_recheck(payment.id):
        payment = payments.refresh(payment)
    return shown_to(principal, payment.payer_user_id, payments.to_json(payment))

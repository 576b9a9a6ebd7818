"""What the API shows of payouts and payout methods: account numbers and IBANs masked."""

from __future__ import annotations

from typing import Any

from chalicelib import clock
from chalicelib.auth.principal import Principal
from chalicelib.models import payout_items


def _last4(value: Any) -> str:
    text = str(value or "").replace(" ", "")
    return f"****{text[-4:]}" if text else ""


def mask(details: dict[str, Any]) -> dict[str, Any]:
    """What may be shown: IBANs and account numbers by their last 4 characters."""
    shown: dict[str, Any] = {}
    for name, value in details.items():
        if name in ("iban", "account_number"):
            shown[name] = _last4(value)
            shown[f"{name}_last4"] = str(value or "").replace(" ", "")[-4:]
        else:
            shown[name] = value
    return shown


def method_to_json(method: payout_items.PayoutMethod) -> dict[str, Any]:
    return {
        "provider": method.provider,
        "details": mask(method.details),
        "updated_at": clock.to_rfc3339(method.updated_at) if method.updated_at else None,
    }


def list_mine(
    principal: Principal, limit: int, cursor: str | None
) -> tuple[list[payout_items.Payout], str | None]:
    talent_id = principal.user.talent_id
    if talent_id is None:
        return [], None
    return payout_items.list_for_talent(talent_id, limit=limit, cursor=cursor)


def to_json(payout: payout_items.Payout) -> dict[str, Any]:
    return {
        "id": payout.id,
        "talent_id": payout.talent_id,
        "state": payout.state,
        "amount": {"amount": payout.amount, "currency": payout.currency},
        "method": payout.method,
        "destination": mask(payout.destination),
        "provider_ref": payout.provider_ref,
        "failure": payout.failure,
        "note": payout.note,
        "source_entry_id": payout.source_entry_id,
        "created_at": clock.to_rfc3339(payout.created_at),
        "updated_at": clock.to_rfc3339(payout.updated_at),
        "paid_at": clock.to_rfc3339(payout.paid_at) if payout.paid_at else None,
    }

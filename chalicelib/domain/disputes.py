"""The rules of disputes, pure: categories, deadlines, who is the opener and who the
respondent, what a default gives, what an amount may be, and where a resolved subject ends.

A dispute is a process subject of its own (`processes.DISPUTE_V1`): `awaiting_response`
until the respondent answers (evidence or an offer: `respond`), `negotiating`, `escalated`
(either party, 72 h after the opening), `resolved` (an accepted offer, the respondent's
silence, or an admin's decision). Every resolution splits the money in dispute in one
transaction with the subject's own move to its final state."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from chalicelib.errors import ValidationError

CATEGORIES = (
    "quality",
    "not_delivered",
    "no_show",
    "late",
    "not_as_described",
    "scope",
    "communication",
    "other",
)
STATES = ("awaiting_response", "negotiating", "escalated", "resolved")
OPEN_STATES = frozenset({"awaiting_response", "negotiating", "escalated"})
BY = ("agreement", "default", "admin")
# The respondent's time to answer, and the earliest escalation, both from the opening.
RESPONSE_TIME = timedelta(hours=72)
# The reminder to the respondent, a day before the response is due.
REMINDER_AT = timedelta(hours=48)
# An escalated dispute's admin decision deadline.
DECISION_TIME = timedelta(days=5)
MAX_MEDIA = 20
MAX_MESSAGES = 20
MAX_NOTE = 5000
# Where the thread a dispute's messages come from is `about`, per disputed subject type.
THREAD_ABOUT = {"booking": "booking", "milestone": "contract"}


def other_role(role: str) -> str:
    return "talent" if role == "customer" else "customer"


def role_of(data: Mapping[str, Any], user_id: str | None, parties: Mapping[str, str]) -> str:
    """The caller's side ("opener" or "respondent"); "" for someone else (an admin)."""
    if user_id is None:
        return ""
    if user_id == data.get("opened_by"):
        return "opener"
    return "respondent" if user_id in parties.values() else ""


def response_due(opened_at: datetime) -> datetime:
    return opened_at + RESPONSE_TIME


def escalation_opens(opened_at: datetime) -> datetime:
    return opened_at + RESPONSE_TIME


def check_refund(refund: Mapping[str, Any], in_dispute: Mapping[str, Any]) -> int:
    """An offered or decided refund: the subject's currency, 0 … the amount in dispute."""
    currency = in_dispute["currency"]
    if refund.get("currency") != currency:
        raise ValidationError(
            f"refund_amount must be in the subject's currency, {currency}",
            {"field": "refund_amount", "currency": currency},
        )
    amount = refund.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValidationError("refund_amount.amount must be a whole number")
    if not 0 <= amount <= int(in_dispute["amount"]):
        raise ValidationError(
            f"refund_amount must be between 0 and {in_dispute['amount']}",
            {"field": "refund_amount", "max": int(in_dispute["amount"])},
        )
    return amount


def default_refund(opener_role: str, in_dispute: int) -> int:
    """Silence resolves for the opener: all back to a customer, all released to a talent."""
    return in_dispute if opener_role == "customer" else 0


def final_state(subject_type: str, refund: int, in_dispute: int) -> str:
    """A booking ends refunded when everything went back, else completed; a milestone
    refunded or released."""
    if refund >= in_dispute:
        return "refunded"
    return "completed" if subject_type == "booking" else "released"


def outcome(refund: int, in_dispute: int, currency: str, by: str) -> dict[str, Any]:
    return {
        "refund_amount": {"amount": refund, "currency": currency},
        "released_amount": {"amount": in_dispute - refund, "currency": currency},
        "by": by,
    }


def deadline(state: str, data: Mapping[str, Any], now: datetime) -> str:
    """What the admin list orders a dispute by in each state (an RFC 3339 string)."""
    if state == "escalated" and data.get("decision_due_at"):
        return str(data["decision_due_at"])
    if state in ("awaiting_response", "negotiating") and data.get("response_due_at"):
        return str(data["response_due_at"])
    return now.strftime("%Y-%m-%dT%H:%M:%SZ")

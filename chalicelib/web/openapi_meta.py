"""What the OpenAPI document says besides the models: each area's description, the error
statuses' texts, what an id and a cursor look like, and where the examples come from."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from chalicelib.schemas.common import ULID_PATTERN

# Ids are ULIDs (chalicelib/ids.py): 26 Crockford base-32 characters, time-ordered.
ID_PARAMETER: dict[str, Any] = {
    "type": "string",
    "pattern": ULID_PATTERN,
    "description": "a ULID",
    "examples": ["01JDQ8Z6Y3K4M5N6P7Q8R9S0TV"],
}
# Path parameters named `*_id` that are not ULIDs: derived from another id or a kind.
_NOT_ULIDS = frozenset({"timer_id", "refund_id", "payout_id"})
CURSOR_DESCRIPTION = (
    "An opaque cursor: pass the previous page's `next_cursor` back unchanged; "
    "null when there is no further page"
)

TAGS: dict[str, str] = {
    "identity": "The caller's own account: profile, locale, notification preferences",
    "talent": "Talent profiles, portfolios and availability",
    "catalog": "Services a talent offers, and the category tree",
    "media": "Uploads (presigned S3 POST) and downloads of verified media",
    "discovery": "Search for talent and the featured sections",
    "saved": "Talent a customer saved for later",
    "transactions": "Bookings, proposals, contracts and milestones, moved by their processes",
    "jobs": "Jobs, job templates, invites and proposals",
    "payments": "Paying into escrow, provider webhooks, balances, the ledger and refunds",
    "payouts": "Where a talent's money goes, and the payouts made",
    "reviews": "Blind two-sided reviews, replies and appeals",
    "conversations": "Threads, messages, read receipts and attachments",
    "moderation": "Blocks and reports",
    "notifications": "In-app notifications and read marks",
    "disputes": "Disputes over a booking or milestone: evidence, offers, escalation",
    "qc": "Delivery reports and their quality check",
    "admin": "Operations for administrators (every action is audited)",
    "system": "Health and this document",
}

ERROR_TEXT = {
    400: "Invalid request",
    401: "Missing or invalid bearer token",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict: the state moved, or a duplicate",
    413: "Body too large",
    415: "Unsupported content type",
    422: "Idempotency-Key reused with a different body",
    429: "Rate limited: retry after the Retry-After header's seconds",
    502: "A provider failed",
}


def path_parameter_schema(name: str) -> dict[str, Any]:
    if name.endswith("_id") and name not in _NOT_ULIDS:
        return dict(ID_PARAMETER)
    return {"type": "string", "minLength": 1}


def describe_cursors(components: dict[str, Any]) -> None:
    """Every `next_cursor` a list answers says it is opaque."""
    for schema in components.values():
        prop = schema.get("properties", {}).get("next_cursor")
        if isinstance(prop, dict):
            prop.setdefault("description", CURSOR_DESCRIPTION)


@lru_cache(maxsize=1)
def _answers() -> dict[str, Any]:
    path = Path(__file__).resolve().parent.parent / "schemas" / "answer_examples.json"
    answers: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return answers


# Operations that answer what another one answers (the same model, the same thing).
_SAME_ANSWER = {
    "getPayment": "createPayment",
    "updateService": "getService",
    "updateTalent": "getTalent",
    "setAvailability": "getAvailability",
    "markThreadRead": "getThread",
    "getReview": "createReview",
    "replyToReview": "createReview",
    "listUserReviews": "listTalentReviews",
}


def examples_for(operation_id: str) -> dict[str, Any]:
    """The operation's request and response example: written by hand in
    chalicelib/schemas/examples.py, or an answer recorded from the seed-shaped flows in
    chalicelib/schemas/answer_examples.json (the hand-written one wins)."""
    from chalicelib.schemas.examples import EXAMPLES

    found = dict(EXAMPLES.get(operation_id, {}))
    for source in (operation_id, _SAME_ANSWER.get(operation_id, "")):
        if "response" not in found:
            answer = EXAMPLES.get(source, {}).get("response", _answers().get(source))
            if answer is not None:
                found["response"] = answer
    return found

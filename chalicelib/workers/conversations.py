"""The conversations worker: domain events (EventBridge -> SQS) become real-time frames to
the recipient's open connections (then their outbox entries, which the sending request
left, are forgotten), and payments or completions become the facts messages
depend on (a paid relation stops contact masking; a completion ends the new-account limit)."""

from __future__ import annotations

from typing import Any

from chalicelib.models import conversation_limits as limits
from chalicelib.models import outbox
from chalicelib.workers import realtime
from chalicelib.workers.queues import conversations

# A booking confirmed or a milestone funded: money is in escrow between the two.
_PAID = {("booking", "confirmed"), ("milestone", "funded")}
_COMPLETED = {("booking", "completed"), ("contract", "completed")}


def _detail(message: dict[str, Any]) -> dict[str, Any]:
    detail = message["event"].get("detail")
    if not isinstance(detail, dict):
        raise ValueError("a domain event without a detail")
    return detail


@conversations.register("message.created")
def push_message(message: dict[str, Any]) -> None:
    detail = _detail(message)
    realtime.push_to_user(
        detail["recipient_id"],
        {"type": "message.created", "thread_id": detail["thread_id"], "message": detail["message"]},
    )
    outbox.forget(detail["event_id"])  # it arrived: the sweep need not publish it again


@conversations.register("thread.read")
def push_read(message: dict[str, Any]) -> None:
    detail = _detail(message)
    realtime.push_to_user(
        detail["recipient_id"],
        {
            "type": "thread.read",
            "thread_id": detail["thread_id"],
            "user_id": detail["user_id"],
            "up_to": detail["up_to"],
        },
    )
    outbox.forget(detail["event_id"])


@conversations.register("process.transition")
def record_relation(message: dict[str, Any]) -> None:
    detail = _detail(message)
    subject_type, state = detail["subject"]["type"], detail["to"]
    customer, talent = detail["customer_id"], detail["talent_user_id"]
    reason = f"{subject_type}:{detail['subject']['id']}"
    if (subject_type, state) in _PAID:
        limits.mark_paid(customer, talent, reason)
    if (subject_type, state) in _COMPLETED:
        limits.mark_established(customer, reason)
        limits.mark_established(talent, reason)

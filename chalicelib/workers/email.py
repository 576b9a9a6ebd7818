"""Sends the emails that domain events ask for, once per event, through SES."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from chalicelib import clients
from chalicelib.models import idempotency
from chalicelib.settings import get_settings
from chalicelib.workers.queues import notifications

_DEDUP_WINDOW = timedelta(days=3)


@notifications.register("notification.requested")
def send_requested_email(message: dict[str, Any]) -> None:
    event = message["event"]
    detail = event.get("detail") or {}
    to, subject, text = detail.get("email"), detail.get("subject"), detail.get("text")
    if not (to and subject and text):
        raise ValueError("notification.requested needs email, subject and text")
    # EventBridge and SQS both deliver at least once: the event id makes the send happen once.
    # A republished outbox entry gets a new EventBridge id but keeps the detail's own id.
    event_id = str(detail.get("event_id") or event.get("id"))
    fingerprint = hashlib.sha256(f"{to}|{subject}|{text}".encode()).hexdigest()
    claim = idempotency.claim("email", event_id, fingerprint, _DEDUP_WINDOW)
    if not claim.owned:
        if claim.replay is not None:
            return
        raise RuntimeError(f"email for event {event_id} is being sent by another worker")
    try:
        clients.client("ses").send_email(
            Source=get_settings().ses_sender,
            Destination={"ToAddresses": [to]},
            Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": text}}},
        )
    except BaseException:
        idempotency.release("email", event_id)
        raise
    idempotency.complete("email", event_id, idempotency.StoredResponse(200, "sent", {}))

"""Table keys: notifications."""

from __future__ import annotations

import hashlib


# Notifications: a user's partition holds the notifications (time-ordered ids), the unread
# counter and the per-thread message-email throttles; unread ones also sit on a sparse GSI1.
def notifications_pk(user_id: str) -> str:
    return f"NOTIFS#{user_id}"


def notification_sk(notification_id: str) -> str:
    return f"NOTIF#{notification_id}"


NOTIFICATION_PREFIX = "NOTIF#"
UNREAD_COUNTER_SK = "UNREAD"


def unread_notifications_gsi1pk(user_id: str) -> str:
    return f"NOTIFS#{user_id}#UNREAD"


def message_email_throttle_sk(thread_id: str) -> str:
    return f"MAILTHREAD#{thread_id}"


def email_status_pk(address: str) -> str:
    # Addresses are case-insensitive in practice and may hold '#': keyed by a digest.
    return f"EMAIL#{hashlib.sha256(address.strip().lower().encode()).hexdigest()[:32]}"


EMAIL_STATUS_SK = "STATUS"

"""The notifications worker: domain events (EventBridge -> rule -> notifications queue, with
its DLQ) become in-app notifications, `notification.created` pushes and emails, as the
declarative table says (domain/notification_kinds.py, usecases/notifying.py). Also the
5-minute message-email check (a timer of the sweep) and SES bounces and complaints."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr
from typing import Any

from chalicelib import clients, clock
from chalicelib.domain import notification_kinds as table
from chalicelib.errors import NotFoundError
from chalicelib.models import (
    email_status,
    idempotency,
    keys,
    notification_items,
    thread_items,
    timer_items,
)
from chalicelib.models import user as users
from chalicelib.notify import i18n, render
from chalicelib.settings import get_settings
from chalicelib.usecases import notifying
from chalicelib.workers import realtime
from chalicelib.workers.queues import notifications as router
from chalicelib.workers.timer_sweep import register

_EMAIL_SCOPE = "notification-email"
_EMAIL_CLAIM_TTL = timedelta(days=3)


def frame(notification: notification_items.Notification) -> dict[str, Any]:
    return {
        "type": "notification.created",
        "notification": {
            "id": notification.id,
            "type": notification.type,
            "title": notification.title,
            "body": notification.body,
            "link": {"type": notification.link_type, "id": notification.link_id},
            "created_at": clock.to_rfc3339(notification.created_at),
            "read_at": None,
        },
    }


def handle_event(message: dict[str, Any]) -> None:
    event = notifying.incoming(message["event"])
    for delivery in notifying.plan(event):
        if delivery.in_app:
            notification_items.write(delivery.notification, event.event_id)
            # Also after a redelivery: a crash may have come between the write and the push,
            # and pushes are at least once (clients know notifications by id).
            realtime.push_to_user(delivery.user.id, frame(delivery.notification))
        if not delivery.email:
            continue
        if delivery.rule.kind == "message.received":
            notifying.arm_message_email(delivery, event)
            continue
        send_email(delivery.user, delivery.notification.id, delivery.rule, delivery.params)


def register_all() -> None:
    table.check_table()
    for detail_type in table.DETAIL_TYPES:
        router.register(detail_type)(handle_event)


register_all()


def _mime(to: str, content: render.Email, notification_id: str) -> bytes:
    message = EmailMessage()
    message["X-Notification-Id"] = notification_id
    message["Subject"] = content.subject
    message["From"] = formataddr(("Marketplace", get_settings().ses_sender))
    message["To"] = to
    message["Content-Language"] = content.language
    message.set_content(content.text, subtype="plain", charset="utf-8")
    message.add_alternative(content.html, subtype="html", charset="utf-8")
    return message.as_bytes()


def send_email(
    user: users.User, notification_id: str, rule: table.Rule, params: dict[str, str]
) -> bool:
    """Once per notification (an idempotency claim on its id), to a deliverable address, as
    raw MIME with a text and an HTML part."""
    address = notifying.deliverable_address(user)
    if address is None:
        return False
    language = i18n.language_of(user.locale)
    name = user.display_name or i18n.gettext(language, "name.someone")
    content = render.email(rule.template, language, params, name, rule.transactional)
    claim = idempotency.claim(_EMAIL_SCOPE, notification_id, notification_id, _EMAIL_CLAIM_TTL)
    if not claim.owned:
        if claim.replay is not None:
            return False
        raise RuntimeError(f"email of notification {notification_id} is being sent elsewhere")
    try:
        clients.client("ses").send_raw_email(
            Source=get_settings().ses_sender,
            Destinations=[address],
            RawMessage={"Data": _mime(address, content, notification_id)},
        )
    except BaseException:
        idempotency.release(_EMAIL_SCOPE, notification_id)
        raise
    idempotency.complete(_EMAIL_SCOPE, notification_id, idempotency.StoredResponse(200, "sent", {}))
    return True


def _still_unread(user_id: str, thread_id: str, message_id: str) -> bool:
    found = thread_items.fetch([(keys.thread_pk(thread_id), keys.THREAD_SK)])
    item = found.get((keys.thread_pk(thread_id), keys.THREAD_SK))
    if not isinstance(item, thread_items.ThreadItem):
        return False
    thread = thread_items.to_thread(item)
    read_up_to = thread.read_up_to.get(user_id)
    return read_up_to is None or read_up_to < message_id


@register(notifying.MESSAGE_EMAIL_TIMER)
def email_unread_message(timer: timer_items.Timer) -> None:
    payload = timer.payload
    user_id, thread_id = str(payload["user_id"]), str(payload["thread_id"])
    if _still_unread(user_id, thread_id, str(payload["message_id"])):
        try:
            user = users.get_by_id(user_id)
        except NotFoundError:
            user = None
        if user is not None:
            rule = table.rules_for("message.created", {})[0]
            language = i18n.language_of(user.locale)
            sender = None
            if payload.get("sender_id"):
                try:
                    sender = users.get_by_id(str(payload["sender_id"])).display_name
                except NotFoundError:
                    sender = None
            params = {
                "name": sender or i18n.gettext(language, "name.someone"),
                "service": i18n.gettext(language, "service.unknown"),
                "when": i18n.when(timer.due_at, user.timezone, language),
            }
            send_email(user, str(payload["notification_id"]), rule, params)
    timer_items.TimerItem(keys.timer_pk(timer.id), keys.TIMER_SK).delete()


def handle_ses_feedback(record: dict[str, Any]) -> None:
    """SES -> SNS -> SQS: a bounce (permanent) or complaint marks each address undeliverable."""
    import json

    from chalicelib.workers.sqs import UnknownMessageError, message_body

    body = message_body(record)
    notice = json.loads(body["Message"]) if "Message" in body else body
    kind = notice.get("notificationType") or notice.get("eventType")
    if kind == "Bounce":
        bounce = notice["bounce"]
        if bounce.get("bounceType") != "Permanent":
            return  # a full mailbox or a greylist: SES retries, the address is fine
        for recipient in bounce.get("bouncedRecipients") or []:
            email_status.mark_undeliverable(
                recipient["emailAddress"], email_status.BOUNCED, str(bounce.get("bounceSubType"))
            )
    elif kind == "Complaint":
        complaint = notice["complaint"]
        for recipient in complaint.get("complainedRecipients") or []:
            email_status.mark_undeliverable(
                recipient["emailAddress"],
                email_status.COMPLAINED,
                str(complaint.get("complaintFeedbackType") or "complaint"),
            )
    elif kind != "Delivery":
        raise UnknownMessageError(f"ses feedback: unknown notification type {kind!r}")

"""Turning one domain event into notifications, as the declarative table says
(domain/notification_kinds.py): for each row and each person it names, the in-app
notification (one transaction with the unread counter, once per event and person), the
`notification.created` push, and the email (once per notification) in the person's
language, as their preferences allow. Message emails wait: the first unread message of a
thread arms a 5-minute check (workers/notifications.py), at most one per 15 minutes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chalicelib import clock
from chalicelib.domain import notification_kinds as table
from chalicelib.errors import NotFoundError
from chalicelib.models import email_status, notification_items, subjects, timer_items
from chalicelib.models import user as users
from chalicelib.models.writes import TransactionConflictError, Writes
from chalicelib.notify import i18n, render

MESSAGE_EMAIL_DELAY = timedelta(minutes=5)
MESSAGE_EMAIL_WINDOW = timedelta(minutes=15)
MESSAGE_EMAIL_TIMER = "notifications.message_email"
DISPUTE_RESPONSE_TIME = timedelta(hours=72)


@dataclass(frozen=True)
class Incoming:
    """A domain event as the notifications queue delivers it."""

    detail_type: str
    detail: dict[str, Any]
    event_id: str
    at: datetime


@dataclass
class Facts:
    """What the rows' roles and the templates need, read once per event."""

    subject: subjects.Subject | None
    people: dict[str, users.User] = field(default_factory=dict)


@dataclass(frozen=True)
class Delivery:
    """One person told by one row: what the table and the preferences decided."""

    user: users.User
    rule: table.Rule
    notification: notification_items.Notification
    in_app: bool
    email: bool
    params: dict[str, str]


def incoming(event: Mapping[str, Any]) -> Incoming:
    detail = event.get("detail")
    if not isinstance(detail, dict):
        raise ValueError("a domain event without a detail")
    # A republished outbox entry has a new EventBridge id but the same detail event_id.
    event_id = str(detail.get("event_id") or event.get("id") or "")
    if not event_id:
        raise ValueError("a domain event without an id")
    at_text = detail.get("at") or event.get("time")
    at = clock.parse_rfc3339(str(at_text)) if at_text else clock.now()
    return Incoming(str(event.get("detail-type")), detail, event_id, at)


def _subject_of(event: Incoming) -> subjects.Subject | None:
    subject = event.detail.get("subject")
    if event.detail_type in (table.TRANSITION, table.REMINDER) and isinstance(subject, dict):
        return subjects.get(str(subject["type"]), str(subject["id"]))
    return None


def _person(facts: Facts, user_id: str | None) -> users.User | None:
    if not user_id:
        return None
    if user_id not in facts.people:
        try:
            facts.people[user_id] = users.get_by_id(user_id)
        except NotFoundError:
            return None
    return facts.people[user_id]


def _talent_user(detail: Mapping[str, Any]) -> str | None:
    found = detail.get("talent_user_id")
    if found:
        return str(found)
    talent_id = detail.get("talent_id")
    if not talent_id:
        return None
    from chalicelib.models import talent

    profile = talent.get(str(talent_id), with_portfolio=False)
    return profile.owner_user_id if profile else None


def recipients(rule: table.Rule, event: Incoming) -> list[str]:
    detail = event.detail
    parties = {"customer": detail.get("customer_id"), "talent": _talent_user(detail)}
    found: list[Any] = []
    for role in rule.recipients:
        if role in parties:
            found.append(parties[role])
        elif role == "counterpart":
            actor = detail.get("actor_user_id")
            found.extend(p for p in parties.values() if p and p != actor)
        elif role == "notify":
            found.extend(parties.get(str(r)) for r in detail.get("notify") or ())
        elif role == "recipient":
            found.append(detail.get("recipient_id"))
        elif role in ("reviewee", "author"):
            found.append(detail.get(f"{role}_id"))
    return list(dict.fromkeys(str(f) for f in found if f))


def _other_party(event: Incoming, user_id: str) -> str | None:
    detail = event.detail
    message = detail.get("message")
    if isinstance(message, dict):
        return str(message.get("sender_id") or "") or None
    pairs = [
        (detail.get("customer_id"), detail.get("talent_user_id")),
        (detail.get("author_id"), detail.get("reviewee_id")),
    ]
    for first, second in pairs:
        if user_id == first and second:
            return str(second)
        if user_id == second and first:
            return str(first)
    return None


def _amount(event: Incoming, subject: subjects.Subject | None) -> dict[str, Any] | None:
    params = event.detail.get("params") or {}
    data = subject.data if subject else {}
    for candidate in (
        event.detail.get("amount"),
        params.get("price") if isinstance(params, dict) else None,
        data.get("price"),
        data.get("amount"),
        data.get("total"),
    ):
        if isinstance(candidate, dict) and "amount" in candidate:
            return candidate
    return None


def _moment(rule: table.Rule, event: Incoming, subject: subjects.Subject | None) -> datetime:
    if rule.kind == "dispute.opened":
        return event.at + DISPUTE_RESPONSE_TIME
    if event.detail.get("due_at"):
        return clock.parse_rfc3339(str(event.detail["due_at"]))
    if subject is not None and subject.start_at is not None:
        return subject.start_at
    return event.at


def params_for(
    rule: table.Rule, event: Incoming, facts: Facts, user: users.User, language: str
) -> dict[str, str]:
    subject = facts.subject
    data = subject.data if subject else {}
    other = _person(facts, _other_party(event, user.id))
    title = data.get("service_title") or data.get("job_title") or data.get("title")
    params = {
        "name": (other.display_name if other else None) or i18n.gettext(language, "name.someone"),
        "service": str(title) if title else i18n.gettext(language, "service.unknown"),
        "when": i18n.when(_moment(rule, event, subject), user.timezone, language),
    }
    amount = _amount(event, subject)
    if amount is not None:
        params["amount"] = i18n.money(int(amount["amount"]), str(amount["currency"]), language)
    return params


def _link_id(rule: table.Rule, event: Incoming) -> str:
    detail = event.detail
    by_link = {
        "thread": detail.get("thread_id"),
        "review": detail.get("review_id"),
        "payment": detail.get("payment_id"),
        "payout": detail.get("payout_id"),
        "dispute": detail.get("dispute_id"),
    }
    subject = detail.get("subject")
    link = by_link.get(rule.link) or (subject.get("id") if isinstance(subject, dict) else None)
    if not link:
        raise ValueError(f"{event.detail_type}: nothing to link a {rule.link} to")
    return str(link)


def _prefs(user: users.User) -> dict[str, Any]:
    return {**users.DEFAULT_NOTIFICATION_PREFS, **user.notification_prefs}


def decide(rule: table.Rule, user: users.User) -> tuple[bool, bool]:
    """(in-app, email). Transactional rows (receipts, refunds, dispute deadlines) are always
    both; the rest follow `in_app`, `email` and the per-kind opt-outs."""
    if rule.transactional:
        return "in_app" in rule.channels, "email" in rule.channels
    prefs = _prefs(user)
    muted = rule.kind in (prefs.get("muted_kinds") or ())
    in_app = "in_app" in rule.channels and bool(prefs.get("in_app")) and not muted
    email = "email" in rule.channels and bool(prefs.get("email")) and not muted
    return in_app, email


def plan(event: Incoming) -> list[Delivery]:
    rules = table.rules_for(event.detail_type, event.detail)
    if not rules:
        return []
    facts = Facts(subject=_subject_of(event))
    deliveries: list[Delivery] = []
    told: set[str] = set()
    for rule in rules:
        for user_id in recipients(rule, event):
            user = _person(facts, user_id)
            if user is None or user_id in told:
                continue  # one notification per event and person
            told.add(user_id)
            language = i18n.language_of(user.locale)
            params = params_for(rule, event, facts, user, language)
            content = render.text(rule.template, language, params)
            in_app, email = decide(rule, user)
            notification = notification_items.Notification(
                id=notification_items.derive_id(event.event_id, user_id, event.at),
                user_id=user_id,
                type=rule.kind,
                title=content.title,
                body=content.body,
                link_type=rule.link,
                link_id=_link_id(rule, event),
                created_at=event.at,
                read_at=None,
            )
            deliveries.append(Delivery(user, rule, notification, in_app, email, params))
    return deliveries


def arm_message_email(delivery: Delivery, event: Incoming) -> bool:
    """The 5-minute check of a message email, armed only when the thread's 15-minute slot is
    free: the throttle and the timer are one transaction, so a redelivery arms nothing."""
    thread_id = str(event.detail["thread_id"])
    user_id = delivery.user.id
    now = clock.now()
    writes = Writes()
    throttle = notification_items.message_email_throttle(
        user_id, thread_id, now, MESSAGE_EMAIL_WINDOW
    )
    writes.add(
        (throttle.pk, throttle.sk),
        "throttle",
        notification_items.claim_throttle_action(throttle, now),
    )
    message = event.detail.get("message") or {}
    timer = timer_items.build(
        f"msgmail-{delivery.notification.id}",
        MESSAGE_EMAIL_TIMER,
        thread_id,
        now + MESSAGE_EMAIL_DELAY,
        {
            "user_id": user_id,
            "thread_id": thread_id,
            "message_id": str(message.get("id") or event.event_id),
            "sender_id": str(message.get("sender_id") or ""),
            "notification_id": delivery.notification.id,
            "template": delivery.rule.template,
        },
    )
    writes.add((timer.pk, timer.sk), "timer", lambda t: t.save(timer))
    try:
        writes.commit("a message email of this thread is already due")
    except TransactionConflictError as conflict:
        if conflict.labels == ["throttle"]:
            return False
        raise
    return True


def deliverable_address(user: users.User) -> str | None:
    if not user.email:
        return None
    if email_status.status_of(user.email) != email_status.DELIVERABLE:
        return None
    return user.email

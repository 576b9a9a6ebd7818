"""Writing a process subject's pieces into a transaction: a new subject with its first
event, the timers and reminders a state arms (and disarms), the history event and its
domain event in the outbox. Used by the engine (`transitions`) and by effects that create
subjects (a contract and its milestones), without depending on the engine."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib import clock, ids
from chalicelib.domain import process_definitions
from chalicelib.domain import process_engine as engine
from chalicelib.models import keys, outbox, subject_events, subjects, timer_items
from chalicelib.models.subject_events import Event
from chalicelib.models.subjects import Subject
from chalicelib.models.writes import Writes, delete, save
from chalicelib.usecases.process_registry import Caller, active

TRANSITION_TIMER = "process.transition"
REMINDER_TIMER = "process.reminder"
DETAIL_TRANSITION = "process.transition"
DETAIL_REMINDER = "process.reminder"


def process_of(subject: Subject) -> engine.Process:
    return process_definitions.get(subject.process, subject.process_version)


def _timer_id(subject: Subject, name: str) -> str:
    return f"{subject.type}-{subject.id}-v{subject.version}-{name}"


def _anchors(subject: Subject) -> dict[str, datetime]:
    anchors = {"entered": subject.entered_at}
    if subject.start_at is not None:
        anchors["start"] = subject.start_at
    if subject.end_at is not None:
        anchors["end"] = subject.end_at
    return anchors


def arm_timers(subject: Subject, writes: Writes, now: datetime) -> tuple[str, ...]:
    """Timers and reminders of the state the subject is entering; returns their ids."""
    process = process_of(subject)
    anchors = _anchors(subject)
    armed: list[str] = []
    payload = {"subject_type": subject.type, "subject_id": subject.id, "version": subject.version}
    for spec, due in engine.timers_entering(process, subject.state, anchors):
        if not active().guard_holds(spec.when, subject, now):
            continue
        timer_id = _timer_id(subject, spec.name)
        item = timer_items.build(
            timer_id, TRANSITION_TIMER, subject.id, due, {**payload, "transition": spec.transition}
        )
        writes.add((item.pk, item.sk), f"timer:{spec.name}", save(item))
        armed.append(timer_id)
    for reminder in process.reminders_for(subject.state):
        due_at = reminder.at.resolve(anchors)
        if due_at is None or due_at <= now or not active().guard_holds(reminder.when, subject, now):
            continue
        timer_id = _timer_id(subject, reminder.name)
        item = timer_items.build(
            timer_id, REMINDER_TIMER, subject.id, due_at, {**payload, "reminder": reminder.name}
        )
        writes.add((item.pk, item.sk), f"reminder:{reminder.name}", save(item))
        armed.append(timer_id)
    return tuple(armed)


def disarm_timers(subject: Subject, writes: Writes) -> None:
    for timer_id in subject.armed_timers:
        item = timer_items.TimerItem(keys.timer_pk(timer_id), keys.TIMER_SK)
        writes.add((item.pk, item.sk), "disarm", delete(item))


def event_detail(subject: Subject, event: Event) -> dict[str, Any]:
    return {
        "event_id": event.id,
        "subject": {"type": subject.type, "id": subject.id},
        "process": {"name": subject.process, "version": subject.process_version},
        "transition": event.transition,
        "from": event.from_state,
        "to": event.to_state,
        "version": event.version,
        "actor": event.actor,
        "actor_user_id": event.actor_user_id,
        "customer_id": subject.customer_id,
        "talent_id": subject.talent_id,
        "talent_user_id": subject.talent_user_id,
        "params": event.params,
        "at": clock.to_rfc3339(event.at),
    }


def record(subject: Subject, event: Event, writes: Writes) -> None:
    """The history event and its domain event (in the outbox) for a subject's new version."""
    item = subject_events.event_item(event)
    writes.add((item.pk, item.sk), "event", lambda t: subject_events.record_event_in(t, event))
    published = outbox.event_timer(event.id, DETAIL_TRANSITION, event_detail(subject, event))
    writes.add((published.pk, published.sk), "outbox", save(published))


def new_event(
    subject: Subject,
    transition: str,
    *,
    actor: str,
    caller: Caller,
    params: dict[str, Any],
    source: str | None,
) -> Event:
    return Event(
        id=ids.new_id(),
        subject_type=subject.type,
        subject_id=subject.id,
        version=subject.version,
        transition=transition,
        actor=actor,
        actor_user_id=caller.user_id,
        from_state=source,
        to_state=subject.state,
        params=params,
        at=subject.updated_at,
    )


def create_in(
    writes: Writes, subject: Subject, caller: Caller, actor: str, now: datetime
) -> Subject:
    """A new subject in its process's initial state, version 1, with its first event."""
    armed = arm_timers(subject, writes, now)
    subject = subject.with_changes(armed_timers=armed)
    key = (keys.subject_pk(subject.type, subject.id), keys.SUBJECT_SK)
    writes.add(key, "subject", lambda t: subjects.save_new_in(t, subject))
    record(
        subject,
        new_event(subject, "create", actor=actor, caller=caller, params={}, source=None),
        writes,
    )
    return subject


def new_subject(
    kind: str,
    subject_id: str,
    *,
    parties: tuple[str, str, str],
    data: dict[str, Any],
    index_keys: dict[str, str | None],
    now: datetime,
    start_at: datetime | None = None,
    end_at: datetime | None = None,
) -> Subject:
    """A new subject of the current version of process `kind`; create it with create_in."""
    process = process_definitions.CURRENT[kind]
    return subjects.new(
        process.name,
        process.version,
        process.initial,
        subject_type=kind,
        subject_id=subject_id,
        parties=parties,
        data=data,
        index_keys=index_keys,
        now=now,
        start_at=start_at,
        end_at=end_at,
    )

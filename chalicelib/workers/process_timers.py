"""Timer handlers of the processes: due transitions, reminders, and the domain-event outbox.

A transition timer fires through the same transaction as any transition (so a timer whose
state was left, or that fires twice, changes nothing); a reminder and an outbox entry are
consumed by a conditional delete, so each goes out once."""

from __future__ import annotations

import json
from typing import Any

from chalicelib import clients, clock
from chalicelib.errors import ConflictError
from chalicelib.models import keys, outbox, subjects, timer_items
from chalicelib.models.conditions import conflict_on_condition_failure
from chalicelib.models.writes import Writes, save
from chalicelib.settings import get_settings
from chalicelib.usecases import transitions
from chalicelib.workers.timer_sweep import register

EVENT_SOURCE = "marketplace.transactions"


def _delete(timer: timer_items.Timer) -> None:
    timer_items.TimerItem(keys.timer_pk(timer.id), keys.TIMER_SK).delete()


def _current(timer: timer_items.Timer) -> subjects.Subject | None:
    """The subject, if the timer still applies to the version that armed it."""
    payload = timer.payload
    subject = subjects.get(payload["subject_type"], payload["subject_id"])
    version = payload.get("version")
    if subject is None or (version is not None and int(version) != subject.version):
        return None
    return subject


@register(transitions.TRANSITION_TIMER)
def fire_transition(timer: timer_items.Timer) -> None:
    subject = _current(timer)
    if subject is None:
        _delete(timer)
        return
    try:
        transitions.apply_to(
            subject, timer.payload["transition"], transitions.SYSTEM, consumed_timer=timer.id
        )
    except ConflictError:
        # The state moved, or a guard no longer holds: the timer has nothing left to do.
        _delete(timer)


@register(transitions.REMINDER_TIMER)
def send_reminder(timer: timer_items.Timer) -> None:
    subject = _current(timer)
    if subject is None:
        _delete(timer)
        return
    name = timer.payload["reminder"]
    spec = next(r for r in transitions.process_of(subject).reminders if r.name == name)
    writes = Writes()
    item = timer_items.TimerItem(keys.timer_pk(timer.id), keys.TIMER_SK)
    writes.add(
        (item.pk, item.sk),
        "reminder",
        lambda t: t.delete(item, condition=timer_items.TimerItem.pk.exists()),
    )
    detail: dict[str, Any] = {
        # The timer id names the reminder once: consumers deduplicate a republished event.
        "event_id": timer.id,
        "at": clock.to_rfc3339(clock.now()),
        "reminder": name,
        "subject": {"type": subject.type, "id": subject.id},
        "state": subject.state,
        "notify": list(spec.notify),
        "customer_id": subject.customer_id,
        "talent_id": subject.talent_id,
        "talent_user_id": subject.talent_user_id,
    }
    detail_type = transitions.DETAIL_REMINDER
    if subject.type == "dispute":
        # The respondent's deadline: its own event, told to the other party than the opener.
        detail_type = "dispute.response_due"
        detail.update(
            dispute_id=subject.id,
            actor_user_id=subject.data.get("opened_by"),
            due_at=subject.data.get("response_due_at"),
        )
    # The notifications worker turns the reminder into notifications and emails.
    entries = [outbox.event_timer(f"{timer.id}", detail_type, detail)]
    for entry in entries:
        writes.add((entry.pk, entry.sk), "outbox", save(entry))
    writes.commit("reminder already sent")


@register(outbox.PUBLISH_TIMER)
def publish_event(timer: timer_items.Timer) -> None:
    """At least once: a crash after publishing and before the delete publishes again, with
    the same event id in the detail for consumers to deduplicate."""
    put_event(timer.payload)
    with conflict_on_condition_failure("already published"):
        timer_items.TimerItem(keys.timer_pk(timer.id), keys.TIMER_SK).delete(
            condition=timer_items.TimerItem.pk.exists()
        )


def put_event(payload: dict[str, Any]) -> None:
    """One outbox entry's event onto the bus (its outbox entry is left as it is)."""
    response = clients.client("events").put_events(
        Entries=[
            {
                "Source": EVENT_SOURCE,
                "DetailType": payload["detail_type"],
                "Detail": payload["detail"],
                "EventBusName": get_settings().event_bus_name,
            }
        ]
    )
    if response.get("FailedEntryCount"):
        raise RuntimeError(f"EventBridge refused the event: {json.dumps(response['Entries'])}")

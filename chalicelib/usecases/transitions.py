"""Applying a process transition: the engine's decision becomes ONE DynamoDB transaction.

In it: the subject's new state (conditioned on the state and version that were read), the
history event, the timers the new state arms (and the deletion of those it disarms), the
domain event in the outbox, and the effects the definition names (a day claimed, a
counter moved, a contract created). Nothing is read besides the subject, so a transition
costs one GetItem and one TransactWriteItems."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib import clock, ids
from chalicelib.auth.principal import Principal
from chalicelib.domain import process as engine
from chalicelib.domain import processes
from chalicelib.errors import ConflictError, ForbiddenError, NotFoundError
from chalicelib.models import keys, outbox, subjects, timers
from chalicelib.models.subjects import Event, Subject
from chalicelib.models.writes import Writes, delete, save

TRANSITION_TIMER = "process.transition"
REMINDER_TIMER = "process.reminder"
DETAIL_TRANSITION = "process.transition"
DETAIL_REMINDER = "process.reminder"


@dataclass(frozen=True)
class Caller:
    """Who asks: a signed-in user (whose role on the subject is worked out here), or the
    system (timers, payment webhooks)."""

    principal: Principal | None = None

    @property
    def user_id(self) -> str | None:
        return self.principal.user_id if self.principal else None

    def roles_on(self, subject: Subject) -> list[engine.Actor]:
        if self.principal is None:
            return ["system"]
        roles: list[engine.Actor] = []
        if self.principal.user_id == subject.customer_id:
            roles.append("customer")
        if self.principal.user_id == subject.talent_user_id:
            roles.append("talent")
        if self.principal.is_admin:
            roles.append("admin")
        return roles

    def require_party(self, subject: Subject) -> list[engine.Actor]:
        roles = self.roles_on(subject)
        if not roles:
            # Someone else's booking: its existence is private.
            raise NotFoundError(f"{subject.type} not found")
        return roles


SYSTEM = Caller()


@dataclass
class Change:
    """A transition being prepared: effects edit `data` and add actions to `writes`."""

    before: Subject
    decision: engine.Decision
    actor: engine.Actor
    caller: Caller
    now: datetime
    data: dict[str, Any]
    writes: Writes
    follow_ups: list[Callable[[], None]] = field(default_factory=list)
    # An extra condition on the subject's own write (a count its children move).
    subject_condition: Any = None
    # Requirements effects leave for a hook that writes the same item (one action per item).
    requires: set[str] = field(default_factory=set)

    @property
    def params(self) -> dict[str, Any]:
        return self.decision.params


Guard = Callable[[Subject, datetime], bool]
Effect = Callable[[Change], None]
_GUARDS: dict[str, tuple[Guard, str]] = {}
_EFFECTS: dict[str, Effect] = {}


def guard(name: str, refusal: str) -> Callable[[Guard], Guard]:
    """A guard decided on the subject as read (conditions on other items are effects)."""

    def decorator(check: Guard) -> Guard:
        _GUARDS[name] = (check, refusal)
        return check

    return decorator


def effect(name: str) -> Callable[[Effect], Effect]:
    def decorator(apply: Effect) -> Effect:
        _EFFECTS[name] = apply
        return apply

    return decorator


def process_of(subject: Subject) -> engine.Process:
    return processes.get(subject.process, subject.process_version)


def decide(
    subject: Subject, name: str, caller: Caller, params: Mapping[str, Any]
) -> tuple[engine.Decision, engine.Actor]:
    """The first of the caller's roles that may take the transition; otherwise the most
    telling refusal: 409 if some role may but not from this state, else 403."""
    process = process_of(subject)
    roles = caller.require_party(subject)
    refusal: Exception | None = None
    for role in roles:
        try:
            return engine.decide(process, subject.state, name, role, params), role
        except ConflictError as error:
            refusal = error
        except ForbiddenError as error:
            refusal = refusal or error
    assert refusal is not None
    raise refusal


def _check_guards(transition: engine.Transition, subject: Subject, now: datetime) -> None:
    for name in transition.guards:
        known = _GUARDS.get(name)
        if known is None:
            continue  # a condition on another item, written by an effect of the same name
        check, refusal = known
        if not check(subject, now):
            raise ConflictError(refusal, {"guard": name, "state": subject.state})


def guard_holds(name: str | None, subject: Subject, now: datetime) -> bool:
    if name is None:
        return True
    check, _ = _GUARDS[name]
    return check(subject, now)


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
        if not guard_holds(spec.when, subject, now):
            continue
        timer_id = _timer_id(subject, spec.name)
        item = timers.build(
            timer_id, TRANSITION_TIMER, subject.id, due, {**payload, "transition": spec.transition}
        )
        writes.add((item.pk, item.sk), f"timer:{spec.name}", save(item))
        armed.append(timer_id)
    for reminder in process.reminders_for(subject.state):
        due_at = reminder.at.resolve(anchors)
        if due_at is None or due_at <= now or not guard_holds(reminder.when, subject, now):
            continue
        timer_id = _timer_id(subject, reminder.name)
        item = timers.build(
            timer_id, REMINDER_TIMER, subject.id, due_at, {**payload, "reminder": reminder.name}
        )
        writes.add((item.pk, item.sk), f"reminder:{reminder.name}", save(item))
        armed.append(timer_id)
    return tuple(armed)


def disarm_timers(subject: Subject, writes: Writes) -> None:
    for timer_id in subject.armed_timers:
        item = timers.TimerItem(keys.timer_pk(timer_id), keys.TIMER_SK)
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
    item = subjects.event_item(event)
    writes.add((item.pk, item.sk), "event", lambda t: subjects.record_event_in(t, event))
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


@dataclass(frozen=True)
class Outcome:
    subject: Subject
    event: Event
    dry_run: bool


def prepare(
    before: Subject,
    name: str,
    caller: Caller,
    params: Mapping[str, Any],
    *,
    consumed_timer: str | None = None,
    extra: Callable[[Writes], None] | None = None,
) -> tuple[Change, Subject, Event]:
    _load_definitions()
    now = clock.now()
    decision, actor = decide(before, name, caller, params)
    _check_guards(decision.transition, before, now)
    change = Change(before, decision, actor, caller, now, dict(before.data), Writes())
    for effect_name in (*decision.transition.guards, *decision.transition.effects):
        if effect_name in _EFFECTS:
            _EFFECTS[effect_name](change)
    for hook in _SUBJECT_HOOKS.get(before.type, ()):
        hook(change)
    after = before.with_changes(
        state=decision.target,
        version=before.version + 1,
        entered_at=now if decision.target != before.state else before.entered_at,
        data=change.data,
        updated_at=now,
        armed_timers=(),
    )
    disarm_timers(before, change.writes)
    if consumed_timer is not None and consumed_timer not in before.armed_timers:
        timer = timers.TimerItem(keys.timer_pk(consumed_timer), keys.TIMER_SK)
        change.writes.add((timer.pk, timer.sk), "timer", delete(timer))
    after = after.with_changes(armed_timers=arm_timers(after, change.writes, now))
    key = (keys.subject_pk(before.type, before.id), keys.SUBJECT_SK)
    final, condition = after, change.subject_condition
    change.writes.add_first(
        key, "subject", lambda t: subjects.save_transitioned_in(t, before, final, condition)
    )
    event = new_event(
        after, name, actor=actor, caller=caller, params=decision.params, source=before.state
    )
    record(after, event, change.writes)
    if extra is not None:
        extra(change.writes)  # e.g. the payment that caused it leaves `pending`, once
    return change, after, event


_SUBJECT_HOOKS: dict[str, list[Effect]] = {}
_loaded = False


def _load_definitions() -> None:
    """Guards and effects register themselves when their modules load (here, on first use,
    to keep them out of a cold start that never applies a transition)."""
    global _loaded  # noqa: PLW0603 - once per process
    if not _loaded:
        from chalicelib.usecases import contracting, effects  # noqa: F401

        _loaded = True


def subject_hook(subject_type: str) -> Callable[[Effect], Effect]:
    """Runs on every transition of one subject type (a milestone moves its contract's counts)."""

    def decorator(apply: Effect) -> Effect:
        _SUBJECT_HOOKS.setdefault(subject_type, []).append(apply)
        return apply

    return decorator


def apply(
    subject_type: str,
    subject_id: str,
    name: str,
    caller: Caller,
    params: Mapping[str, Any] | None = None,
    *,
    dry_run: bool = False,
    consumed_timer: str | None = None,
    extra: Callable[[Writes], None] | None = None,
) -> Outcome:
    before = subjects.require(subject_type, subject_id)
    return apply_to(
        before, name, caller, params, dry_run=dry_run, consumed_timer=consumed_timer, extra=extra
    )


def apply_to(
    before: Subject,
    name: str,
    caller: Caller,
    params: Mapping[str, Any] | None = None,
    *,
    dry_run: bool = False,
    consumed_timer: str | None = None,
    extra: Callable[[Writes], None] | None = None,
) -> Outcome:
    change, after, event = prepare(
        before, name, caller, params or {}, consumed_timer=consumed_timer, extra=extra
    )
    if dry_run:
        return Outcome(after, event, dry_run=True)
    change.writes.commit(f"the {before.type} changed meanwhile; reload and retry")
    for follow_up in change.follow_ups:
        follow_up()
    return Outcome(after, event, dry_run=False)


def available(subject: Subject, caller: Caller) -> list[str]:
    """The transitions the caller could take now (parameters and guards aside)."""
    process = process_of(subject)
    roles = set(caller.roles_on(subject))
    return [
        t.name
        for t in process.transitions
        if subject.state in t.sources and roles & set(t.actors) and "system" not in roles
    ]


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
    process = processes.CURRENT[kind]
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

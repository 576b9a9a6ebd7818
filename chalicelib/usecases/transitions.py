"""Applying a process transition: the engine's decision becomes ONE DynamoDB transaction.

In it: the subject's new state (conditioned on the state and version that were read), the
history event, the timers the new state arms (and the deletion of those it disarms), the
domain event in the outbox, and the effects the definition names (a day claimed, a
counter moved, a contract created). Nothing is read besides the subject, so a transition
costs one GetItem and one TransactWriteItems.

Guards and effects come from the registry `process_wiring.load()` builds and verifies
(on the first transition, to keep them out of a cold start that never applies one)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib import clock
from chalicelib.domain import process_engine as engine
from chalicelib.errors import ConflictError, ForbiddenError
from chalicelib.models import keys, subjects, timer_items
from chalicelib.models.subject_events import Event
from chalicelib.models.subjects import Subject
from chalicelib.models.writes import Writes, delete
from chalicelib.usecases import media_refs, process_registry
from chalicelib.usecases.process_registry import SYSTEM, Caller, Change, FollowUp
from chalicelib.usecases.subject_writes import (
    DETAIL_REMINDER,
    DETAIL_TRANSITION,
    REMINDER_TIMER,
    TRANSITION_TIMER,
    arm_timers,
    disarm_timers,
    event_detail,
    new_event,
    new_subject,
    process_of,
    record,
)
from chalicelib.usecases.subject_writes import create_in as _create_in

__all__ = [
    "DETAIL_REMINDER",
    "DETAIL_TRANSITION",
    "REMINDER_TIMER",
    "SYSTEM",
    "TRANSITION_TIMER",
    "Caller",
    "Change",
    "Outcome",
    "apply",
    "apply_to",
    "available",
    "create_in",
    "decide",
    "event_detail",
    "new_subject",
    "process_of",
]


def registry() -> process_registry.Registry:
    """The verified registry, loaded on first use."""
    from chalicelib.usecases import process_wiring

    return process_wiring.load()


def create_in(
    writes: Writes, subject: Subject, caller: Caller, actor: str, now: datetime
) -> Subject:
    """A new subject in its process's initial state (its timers' conditions need guards)."""
    registry()
    return _create_in(writes, subject, caller, actor, now)


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


def _check_guards(
    known: process_registry.Registry, transition: engine.Transition, subject: Subject, now: datetime
) -> None:
    for name in transition.guards:
        read_guard = known.guard(name)
        if read_guard is None:
            continue  # a condition written by an effect in the transaction (verified at load)
        check, refusal = read_guard
        if not check(subject, now):
            raise ConflictError(refusal, {"guard": name, "state": subject.state})


def guard_holds(name: str | None, subject: Subject, now: datetime) -> bool:
    return registry().guard_holds(name, subject, now)


def _apply_effects(known: process_registry.Registry, change: Change) -> None:
    transition = change.decision.transition
    # A guard may also be an effect of the same name: the write re-checks what was read.
    for name in transition.guards:
        effect = known.effect(name)
        if effect is not None:
            effect(change)
    for name in transition.effects:
        effect = known.effect(name)
        if effect is None:
            raise LookupError(f"effect {name!r} is not registered")
        effect(change)
    for hook in known.hooks(change.before.type):
        hook(change)


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
    writes: Writes | None = None,
) -> tuple[Change, Subject, Event]:
    """The transition's writes, not committed. With `writes`, they join a transaction being
    built by another transition (a dispute's resolution moves its subject in its own)."""
    known = registry()
    now = clock.now()
    decision, actor = decide(before, name, caller, params)
    media_refs.check_transition_media(decision, caller.user_id)
    _check_guards(known, decision.transition, before, now)
    change = Change(
        before,
        decision,
        actor,
        caller,
        now,
        dict(before.data),
        Writes() if writes is None else writes,
    )
    change.prepare_other = lambda other, other_name, other_params: prepare(
        other, other_name, SYSTEM, other_params, writes=change.writes
    )[0]
    _apply_effects(known, change)
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
        timer = timer_items.TimerItem(keys.timer_pk(consumed_timer), keys.TIMER_SK)
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
    if actor == "admin":
        _audit_admin(
            change.writes, caller, before=before, after=after, name=name, params=decision.params
        )
    if extra is not None:
        extra(change.writes)  # e.g. the payment that caused it leaves `pending`, once
    return change, after, event


# What an admin's transition's effects put in the subject's data, shown in its audit entry.
_AUDITED_RESULTS = ("resolution", "outcome")


def _audit_admin(
    writes: Writes,
    caller: Caller,
    *,
    before: Subject,
    after: Subject,
    name: str,
    params: Mapping[str, Any],
) -> None:
    """An admin's transition (a subject's `resolve`, a dispute's `decide`) is an admin
    action: audited here, once, in its transaction, with what its effects decided (a
    resolution, a dispute's outcome). Effects write no audit entries of their own."""
    from chalicelib.models import audit

    assert caller.user_id is not None
    reason = params.get("reason") or params.get("note") or params.get("decision")
    decided = {
        field: after.data[field]
        for field in _AUDITED_RESULTS
        if after.data.get(field) is not None and after.data.get(field) != before.data.get(field)
    }
    audit.record(
        writes,
        actor_id=caller.user_id,
        action=f"{before.type}.{name}",
        target_type=before.type,
        target_id=before.id,
        before={"state": before.state, "version": before.version},
        after={"state": after.state, "version": after.version, "params": dict(params), **decided},
        reason=str(reason) if reason is not None else None,
    )


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
        run_follow_up(follow_up)
    return Outcome(after, event, dry_run=False)


def run_follow_up(follow_up: FollowUp) -> None:
    # Not ready (or done by a racing request): a timer armed in the committed transaction
    # is left to the sweep, which decides on a fresh read.
    with contextlib.suppress(ConflictError):
        apply(
            follow_up.subject_type,
            follow_up.subject_id,
            follow_up.name,
            SYSTEM,
            consumed_timer=follow_up.consumed_timer,
        )


def available(subject: Subject, caller: Caller) -> list[str]:
    """The transitions the caller could take now (parameters and guards aside)."""
    process = process_of(subject)
    roles = set(caller.roles_on(subject))
    return [
        t.name
        for t in process.transitions
        if subject.state in t.sources and roles & set(t.actors) and "system" not in roles
    ]

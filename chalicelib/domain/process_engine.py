"""The process engine, pure: a process is data (states, transitions, timers, reminders), and
`decide` says whether an actor may take a transition from a state, and where it leads.

The engine never touches storage. The application layer turns a decision into one
DynamoDB transaction (state and version condition, history event, timers, effects); the
names of guards and effects listed here are interpreted there."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from chalicelib.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError

Actor = Literal["customer", "talent", "admin", "system"]
ACTORS: tuple[Actor, ...] = ("customer", "talent", "admin", "system")
Anchor = Literal["entered", "start", "end"]
ParamType = Literal["string", "money", "integer", "string_list", "media_ids"]
# Media ids a transition carries land in its domain event, which EventBridge caps at 256 KB.
MAX_MEDIA_IDS = 20
_MEDIA_ID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


@dataclass(frozen=True)
class Param:
    name: str
    type: ParamType
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int = 2000
    # media_ids: the purposes the caller's media must have been uploaded for.
    purposes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    actors: frozenset[Actor]
    params: tuple[Param, ...] = ()
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    # Where a transition leads may depend on a parameter (resolve: release or refund).
    target_by: tuple[str, Mapping[str, str]] | None = None

    def target_for(self, params: Mapping[str, Any]) -> str:
        if self.target_by is None:
            return self.target
        name, targets = self.target_by
        return targets[str(params[name])]


@dataclass(frozen=True)
class At:
    """A moment relative to an anchor: entering the state, or the subject's start or end."""

    anchor: Anchor
    offset: timedelta

    def resolve(self, anchors: Mapping[str, datetime]) -> datetime | None:
        base = anchors.get(self.anchor)
        return None if base is None else base + self.offset


@dataclass(frozen=True)
class TimerSpec:
    """While the subject is in `state`, the system takes `transition` at the moment `at`
    (the earliest or latest of several moments). Leaving the state disarms it."""

    name: str
    state: str
    transition: str
    at: tuple[At, ...]
    combine: Literal["min", "max"] = "min"
    # A guard that must hold when the timer would be armed (no balance, no balance timer).
    when: str | None = None

    def due(self, anchors: Mapping[str, datetime]) -> datetime | None:
        moments = [m for m in (at.resolve(anchors) for at in self.at) if m is not None]
        if not moments:
            return None
        return min(moments) if self.combine == "min" else max(moments)


@dataclass(frozen=True)
class ReminderSpec:
    """A notification the system sends while the subject is still in `state`."""

    name: str
    state: str
    at: At
    notify: tuple[Actor, ...]
    when: str | None = None


@dataclass(frozen=True)
class Process:
    name: str
    version: int
    initial: str
    states: tuple[str, ...]
    terminal: frozenset[str]
    transitions: tuple[Transition, ...]
    timers: tuple[TimerSpec, ...] = ()
    reminders: tuple[ReminderSpec, ...] = ()
    description: str = ""
    _by_name: dict[str, list[Transition]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for transition in self.transitions:
            self._by_name.setdefault(transition.name, []).append(transition)
        self._check()

    def _check(self) -> None:
        """A definition that cannot work is refused when it is loaded, not when it is used."""
        known = set(self.states)
        for transition in self.transitions:
            targets = [transition.target]
            if transition.target_by is not None:
                targets += list(transition.target_by[1].values())
            unknown = (set(transition.sources) | set(targets)) - known
            if unknown:
                raise ValueError(f"{self.name}.{transition.name}: unknown states {sorted(unknown)}")
        for timer in self.timers:
            entries = self._by_name.get(timer.transition, [])
            if not any(timer.state in t.sources and "system" in t.actors for t in entries):
                raise ValueError(
                    f"{self.name}: timer {timer.name} fires nothing from {timer.state}"
                )
        if self.initial not in known or not self.terminal <= known:
            raise ValueError(f"{self.name}: initial or terminal states unknown")

    def transition_names(self) -> list[str]:
        return list(self._by_name)

    def entries(self, name: str) -> list[Transition]:
        return list(self._by_name.get(name, ()))

    def timers_for(self, state: str) -> list[TimerSpec]:
        return [timer for timer in self.timers if timer.state == state]

    def reminders_for(self, state: str) -> list[ReminderSpec]:
        return [reminder for reminder in self.reminders if reminder.state == state]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "initial": self.initial,
            "states": list(self.states),
            "terminal": sorted(self.terminal),
            "transitions": [_transition_json(t) for t in self.transitions],
            "timers": [
                {
                    "name": timer.name,
                    "state": timer.state,
                    "transition": timer.transition,
                    "at": [_at_json(at) for at in timer.at],
                    "combine": timer.combine,
                    "when": timer.when,
                }
                for timer in self.timers
            ],
            "reminders": [
                {
                    "name": r.name,
                    "state": r.state,
                    "at": _at_json(r.at),
                    "notify": list(r.notify),
                    "when": r.when,
                }
                for r in self.reminders
            ],
        }


def _at_json(at: At) -> dict[str, Any]:
    return {"anchor": at.anchor, "offset_seconds": int(at.offset.total_seconds())}


def _transition_json(transition: Transition) -> dict[str, Any]:
    targets = {transition.target}
    if transition.target_by is not None:
        targets = set(transition.target_by[1].values())
    return {
        "name": transition.name,
        "from": sorted(transition.sources),
        "to": sorted(targets),
        "actors": [a for a in ACTORS if a in transition.actors],
        "params": [
            {"name": p.name, "type": p.type, "required": p.required, "choices": list(p.choices)}
            for p in transition.params
        ],
        "guards": list(transition.guards),
        "effects": list(transition.effects),
    }


@dataclass(frozen=True)
class Decision:
    transition: Transition
    source: str
    target: str
    params: dict[str, Any]


def _check_string(param: Param, value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip() or len(value) > param.max_length:
        return f"{param.name} must be text of 1 to {param.max_length} characters"
    if param.choices and value not in param.choices:
        return f"{param.name} must be one of {', '.join(param.choices)}"
    return None


def _check_integer(param: Param, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return f"{param.name} must be a whole number"
    return None


def _check_money(param: Param, value: Any) -> str | None:
    amount = value.get("amount") if isinstance(value, dict) else None
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        return f"{param.name} must be money: {{amount: positive integer, currency}}"
    if not isinstance(value.get("currency"), str):
        return f"{param.name} needs a currency"
    return None


def _check_string_list(param: Param, value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return f"{param.name} must be a list of strings"
    return None


def _check_media_ids(param: Param, value: Any) -> str | None:
    """The shape only; ownership and verification need reads (usecases/media_refs.py)."""
    if not isinstance(value, list) or not all(
        isinstance(v, str) and _MEDIA_ID.match(v) for v in value
    ):
        return f"{param.name} must be a list of media ids"
    if len(value) > MAX_MEDIA_IDS:
        return f"{param.name} holds at most {MAX_MEDIA_IDS} media"
    if len(set(value)) != len(value):
        return f"{param.name} names a media more than once"
    return None


_CHECKS = {
    "string": _check_string,
    "integer": _check_integer,
    "money": _check_money,
    "string_list": _check_string_list,
    "media_ids": _check_media_ids,
}


def check_params(transition: Transition, given: Mapping[str, Any]) -> dict[str, Any]:
    declared = {param.name: param for param in transition.params}
    problems = [
        f"{name} is not a parameter of {transition.name}" for name in given if name not in declared
    ]
    for param in transition.params:
        if param.name not in given or given[param.name] is None:
            if param.required:
                problems.append(f"{param.name} is required")
            continue
        problem = _CHECKS[param.type](param, given[param.name])
        if problem:
            problems.append(problem)
    if problems:
        raise ValidationError(f"invalid parameters for {transition.name}", {"problems": problems})
    return {name: value for name, value in given.items() if value is not None}


def decide(
    process: Process, state: str, name: str, actor: Actor, params: Mapping[str, Any] | None = None
) -> Decision:
    """Whether `actor` may take transition `name` now. 404: no such transition; 403: the
    actor never may; 409: not from this state; 400: bad parameters."""
    entries = process.entries(name)
    if not entries:
        raise NotFoundError(f"{process.name} has no transition {name!r}")
    for_actor = [entry for entry in entries if actor in entry.actors]
    if not for_actor:
        raise ForbiddenError(f"a {actor} may not {name} a {process.name}")
    matching = [entry for entry in for_actor if state in entry.sources]
    if not matching:
        raise ConflictError(f"cannot {name} a {process.name} that is {state}", {"state": state})
    transition = matching[0]
    checked = check_params(transition, params or {})
    return Decision(transition, state, transition.target_for(checked), checked)


def timers_entering(
    process: Process, state: str, anchors: Mapping[str, datetime]
) -> list[tuple[TimerSpec, datetime]]:
    """The timers armed by entering `state` (`anchors` holds "entered" and, where the subject
    has them, "start" and "end")."""
    armed = []
    for timer in process.timers_for(state):
        due = timer.due(anchors)
        if due is not None:
            armed.append((timer, due))
    return armed

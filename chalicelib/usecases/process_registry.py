"""What the process engine interprets by name: guards (checked on the subject as read),
effects (actions added to the transition's one transaction), conditions (guards a named
effect enforces by a condition on another item) and per-subject-type hooks.

Modules that define them fill a `Catalogue` of their own; `process_wiring.load()` merges
the catalogues into one `Registry` and verifies that every name any published process
definition mentions is registered, so a typo fails the load instead of being skipped."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.auth.principal import Principal
from chalicelib.domain import process_engine as engine
from chalicelib.errors import NotFoundError
from chalicelib.models.subjects import Subject
from chalicelib.models.writes import Writes


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


@dataclass(frozen=True)
class FollowUp:
    """A system transition to try once the transaction committed (a contract completing
    after its last milestone settled); a conflict means someone else did it."""

    subject_type: str
    subject_id: str
    name: str
    consumed_timer: str | None = None


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
    follow_ups: list[FollowUp] = field(default_factory=list)
    # An extra condition on the subject's own write (a count its children move).
    subject_condition: Any = None
    # Requirements effects leave for a hook that writes the same item (one action per item).
    requires: set[str] = field(default_factory=set)
    # Set by the engine: prepares a system transition of ANOTHER subject into this
    # transaction's writes and returns its Change (a dispute's resolution settles its
    # booking or milestone), without effects importing the engine.
    prepare_other: Callable[[Subject, str, dict[str, Any]], Change] | None = None

    def move_other(self, subject: Subject, name: str, params: dict[str, Any]) -> None:
        if self.prepare_other is None:
            raise RuntimeError("only a transition being prepared by the engine moves another")
        inner = self.prepare_other(subject, name, params)
        self.follow_ups.extend(inner.follow_ups)

    @property
    def params(self) -> dict[str, Any]:
        return self.decision.params


Guard = Callable[[Subject, datetime], bool]
Effect = Callable[[Change], None]


@dataclass(frozen=True)
class Condition:
    """A guard on another item: the effect `enforced_by` writes it with a condition."""

    enforced_by: str
    refusal: str


class Catalogue:
    """One module's guards, effects, conditions and hooks, gathered by its decorators; a
    catalogue registers nothing until the loader hands it to a Registry."""

    def __init__(self) -> None:
        self.guards: dict[str, tuple[Guard, str]] = {}
        self.effects: dict[str, Effect] = {}
        self.conditions: dict[str, Condition] = {}
        self.hooks: list[tuple[str, Effect]] = []

    def guard(self, name: str, refusal: str) -> Callable[[Guard], Guard]:
        def decorator(check: Guard) -> Guard:
            self.guards[name] = (check, refusal)
            return check

        return decorator

    def effect(self, name: str) -> Callable[[Effect], Effect]:
        def decorator(apply: Effect) -> Effect:
            self.effects[name] = apply
            return apply

        return decorator

    def condition(self, name: str, *, enforced_by: str, refusal: str) -> None:
        self.conditions[name] = Condition(enforced_by, refusal)

    def subject_hook(self, subject_type: str) -> Callable[[Effect], Effect]:
        """Runs on every transition of one subject type (a milestone moves its contract)."""

        def decorator(apply: Effect) -> Effect:
            self.hooks.append((subject_type, apply))
            return apply

        return decorator


class UnregisteredNameError(RuntimeError):
    """A process definition names a guard or effect nothing registers."""


class Registry:
    def __init__(self, catalogues: Iterable[Catalogue]) -> None:
        self._guards: dict[str, tuple[Guard, str]] = {}
        self._effects: dict[str, Effect] = {}
        self._conditions: dict[str, Condition] = {}
        self._hooks: dict[str, list[Effect]] = {}
        for catalogue in catalogues:
            for table, entries in (
                (self._guards, catalogue.guards),
                (self._effects, catalogue.effects),
                (self._conditions, catalogue.conditions),
            ):
                for name, entry in entries.items():
                    if name in table:
                        raise ValueError(f"{name!r} is registered twice")
                    table[name] = entry  # type: ignore[assignment]
            for subject_type, hook in catalogue.hooks:
                self._hooks.setdefault(subject_type, []).append(hook)

    def knows(self, name: str) -> bool:
        return name in self._guards or name in self._effects or name in self._conditions

    def enforced_by(self, name: str) -> str | None:
        condition = self._conditions.get(name)
        return condition.enforced_by if condition else None

    def guard(self, name: str) -> tuple[Guard, str] | None:
        return self._guards.get(name)

    def effect(self, name: str) -> Effect | None:
        return self._effects.get(name)

    def hooks(self, subject_type: str) -> list[Effect]:
        return self._hooks.get(subject_type, [])

    def guard_holds(self, name: str | None, subject: Subject, now: datetime) -> bool:
        if name is None:
            return True
        check, _ = self._guards[name]
        return check(subject, now)

    def verify(self, definitions: Iterable[engine.Process]) -> None:
        problems: list[str] = []
        for process in definitions:
            where = f"{process.name} v{process.version}"
            for transition in process.transitions:
                problems += self._transition_problems(where, transition)
            conditions = [(t.name, t.when) for t in process.timers]
            conditions += [(r.name, r.when) for r in process.reminders]
            for spec_name, when in conditions:
                if when is not None and when not in self._guards:
                    problems.append(f"{where} {spec_name}: condition {when!r} is no guard")
        if problems:
            raise UnregisteredNameError("; ".join(problems))

    def _transition_problems(self, where: str, transition: engine.Transition) -> list[str]:
        problems = []
        for name in transition.effects:
            if name not in self._effects:
                problems.append(f"{where} {transition.name}: effect {name!r} is not registered")
        for name in transition.guards:
            condition = self._conditions.get(name)
            if condition is not None and condition.enforced_by not in transition.effects:
                problems.append(
                    f"{where} {transition.name}: guard {name!r} needs effect "
                    f"{condition.enforced_by!r}"
                )
            elif not self.knows(name):
                problems.append(f"{where} {transition.name}: guard {name!r} is not registered")
        return problems


_installed: Registry | None = None


def install(registry: Registry | None) -> None:
    global _installed  # noqa: PLW0603 - one registry per process, installed by the loader
    _installed = registry


def installed() -> bool:
    return _installed is not None


def active() -> Registry:
    if _installed is None:
        raise RuntimeError("the process registry is not loaded: call process_wiring.load()")
    return _installed

"""Every (state, transition, actor) of every process, generated from the definitions.

For each process and each of its states (a subtest each), fresh subjects are driven into
the state with real transitions only: the shortest path over the definition from the
initial state, user transitions over HTTP as the right user, system transitions in process.
On one of them, every transition the definition does not allow from that state is tried by
every actor, and by a stranger. Each gets what `decide` semantics give, computed from the
definition: 403 if the actor may never take it, 409 if the actor may but not from this
state, 404 for a stranger (not a party); the system, which cannot act over HTTP, is tried in
process and gets ForbiddenError or ConflictError. None of them changes the subject's state,
version or history. Then every allowed (transition, actor), and for `resolve` every
decision, is taken on a subject of its own and leads where the definition says.

Guards that could refuse an allowed transition are first seen to refuse (where they do not
hold yet), then set up to hold (GUARD_SETUPS). A guard without a setup fails the coverage
test, as does any state, transition or actor the generated cases would miss: a new
transition in a definition is tested, or the suite says why not."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar

import pytest

from chalicelib import clock
from chalicelib.domain import process_definitions
from chalicelib.domain.process_engine import ACTORS, Actor, Process, Transition
from chalicelib.errors import ConflictError, DomainError, ForbiddenError, NotFoundError
from chalicelib.handlers.subjects import COLLECTIONS
from tests.functional.deals import (
    ADMIN,
    CUSTOMER,
    START,
    STRANGER,
    TALENT,
    book,
    post_job,
    propose,
    system,
    take,
    talent_with_service,
)
from tests.functional.factories import create_talent
from tests.support import JsonClient

PROCESSES: tuple[Process, ...] = tuple(process_definitions.CURRENT.values())
EMAILS: dict[Actor, str] = {"customer": CUSTOMER, "talent": TALENT, "admin": ADMIN}
# Disputes have no generic transitions endpoint (their moves are their own routes, which
# check sides and offers): the matrix takes their transitions in process, as each user.
KIND_OF = {subject_type: kind for kind, subject_type in COLLECTIONS.items()} | {
    "dispute": "disputes"
}
STRANGER_ACTOR = "stranger"
REFUSALS: dict[int, type[DomainError]] = {
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
}


# --- The plan: what the definition says, per state --------------------------------------


@dataclass(frozen=True)
class Step:
    """One allowed way out of a state: a transition entry, the actor taking it and, for a
    transition whose target depends on a parameter, that parameter's value."""

    transition: Transition
    actor: Actor
    choice: tuple[str, str] | None = None

    @property
    def name(self) -> str:
        return self.transition.name

    @property
    def target(self) -> str:
        return self.transition.target_for(dict([self.choice]) if self.choice else {})

    def __str__(self) -> str:
        chosen = f"[{self.choice[0]}={self.choice[1]}]" if self.choice else ""
        return f"{self.name}{chosen} by {self.actor}"


@dataclass(frozen=True)
class Refusal:
    name: str
    actor: str  # one of ACTORS, or STRANGER_ACTOR
    status: int


@dataclass
class Plan:
    process: Process
    state: str
    allowed: list[Step] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    def triples(self) -> set[tuple[str, str, str]]:
        return {(self.state, s.name, s.actor) for s in self.allowed} | {
            (self.state, r.name, r.actor) for r in self.refused if r.actor != STRANGER_ACTOR
        }


def steps_from(process: Process, state: str) -> list[Step]:
    """The allowed steps out of `state`, in definition order, actors in ACTORS order (so
    users come before the system), one per value of a target-deciding parameter."""
    steps: list[Step] = []
    for transition in process.transitions:
        if state not in transition.sources:
            continue
        choices: list[tuple[str, str] | None] = [None]
        if transition.target_by is not None:
            param = transition.target_by[0]
            choices = [(param, value) for value in transition.target_by[1]]
        for actor in ACTORS:
            if actor in transition.actors:
                steps.extend(Step(transition, actor, choice) for choice in choices)
    return steps


def expected_status(process: Process, state: str, name: str, actor: Actor) -> int:
    """From the definition: 200 if some entry lets the actor take it from this state, 409
    if some entry lets the actor take it from elsewhere, else 403."""
    for_actor = [entry for entry in process.entries(name) if actor in entry.actors]
    if not for_actor:
        return 403
    if not any(state in entry.sources for entry in for_actor):
        return 409
    return 200


def plan_for(process: Process, state: str) -> Plan:
    plan = Plan(process, state, allowed=steps_from(process, state))
    for name in process.transition_names():
        for actor in ACTORS:
            status = expected_status(process, state, name, actor)
            if status != 200:
                plan.refused.append(Refusal(name, actor, status))
        plan.refused.append(Refusal(name, STRANGER_ACTOR, 404))
    return plan


def paths(process: Process) -> dict[str, list[Step]]:
    """The shortest sequence of allowed steps from the initial state to every state."""
    found: dict[str, list[Step]] = {process.initial: []}
    queue = deque([process.initial])
    while queue:
        state = queue.popleft()
        for step in steps_from(process, state):
            if step.target not in found:
                found[step.target] = [*found[state], step]
                queue.append(step.target)
    return found


# --- Parameters, generated from the declarations -----------------------------------------


def _currency(data: dict[str, Any]) -> str:
    for money in ("price", "amount", "total"):
        if isinstance(data.get(money), dict):
            return str(data[money]["currency"])
    raise AssertionError(f"no currency on {data}")


def params_for(
    transition: Transition, data: dict[str, Any], choice: tuple[str, str] | None = None
) -> dict[str, Any]:
    """Every required parameter, and the optional text ones (free text is harmless; an
    optional number such as refund_amount would change the meaning, so it is left out)."""
    params: dict[str, Any] = {}
    for param in transition.params:
        if choice is not None and param.name == choice[0]:
            params[param.name] = choice[1]
        elif param.type == "string":
            params[param.name] = param.choices[0] if param.choices else f"matrix {param.name}"
        elif not param.required:
            continue
        elif param.type == "money":
            params[param.name] = {"amount": 350000, "currency": _currency(data)}
        elif param.type == "integer":
            params[param.name] = 1
        elif param.type == "string_list":
            params[param.name] = ["matrix"]
        else:
            raise AssertionError(f"no generator for {param.type} parameters")
    return params


# --- Worlds: where fresh subjects of each process come from ------------------------------


def _stored(subject_type: str, subject_id: str) -> Any:
    from chalicelib.models import subjects

    return subjects.require(subject_type, subject_id)


def _accept_proposal(api: JsonClient, proposal_id: str) -> str:
    reply = take(api, "proposals", proposal_id, "accept", CUSTOMER)
    assert reply.status == 200, reply.body
    return str(reply.body["contract_id"])


class World:
    subject_type: ClassVar[str]

    def __init__(self, api: JsonClient, frozen: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.api, self.clock, self.monkeypatch = api, frozen, monkeypatch
        # Guards seen refusing an allowed transition before their setup made them hold.
        self.refused_by: set[str] = set()

    @property
    def kind(self) -> str:
        return KIND_OF[self.subject_type]

    def fresh(self, count: int) -> list[str]:
        raise NotImplementedError


class Bookings(World):
    subject_type = "booking"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        _, service = talent_with_service(self.api)
        self.service_id = service["id"]
        self.booked = 0

    def fresh(self, count: int) -> list[str]:
        """Each on a day of its own: a confirmed booking claims its day (and a day later
        than any start the clock was moved past)."""
        made = []
        for _ in range(count):
            start = datetime.fromisoformat(START) + timedelta(days=self.booked)
            self.booked += 1
            made.append(book(self.api, self.service_id, start=clock.to_rfc3339(start))["id"])
        return made


class Proposals(World):
    subject_type = "proposal"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        create_talent(self.api, TALENT)

    def fresh(self, count: int) -> list[str]:
        """One job each: accepting a proposal closes its job."""
        return [propose(self.api, post_job(self.api)["id"])["id"] for _ in range(count)]


class Contracts(Proposals):
    subject_type = "contract"

    def fresh(self, count: int) -> list[str]:
        return [_accept_proposal(self.api, proposal) for proposal in super().fresh(count)]


class Milestones(Proposals):
    subject_type = "milestone"

    def fresh(self, count: int) -> list[str]:
        """Milestones of one contract, and one more left untouched, so that settling all of
        those under test never completes the contract under them."""
        job = post_job(self.api)
        proposal = propose(self.api, job["id"], amounts=(1000,) * (count + 1))
        contract_id = _accept_proposal(self.api, proposal["id"])
        return list(_stored("contract", contract_id).data["milestone_ids"][:count])


class Disputes(Bookings):
    """Disputes of confirmed bookings, opened by the customer. Users act in process (no
    generic endpoint), each as the principal their token would give."""

    subject_type = "dispute"
    in_process = True

    def fresh(self, count: int) -> list[str]:
        from chalicelib.usecases import bookings

        made = []
        for booking_id in super().fresh(count):
            assert take(self.api, "bookings", booking_id, "accept", TALENT).status == 200
            bookings.confirm_payment(booking_id, f"pay-{booking_id}", provider="fib")
            reply = take(
                self.api, "bookings", booking_id, "dispute", CUSTOMER, reason="x", category="late"
            )
            assert reply.status == 200, reply.body
            made.append(str(reply.body["dispute_id"]))
        return made

    def principal(self, email: str) -> Any:
        from chalicelib.auth.principal import Principal, roles_for
        from chalicelib.models import user as users

        found = users.get_by_id(self.api.get("/v1/me", as_user=email).body["id"])
        return Principal(found, roles_for(found))


WORLDS: dict[str, type[World]] = {
    "booking": Bookings,
    "proposal": Proposals,
    "contract": Contracts,
    "milestone": Milestones,
    "dispute": Disputes,
}


# --- Guards: how an allowed transition is set up so that its guard holds ------------------


def _pass_the_start(world: World, subject_id: str) -> None:
    """A booking is delivered once it has started: the clock moves past its start."""
    start = _stored(world.subject_type, subject_id).start_at
    later = start + timedelta(minutes=5)
    if clock.now() < later:
        world.clock.set(later)


def _settle_every_milestone(world: World, subject_id: str) -> None:
    """Cancel the contract's milestones (fresh, so funding_required). Settling the last one
    completes the contract in a follow-up of that request; it is suppressed here, as if the
    request had died after its commit (the sweep's case), so the system's `complete` is
    taken by this test rather than by the follow-up."""
    from chalicelib.usecases import transitions

    with world.monkeypatch.context() as patch:
        patch.setattr(transitions, "run_follow_up", lambda *_: None)
        for milestone_id in _stored("contract", subject_id).data["milestone_ids"]:
            reply = take(world.api, "milestones", milestone_id, "cancel", CUSTOMER)
            assert reply.status == 200, reply.body


def _pass_the_escalation_time(world: World, subject_id: str) -> None:
    """A dispute may be escalated 72 h after its opening: the clock moves past it."""
    opened = _stored(world.subject_type, subject_id).start_at
    later = opened + timedelta(hours=72, minutes=5)
    if clock.now() < later:
        world.clock.set(later)


def _holds_on_fresh_subjects(world: World, subject_id: str) -> None:
    """Nothing to do: the guard holds on a subject fresh from `World.fresh`."""


GUARD_SETUPS: dict[str, Callable[[World, str], None]] = {
    "started": _pass_the_start,
    "escalation_open": _pass_the_escalation_time,
    "all_milestones_settled": _settle_every_milestone,
    # The default service takes a 30% deposit: after payment, the balance is unpaid.
    "balance_unpaid": _holds_on_fresh_subjects,
    # A fresh milestone has used none of the contract's two revisions.
    "revisions_remaining": _holds_on_fresh_subjects,
    # A fresh contract has no funded milestone.
    "no_escrow": _holds_on_fresh_subjects,
    # Each proposal has a job of its own, still open.
    "job_open": _holds_on_fresh_subjects,
    # A fresh milestone's contract is active (one of its milestones is never settled).
    "contract_active": _holds_on_fresh_subjects,
}


# --- Taking transitions ------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    status: int
    state: str | None = None
    version: int | None = None
    error: DomainError | None = None
    body: Any = None


def attempt(world: World, subject_id: str, name: str, actor: str, params: dict[str, Any]) -> Result:
    """A user over HTTP; the system in process (no user may act as the system)."""
    if isinstance(world, Disputes) and actor != "system":
        return _attempt_in_process(world, subject_id, name, actor, params)
    if actor == "system":
        try:
            outcome = system(world.subject_type, subject_id, name, **params)
        except DomainError as error:
            return Result(error.status, error=error)
        return Result(200, outcome.subject.state, outcome.subject.version)
    email = STRANGER if actor == STRANGER_ACTOR else EMAILS[actor]  # type: ignore[index]
    reply = take(world.api, world.kind, subject_id, name, email, **params)
    if reply.status != 200:
        return Result(reply.status, body=reply.body)
    return Result(200, reply.body["state"], reply.body["version"], body=reply.body)


def _attempt_in_process(
    world: Disputes, subject_id: str, name: str, actor: str, params: dict[str, Any]
) -> Result:
    from chalicelib.usecases import transitions

    email = STRANGER if actor == STRANGER_ACTOR else EMAILS[actor]  # type: ignore[index]
    caller = transitions.Caller(world.principal(email))
    try:
        outcome = transitions.apply(world.subject_type, subject_id, name, caller, params)
    except DomainError as error:
        body = {"error": {"code": error.code, "details": error.details}}
        return Result(error.status, error=error, body=body)
    return Result(200, outcome.subject.state, outcome.subject.version)


def _guard_holds(name: str, subject_id: str, world: World) -> bool | None:
    """None for a guard checked by an effect in the transaction (not on the subject read)."""
    from chalicelib.usecases import transitions

    if transitions.registry().guard(name) is None:
        return None
    return transitions.guard_holds(name, _stored(world.subject_type, subject_id), clock.now())


def take_step(world: World, subject_id: str, step: Step, *, check_guards: bool) -> None:
    """Take an allowed step: its guards are set up to hold (and, with check_guards, a guard
    that did not hold before is seen to refuse, changing nothing), then it must succeed."""
    before = _stored(world.subject_type, subject_id)
    params = params_for(step.transition, before.data, step.choice)
    for guard in step.transition.guards:
        if check_guards and _guard_holds(guard, subject_id, world) is False:
            refused = attempt(world, subject_id, step.name, step.actor, params)
            assert refused.status == 409, (str(step), guard, refused)
            details = refused.error.details if refused.error else refused.body["error"]["details"]
            assert details.get("guard") == guard, (str(step), details)
            unchanged = _stored(world.subject_type, subject_id)
            assert (unchanged.state, unchanged.version) == (before.state, before.version)
            world.refused_by.add(guard)
        GUARD_SETUPS[guard](world, subject_id)
        assert _guard_holds(guard, subject_id, world) is not False, (str(step), guard)
    done = attempt(world, subject_id, step.name, step.actor, params)
    assert done.status == 200, (str(step), before.state, done)
    assert (done.state, done.version) == (step.target, before.version + 1), (str(step), done)


def drive(world: World, subject_id: str, path: list[Step]) -> None:
    for step in path:
        take_step(world, subject_id, step, check_guards=False)


@dataclass(frozen=True)
class Snapshot:
    state: str
    version: int
    events: int


def snapshot(world: World, subject_id: str, as_user: str = ADMIN) -> Snapshot:
    """The subject as its API shows it (to an admin, who sees every subject)."""
    subject = world.api.get(f"/v1/{world.kind}/{subject_id}", as_user=as_user)
    assert subject.status == 200, subject.body
    events = world.api.get(f"/v1/{world.kind}/{subject_id}/events?limit=100", as_user=as_user)
    assert events.status == 200 and events.body["next_cursor"] is None, events.body
    return Snapshot(subject.body["state"], subject.body["version"], len(events.body["items"]))


# --- The generated tests -----------------------------------------------------------------


def check_state(world: World, process: Process, state: str) -> set[tuple[str, str, str]]:
    """Every (transition, actor) from `state`; returns the (state, transition, actor)
    triples exercised."""
    plan = plan_for(process, state)
    path = paths(process)[state]
    # One subject per allowed step; the first also takes every refusal before its step.
    subject_ids = world.fresh(max(1, len(plan.allowed)))
    for subject_id in subject_ids:
        drive(world, subject_id, path)
    shared = subject_ids[0]
    before = snapshot(world, shared)
    assert (before.state, before.version, before.events) == (state, len(path) + 1, len(path) + 1)

    done: set[tuple[str, str, str]] = set()
    data = _stored(world.subject_type, shared).data
    for refusal in plan.refused:
        entries = process.entries(refusal.name)
        entry = next((e for e in entries if state in e.sources), entries[0])
        result = attempt(world, shared, refusal.name, refusal.actor, params_for(entry, data))
        assert result.status == refusal.status, (refusal, result)
        if refusal.actor == "system":
            assert type(result.error) is REFUSALS[refusal.status], (refusal, result)
        else:
            assert result.body["error"]["code"] == REFUSALS[refusal.status].code, result
        if refusal.actor != STRANGER_ACTOR:
            done.add((state, refusal.name, refusal.actor))
    # Checked once for all the refusals: a version only grows, and every change adds one
    # event, so the same version and event count mean none of them wrote.
    assert snapshot(world, shared) == before
    # A stranger does not learn that the subject exists.
    assert world.api.get(f"/v1/{world.kind}/{shared}", as_user=STRANGER).status == 404
    assert world.api.get(f"/v1/{world.kind}/{shared}/events", as_user=STRANGER).status == 404

    for step, subject_id in zip(plan.allowed, subject_ids, strict=False):
        take_step(world, subject_id, step, check_guards=True)
        done.add((state, step.name, step.actor))
        # Seen by the party who took it (the system's by an admin): one version, one event.
        after = snapshot(world, subject_id, as_user=EMAILS.get(step.actor, ADMIN))
        assert (after.state, after.version, after.events) == (
            step.target,
            before.version + 1,
            before.events + 1,
        ), str(step)
    assert done == plan.triples()
    return done


@pytest.mark.parametrize("process", PROCESSES, ids=[p.name for p in PROCESSES])
def test_every_transition_by_every_actor_in_every_state(
    process: Process,
    api: JsonClient,
    frozen_clock: Any,
    monkeypatch: pytest.MonkeyPatch,
    subtests: pytest.Subtests,
) -> None:
    """One world per process (a talent costs more than all of a state's attempts); each
    state is a subtest on subjects of its own, so it passes or fails on its own."""
    world = WORLDS[process.name](api, frozen_clock, monkeypatch)
    exercised: set[tuple[str, str, str]] = set()
    for state in process.states:
        with subtests.test(msg=state):
            exercised |= check_state(world, process, state)
    everything = {
        (state, name, actor)
        for state in process.states
        for name in process.transition_names()
        for actor in ACTORS
    }
    missed = sorted(everything - exercised)
    assert not missed, f"{len(missed)} triples not exercised, e.g. {missed[:5]}"
    # The guards whose setups do something were seen refusing before it (so a setup that
    # became unnecessary, or a guard that stopped refusing, shows here).
    working = {
        guard
        for transition in process.transitions
        for guard in transition.guards
        if GUARD_SETUPS[guard] is not _holds_on_fresh_subjects
    }
    assert world.refused_by == working


@pytest.mark.parametrize("process", PROCESSES, ids=[p.name for p in PROCESSES])
def test_the_generated_cases_cover_the_whole_definition(process: Process) -> None:
    """The plan itself, without a table: nothing in the definition is left out."""
    plans = [plan_for(process, state) for state in process.states]
    names, states = process.transition_names(), set(process.states)
    # Every (state, transition, actor) exactly once: allowed or refused, never both.
    for plan in plans:
        allowed = {(plan.state, s.name, s.actor) for s in plan.allowed}
        refused = [(plan.state, r.name, r.actor) for r in plan.refused if r.actor != STRANGER_ACTOR]
        assert not allowed & set(refused) and len(refused) == len(set(refused))
        assert {(r.name, r.status) for r in plan.refused if r.actor == "stranger"} == {
            (name, 404) for name in names
        }
    covered = set().union(*(plan.triples() for plan in plans))
    assert covered == {(s, n, a) for s in states for n in names for a in ACTORS}
    # Every way the definition allows is taken somewhere: each entry, source, actor, choice.
    taken = {
        (plan.state, id(step.transition), step.actor, step.choice and step.choice[1])
        for plan in plans
        for step in plan.allowed
    }
    for transition in process.transitions:
        choices = list(transition.target_by[1]) if transition.target_by else [None]
        for source in transition.sources:
            for actor in transition.actors:
                for choice in choices:
                    assert (source, id(transition), actor, choice) in taken
    assert {step.name for plan in plans for step in plan.allowed} == set(names)
    # Every state can be reached to be tested, every guard has a setup, there is a world.
    assert set(paths(process)) == states
    assert {g for t in process.transitions for g in t.guards} <= set(GUARD_SETUPS)
    assert process.name in WORLDS and process.name in KIND_OF

"""DynamoDB requests per endpoint, counted from botocore events against the local emulator.

Each scenario runs after its setup; only the scenario's own request is counted.
Run: .venv/bin/python bench/ddb_calls.py
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import (
    conversation_scenarios,
    dispute_scenarios,
    notification_scenarios,
    qc_scenarios,
    review_scenarios,
)
from bench.ddb_payments import close as close_payment_sandbox
from bench.ddb_payments import payment_scenarios
from bench.harness import Call, DynamoCallCounter, local_app
from tests.functional.deals import (
    book,
    job_body,
    post_job,
    proposal_body,
    propose,
    take,
    talent_with_service,
)
from tests.functional.factories import pending_media, service_body, verified_media
from tests.support import JsonClient, Reply

Setup = Callable[[JsonClient], None]

# What a transition scenario must cost besides authentication (see _transition_problems).
TRANSITION = "transition"  # one TransactWriteItems and at most one read: the subject's GetItem
DRY_RUN = "dry_run"  # at most one read (the subject's GetItem), no write at all
SEND = conversation_scenarios.SEND  # a message send: one TransactWriteItems, at most 2 reads


@dataclass
class Scenario:
    name: str
    call: Callable[[JsonClient], Reply]
    setup: Setup = field(default=lambda api: None)
    # The most requests this endpoint may make, besides the rate limiter's one UpdateItem
    # on writes and provider-touching reads (counted in the total, checked apart).
    budget: int | None = None
    check: str | None = None  # TRANSITION, DRY_RUN or SEND: checked besides the budget
    status: int | None = None  # the answer the scenario must get (else its count means nothing)
    # Why requests after the transition's own transaction are expected (printed, not failed).
    follow_up: str | None = None


def _known_user(api: JsonClient) -> None:
    api.get("/v1/me", as_user="known@example.com")


def _claimed_key(api: JsonClient) -> None:
    _known_user(api)
    api.patch(
        "/v1/me",
        as_user="known@example.com",
        json_body={"display_name": "K"},
        headers={"Idempotency-Key": "bench-replay"},
    )


SCENARIOS: list[Scenario] = [
    Scenario("GET /v1/health", lambda api: api.get("/v1/health"), budget=0),
    Scenario("GET /v1/openapi.json", lambda api: api.get("/v1/openapi.json"), budget=0),
    # Every answer of /v1/me carries `email_status`: one GetItem of the address's
    # deliverability item (keyed by address, since bounces arrive by address).
    Scenario(
        "GET /v1/me (first call: provisions)",
        lambda api: api.get("/v1/me", as_user="first@example.com"),
        budget=3,
    ),
    Scenario(
        "GET /v1/me", lambda api: api.get("/v1/me", as_user="known@example.com"), _known_user, 2
    ),
    Scenario(
        "PATCH /v1/me",
        lambda api: api.patch(
            "/v1/me", as_user="known@example.com", json_body={"display_name": "Kay"}
        ),
        _known_user,
        3,
    ),
    Scenario(
        "PATCH /v1/me with Idempotency-Key (first)",
        lambda api: api.patch(
            "/v1/me",
            as_user="known@example.com",
            json_body={"display_name": "Kay"},
            headers={"Idempotency-Key": "bench-first"},
        ),
        _known_user,
        5,
    ),
    Scenario(
        "PATCH /v1/me with Idempotency-Key (replay)",
        lambda api: api.patch(
            "/v1/me",
            as_user="known@example.com",
            json_body={"display_name": "K"},
            headers={"Idempotency-Key": "bench-replay"},
        ),
        _claimed_key,
        3,
    ),
]


# --- supply side (issue 3): a talent with a service, a portfolio item and media -------------

_world: dict[str, str] = {}


def _supply(api: JsonClient) -> None:
    if _world:
        return
    from tests.functional.factories import create_service, create_talent

    talent = create_talent(api, "talent@example.com")
    _world["talent"] = talent["id"]
    _world["service"] = create_service(api, "talent@example.com", talent["id"])["id"]
    _world["public"] = verified_media(api, "talent@example.com")
    _world["pending"] = pending_media(api, "talent@example.com")
    api.post(
        f"/v1/talent/{talent['id']}/portfolio",
        as_user="talent@example.com",
        json_body={"title": "Show", "media_id": _world["public"]},
    )
    api.post(f"/v1/me/saved/{talent['id']}", as_user="known@example.com")


def _get(path: str, user: str | None = None) -> Callable[[JsonClient], Reply]:
    return lambda api: api.get(path.format(**_world), as_user=user)


SCENARIOS += [
    Scenario("GET /v1/categories", _get("/v1/categories"), _supply, 0),
    Scenario("GET /v1/talent/{id} (anonymous)", _get("/v1/talent/{talent}"), _supply, 2),
    Scenario(
        "GET /v1/talent/{id} (signed in)",
        _get("/v1/talent/{talent}", "known@example.com"),
        _supply,
        2,
    ),
    Scenario("GET /v1/talent/{id}/services", _get("/v1/talent/{talent}/services"), _supply, 2),
    Scenario("GET /v1/services/{id}", _get("/v1/services/{service}"), _supply, 2),
    Scenario(
        "GET /v1/talent/{id}/availability (31 days)",
        _get("/v1/talent/{talent}/availability?from=2026-12-01&to=2026-12-31"),
        _supply,
        2,
    ),
    Scenario("GET /v1/media/{id} (public)", _get("/v1/media/{public}"), _supply, 2),
    Scenario(
        "GET /v1/media/{id} (owner, pending)",
        _get("/v1/media/{pending}", "talent@example.com"),
        _supply,
        2,
    ),
    Scenario("GET /v1/me/saved", _get("/v1/me/saved", "known@example.com"), _supply, 2),
    Scenario(
        "PATCH /v1/talent/{id}",
        lambda api: api.patch(
            f"/v1/talent/{_world['talent']}",
            as_user="talent@example.com",
            json_body={"headline": "New"},
        ),
        _supply,
    ),
    Scenario(
        "POST /v1/talent/{id}/services",
        lambda api: api.post(
            f"/v1/talent/{_world['talent']}/services",
            as_user="talent@example.com",
            json_body=service_body(),
        ),
        _supply,
    ),
    Scenario(
        "PUT /v1/talent/{id}/availability (31 days)",
        lambda api: api.put(
            f"/v1/talent/{_world['talent']}/availability",
            as_user="talent@example.com",
            json_body={
                "days": [{"date": f"2026-12-{d:02d}", "available": True} for d in range(1, 32)]
            },
        ),
        _supply,
    ),
    Scenario(
        "GET /v1/search/talent (category)", _get("/v1/search/talent?category=fire-led"), _supply
    ),
    Scenario("GET /v1/search/talent (text)", _get("/v1/search/talent?q=fire"), _supply),
    Scenario("GET /v1/featured", _get("/v1/featured"), _supply, 1),
    Scenario(
        "POST /v1/media/uploads",
        lambda api: api.post(
            "/v1/media/uploads",
            as_user="known@example.com",
            json_body={
                "purpose": "avatar",
                "filename": "me.png",
                "content_type": "image/png",
                "size": 1000,
            },
        ),
        _supply,
    ),
]


# --- transactions (issue 4): bookings, jobs, proposals, contracts, milestones -------------
#
# A transition is checked (besides its total budget) to be exactly one TransactWriteItems plus
# at most one read, the subject's own GetItem; the caller's authentication (one GetItem of its
# identity, counted in the budget as everywhere above) is measured apart by wrapping
# `authenticate`. No Idempotency-Key is sent, so no idempotency record adds requests.
# Requests after the transition's transaction are its follow-ups (a settled milestone tries to
# complete its contract) and are shown apart.
#
# The clock is frozen on the first transactions setup (the scenarios above run on the
# system clock): bookings start on distinct December days (a paid booking claims its day), and
# a booking that must have started is booked a day ahead, then the clock moves past its start.

SELLER = "seller@example.com"
BUYER = "buyer@example.com"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
QUOTE = {"price": {"amount": 350000, "currency": "IQD"}}
DISPUTE = {"reason": "the show was cut short", "category": "quality"}
SETTLE_NOTE = (
    "a settled milestone then tries its contract's own `complete` "
    "(contracting.complete_contract_if_settled), which reads the contract"
)

_deal: dict[str, Any] = {}  # ids the scenarios act on; "subject": the acted-on item's key
_frozen: list[Any] = []  # the FrozenClock, once installed
_next_day = iter(range(1, 10_000))


def _ok(reply: Reply) -> Reply:
    assert reply.status in (200, 201), (reply.status, reply.body)
    return reply


def _rfc3339(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _system(subject_type: str, subject_id: str, name: str, **params: Any) -> Any:
    from chalicelib.usecases import transitions

    return transitions.apply(subject_type, subject_id, name, transitions.SYSTEM, params)


def _confirm_payment(booking_id: str) -> Any:
    from chalicelib.usecases import bookings

    return bookings.confirm_payment(booking_id, "pay-bench")


def _deals(api: JsonClient) -> None:
    """Once: a frozen clock, a seller with a service and a buyer (both provisioned)."""
    if _frozen:
        return
    from chalicelib import clock

    _frozen.append(clock.FrozenClock(NOW))
    clock.use(_frozen[0])
    talent, service = talent_with_service(api, SELLER)
    _deal.update(talent=talent["id"], service=service["id"])
    _ok(api.get("/v1/me", as_user=BUYER))


def _subject(subject_type: str, subject_id: str) -> str:
    """Remembers the subject a scenario acts on (and its item's key); returns its id."""
    from chalicelib.models import keys

    _deal["id"] = subject_id
    _deal["subject"] = f"{keys.subject_pk(subject_type, subject_id)}#{keys.SUBJECT_SK}"
    return subject_id


_BOOKING_STEPS = {  # state: the states a fresh booking passes through to reach it
    "requested": (),
    "quoted": ("quoted",),
    "accepted": ("accepted",),
    "confirmed": ("accepted", "confirmed"),
    "started": ("accepted", "confirmed", "started"),
    "delivered": ("accepted", "confirmed", "started", "delivered"),
}


def _booking(state: str) -> Setup:
    """A fresh booking of the seller's service, moved to `state` ("started": confirmed, and
    the clock past its start)."""

    def setup(api: JsonClient) -> None:
        _deals(api)
        steps = _BOOKING_STEPS[state]
        if "started" in steps:  # a day ahead; the clock moves past its start once it is paid
            start = _frozen[0].now() + timedelta(days=1)
        else:  # a December day of its own: a paid booking claims its day
            start = datetime(2026, 12, 1, 18, 0, tzinfo=UTC) + timedelta(days=next(_next_day))
        booking = book(api, _deal["service"], BUYER, _rfc3339(start))["id"]
        for step in steps:
            if step == "quoted":
                _ok(take(api, "bookings", booking, "quote", SELLER, **QUOTE))
            elif step == "accepted":
                _ok(take(api, "bookings", booking, "accept", SELLER))
            elif step == "confirmed":
                assert _confirm_payment(booking).subject.state == "confirmed"
            elif step == "started":
                _frozen[0].set(start + timedelta(minutes=5))
            elif step == "delivered":
                _ok(take(api, "bookings", booking, "mark_delivered", SELLER))
        _subject("booking", booking)

    return setup


def _proposal(api: JsonClient, amounts: tuple[int, ...] = (1000, 2000)) -> str:
    """A fresh public job of the buyer's with the seller's proposal on it."""
    _deals(api)
    job = post_job(api, BUYER)
    _deal["job"] = job["id"]
    return _subject("proposal", propose(api, job["id"], SELLER, amounts=amounts)["id"])


def _contract(api: JsonClient, amounts: tuple[int, ...] = (1000, 2000)) -> list[str]:
    """A fresh contract (an accepted proposal); returns its milestones' ids."""
    proposal = _proposal(api, amounts)
    contract = _ok(take(api, "proposals", proposal, "accept", BUYER)).body["contract_id"]
    _deal["contract"] = contract
    view = _ok(api.get(f"/v1/contracts/{contract}", as_user=BUYER)).body
    return [milestone["id"] for milestone in view["milestones"]]


def _open_proposal(api: JsonClient) -> None:
    _proposal(api)


def _active_contract(api: JsonClient) -> None:
    _contract(api)


def _milestone(state: str, amounts: tuple[int, ...] = (1000, 2000)) -> Setup:
    """The first milestone of a fresh contract, moved to `state`."""

    def setup(api: JsonClient) -> None:
        milestone = _contract(api, amounts)[0]
        if state in ("funded", "submitted"):
            _system("milestone", milestone, "payment_succeeded", payment_id="pay-bench")
        if state == "submitted":
            _ok(take(api, "milestones", milestone, "submit", SELLER, note="done"))
        _subject("milestone", milestone)

    return setup


def _take(kind: str, name: str, as_user: str, **params: Any) -> Callable[[JsonClient], Reply]:
    return lambda api: take(api, kind, _deal["id"], name, as_user, **params)


def _in_process(run: Callable[[], Any], state: str) -> Callable[[JsonClient], Reply]:
    """A system transition (no HTTP endpoint), called in process: reported as a 200 when the
    subject reached `state`, else as a 409."""

    def call(api: JsonClient) -> Reply:
        reached = run().subject.state
        return Reply(200 if reached == state else 409, {"state": reached}, {}, b"")

    return call


def _transition(kind: str, name: str, setup: Setup, as_user: str, **params: Any) -> Scenario:
    """POST /v1/{kind}/{id}/transitions/{name}: the caller's authentication + 2 requests."""
    transition = name.split(" ", maxsplit=1)[0]  # "cancel (confirmed)": the cancel transition
    return Scenario(
        f"{kind[:-1]} {name}",
        _take(kind, transition, as_user, **params),
        setup,
        3,
        check=TRANSITION,
        status=200,
    )


SCENARIOS += [
    # Creating and reading (budgets include the caller's one authentication GetItem).
    # POST /v1/bookings looks high at 6, but each read decides something: authentication, the
    # service (price, policy), its talent (public? own service? timezone), the talent's
    # calendar window for the booked days (one Query), the customer's rating that talent
    # decide on (the reputation GetItem, issue 15), then one transaction (the booking, its
    # event, outbox entry and timers, the talent's request counter and reindex).
    Scenario(
        "POST /v1/bookings",
        lambda api: api.post(
            "/v1/bookings",
            as_user=BUYER,
            json_body={"service_id": _deal["service"], "start": "2026-11-30T18:00:00Z"},
        ),
        _deals,
        6,
        status=201,
    ),
    Scenario(
        "GET /v1/bookings/{id}",
        lambda api: api.get(f"/v1/bookings/{_deal['id']}", as_user=BUYER),
        _booking("requested"),
        2,
        status=200,
    ),
    Scenario(
        "GET /v1/bookings (customer)",
        lambda api: api.get("/v1/bookings", as_user=BUYER),
        _deals,
        2,
        status=200,
    ),
    Scenario(
        "GET /v1/bookings?role=talent",
        lambda api: api.get("/v1/bookings?role=talent", as_user=SELLER),
        _deals,
        2,
        status=200,
    ),
    Scenario(
        "GET /v1/bookings/{id}/events",
        lambda api: api.get(f"/v1/bookings/{_deal['id']}/events", as_user=BUYER),
        _booking("confirmed"),
        3,
        status=200,
    ),
    Scenario(
        "POST /v1/jobs",
        lambda api: api.post("/v1/jobs", as_user=BUYER, json_body=job_body()),
        _deals,
        2,
        status=201,
    ),
    Scenario("GET /v1/jobs", lambda api: api.get("/v1/jobs"), _deals, 1, status=200),
    Scenario(
        "GET /v1/jobs/{id} (anonymous)",
        lambda api: api.get(f"/v1/jobs/{_deal['job']}"),
        _open_proposal,
        1,
        status=200,
    ),
    Scenario(
        "POST /v1/jobs/{id}/proposals",
        lambda api: api.post(
            f"/v1/jobs/{_deal['job']}/proposals", as_user=SELLER, json_body=proposal_body()
        ),
        lambda api: _deal.update(job=post_job(api, BUYER)["id"]),
        3,
        status=201,
    ),
    Scenario(
        "GET /v1/jobs/{id}/proposals (owner)",
        lambda api: api.get(f"/v1/jobs/{_deal['job']}/proposals", as_user=BUYER),
        _open_proposal,
        3,
        status=200,
    ),
    Scenario(
        "GET /v1/contracts/{id} (2 milestones)",
        lambda api: api.get(f"/v1/contracts/{_deal['contract']}", as_user=BUYER),
        _active_contract,
        3,
        status=200,
    ),
    Scenario(
        "GET /v1/job-templates", lambda api: api.get("/v1/job-templates"), budget=0, status=200
    ),
    # Booking transitions.
    _transition("bookings", "accept", _booking("requested"), SELLER),
    _transition("bookings", "quote", _booking("requested"), SELLER, **QUOTE),
    _transition("bookings", "decline", _booking("requested"), SELLER),
    _transition("bookings", "cancel (requested)", _booking("requested"), BUYER),
    _transition("bookings", "cancel (confirmed)", _booking("confirmed"), BUYER, reason="moved"),
    _transition("bookings", "accept_quote", _booking("quoted"), BUYER),
    _transition("bookings", "mark_delivered (after start)", _booking("started"), SELLER),
    _transition("bookings", "confirm_completion", _booking("delivered"), BUYER),
    _transition("bookings", "dispute (delivered)", _booking("delivered"), BUYER, **DISPUTE),
    Scenario(
        "booking quote ?dry_run=true",
        lambda api: api.post(
            f"/v1/bookings/{_deal['id']}/transitions/quote?dry_run=true",
            as_user=SELLER,
            json_body=QUOTE,
        ),
        _booking("requested"),
        2,
        check=DRY_RUN,
        status=200,
    ),
    Scenario(
        "booking payment_succeeded (SYSTEM, in process)",
        _in_process(
            lambda: _system("booking", _deal["id"], "payment_succeeded", payment_id="p"),
            "confirmed",
        ),
        _booking("accepted"),
        2,
        check=TRANSITION,
        status=200,
    ),
    Scenario(
        "bookings.confirm_payment (in process)",
        _in_process(lambda: _confirm_payment(_deal["id"]), "confirmed"),
        _booking("accepted"),
        2,
        check=TRANSITION,
        status=200,
    ),
    # Proposal transitions: accepting creates the contract, its 2 milestones (each with its
    # history event and outbox entry) and closes the job, in the proposal's one transaction.
    _transition("proposals", "accept (contract, 2 milestones, job closed)", _open_proposal, BUYER),
    _transition("proposals", "decline", _open_proposal, BUYER),
    _transition("proposals", "withdraw", _open_proposal, SELLER),
    # Milestone transitions.
    Scenario(
        "milestone payment_succeeded (SYSTEM, in process)",
        _in_process(
            lambda: _system("milestone", _deal["id"], "payment_succeeded", payment_id="p"),
            "funded",
        ),
        _milestone("funding_required"),
        2,
        check=TRANSITION,
        status=200,
    ),
    _transition("milestones", "submit", _milestone("funded"), SELLER, note="done"),
    _transition("milestones", "request_revision", _milestone("submitted"), BUYER, feedback="more"),
    Scenario(
        "milestone accept (not the last)",
        _take("milestones", "accept", BUYER),
        _milestone("submitted"),
        # 3 for the transition, +1: the follow-up's read of the contract (see its note).
        4,
        check=TRANSITION,
        status=200,
        follow_up=SETTLE_NOTE + "; another milestone is open, so `complete` is refused (the "
        "409 is swallowed): a read that writes nothing",
    ),
    Scenario(
        "milestone accept (the last: contract completes)",
        _take("milestones", "accept", BUYER),
        _milestone("submitted", (1000,)),
        # 3 for the milestone's transition, +2 for the contract's own (GetItem + transaction).
        5,
        check=TRANSITION,
        status=200,
        follow_up=SETTLE_NOTE + "; nothing is open, so the contract completes in its own "
        "transition: 1 GetItem + 1 TransactWriteItems, a second transaction by design",
    ),
    _transition("milestones", "dispute (submitted)", _milestone("submitted"), BUYER, **DISPUTE),
]

# Payments (issue 10): create, webhook intake, the processor, a refund sent.
SCENARIOS += [
    Scenario(name, call, setup, budget, status=status)
    for name, call, setup, budget, status in payment_scenarios()
]


SCENARIOS += conversation_scenarios.build(Scenario)  # issue 13: threads, messages, reads
SCENARIOS += notification_scenarios.build(Scenario)  # issue 14: the center and the worker
SCENARIOS += review_scenarios.build(  # issue 15: posting (blind, then both), reading
    Scenario, booking_setup=_booking("delivered"), deal=_deal, take=take, buyer=BUYER, seller=SELLER
)
SCENARIOS += dispute_scenarios.build(  # issue 16: evidence, offers, accepting, reading
    Scenario, booking_setup=_booking("confirmed"), deal=_deal, take=take, buyer=BUYER, seller=SELLER
)
SCENARIOS += qc_scenarios.build(  # issue 18: a report post, an admin's waiver, the queue
    Scenario,
    deals=_deals,
    deal=_deal,
    frozen=_frozen,
    book=book,
    take=take,
    confirm=_confirm_payment,
    buyer=BUYER,
    seller=SELLER,
    admin="admin@example.com",  # ADMIN_EMAILS of bench/harness.py
    day=lambda: next(_next_day),
)

READS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"})


# The rate limiter's token buckets (chalicelib/models/rate_limits.py): one conditional
# UpdateItem per rate-limited request, plus one per re-check of a pending payment with its
# provider. Counted in every total, and checked apart: each may cost one request.
LIMITER_TARGET = "RATE#"
RECHECK_TARGET = "RATE#payment-recheck#"


def _limiter(log: list[Call]) -> list[Call]:
    return [call for call in log if call.target.startswith(LIMITER_TARGET)]


def _limiter_problems(log: list[Call]) -> list[str]:
    calls = _limiter(log)
    rechecks = [call for call in calls if call.target.startswith(RECHECK_TARGET)]
    buckets = [call for call in calls if call not in rechecks]
    problems = []
    if len(buckets) > 1 or any(call.operation != "UpdateItem" for call in calls):
        problems.append(f"the limiter made {_breakdown(buckets)} (one UpdateItem expected)")
    if len(rechecks) > 1:
        problems.append(f"the payment re-check token cost {_breakdown(rechecks)}")
    return problems


def _split(log: list[Call]) -> tuple[list[Call], list[Call], list[Call]]:
    """Authentication's calls; the transition's (up to its transaction); the follow-ups'.
    The limiter's bucket update is neither (checked by _limiter_problems)."""
    auth = [call for call in log if call.phase == "auth"]
    rest = [
        call for call in log if call.phase != "auth" and not call.target.startswith(LIMITER_TARGET)
    ]
    end = next(
        (i + 1 for i, call in enumerate(rest) if call.operation == "TransactWriteItems"),
        len(rest),
    )
    return auth, rest[:end], rest[end:]


def _breakdown(calls: list[Call]) -> str:
    counts = Counter(call.operation for call in calls)
    return " + ".join(f"{n} {op}" for op, n in sorted(counts.items())) or "0"


def _send_problems(log: list[Call]) -> list[str]:
    """A message send (issue 13): exactly one TransactWriteItems and at most two reads
    besides authentication and the limiter, and no request after the transaction."""
    auth, own, follow_ups = _split(log)
    problems = []
    if len(auth) > 1:
        problems.append(f"authentication made {_breakdown(auth)} (one identity read expected)")
    reads = [call for call in own if call.operation in READS]
    writes = [call for call in own if call.operation not in READS]
    if len(reads) > 2:
        problems.append(f"{len(reads)} reads besides authentication (at most 2)")
    if [call.operation for call in writes] != ["TransactWriteItems"]:
        problems.append(f"writes {_breakdown(writes)} (exactly 1 TransactWriteItems expected)")
    if follow_ups:
        problems.append(f"requests after the transaction: {_breakdown(follow_ups)}")
    return problems


def _transition_problems(scenario: Scenario, log: list[Call]) -> list[str]:
    auth, own, follow_ups = _split(log)
    problems = []
    if len(auth) > 1 or any(
        call.operation not in READS or not call.target.startswith("IDENTITY#") for call in auth
    ):
        problems.append(f"authentication made {_breakdown(auth)} (one identity read expected)")
    reads = [call for call in own if call.operation in READS]
    writes = [call for call in own if call.operation not in READS]
    if len(reads) > 1:
        problems.append(f"{len(reads)} reads besides authentication (at most 1)")
    elif reads and (reads[0].operation, reads[0].target) != ("GetItem", _deal["subject"]):
        problems.append(f"the read is {reads[0].operation} {reads[0].target}, not the subject's")
    if scenario.check == TRANSITION and [c.operation for c in writes] != ["TransactWriteItems"]:
        problems.append(f"writes {_breakdown(writes)} (exactly 1 TransactWriteItems expected)")
    if scenario.check == DRY_RUN and writes:
        problems.append(f"a dry run wrote: {_breakdown(writes)}")
    if follow_ups and not scenario.follow_up:
        problems.append(f"unexpected requests after the transaction: {_breakdown(follow_ups)}")
    if scenario.follow_up and not follow_ups:
        problems.append("the expected follow-up made no request")
    # The contract's own transition, if any: again at most its GetItem and one transaction.
    contract = f"CONTRACT#{_deal.get('contract')}#STATE"
    others = [
        call
        for call in follow_ups
        if (call.operation in READS and call.target != contract)
        or call.operation not in {*READS, "TransactWriteItems"}
    ]
    if others or any(n > 1 for n in Counter(c.operation for c in follow_ups).values()):
        problems.append(
            f"the follow-up made {_breakdown(follow_ups)}: more than the contract's own "
            "GetItem + TransactWriteItems"
        )
    return problems


@contextmanager
def _authentication_measured(counter: DynamoCallCounter) -> Iterator[None]:
    """Tags the requests `authenticate` makes (the caller's identity lookup) as "auth"."""
    from chalicelib.auth.principal import authenticate as original
    from chalicelib.web import router

    def authenticate(authorization: str | None) -> Any:
        with counter.phase("auth"):
            return original(authorization)

    # The router imported `authenticate` by name: its module attribute is the one called.
    setattr(router, "authenticate", authenticate)  # noqa: B010
    try:
        yield
    finally:
        setattr(router, "authenticate", original)  # noqa: B010


def _checked_line(scenario: Scenario, log: list[Call]) -> str:
    auth, own, follow_ups = _split(log)
    line = f"    auth: {_breakdown(auth)} | {scenario.check}: {_breakdown(own)}"
    if follow_ups:
        line += f" | follow-up: {_breakdown(follow_ups)}"
    return line


def main() -> int:
    over_budget, failed_checks, wrong_status, notes = [], [], [], []
    with local_app() as (api, counter, _endpoint), _authentication_measured(counter):
        print(f"{'endpoint':<54} {'status':>6} {'requests':>8}  operations")
        for scenario in SCENARIOS:
            scenario.setup(api)
            with counter.measure() as calls:
                reply = scenario.call(api)
            log = list(counter.log)
            total = sum(calls.values())
            limiter = len(_limiter(log))
            ops = ", ".join(f"{name} x{count}" for name, count in sorted(calls.items()))
            ops += f" (limiter: {limiter})" if limiter else ""
            print(f"{scenario.name:<54} {reply.status:>6} {total:>8}  {ops or '-'}")
            over_budget += [f"{scenario.name}: {p}" for p in _limiter_problems(log)]
            if scenario.check is not None:
                print(_checked_line(scenario, log))
                problems = (
                    _send_problems(log)
                    if scenario.check == SEND
                    else _transition_problems(scenario, log)
                )
                failed_checks += [f"{scenario.name}: {p}" for p in problems]
            if scenario.follow_up:
                notes.append(f"{scenario.name}: {scenario.follow_up}")
            if scenario.status is not None and reply.status != scenario.status:
                wrong_status.append(f"{scenario.name}: {reply.status} {reply.body}")
            # A budget is the endpoint's own work; a rate-limited request adds the
            # limiter's one UpdateItem to it (checked above to be no more than that).
            if scenario.budget is not None and total > scenario.budget + limiter:
                over_budget.append(f"{scenario.name}: {total} > {scenario.budget} + {limiter}")
                # What each request was, to see which one is new.
                for call in log:
                    print(f"      {call.phase or '-':<6} {call.operation:<20} {call.target}")
    if notes:
        print("\nNotes: the transitions' own cost is checked up to their transaction; after it:")
    for line in notes:
        print(f"  {line}")
    for line in over_budget:
        print(f"OVER BUDGET: {line}")
    for line in failed_checks:
        print(f"NOT ONE TRANSACTION + ITS FEW READS: {line}")
    for line in wrong_status:
        print(f"UNEXPECTED ANSWER (the count measures something else): {line}")
    if _frozen:
        from chalicelib import clock

        clock.use(None)
    close_payment_sandbox()
    return 1 if over_budget or failed_checks or wrong_status else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Races against the local emulator (the moto server, whose DynamoDB requests are made
atomic as the service's are: devstack.emulator): one winner, every time, many runs in a row
(`RACE_RUNS`: `make test` runs 25 of each to fit its time budget, `make races` 100).

- 20 different bookings of one talent for one day, all paid at once: exactly one is
  confirmed, the other 19 are cancelled as `slot_taken` with a full refund.
- 20 simultaneous accepts of one proposal: exactly one succeeds; one contract, one hire.

The racers are made once by the real request path and copied under new ids for each run;
what a run adds is removed after it, so that run 100 costs what run 1 does."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from threading import Barrier
from typing import Any

import pytest

from chalicelib import ids
from chalicelib.auth.principal import Principal, roles_for
from chalicelib.errors import ConflictError
from chalicelib.models import jobs, keys, subjects
from chalicelib.models import user as users
from chalicelib.schemas.transactions import BookingCreate, ProposalCreate
from chalicelib.usecases import bookings, contracting, transitions
from tests.functional.deals import CUSTOMER, TALENT, post_job, proposal_body, talent_with_service
from tests.issuer import ISSUER
from tests.support import JsonClient

RUNS = int(os.environ.get("RACE_RUNS", "100"))
RACERS = 20
_tables = itertools.count()


def _principal(api: JsonClient, email: str) -> Principal:
    api.get("/v1/me", as_user=email)
    user = users.get_by_identity(ISSUER, f"sub-{email}")
    assert user is not None
    return Principal(user=user, roles=roles_for(user))


# One pool for every run: its threads keep their DynamoDB sessions (made per thread).
_pool = ThreadPoolExecutor(max_workers=RACERS)


def _race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Start every call at the same moment, each on its own thread; return each one's
    result or its conflict."""
    barrier = Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait()
        try:
            return call()
        except ConflictError as error:
            return error

    return list(_pool.map(run, calls))


@pytest.fixture
def fresh_runs(stack: Any) -> Any:
    """After each run, deletes what the run added (test-only Scan): run 100 then costs what
    run 1 does, on the same table and the same connections."""
    from chalicelib import clients
    from chalicelib.settings import get_settings

    dynamodb, table = clients.client("dynamodb"), get_settings().table_name

    def item_keys() -> set[tuple[str, str]]:
        pages = dynamodb.get_paginator("scan").paginate(
            TableName=table, ProjectionExpression="PK, SK"
        )
        return {(i["PK"]["S"], i["SK"]["S"]) for page in pages for i in page["Items"]}

    @contextmanager
    def run() -> Iterator[None]:
        baseline = item_keys()
        try:
            yield
        finally:
            added = sorted(item_keys() - baseline)
            for start in range(0, len(added), 25):
                dynamodb.batch_write_item(
                    RequestItems={
                        table: [
                            {"DeleteRequest": {"Key": {"PK": {"S": pk}, "SK": {"S": sk}}}}
                            for pk, sk in added[start : start + 25]
                        ]
                    }
                )

    return run


def _copy(subject: subjects.Subject, **changes: Any) -> subjects.Subject:
    return replace(subject, id=ids.new_id(), **changes)


def test_one_day_is_confirmed_for_one_booking_only(
    api: JsonClient, frozen_clock: Any, fresh_runs: Any
) -> None:
    talent, service = talent_with_service(api, deposit_percent=0)
    customer = _principal(api, CUSTOMER)
    booking = bookings.request(
        customer,
        BookingCreate.model_validate(
            {"service_id": service["id"], "start": "2026-12-01T18:00:00Z"}
        ),
    )
    transitions.apply("booking", booking.id, "accept", transitions.Caller(_principal(api, TALENT)))
    accepted = subjects.require("booking", booking.id)
    assert (accepted.state, accepted.data["days"]) == ("accepted", ["2026-12-01"])
    for run in range(RUNS):
        with fresh_runs():
            day = datetime(2026, 12, 1, 18, tzinfo=UTC) + timedelta(days=run)
            racers = [
                _copy(
                    accepted,
                    customer_id=f"customer-{index}",
                    start_at=day,
                    end_at=day + timedelta(hours=1),
                    data={**accepted.data, "days": [day.date().isoformat()]},
                )
                for index in range(RACERS)
            ]
            for racer in racers:
                subjects.to_item(racer).save()
            _race([lambda b=racer.id: bookings.confirm_payment(b, f"pay-{b}") for racer in racers])
            states = [subjects.require("booking", racer.id) for racer in racers]
            summary = sorted(s.state for s in states)
            assert summary == ["cancelled"] * (RACERS - 1) + ["confirmed"], f"run {run}: {summary}"
            winner = next(s for s in states if s.state == "confirmed")
            losers = [s for s in states if s.state == "cancelled"]
            assert all(s.data["cancel_reason"] == "slot_taken" for s in losers)
            assert all(s.data["refund"]["percent"] == 100 for s in losers)
            guard = [
                item
                for item in subjects.Item.query(
                    keys.calendar_pk(talent["id"]), subjects.Item.sk.startswith(str(day.date()))
                )
            ]
            assert [g.booking_id for g in guard] == [winner.id]  # type: ignore[attr-defined]


def test_one_accept_of_a_proposal_wins(api: JsonClient, frozen_clock: Any, fresh_runs: Any) -> None:
    talent_with_service(api)
    owner = _principal(api, CUSTOMER)
    job = post_job(api)
    body = proposal_body()
    for milestone in body["milestones"]:
        milestone["due_date"] = datetime.fromisoformat(milestone["due_date"]).date()
    proposal = contracting.submit_proposal(
        job["id"], _principal(api, TALENT), ProposalCreate.model_validate(body)
    )
    job_item = jobs.JobItem.get(keys.job_pk(job["id"]), keys.JOB_SK)
    caller = transitions.Caller(owner)
    for run in range(RUNS):
        with fresh_runs():
            job_item.save()  # open again
            racer = _copy(proposal)
            subjects.to_item(racer).save()
            results = _race(
                [
                    lambda racer_id=racer.id: transitions.apply(
                        "proposal", racer_id, "accept", caller
                    )
                    for _ in range(RACERS)
                ]
            )
            winners = [r for r in results if isinstance(r, transitions.Outcome)]
            assert len(winners) == 1, f"run {run}: {results}"
            assert all(isinstance(r, ConflictError) for r in results if r is not winners[0])
            accepted = subjects.require("proposal", racer.id)
            assert (accepted.state, accepted.version) == ("accepted", 2)
            hired = jobs.require(job["id"])
            assert (hired.state, hired.contract_id) == ("closed", accepted.data["contract_id"])
            contract = subjects.require("contract", accepted.data["contract_id"])
            assert contract.open_children == len(body["milestones"])

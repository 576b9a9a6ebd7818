"""Schemathesis over `/v1/openapi.json` against the real local stack, as a customer, a talent
and an admin: every operation, valid and invalid inputs, a fixed seed and a bounded number of
examples, so the suite's run is short and repeatable; `make fuzz` runs many more examples.

Each generated request must get no 5xx, a documented status code, a documented content
type and, where the operation declares one, a body that matches its response schema. The
failures of every operation are collected and reported together, not only the first."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from tests.e2e.harness import RunningStack, start_stack, stop_stack

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
SEED = int(os.environ.get("FUZZ_SEED", "20261201"))
ROLES = ("customer", "talent", "admin")


@dataclass
class Actor:
    token: str
    # Real ids this actor may touch, so part of the examples get past the 404s.
    ids: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    # Its own stack: thousands of generated writes must not leak into the other e2e tests.
    stack = start_stack(tmp_path_factory.mktemp("fuzz"))
    yield stack
    stop_stack(stack)


def _created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, (response.request.url, response.text)
    body: dict[str, Any] = response.json()
    return body


def _actors(stack: RunningStack) -> dict[str, Actor]:
    from tests.e2e.flows import book, create_talent_with_service

    talent = create_talent_with_service(stack, currency="IQD", price=150000)
    customer = Actor(stack.token(f"fuzz-customer-{uuid.uuid4().hex[:8]}@example.com"))
    booking = book(stack, customer.token, talent.service_id, days_ahead=4)
    customer.ids = {
        "talent_id": talent.talent_id,
        "service_id": talent.service_id,
        "booking_id": booking["id"],
        "subject_id": booking["id"],
    }
    talent_actor = Actor(
        talent.token,
        {
            "talent_id": talent.talent_id,
            "service_id": talent.service_id,
            "booking_id": booking["id"],
            "subject_id": booking["id"],
        },
    )
    admin = Actor(stack.token(admin=True), dict(customer.ids))
    return {"customer": customer, "talent": talent_actor, "admin": admin}


def _strategy(operation: Any, actor: Actor) -> st.SearchStrategy[Any]:
    from schemathesis import GenerationMode

    names = {p.name for p in operation.path_parameters}
    known = {name: actor.ids[name] for name in names if name in actor.ids}
    choices = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    if known:
        choices.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=known))
    return st.one_of(choices)


def _checks() -> list[Any]:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]


def _fuzz_operation(
    stack: RunningStack, operation: Any, actor: Actor, failures: list[str], label: str
) -> int:
    checks = _checks()
    calls = 0

    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        database=None,
        deadline=None,
        derandomize=False,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(operation, actor))
    def run(case: Any) -> None:
        nonlocal calls
        calls += 1
        response = case.call(
            base_url=stack.api_url,
            headers={"Authorization": f"Bearer {actor.token}"},
            timeout=30,
        )
        try:
            case.validate_response(response, checks=checks)
        except (AssertionError, BaseExceptionGroup) as error:
            # Keep going: one run should show every operation's failures, not the first.
            failures.extend(_describe(label, case, response, error))

    run()
    return calls


def _describe(label: str, case: Any, response: Any, error: BaseException) -> list[str]:
    found = error.exceptions if isinstance(error, BaseExceptionGroup) else (error,)
    request = f"{case.method} {response.request.url} body={case.body!r:.200}"
    return [
        f"{label}: {getattr(item, 'title', type(item).__name__)}\n  {request}\n"
        f"  -> {response.status_code} {response.text[:300]!r}\n  {str(item)[:300]}"
        for item in found
    ]


def test_every_operation_as_every_role(fuzz_stack: RunningStack) -> None:
    import schemathesis

    schema = schemathesis.openapi.from_url(f"{fuzz_stack.api_url}/v1/openapi.json")
    actors = _actors(fuzz_stack)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50
    calls = 0
    for role in ROLES:
        for operation in operations:
            label = f"[{role}] {operation.label}"
            calls += _fuzz_operation(fuzz_stack, operation, actors[role], failures, label)
    assert calls >= len(operations) * len(ROLES)
    unique = sorted(set(failures))
    assert not unique, f"{len(unique)} failing requests:\n\n" + "\n\n".join(unique[:60])

"""DynamoDB requests per endpoint, counted from botocore events against the local emulator.

Each scenario runs after its setup; only the scenario's own request is counted.
Run: .venv/bin/python bench/ddb_calls.py
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import local_app
from tests.support import JsonClient, Reply

Setup = Callable[[JsonClient], None]


@dataclass
class Scenario:
    name: str
    call: Callable[[JsonClient], Reply]
    setup: Setup = field(default=lambda api: None)
    budget: int | None = None  # the most requests this endpoint may make


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
    Scenario(
        "GET /v1/me (first call: provisions)",
        lambda api: api.get("/v1/me", as_user="first@example.com"),
        budget=2,
    ),
    Scenario(
        "GET /v1/me", lambda api: api.get("/v1/me", as_user="known@example.com"), _known_user, 1
    ),
    Scenario(
        "PATCH /v1/me",
        lambda api: api.patch(
            "/v1/me", as_user="known@example.com", json_body={"display_name": "Kay"}
        ),
        _known_user,
        2,
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
        4,
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


def main() -> int:
    over_budget = []
    with local_app() as (api, counter, _endpoint):
        print(f"{'endpoint':<48} {'status':>6} {'requests':>8}  operations")
        for scenario in SCENARIOS:
            scenario.setup(api)
            with counter.measure() as calls:
                reply = scenario.call(api)
            total = sum(calls.values())
            ops = ", ".join(f"{name} x{count}" for name, count in sorted(calls.items()))
            print(f"{scenario.name:<48} {reply.status:>6} {total:>8}  {ops or '-'}")
            if scenario.budget is not None and total > scenario.budget:
                over_budget.append(f"{scenario.name}: {total} > {scenario.budget}")
    for line in over_budget:
        print(f"OVER BUDGET: {line}")
    return 1 if over_budget else 0


if __name__ == "__main__":
    raise SystemExit(main())

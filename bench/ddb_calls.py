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
from tests.functional.factories import pending_media, service_body, verified_media
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

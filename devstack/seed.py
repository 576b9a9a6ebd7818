"""Demo data, created through the API itself (and the sandbox's issuer), so that it passes
through the same validation and effects as anything a user creates.

Each step is idempotent: run it against a stack that already has the data and nothing
changes. Later capabilities add steps (talent profiles, services, bookings) to SEED_STEPS;
a step finds the tokens of the demo users in `context.tokens`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from devstack import console

TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class DemoUser:
    key: str
    email: str
    display_name: str
    admin: bool = False


DEMO_USERS = (
    DemoUser("customer", "customer@demo.local", "Demo Customer"),
    DemoUser("talent", "talent@demo.local", "Demo Talent"),
    DemoUser("admin", "admin@demo.local", "Demo Admin", admin=True),
)


class SeedError(Exception):
    pass


@dataclass
class SeedContext:
    api_url: str
    sandbox_url: str
    tokens: dict[str, str] = field(default_factory=dict)
    session: requests.Session = field(default_factory=requests.Session)

    def call(
        self,
        method: str,
        url: str,
        token: str | None = None,
        body: Any = None,
        idempotency_key: str | None = None,
    ) -> Any:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        response = self.session.request(
            method, url, json=body, headers=headers, timeout=TIMEOUT_SECONDS
        )
        if response.status_code >= 400:
            raise SeedError(f"{method} {url} -> {response.status_code}: {response.text[:500]}")
        return response.json() if response.content else None

    def api(self, method: str, path: str, user: str, **options: Any) -> Any:
        return self.call(method, f"{self.api_url}{path}", token=self.tokens[user], **options)


SeedStep = Callable[[SeedContext], None]


def seed_users(context: SeedContext) -> None:
    for user in DEMO_USERS:
        minted = context.call(
            "POST",
            f"{context.sandbox_url}/dev/token",
            body={"email": user.email, "admin": user.admin, "name": user.display_name},
        )
        context.tokens[user.key] = minted["token"]
        me = context.api("GET", "/v1/me", user.key)  # the first call provisions the user
        if me.get("display_name") != user.display_name:
            context.api(
                "PATCH",
                "/v1/me",
                user.key,
                body={"display_name": user.display_name},
                idempotency_key=_key("display-name", user.email, user.display_name),
            )


SEED_STEPS: list[SeedStep] = [seed_users]


def _key(*parts: str) -> str:
    return "seed-" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def run(api_url: str, sandbox_url: str, steps: list[SeedStep] | None = None) -> dict[str, str]:
    """Run every step; returns the demo users' tokens by key (customer, talent, admin)."""
    context = SeedContext(api_url=api_url, sandbox_url=sandbox_url)
    with context.session:
        for step in steps or SEED_STEPS:
            console.progress(f"seeding: {step.__name__.removeprefix('seed_').replace('_', ' ')}")
            step(context)
    return dict(context.tokens)

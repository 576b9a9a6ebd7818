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
from datetime import date, datetime, timedelta
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


@dataclass(frozen=True)
class DemoTalent:
    email: str
    profile: dict[str, Any]
    services: tuple[dict[str, Any], ...]
    weekly: tuple[str, ...]


def _iqd(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": "IQD"}


def _fixed(title: str, category: str, amount: int, **extra: Any) -> dict[str, Any]:
    return {
        "title": title,
        "category": category,
        "pricing": {"type": "fixed", "price": _iqd(amount)},
        **extra,
    }


def _place(city: str, lat: float, lng: float) -> dict[str, Any]:
    return {"city": city, "country": "IQ", "lat": lat, "lng": lng}


BAGHDAD, ERBIL, BASRA = (
    _place("Baghdad", 33.3152, 44.3661),
    _place("Erbil", 36.1911, 44.0092),
    _place("Basra", 30.5081, 47.7835),
)

# The demo talent user first; the others give search and featured lists something to show.
DEMO_TALENT = (
    DemoTalent(
        "talent@demo.local",
        {
            "display_name": "Layla Fire & LED",
            "headline": "Fire and LED shows for weddings and festivals",
            "categories": ["fire-led.fire-performer", "fire-led.led-performer"],
            "skills": ["fire poi", "LED", "fire fans"],
            "languages": ["ar", "en"],
            "location": BAGHDAD,
            "travel_radius_km": 300,
            "currency": "IQD",
            "rate": _iqd(250000),
        },
        (
            _fixed(
                "Fire show, 20 minutes",
                "fire-led.fire-performer",
                300000,
                duration_minutes=20,
                deposit_percent=30,
                packages=[
                    {
                        "tier": "basic",
                        "title": "Solo",
                        "price": _iqd(300000),
                        "delivery_days": 0,
                        "revisions": 0,
                    },
                    {
                        "tier": "premium",
                        "title": "Trio with LED finale",
                        "price": _iqd(750000),
                        "delivery_days": 0,
                        "revisions": 0,
                    },
                ],
            ),
            _fixed(
                "LED stilt walkers (1 hour)",
                "fire-led.led-performer",
                400000,
                duration_minutes=60,
                cancellation_policy="flexible",
            ),
        ),
        ("thu", "fri", "sat"),
    ),
    DemoTalent(
        "dj.omar@demo.local",
        {
            "display_name": "DJ Omar",
            "headline": "Arabic, Kurdish and house sets for weddings",
            "categories": ["music.dj"],
            "skills": ["weddings", "dabke mixes", "sound system"],
            "languages": ["ar", "ku", "en"],
            "location": ERBIL,
            "currency": "IQD",
            "rate": _iqd(350000),
        },
        (
            _fixed(
                "Wedding DJ, 5 hours",
                "music.dj",
                600000,
                duration_minutes=300,
                cancellation_policy="strict",
                deposit_percent=50,
            ),
        ),
        ("wed", "thu", "fri"),
    ),
    DemoTalent(
        "noor.photo@demo.local",
        {
            "display_name": "Noor Studio",
            "headline": "Wedding and event photography",
            "categories": ["photography.wedding", "photography.event"],
            "skills": ["wedding photography", "drone", "editing"],
            "languages": ["ar"],
            "location": BASRA,
            "currency": "IQD",
            "rate": _iqd(200000),
        },
        (_fixed("Event coverage, 4 hours", "photography.event", 450000, duration_minutes=240),),
        ("fri", "sat", "sun"),
    ),
    DemoTalent(
        "sara.dev@demo.local",
        {
            "display_name": "Sara Haddad",
            "headline": "Next.js and Django for startups",
            "categories": ["development.web", "development.backend"],
            "skills": ["Next.js", "Django", "PostgreSQL", "AWS"],
            "languages": ["ar", "en"],
            "location": BAGHDAD,
            "currency": "USD",
            "rate": {"amount": 4500, "currency": "USD"},
        },
        (
            {
                "title": "Landing page in Next.js",
                "category": "development.web",
                "pricing": {"type": "fixed", "price": {"amount": 60000, "currency": "USD"}},
                "packages": [
                    {
                        "tier": "basic",
                        "title": "One page",
                        "price": {"amount": 60000, "currency": "USD"},
                        "delivery_days": 5,
                        "revisions": 2,
                    },
                    {
                        "tier": "standard",
                        "title": "Five pages + CMS",
                        "price": {"amount": 180000, "currency": "USD"},
                        "delivery_days": 14,
                        "revisions": 3,
                    },
                ],
            },
        ),
        ("mon", "tue", "wed", "thu", "sun"),
    ),
)


def _demo_token(context: SeedContext, email: str) -> str:
    if email == "talent@demo.local":
        return context.tokens["talent"]
    return str(
        context.call("POST", f"{context.sandbox_url}/dev/token", body={"email": email})["token"]
    )


def seed_talent(context: SeedContext) -> None:
    """Profiles, services and weekly availability; skipped for users that have a profile."""
    for demo in DEMO_TALENT:
        token = _demo_token(context, demo.email)
        me = context.call("GET", f"{context.api_url}/v1/me", token=token)
        if me.get("talent_id"):
            continue
        talent = context.call(
            "POST",
            f"{context.api_url}/v1/talent",
            token=token,
            body=demo.profile,
            idempotency_key=_key("talent", demo.email),
        )
        for index, service in enumerate(demo.services):
            context.call(
                "POST",
                f"{context.api_url}/v1/talent/{talent['id']}/services",
                token=token,
                body=service,
                idempotency_key=_key("service", demo.email, str(index)),
            )
        context.call(
            "PUT",
            f"{context.api_url}/v1/talent/{talent['id']}/availability",
            token=token,
            body={"weekly": list(demo.weekly)},
            idempotency_key=_key("weekly", demo.email),
        )


def _platform_today(context: SeedContext) -> date:
    now = context.call("GET", f"{context.sandbox_url}/dev/clock")["now"]
    return datetime.fromisoformat(str(now).replace("Z", "+00:00")).date()


def _first_free_day(context: SeedContext, talent_id: str, service_id: str) -> dict[str, Any]:
    """Book the first day, two to six weeks ahead, that the talent's calendar offers."""
    today = _platform_today(context)
    first, last = today + timedelta(days=14), today + timedelta(days=42)
    days = context.api(
        "GET", f"/v1/talent/{talent_id}/availability?from={first}&to={last}", "customer"
    )["days"]
    day = next(d["date"] for d in days if d["available"] and not d["booked"])
    booking: dict[str, Any] = context.api(
        "POST",
        "/v1/bookings",
        "customer",
        body={
            "service_id": service_id,
            "start": f"{day}T17:00:00Z",
            "event_type": "wedding",
            "guest_count": 150,
            "details": "Garden wedding; the show starts after dinner.",
        },
        idempotency_key=_key("booking", talent_id, service_id),
    )
    return booking


def seed_transactions(context: SeedContext) -> None:
    """A booking request waiting for the demo talent, and a job posted from a template
    with a developer's proposal on it; skipped once the demo customer has bookings."""
    if context.api("GET", "/v1/bookings", "customer")["items"]:
        return
    talent_id = context.api("GET", "/v1/me", "talent")["talent_id"]
    services = context.api("GET", f"/v1/talent/{talent_id}/services", "customer")["items"]
    _first_free_day(context, talent_id, services[0]["id"])
    today = _platform_today(context)
    job = context.api(
        "POST",
        "/v1/jobs",
        "customer",
        body={
            "title": "Website for our wedding venue",
            "description": "A fast Next.js site with our halls, a gallery and a booking form.",
            "template": "nextjs-site",
            "category": "development.web",
            "skills": ["nextjs", "typescript"],
            "budget": {
                "type": "fixed",
                "min": {"amount": 150000, "currency": "USD"},
                "max": {"amount": 300000, "currency": "USD"},
            },
        },
        idempotency_key=_key("job", "venue"),
    )
    context.call(
        "POST",
        f"{context.api_url}/v1/jobs/{job['id']}/proposals",
        token=_demo_token(context, "sara.dev@demo.local"),
        body={
            "cover": "I have built sites for three venues in Baghdad; here is my plan.",
            "milestones": [
                {
                    "title": milestone["title"],
                    "amount": milestone["amount"],
                    "due_date": str(today + timedelta(days=milestone["duration_days"])),
                    "dod": milestone["dod"],
                }
                for milestone in job["milestones"]
            ],
            "delivery_days": sum(m["duration_days"] for m in job["milestones"]),
        },
        idempotency_key=_key("proposal", job["id"]),
    )


def seed_conversations(context: SeedContext) -> None:
    """The demo customer's inquiry to the demo talent, answered; skipped once they have one."""
    if context.api("GET", "/v1/threads", "customer")["items"]:
        return
    talent_id = context.api("GET", "/v1/me", "talent")["talent_id"]
    thread = context.api(
        "POST",
        "/v1/threads",
        "customer",
        body={
            "about": {"type": "talent", "id": talent_id},
            "body": "مرحبا! Are you free for a wedding next month? 🎉",
        },
        idempotency_key=_key("thread", talent_id),
    )
    context.api(
        "POST",
        f"/v1/threads/{thread['id']}/messages",
        "talent",
        body={"body": "Hello! Yes, send me the date and the venue and I will quote."},
        idempotency_key=_key("reply", thread["id"]),
    )


def seed_featured(context: SeedContext) -> None:
    """Run the schedules once now, so the featured sections exist before the first minute."""
    context.call("POST", f"{context.sandbox_url}/dev/tick")


SEED_STEPS: list[SeedStep] = [
    seed_users,
    seed_talent,
    seed_transactions,
    seed_conversations,
    seed_featured,
]


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

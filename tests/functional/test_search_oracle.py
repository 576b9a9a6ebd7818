"""Search against a brute-force oracle: random talent, random queries, every page.

The oracle below is written from the API contract and docs/search.md, independently of the
planner and the index: it filters and sorts plain records. Both share only the documented
building blocks (text normalisation, great-circle distance, the ranking formula)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.domain import geo, ranking, text
from chalicelib.domain.availability import WEEKDAYS, weekday_name
from chalicelib.models import calendar, keys, search_index
from chalicelib.models.base import reset_connections
from chalicelib.models.talent import LocationAttribute, TalentItem
from chalicelib.settings import reset_settings
from tests.functional.conftest import _table_copy_definition
from tests.support import JsonClient

WORDS = [
    "fire",
    "led",
    "oud",
    "wedding",
    "dabke",
    "Café",
    "cafe",
    "موسيقى",
    "مُوسيقى",
    "كوردي",
    "کوردی",
]
CATEGORIES = [
    "music.dj",
    "music.oud",
    "fire-led.fire-performer",
    "dance.dabke",
    "photography.wedding",
]
SKILLS = ["fire poi", "LED", "weddings", "oud", "drone"]
LANGUAGES = ["ar", "en", "ku"]
# Cities, a point near the north pole, and both sides of the antimeridian (Fiji).
CENTRES = [(33.31, 44.37), (36.19, 44.01), (89.95, 10.0), (-17.7, 179.95), (-17.7, -179.95)]
DAYS = [date(2026, 12, 1) + timedelta(days=n) for n in range(10)]
_tables = itertools.count()


@dataclass
class Spec:
    talent_id: str
    name: str
    headline: str
    categories: list[str]
    skills: list[str]
    languages: list[str]
    lat: float
    lng: float
    rate: tuple[str, int] | None
    rating_sum: int
    rating_count: int
    completed: int
    received: int
    answered: int
    weekly: list[str] | None
    overrides: dict[date, bool] = field(default_factory=dict)
    booked: set[date] = field(default_factory=set)
    public: bool = True


@st.composite
def specs(draw: Any, index: int) -> Spec:
    centre = draw(st.sampled_from(CENTRES))
    lat = max(-90.0, min(90.0, centre[0] + draw(st.floats(-0.3, 0.3))))
    lng = centre[1] + draw(st.floats(-0.3, 0.3))
    lng = (lng + 180) % 360 - 180
    count = draw(st.integers(0, 30))
    received = draw(st.integers(0, 10))
    return Spec(
        talent_id=f"01TALENT{index:018d}",
        name=" ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=2))),
        headline=" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=3))),
        categories=draw(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=2, unique=True)),
        skills=draw(st.lists(st.sampled_from(SKILLS), max_size=3, unique=True)),
        languages=draw(st.lists(st.sampled_from(LANGUAGES), max_size=2, unique=True)),
        lat=lat,
        lng=lng,
        rate=draw(
            st.none() | st.tuples(st.sampled_from(["IQD", "USD"]), st.integers(100, 5_000_000))
        ),
        rating_sum=draw(st.integers(count, 5 * count)),
        rating_count=count,
        completed=draw(st.integers(0, 300)),
        received=received,
        answered=draw(st.integers(0, received)),
        weekly=draw(st.none() | st.lists(st.sampled_from(WEEKDAYS), unique=True)),
        overrides=draw(st.dictionaries(st.sampled_from(DAYS), st.booleans(), max_size=3)),
        booked=draw(st.sets(st.sampled_from(DAYS), max_size=2)),
        public=draw(st.sampled_from([True, True, True, True, False])),
    )


@st.composite
def worlds(draw: Any) -> list[Spec]:
    size = draw(st.integers(3, 10))
    return [draw(specs(index)) for index in range(size)]


_FILTERS = ("q", "category", "skills", "geo", "price", "min_rating", "date", "language")


@st.composite
def queries(draw: Any, ordered_by: tuple[str, ...] = ()) -> dict[str, Any]:
    """0 to 2 filters at once (more would mostly match nothing and prove little), any sort;
    `ordered_by` forces the sorts that need a point or a currency."""
    kinds = draw(st.lists(st.sampled_from(_FILTERS), max_size=2, unique=True))
    if "distance" in ordered_by:
        kinds = [k for k in kinds if k != "geo"]
        lat, lng = draw(st.sampled_from(CENTRES))
        params_point = {"lat": lat, "lng": lng, "radius_km": draw(st.sampled_from([40, 300, 500]))}
    else:
        params_point = {}
    params: dict[str, Any] = dict(params_point)
    if "q" in kinds:
        params["q"] = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=2)))
    if "category" in kinds:
        params["category"] = draw(st.sampled_from([*CATEGORIES, "music", "fire-led"]))
    if "skills" in kinds:
        params["skills"] = draw(st.sampled_from(SKILLS))
    if "geo" in kinds or draw(st.integers(0, 4)) == 0:
        lat, lng = draw(st.sampled_from(CENTRES))
        params.update(lat=lat, lng=lng)
        if "geo" in kinds:
            params["radius_km"] = draw(st.sampled_from([5, 40, 300, 3000]))
    if "price" in kinds or "price" in ordered_by or draw(st.integers(0, 3)) == 0:
        params["currency"] = draw(st.sampled_from(["IQD", "USD"]))
        if "price" in kinds:
            low = draw(st.sampled_from([0, 1000, 100_000]))
            params.update(min_price=low, max_price=low + draw(st.sampled_from([50_000, 5_000_000])))
    if "min_rating" in kinds:
        params["min_rating"] = draw(st.sampled_from([3.0, 4.0, 4.5]))
    if "date" in kinds:
        params["date"] = draw(st.sampled_from(DAYS)).isoformat()
    if "language" in kinds:
        params["language"] = draw(st.sampled_from(LANGUAGES))
    sorts = ["relevance", "rating"]
    if "currency" in params:
        sorts += ["price_asc", "price_desc"]
    if "lat" in params and params.get("radius_km", 50) <= 500:
        sorts.append("distance")
    if "price" in ordered_by:
        sorts = ["price_asc", "price_desc"]
    if "distance" in ordered_by:
        sorts = ["distance"]
    params["sort"] = draw(st.sampled_from(sorts))
    params["limit"] = draw(st.integers(1, 7))
    return params


# --- the oracle ----------------------------------------------------------------------------


def _words(value: str) -> set[str]:
    return set(text.tokens(value))


def _available(spec: Spec, day: date) -> bool:
    if day in spec.booked:
        return False
    if day in spec.overrides:
        return spec.overrides[day]
    return spec.weekly is not None and weekday_name(day) in spec.weekly


def _distance(spec: Spec, params: dict[str, Any]) -> float:
    return geo.haversine_km(params["lat"], params["lng"], spec.lat, spec.lng)


def _oracle_matches(spec: Spec, params: dict[str, Any]) -> bool:
    found_words = _words(f"{spec.name} {spec.headline}") | {
        w for s in spec.skills for w in _words(s)
    }
    if "q" in params and not set(text.query_words(params["q"])) <= found_words:
        return False
    category = params.get("category")
    if category and not any(c == category or c.startswith(category + ".") for c in spec.categories):
        return False
    if "skills" in params:
        own = {text.normalize(s).strip() for s in spec.skills}
        if not {text.normalize(s).strip() for s in params["skills"].split(",")} <= own:
            return False
    if "language" in params and params["language"] not in spec.languages:
        return False
    if "min_rating" in params and (
        not spec.rating_count
        or round(spec.rating_sum / spec.rating_count, 2) < params["min_rating"]
    ):
        return False
    if "date" in params and not _available(spec, date.fromisoformat(params["date"])):
        return False
    if "currency" in params:
        if spec.rate is None or spec.rate[0] != params["currency"]:
            return False
        if not params.get("min_price", 0) <= spec.rate[1] <= params.get("max_price", 10**12):
            return False
    radius = params.get("radius_km", 50 if params["sort"] == "distance" else None)
    return radius is None or _distance(spec, params) <= radius


def _quality(spec: Spec) -> int:
    days_per_week = len(set(spec.weekly or ()))
    return ranking.quality_score(
        spec.rating_sum,
        spec.rating_count,
        spec.completed,
        spec.received,
        spec.answered,
        days_per_week * 2,
    )


def _oracle_order(found: list[Spec], params: dict[str, Any]) -> list[str]:
    sort = params["sort"]
    if sort == "relevance":
        query_words = set(text.query_words(params["q"])) if "q" in params else set()

        def tier(spec: Spec) -> int:
            return 0 if query_words <= _words(f"{spec.name} {spec.headline}") else 1

        found.sort(key=lambda s: (tier(s), -_quality(s), s.talent_id))
    elif sort == "rating":
        bayes = lambda s: round(ranking.bayesian_rating(s.rating_sum, s.rating_count) * 10_000)  # noqa: E731
        found.sort(key=lambda s: (-bayes(s), s.talent_id))
    elif sort == "price_asc":
        found.sort(key=lambda s: (s.rate[1] if s.rate else 0, s.talent_id))
    elif sort == "price_desc":
        found.sort(key=lambda s: (s.rate[1] if s.rate else 0, s.talent_id), reverse=True)
    else:
        found.sort(key=lambda s: (round(_distance(s, params) * 1000), s.talent_id))
    return [spec.talent_id for spec in found]


def oracle(world: list[Spec], params: dict[str, Any]) -> list[str]:
    return _oracle_order([s for s in world if s.public and _oracle_matches(s, params)], params)


# --- loading a world through the real write path ---------------------------------------------


def _store(spec: Spec) -> None:
    now = datetime(2026, 11, 20, tzinfo=UTC)
    TalentItem(
        keys.talent_pk(spec.talent_id),
        keys.PROFILE_SK,
        talent_id=spec.talent_id,
        owner_user_id=f"user-{spec.talent_id}",
        display_name=spec.name,
        headline=spec.headline or None,
        categories=spec.categories,
        skills=spec.skills,
        languages=spec.languages,
        location=LocationAttribute(city="X", country="IQ", lat=spec.lat, lng=spec.lng),
        rate_amount=spec.rate[1] if spec.rate else None,
        rate_currency=spec.rate[0] if spec.rate else None,
        weekly=spec.weekly,
        is_active=spec.public,
        rating_sum=spec.rating_sum,
        rating_count=spec.rating_count,
        completed_count=spec.completed,
        requests_received=spec.received,
        requests_answered=spec.answered,
        created_at=now,
        updated_at=now,
    ).save()
    calendar.set_days(spec.talent_id, spec.overrides.items())
    for day in spec.booked:
        calendar.BookedDayItem(
            keys.calendar_pk(spec.talent_id),
            keys.calendar_booked_sk(day.isoformat()),
            talent_id=spec.talent_id,
            day=day.isoformat(),
            booking_id="B",
        ).save()
    search_index.reindex(spec.talent_id)


def _fresh_table(aws_endpoint: str, base_table: str, monkeypatch: pytest.MonkeyPatch) -> str:
    name = f"oracle-{next(_tables)}"
    boto3.client("dynamodb", endpoint_url=aws_endpoint).create_table(
        TableName=name, **_table_copy_definition(aws_endpoint, base_table)
    )
    monkeypatch.setenv("TABLE_NAME", name)
    reset_settings()
    reset_connections()
    return name


def _all_pages(api: JsonClient, params: dict[str, Any]) -> list[str]:
    seen: list[str] = []
    cursor = None
    for _ in range(100):
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        reply = api.get(f"/v1/search/talent?{urlencode(query)}")
        assert reply.status == 200, (params, reply.body)
        assert len(reply.body["items"]) <= params["limit"]
        seen.extend(item["id"] for item in reply.body["items"])
        cursor = reply.body["next_cursor"]
        if not cursor:
            return seen
    raise AssertionError("pagination did not end")


def _compare(
    api: JsonClient,
    aws_endpoint: str,
    stack: Any,
    frozen_clock: Any,
    monkeypatch: pytest.MonkeyPatch,
    world: list[Spec],
    searches: list[dict[str, Any]],
) -> None:
    """Load the world into a fresh table through the real write path; every page of every
    search must equal the oracle."""
    frozen_clock.set(datetime(2026, 11, 25, 12, tzinfo=UTC))
    _fresh_table(aws_endpoint, stack.table_name, monkeypatch)
    for spec in world:
        _store(spec)
    for params in searches:
        assert _all_pages(api, params) == oracle(world, params), params


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds(), searches=st.lists(queries(), min_size=1, max_size=4))
def test_search_equals_the_oracle(
    api: JsonClient,
    aws_endpoint: str,
    stack: Any,
    frozen_clock: Any,
    monkeypatch: pytest.MonkeyPatch,
    world: list[Spec],
    searches: list[dict[str, Any]],
) -> None:
    _compare(api, aws_endpoint, stack, frozen_clock, monkeypatch, world, searches)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    world=worlds(),
    searches=st.lists(
        queries(ordered_by=("price",)) | queries(ordered_by=("distance",)), min_size=2, max_size=4
    ),
)
def test_price_and_distance_orders_equal_the_oracle(
    api: JsonClient,
    aws_endpoint: str,
    stack: Any,
    frozen_clock: Any,
    monkeypatch: pytest.MonkeyPatch,
    world: list[Spec],
    searches: list[dict[str, Any]],
) -> None:
    _compare(api, aws_endpoint, stack, frozen_clock, monkeypatch, world, searches)

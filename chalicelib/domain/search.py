"""Search, the pure part: what a posting knows about a talent (a card), which buckets it
belongs to, whether it matches a query, and how a query is answered (the plan).
docs/search.md explains the design; chalicelib/models/search_index.py does the I/O."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from chalicelib.domain import categories, geo, ranking, text
from chalicelib.domain.availability import WEEKDAYS, weekday_name

Sort = Literal["relevance", "rating", "price_asc", "price_desc", "distance"]
Index = Literal["table", "gsi1", "gsi2"]

MAX_TEXT_BUCKETS = 32
CATEGORY_GEO_PRECISIONS = (3, 4)
GEO_PRECISIONS = (1, 2, 3, 4, 5)
MAX_STREAMS = 16
DEFAULT_DISTANCE_RADIUS_KM = 50.0
MAX_DISTANCE_RADIUS_KM = 500.0
# Price bands: a fine ladder (about 3 bands per doubling) and a coarse one (one per 8x);
# a query uses the fine ladder unless its range would need too many bands.
_LADDERS: dict[str, float] = {"PB1": 2 ** (1 / 3), "PB2": 8.0}
MAX_PRICE = 10**12


@dataclass(frozen=True)
class Card:
    """Everything a posting carries: enough to filter, sort and show a result."""

    talent_id: str
    display_name: str
    headline: str | None
    avatar_media_id: str | None
    categories: tuple[str, ...]
    skills: tuple[str, ...]
    languages: tuple[str, ...]
    city: str
    country: str
    lat: float
    lng: float
    rate_amount: int | None
    rate_currency: str | None
    rating_sum: int
    rating_count: int
    completed_count: int
    requests_received: int
    requests_answered: int
    weekly: tuple[str, ...] | None
    day_overrides: Mapping[str, bool] = field(default_factory=dict)
    booked_days: frozenset[str] = frozenset()

    @property
    def name_words(self) -> frozenset[str]:
        return frozenset(text.tokens(f"{self.display_name} {self.headline or ''}"))

    @property
    def skill_words(self) -> frozenset[str]:
        return frozenset(word for skill in self.skills for word in text.tokens(skill))

    @property
    def normalized_skills(self) -> frozenset[str]:
        return frozenset(text.normalize(skill).strip() for skill in self.skills)

    @property
    def quality(self) -> int:
        days_per_week = len(set(self.weekly or ()) & set(WEEKDAYS))
        return ranking.quality_score(
            self.rating_sum,
            self.rating_count,
            self.completed_count,
            self.requests_received,
            self.requests_answered,
            available_days_next_14=days_per_week * 2,
        )

    @property
    def bayesian_rating_key(self) -> int:
        """The Bayesian rating as an integer (4 decimals), for the rating sort."""
        return round(ranking.bayesian_rating(self.rating_sum, self.rating_count) * 10_000)

    @property
    def rating_avg(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 2) if self.rating_count else None

    def available_on(self, day: date) -> bool:
        iso = day.isoformat()
        if iso in self.booked_days:
            return False
        if iso in self.day_overrides:
            return self.day_overrides[iso]
        return self.weekly is not None and weekday_name(day) in self.weekly

    def text_tier(self, words: tuple[str, ...]) -> int:
        """0 when the name or headline holds every query word, else 1."""
        return 0 if set(words) <= self.name_words else 1


def price_band(amount: int, ladder: str) -> int:
    return math.floor(math.log(max(amount, 1)) / math.log(_LADDERS[ladder]) + 1e-9)


def price_bands(low: int, high: int) -> tuple[str, list[int]]:
    """The ladder and bands that cover [low, high], with at most MAX_STREAMS bands if the
    coarse ladder allows it."""
    for ladder in _LADDERS:
        bands = list(range(price_band(low, ladder), price_band(high, ladder) + 1))
        if len(bands) <= MAX_STREAMS or ladder == "PB2":
            return ladder, bands
    raise AssertionError("unreachable")  # pragma: no cover


def _top_levels(slugs: tuple[str, ...]) -> list[str]:
    return list(dict.fromkeys(categories.top_level(slug) for slug in slugs))


def text_words(card: Card) -> list[str]:
    """The words a talent is findable by: name and headline words first, then skills."""
    ordered = list(dict.fromkeys([*text.tokens(f"{card.display_name} {card.headline or ''}")]))
    ordered += [w for w in text.tokens(" ".join(card.skills)) if w not in ordered]
    return ordered[:MAX_TEXT_BUCKETS]


NEWEST_BUCKET = "NEW"


def buckets(card: Card) -> list[str]:
    """Every bucket a card is posted in. NEW is ordered by id (ULIDs sort by creation)."""
    found = ["ALL", NEWEST_BUCKET]
    found += [
        f"CAT#{slug}" for slug in dict.fromkeys([*card.categories, *_top_levels(card.categories)])
    ]
    for precision in GEO_PRECISIONS:
        found.append(f"GEO{precision}#{geo.encode(card.lat, card.lng, precision)}")
    slugs = list(dict.fromkeys([*card.categories, *_top_levels(card.categories)]))
    for precision in CATEGORY_GEO_PRECISIONS:
        cell = geo.encode(card.lat, card.lng, precision)
        found += [f"CG{precision}#{slug}#{cell}" for slug in slugs]
    found += [f"TOK#{word}" for word in text_words(card)]
    found += [f"LANG#{code}" for code in card.languages]
    if card.rate_amount is not None and card.rate_currency:
        found += [
            f"{ladder}#{card.rate_currency}#{price_band(card.rate_amount, ladder)}"
            for ladder in _LADDERS
        ]
    return found


@dataclass(frozen=True)
class Query:
    words: tuple[str, ...] = ()
    category: str | None = None
    skills: tuple[str, ...] = ()
    lat: float | None = None
    lng: float | None = None
    radius_km: float | None = None
    min_price: int | None = None
    max_price: int | None = None
    currency: str | None = None
    min_rating: float | None = None
    day: date | None = None
    language: str | None = None
    sort: Sort = "relevance"

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lng is not None

    @property
    def effective_radius_km(self) -> float | None:
        if self.radius_km is not None:
            return self.radius_km
        return DEFAULT_DISTANCE_RADIUS_KM if self.sort == "distance" else None

    @property
    def has_price_range(self) -> bool:
        return self.min_price is not None or self.max_price is not None


def distance_km(card: Card, query: Query) -> float | None:
    if query.lat is None or query.lng is None:
        return None
    return geo.haversine_km(query.lat, query.lng, card.lat, card.lng)


def _in_category(card: Card, slug: str) -> bool:
    return any(own == slug or own.startswith(f"{slug}.") for own in card.categories)


def matches(card: Card, query: Query) -> bool:
    """The whole filter, as the API defines it (and as the oracle checks it)."""
    checks = (
        not query.words or set(query.words) <= (card.name_words | card.skill_words),
        query.category is None or _in_category(card, query.category),
        not query.skills or set(query.skills) <= card.normalized_skills,
        query.language is None or query.language in card.languages,
        query.min_rating is None
        or (card.rating_avg is not None and card.rating_avg >= query.min_rating),
        query.day is None or card.available_on(query.day),
    )
    if not all(checks):
        return False
    if query.has_price_range or query.currency is not None:
        if card.rate_amount is None or card.rate_currency != query.currency:
            return False
        if not (query.min_price or 0) <= card.rate_amount <= (query.max_price or MAX_PRICE):
            return False
    radius = query.effective_radius_km
    if radius is not None:
        distance = distance_km(card, query)
        if distance is None or distance > radius:
            return False
    return True


@dataclass(frozen=True)
class Stream:
    """One sorted source of postings: a bucket, in one of its three orders."""

    bucket: str
    index: Index
    prefix: str = ""


@dataclass(frozen=True)
class Phase:
    streams: tuple[Stream, ...]
    tier: int | None = None  # text tier every result of this phase must have


@dataclass(frozen=True)
class Plan:
    driving: str
    phases: tuple[Phase, ...]
    read_all: bool = False  # distance: every match in the radius is read, then sorted


def _index_for(sort: Sort) -> Index:
    if sort == "rating":
        return "gsi1"
    if sort in ("price_asc", "price_desc"):
        return "gsi2"
    return "table"


def _geo_buckets(query: Query, category: str | None) -> list[str]:
    assert query.lat is not None and query.lng is not None
    radius = query.effective_radius_km or DEFAULT_DISTANCE_RADIUS_KM
    if category is not None:
        precision, cells = geo.cells_for_query(
            query.lat, query.lng, radius, max_cells=MAX_STREAMS, precisions=CATEGORY_GEO_PRECISIONS
        )
        if len(cells) <= MAX_STREAMS:
            return [f"CG{precision}#{category}#{cell}" for cell in sorted(cells)]
    precision, cells = geo.cells_for_query(
        query.lat, query.lng, radius, max_cells=MAX_STREAMS, precisions=GEO_PRECISIONS
    )
    return [f"GEO{precision}#{cell}" for cell in sorted(cells)]


def _text_buckets(words: tuple[str, ...]) -> list[str]:
    # The longest word is usually the rarest: its bucket is the smallest to read.
    return [f"TOK#{max(words, key=lambda w: (len(w), w))}"]


def _price_buckets(query: Query) -> list[str]:
    ladder, bands = price_bands(query.min_price or 1, query.max_price or MAX_PRICE)
    return [f"{ladder}#{query.currency}#{band}" for band in bands]


def _skill_buckets(query: Query) -> list[str]:
    words = [w for skill in query.skills for w in text.tokens(skill)]
    return _text_buckets(tuple(words)) if words else ["ALL"]


def _driving_buckets(query: Query) -> tuple[str, list[str]]:
    """The most selective dimension drives; the rest are checked on what it reads."""
    geo_filter = query.has_point and query.effective_radius_km is not None
    category = query.category
    priorities: tuple[tuple[str, bool, Callable[[], list[str]]], ...] = (
        ("text", bool(query.words), lambda: _text_buckets(query.words)),
        (
            "category+geo",
            geo_filter and category is not None,
            lambda: _geo_buckets(query, category),
        ),
        ("geo", geo_filter, lambda: _geo_buckets(query, None)),
        (
            "price",
            query.has_price_range and query.currency is not None,
            lambda: _price_buckets(query),
        ),
        ("category", category is not None, lambda: [f"CAT#{category}"]),
        ("skills", bool(query.skills), lambda: _skill_buckets(query)),
        ("language", query.language is not None, lambda: [f"LANG#{query.language}"]),
    )
    for name, applies, build in priorities:
        if applies:
            return name, build()
    return "all", ["ALL"]


def plan(query: Query) -> Plan:
    driving, bucket_names = _driving_buckets(query)
    index = _index_for(query.sort)
    if query.sort == "distance":
        streams = tuple(Stream(b, "table") for b in bucket_names)
        return Plan(driving, (Phase(streams),), read_all=True)
    if query.sort == "relevance" and query.words:
        # Text tiers: first the talent whose name or headline holds every word (they are
        # all in the tier-0 part of the driving word's bucket), then everyone else.
        [bucket] = bucket_names
        first = Phase((Stream(bucket, "table", "0#"),), tier=0)
        # With one word, tier-0 postings of its bucket are all tier-0 results: only the
        # tier-1 part can hold the rest. With more words, a tier-0 posting of the driving
        # word may still be a tier-1 result (another word only among its skills).
        rest: tuple[Stream, ...] = (Stream(bucket, "table", "1#"),)
        if len(query.words) > 1:
            rest = (Stream(bucket, "table", "0#"), *rest)
        return Plan(driving, (first, Phase(rest, tier=1)))
    return Plan(driving, (Phase(tuple(_streams(bucket_names, index))),))


def _streams(bucket_names: list[str], index: Index) -> list[Stream]:
    """Outside text ranking, a word bucket's two tier parts are one list, ordered by quality."""
    if index != "table":
        return [Stream(bucket, index) for bucket in bucket_names]
    streams = []
    for bucket in bucket_names:
        tiers = ("0#", "1#") if bucket.startswith("TOK#") else ("0#",)
        streams += [Stream(bucket, "table", tier) for tier in tiers]
    return streams

"""Talent search: turn query parameters into a validated query, run it, page it."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from chalicelib.domain import categories, text
from chalicelib.domain import search as domain
from chalicelib.errors import ValidationError
from chalicelib.models import pagination, search_queries
from chalicelib.schemas.search import SearchParams


def _parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            "invalid search", {"problems": ["date is not a valid date"]}
        ) from None


def _too_many_words(q: str | None) -> bool:
    if q is None:
        return False
    try:
        text.query_words(q)
    except ValueError:
        return True
    return False


def _problems(params: SearchParams) -> list[str]:
    has_point = params.lat is not None and params.lng is not None
    price_range = params.min_price is not None or params.max_price is not None
    radius = params.radius_km or 0
    rules = (
        (_too_many_words(params.q), f"q may hold at most {text.MAX_QUERY_WORDS} words"),
        (
            params.category is not None and not categories.is_known(params.category),
            "unknown category; see GET /v1/categories",
        ),
        ((params.lat is None) != (params.lng is None), "lat and lng go together"),
        (params.radius_km is not None and not has_point, "radius_km needs lat and lng"),
        (price_range and params.currency is None, "a price range needs a currency"),
        (
            params.min_price is not None
            and params.max_price is not None
            and params.min_price > params.max_price,
            "min_price is above max_price",
        ),
        (
            params.sort in ("price_asc", "price_desc") and params.currency is None,
            "price sorts need a currency",
        ),
        (params.sort == "distance" and not has_point, "sort=distance needs lat and lng"),
        (
            params.sort == "distance" and radius > domain.MAX_DISTANCE_RADIUS_KM,
            f"sort=distance searches at most {domain.MAX_DISTANCE_RADIUS_KM:.0f} km",
        ),
    )
    return [message for broken, message in rules if broken]


def to_query(params: SearchParams) -> domain.Query:
    problems = _problems(params)
    if problems:
        raise ValidationError("invalid search", {"problems": problems})
    skills = (params.skills or "").split(",")
    return domain.Query(
        words=tuple(text.query_words(params.q)) if params.q else (),
        category=params.category,
        skills=tuple(dict.fromkeys(text.normalize(s).strip() for s in skills if s.strip())),
        lat=params.lat,
        lng=params.lng,
        radius_km=params.radius_km,
        min_price=params.min_price,
        max_price=params.max_price,
        currency=params.currency,
        min_rating=params.min_rating,
        day=_parse_day(params.date),
        language=params.language,
        sort=params.sort,
    )


def _fingerprint(query: domain.Query) -> str:
    return hashlib.sha256(repr(query).encode()).hexdigest()[:16]


_CURSOR_PURPOSE = "search"


def encode_cursor(state: dict[str, Any] | None, query: domain.Query) -> str | None:
    if state is None:
        return None
    return pagination.seal({**state, "q": _fingerprint(query)}, _CURSOR_PURPOSE)


def decode_cursor(cursor: str | None, query: domain.Query) -> dict[str, Any] | None:
    if not cursor:
        return None
    state = pagination.unseal(cursor, _CURSOR_PURPOSE)
    valid = (
        isinstance(state.get("phase"), int)
        and state["phase"] >= 0
        and isinstance(state.get("after"), str)
        and isinstance(state.get("as_of"), str)
        and isinstance(state.get("done", []), list)
        and all(isinstance(n, int) and n >= 0 for n in state.get("done", []))
    )
    if not valid:
        raise ValidationError("invalid cursor")
    if state.get("q") != _fingerprint(query):
        raise ValidationError("this cursor belongs to another search")
    return state


def search(params: SearchParams) -> tuple[list[search_queries.Hit], str | None, domain.Query]:
    query = to_query(params)
    try:
        page = search_queries.search(query, decode_cursor(params.cursor, query), params.limit)
    except ValueError:
        raise ValidationError("invalid cursor") from None
    return page.hits, encode_cursor(page.next_cursor, query), query


def card_json(hit: search_queries.Hit, query: domain.Query) -> dict[str, Any]:
    """A result card as the API shows it (also stored, as is, in featured sections)."""
    talent = hit.card
    score = None
    if query.sort == "relevance":
        tier_bonus = 1.0 if query.words and talent.text_tier(query.words) == 0 else 0.0
        score = round(tier_bonus + talent.quality / 1_000_000, 6)
    rate = None
    if talent.rate_amount is not None and talent.rate_currency:
        rate = {"amount": talent.rate_amount, "currency": talent.rate_currency}
    return {
        "id": talent.talent_id,
        "display_name": talent.display_name,
        "headline": talent.headline,
        "avatar_media_id": talent.avatar_media_id,
        "categories": list(talent.categories),
        "skills": list(talent.skills),
        "languages": list(talent.languages),
        "city": talent.city,
        "country": talent.country,
        "rate": rate,
        "rating_avg": talent.rating_avg,
        "rating_count": talent.rating_count,
        "completed_count": talent.completed_count,
        "distance_km": round(hit.distance_km, 2) if hit.distance_km is not None else None,
        "score": score,
    }

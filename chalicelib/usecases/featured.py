"""Featured sections: recomputed by a schedule from the search index, read in one Query."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from chalicelib import clock
from chalicelib.domain import categories
from chalicelib.domain import search as domain
from chalicelib.models import featured as featured_store
from chalicelib.models import search_queries
from chalicelib.usecases.search import card_json

SECTION_SIZE = 8


def _upcoming_weekend(today: date) -> tuple[date, date]:
    saturday = today + timedelta(days=(5 - today.weekday()) % 7)
    return saturday, saturday + timedelta(days=1)


def _available_this_weekend() -> list[dict[str, Any]]:
    """Talent free on the coming Saturday or Sunday, best first (a talent once)."""
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for day in _upcoming_weekend(clock.now().date()):
        query = domain.Query(day=day)
        for hit in search_queries.search(query, None, SECTION_SIZE).hits:
            found.setdefault(hit.card.talent_id, (hit.key, card_json(hit, query)))
    return [card for _, card in sorted(found.values(), key=lambda entry: entry[0])][:SECTION_SIZE]


def _top_rated(slug: str) -> list[dict[str, Any]]:
    query = domain.Query(category=slug, sort="rating")
    hits = search_queries.search(query, None, SECTION_SIZE).hits
    return [card_json(hit, query) for hit in hits if hit.card.rating_count > 0]


def _newest() -> list[dict[str, Any]]:
    query = domain.Query()
    return [
        card_json(search_queries.Hit(card, "", clock.now()), query)
        for card in search_queries.newest(SECTION_SIZE)
    ]


def refresh() -> list[featured_store.Section]:
    sections = [
        featured_store.Section("new", "New talent", 0, _newest()),
        featured_store.Section("weekend", "Available this weekend", 1, _available_this_weekend()),
    ]
    for position, node in enumerate(categories.TREE, start=2):
        items = _top_rated(node.slug)
        if items:
            sections.append(
                featured_store.Section(
                    f"top-{node.slug}", f"Top rated: {node.name}", position, items
                )
            )
    sections = [section for section in sections if section.items]
    featured_store.replace_all(sections, clock.now())
    return sections


def read() -> list[featured_store.Section]:
    return featured_store.read_all()

"""Featured sections, precomputed by a schedule so that the home page is one Query."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.models import keys
from chalicelib.models.base import Item


class FeaturedSectionItem(Item, discriminator="featured_section"):
    key = UnicodeAttribute()
    title = UnicodeAttribute()
    position = NumberAttribute()
    items_json = UnicodeAttribute()
    refreshed_at = UTCDateTimeAttribute()


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    position: int
    items: list[dict[str, Any]]


def replace_all(sections: list[Section], refreshed_at: datetime) -> None:
    """Write the new sections and remove those no longer produced."""
    current = {section.key for section in sections}
    stale = [
        item for item in FeaturedSectionItem.query(keys.FEATURED_PK) if item.key not in current
    ]
    with FeaturedSectionItem.batch_write() as batch:
        for section in sections:
            batch.save(
                FeaturedSectionItem(
                    keys.FEATURED_PK,
                    keys.featured_sk(section.key),
                    key=section.key,
                    title=section.title,
                    position=section.position,
                    items_json=json.dumps(section.items, separators=(",", ":")),
                    refreshed_at=refreshed_at,
                )
            )
        for item in stale:
            batch.delete(item)


def read_all() -> list[Section]:
    sections = [
        Section(item.key, item.title, int(item.position), json.loads(item.items_json))
        for item in FeaturedSectionItem.query(keys.FEATURED_PK)
        if isinstance(item, FeaturedSectionItem)
    ]
    return sorted(sections, key=lambda section: (section.position, section.key))

"""The search index in the single table: postings per bucket (docs/search.md), kept in step
with profiles by `reindex`; `search_queries` reads them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import DoesNotExist

from chalicelib import clock
from chalicelib.domain import ranking
from chalicelib.domain import search as domain
from chalicelib.models import calendar, keys, search_outbox
from chalicelib.models import talent as talent_store
from chalicelib.models.base import Item

# Calendar facts carried on postings: from yesterday (any time zone) to this far ahead.
CALENDAR_HORIZON = timedelta(days=400)
_BATCH = 25  # DynamoDB's BatchWriteItem limit (moto accepts 26; AWS does not)
_READ_CHUNK = 50


class SearchPostingItem(Item, discriminator="search_posting"):
    talent_id = UnicodeAttribute()
    bucket = UnicodeAttribute()
    display_name = UnicodeAttribute()
    headline = UnicodeAttribute(null=True)
    avatar_media_id = UnicodeAttribute(null=True)
    categories = ListAttribute[str](default=list)
    skills = ListAttribute[str](default=list)
    languages = ListAttribute[str](default=list)
    city = UnicodeAttribute()
    country = UnicodeAttribute()
    lat = NumberAttribute()
    lng = NumberAttribute()
    rate_amount = NumberAttribute(null=True)
    rate_currency = UnicodeAttribute(null=True)
    rating_sum = NumberAttribute(default=0)
    rating_count = NumberAttribute(default=0)
    completed_count = NumberAttribute(default=0)
    requests_received = NumberAttribute(default=0)
    requests_answered = NumberAttribute(default=0)
    weekly = ListAttribute[str](null=True)
    day_overrides = MapAttribute[str, Any](default=dict)
    booked_days = ListAttribute[str](default=list)
    quality = NumberAttribute()
    sort_since = UTCDateTimeAttribute()


class SearchDirectoryItem(Item, discriminator="search_directory"):
    """Every posting key ("bucket|sort key") a talent may have, and the sort values it was
    last posted with. Keys are added before postings are written and removed after they
    are deleted, so a crash or a racing reindex can leave extra entries, never an orphan."""

    talent_id = UnicodeAttribute()
    entries = UnicodeSetAttribute(default=set)
    sort_values = UnicodeAttribute(default="")
    sort_since = UTCDateTimeAttribute(null=True)


def card_of(talent: talent_store.Talent, window: calendar.CalendarWindow) -> domain.Card:
    rate = talent.rate
    return domain.Card(
        talent_id=talent.id,
        display_name=talent.display_name,
        headline=talent.headline,
        avatar_media_id=talent.avatar_media_id,
        categories=talent.categories,
        skills=talent.skills,
        languages=talent.languages,
        city=str(talent.location["city"]),
        country=str(talent.location["country"]),
        lat=float(talent.location["lat"]),
        lng=float(talent.location["lng"]),
        rate_amount=int(rate["amount"]) if rate else None,
        rate_currency=str(rate["currency"]) if rate else None,
        rating_sum=talent.rating_sum,
        rating_count=talent.rating_count,
        completed_count=talent.completed_count,
        requests_received=talent.requests_received,
        requests_answered=talent.requests_answered,
        weekly=talent.weekly,
        day_overrides={day.isoformat(): value for day, value in window.explicit.items()},
        booked_days=frozenset(day.isoformat() for day in window.booked),
    )


def card_from_posting(item: SearchPostingItem) -> domain.Card:
    overrides = item.day_overrides
    return domain.Card(
        talent_id=item.talent_id,
        display_name=item.display_name,
        headline=item.headline,
        avatar_media_id=item.avatar_media_id,
        categories=tuple(item.categories or ()),
        skills=tuple(item.skills or ()),
        languages=tuple(item.languages or ()),
        city=item.city,
        country=item.country,
        lat=float(item.lat),
        lng=float(item.lng),
        rate_amount=int(item.rate_amount) if item.rate_amount is not None else None,
        rate_currency=item.rate_currency,
        rating_sum=int(item.rating_sum or 0),
        rating_count=int(item.rating_count or 0),
        completed_count=int(item.completed_count or 0),
        requests_received=int(item.requests_received or 0),
        requests_answered=int(item.requests_answered or 0),
        weekly=tuple(item.weekly) if item.weekly is not None else None,
        day_overrides=overrides.as_dict()
        if isinstance(overrides, MapAttribute)
        else dict(overrides),
        booked_days=frozenset(item.booked_days or ()),
    )


def _sort_values(card: domain.Card) -> str:
    """What positions a card in its buckets; when it changes, the postings move."""
    words = domain.text_words(card)
    tiers = "".join(str(card.text_tier((w,))) for w in words)
    return (
        f"{card.quality}|{card.bayesian_rating_key}|{card.rate_currency}:{card.rate_amount}|{tiers}"
    )


def _posting(card: domain.Card, bucket: str, sort_since: datetime) -> SearchPostingItem:
    tier = 0
    if bucket.startswith("TOK#"):
        tier = card.text_tier((bucket.removeprefix("TOK#"),))
    relevance = f"{tier}#{ranking.inverted_key(card.quality)}#{card.talent_id}"
    if bucket == domain.NEWEST_BUCKET:
        relevance = f"N#{card.talent_id}"
    item = SearchPostingItem(
        keys.search_pk(bucket),
        relevance,
        talent_id=card.talent_id,
        bucket=bucket,
        display_name=card.display_name,
        headline=card.headline,
        avatar_media_id=card.avatar_media_id,
        categories=list(card.categories),
        skills=list(card.skills),
        languages=list(card.languages),
        city=card.city,
        country=card.country,
        lat=card.lat,
        lng=card.lng,
        rate_amount=card.rate_amount,
        rate_currency=card.rate_currency,
        rating_sum=card.rating_sum,
        rating_count=card.rating_count,
        completed_count=card.completed_count,
        requests_received=card.requests_received,
        requests_answered=card.requests_answered,
        weekly=list(card.weekly) if card.weekly is not None else None,
        day_overrides=dict(card.day_overrides),
        booked_days=sorted(card.booked_days),
        quality=card.quality,
        sort_since=sort_since,
        gsi1pk=keys.search_rating_gsi1pk(bucket),
        gsi1sk=f"{ranking.inverted_key(card.bayesian_rating_key)}#{card.talent_id}",
    )
    if card.rate_amount is not None and card.rate_currency:
        item.gsi2pk = keys.search_price_gsi2pk(bucket, card.rate_currency)
        item.gsi2sk = f"{ranking.ascending_key(card.rate_amount)}#{card.talent_id}"
    return item


def _batch_write(puts: list[SearchPostingItem], deletes: list[tuple[str, str]]) -> None:
    with SearchPostingItem.batch_write() as batch:
        for item in puts:
            batch.save(item)
        for pk, sk in deletes:
            batch.delete(SearchPostingItem(pk, sk))


def _directory(talent_id: str) -> SearchDirectoryItem | None:
    try:
        return SearchDirectoryItem.get(
            keys.search_directory_pk(talent_id), keys.SEARCH_DIRECTORY_SK, consistent_read=True
        )
    except DoesNotExist:
        return None


def _entry(item: SearchPostingItem) -> str:
    return f"{item.bucket}|{item.sk}"


def _posting_key(entry: str) -> tuple[str, str]:
    bucket, sort_key = entry.split("|", 1)
    return keys.search_pk(bucket), sort_key


def _update_directory(talent_id: str, actions: list[Any]) -> None:
    SearchDirectoryItem(keys.search_directory_pk(talent_id), keys.SEARCH_DIRECTORY_SK).update(
        actions=[SearchDirectoryItem.talent_id.set(talent_id), *actions]
    )


def reindex(talent_id: str) -> int:
    """Make the postings of one talent match its profile and calendar now. Idempotent, and
    it always reads the current state, so the last run after the last change is right;
    returns the number of postings written."""
    directory = _directory(talent_id)
    old_entries = set(directory.entries or ()) if directory else set()
    talent = talent_store.get(talent_id, with_portfolio=False)
    postings: list[SearchPostingItem] = []
    sort_values, sort_since = "", clock.now()
    if talent is not None and talent.is_public:
        today = clock.now().date()
        window = calendar.window(talent.id, today - timedelta(days=1), today + CALENDAR_HORIZON)
        card = card_of(talent, window)
        sort_values = _sort_values(card)
        if directory is not None and directory.sort_values == sort_values and directory.sort_since:
            sort_since = directory.sort_since  # nothing moved: keep the postings' position age
        elif directory is None or not directory.sort_values:
            # First listed (or listed again): no page can have shown it, so its position
            # dates from the talent's creation; a page read after that must not skip it,
            # however late the (asynchronous) indexing ran.
            sort_since = min(sort_since, talent.created_at)
        postings = [_posting(card, bucket, sort_since) for bucket in domain.buckets(card)]
    new_entries = {_entry(item) for item in postings}
    stale = old_entries - new_entries
    if new_entries:
        _update_directory(talent_id, [SearchDirectoryItem.entries.add(new_entries)])
    _batch_write(postings, sorted(_posting_key(entry) for entry in stale))
    actions: list[Any] = [
        SearchDirectoryItem.sort_values.set(sort_values),
        SearchDirectoryItem.sort_since.set(sort_since),
    ]
    if stale:
        actions.append(SearchDirectoryItem.entries.delete(stale))
    _update_directory(talent_id, actions)
    return len(postings)


def refresh(talent_id: str) -> None:
    """Reindex now and consume the outbox entry (models/search_outbox.py)."""
    started = clock.now()
    reindex(talent_id)
    search_outbox.consume(talent_id, started)

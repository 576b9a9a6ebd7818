"""Reading the search index (docs/search.md): each query is a few sorted streams of
postings, read in chunks and merged k-way; the cursor remembers where each stream stood.
The postings are written by `search_index`."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib import clock
from chalicelib.domain import search as domain
from chalicelib.models import keys
from chalicelib.models.base import Item
from chalicelib.models.search_index import SearchPostingItem, card_from_posting

_MAX_CHUNK = 100
_RATE_EVIDENCE = 10


@dataclass(frozen=True)
class Hit:
    card: domain.Card
    key: str  # the comparable sort key (without any tier prefix)
    sort_since: datetime
    distance_km: float | None = None


def _stream_source(stream: domain.Stream, query: domain.Query) -> tuple[Any, str, Any]:
    if stream.index == "table":
        return SearchPostingItem, keys.search_pk(stream.bucket), Item.sk
    if stream.index == "gsi1":
        return SearchPostingItem.gsi1, keys.search_rating_gsi1pk(stream.bucket), Item.gsi1sk
    assert query.currency is not None
    partition = keys.search_price_gsi2pk(stream.bucket, query.currency)
    return SearchPostingItem.gsi2, partition, Item.gsi2sk


@dataclass
class _Progress:
    """What a page has read and found so far, shared by its streams, so that each next
    read is sized to what the page still needs at the match rate seen (instead of
    doubling blindly and reading far past the page)."""

    wanted: int
    active: int
    found: int = 0
    read: int = 0
    exhausted: set[int] = field(default_factory=set)

    def next_chunk(self, previous: int) -> int:
        remaining = max(1, self.wanted - self.found)
        if not previous:
            # Priming: every stream's first item must be read before the merge can start.
            # With many streams, read one each; a lone stream reads the whole estimate.
            return 1 if self.active > 1 else min(_MAX_CHUNK, remaining)
        # A rate from a handful of reads is noise: assume every read matches until there
        # is some evidence.
        rate = max(self.found / self.read, 0.05) if self.read >= _RATE_EVIDENCE else 1.0
        needed = -(-remaining * 100 // round(rate * 100))
        # At most double a stream's last read, and never read past what the page needs.
        return max(1, min(_MAX_CHUNK, previous * 2, needed))


def _query_stream(
    number: int, stream: domain.Stream, query: domain.Query, after: str | None, progress: _Progress
) -> Iterator[Hit]:
    """Postings of one stream in order, strictly after `after` (a comparable key)."""
    descending = query.sort == "price_desc"
    source, partition, sort_attribute = _stream_source(stream, query)
    if after is None:
        condition = sort_attribute.startswith(stream.prefix) if stream.prefix else None
    elif descending:
        condition = sort_attribute < stream.prefix + after
    else:
        condition = sort_attribute > stream.prefix + after
    last_evaluated, chunk = None, 0
    while True:
        chunk = progress.next_chunk(chunk)
        results = source.query(
            partition,
            range_key_condition=condition,
            scan_index_forward=not descending,
            limit=chunk,
            page_size=chunk,
            last_evaluated_key=last_evaluated,
        )
        for item in results:
            progress.read += 1
            raw = str({"table": item.sk, "gsi1": item.gsi1sk, "gsi2": item.gsi2sk}[stream.index])
            if not raw.startswith(stream.prefix):
                break  # past this stream's tier
            yield Hit(card_from_posting(item), raw[len(stream.prefix) :], item.sort_since)
        else:
            last_evaluated = results.last_evaluated_key
            if last_evaluated:
                continue
        progress.exhausted.add(number)
        progress.active -= 1
        return


def _merged(
    phase: domain.Phase,
    query: domain.Query,
    after: str | None,
    progress: _Progress,
    skip: frozenset[int] = frozenset(),
) -> Iterator[Hit]:
    streams = [
        _query_stream(number, stream, query, after, progress)
        for number, stream in enumerate(phase.streams)
        if number not in skip
    ]
    return heapq.merge(*streams, key=lambda hit: hit.key, reverse=query.sort == "price_desc")


def newest(limit: int) -> list[domain.Card]:
    """The most recently created public talent (ULIDs sort by creation time)."""
    results = SearchPostingItem.query(
        keys.search_pk(domain.NEWEST_BUCKET), scan_index_forward=False, limit=limit, page_size=limit
    )
    return [card_from_posting(item) for item in results]


@dataclass(frozen=True)
class Page:
    hits: list[Hit]
    next_cursor: dict[str, Any] | None


def search(query: domain.Query, cursor: dict[str, Any] | None, limit: int) -> Page:
    """One page of results. `cursor` is what the previous page returned."""
    plan = domain.plan(query)
    as_of = clock.parse_rfc3339(cursor["as_of"]) if cursor else clock.now()
    if plan.read_all:
        return _search_by_distance(plan, query, cursor, limit, as_of)
    start_phase = int(cursor["phase"]) if cursor else 0
    after: str | None = cursor["after"] if cursor else None
    # Streams that ran dry on an earlier page stay dry: later pages start after that point.
    done = frozenset(int(n) for n in cursor.get("done", ())) if cursor else frozenset()
    hits: list[Hit] = []
    for phase_number in range(start_phase, len(plan.phases)):
        phase = plan.phases[phase_number]
        progress = _Progress(wanted=limit + 1 - len(hits), active=len(phase.streams) - len(done))
        for hit in _merged(phase, query, after, progress, done):
            if cursor and hit.sort_since > as_of:
                continue  # it moved after the scan began; it may have been shown already
            if phase.tier is not None and hit.card.text_tier(query.words) != phase.tier:
                continue
            if not domain.matches(hit.card, query):
                continue
            progress.found += 1
            hits.append(_with_distance(hit, query))
            if len(hits) > limit:
                last = hits[limit - 1]
                exhausted = sorted(progress.exhausted | done)
                return Page(hits[:limit], _cursor(phase_number, last.key, as_of, exhausted))
        after, done = None, frozenset()
    return Page(hits, None)


def _with_distance(hit: Hit, query: domain.Query) -> Hit:
    return Hit(hit.card, hit.key, hit.sort_since, domain.distance_km(hit.card, query))


def _cursor(
    phase: int, after: str, as_of: datetime, done: list[int] | None = None
) -> dict[str, Any]:
    # Full precision: postings compare against it to the microsecond (a cursor cut to the
    # second skipped talent indexed in the same second as the first page).
    cursor: dict[str, Any] = {
        "phase": phase,
        "after": after,
        "as_of": clock.to_rfc3339_precise(as_of),
    }
    if done:
        cursor["done"] = done
    return cursor


def _search_by_distance(
    plan: domain.Plan,
    query: domain.Query,
    cursor: dict[str, Any] | None,
    limit: int,
    as_of: datetime,
) -> Page:
    """Every match within the radius, ordered by distance (in metres) then id."""
    matched = []
    for phase in plan.phases:
        progress = _Progress(wanted=_MAX_CHUNK * len(phase.streams), active=len(phase.streams))
        for hit in _merged(phase, query, None, progress):
            if domain.matches(hit.card, query):
                located = _with_distance(hit, query)
                assert located.distance_km is not None
                key = f"{round(located.distance_km * 1000):010d}#{hit.card.talent_id}"
                matched.append(Hit(hit.card, key, hit.sort_since, located.distance_km))
    matched.sort(key=lambda hit: hit.key)
    after = cursor["after"] if cursor else ""
    remaining = [hit for hit in matched if hit.key > after]
    if len(remaining) > limit:
        return Page(remaining[:limit], _cursor(0, remaining[limit - 1].key, as_of))
    return Page(remaining, None)

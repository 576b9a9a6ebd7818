"""Search cost: DynamoDB items read per returned result, and requests per page, for each
query shape, with 1,000, 10,000 and 100,000 talent in the index (docs/search.md).

Targets, for every shape: items read per returned result <= 5, and the figure at the
largest size within 1.5x of the figure at 1,000.

Run: .venv/bin/python bench/search_cost.py [--max N] [--all-postings]

How it works
- Talent come from bench/search_data.py (seeded, so every run loads the same profiles).
  Loading is cumulative: 1,000 profiles, measure; 9,000 more, measure; 90,000 more,
  measure. Postings are built by the real builder (`search_index._posting` for each of
  `domain.buckets(card)`) and written with BatchWriteItem, 25 at a time.
- Each shape is a `domain.Query` run through `search_queries.search` for 3 pages of 20
  (following the cursor), sort=relevance. Requests are counted from botocore's
  `before-call.dynamodb` events, items read by summing `ScannedCount` from each Query
  response (`after-call.dynamodb.Query`); a DynamoDB Query without a filter expression
  reads exactly its ScannedCount items.
- The results are also checked against a brute-force oracle (`domain.matches` over every
  loaded profile, in relevance order): a cost figure for a wrong answer means nothing.

The emulator: moto's in-process `mock_aws()`, with the table created from
infra/resources.json by infra.local.create_all (as bench/harness.py does, but against
the SDK's default endpoints, which mock_aws intercepts; AWS_ENDPOINT_URL must not be
set). Measured loading one posting (300 profiles, 9,775 postings): mock_aws 3.5 ms,
ThreadedMotoServer 3.9 ms, a moto_server subprocess 4.0 ms (the client waits for each
batch, so a second process does not overlap anything); a Query was also a third faster
in-process. Two of moto's costs are taken out by patches that change no answer: it
re-measured the whole item for every attribute it stored (quadratic; half the loading
time), now a running total (`_fast_item_size_check`, the 400 KB limit still holds); and it
answered a table Query by walking every item of the table, now only the queried
partition (`_partition_local_query`). Loading then costs about 1.6 ms a posting.

What is written: a profile has about 33 postings, so 100,000 profiles are 3.3 million
items; at 1.6 ms each that is about 90 minutes, and moto keeps about 7 KB of Python objects
per item (over 20 GB). So by default only the postings in the partitions the measured
queries read are written (every profile is in `SRCH#ALL`, which the date shape reads:
1.2 postings a profile, 116,000 at 100,000 profiles). A DynamoDB Query reads one
partition, so the partitions left out cannot change a figure; `--all-postings` writes
everything (10,000 profiles: 293,000 postings, 7.5 minutes) and gave the same table at
1,000 and 10,000. The default run (1k/10k/100k) takes about 6 minutes on 2 cores, 4 of
them loading the last 90,000 profiles.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import DynamoCallCounter  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
PAGES = 3
PAGE_SIZE = 20
MAX_ITEMS_PER_RESULT = 5.0
MAX_GROWTH = 1.5
SAMPLE = 2_000  # profiles the query parameters are chosen from
GEO_RADIUS_KM = 30.0
CATEGORY_SHARE = 0.03  # the category shape's category: about this share of profiles
# The category+geo shape's category: a popular one. A rare category has about ten matches
# within 30 km of a city at 1,000 profiles, too few to fill one page: its figure at 1,000
# would measure sampling luck (everything read happens to match), not the index.
GEO_CATEGORY_SHARE = 0.20
WORD_SHARE = 0.035  # the text shape's word: about this share of profiles
PRICE_QUANTILES = (0.40, 0.65)  # of IQD rates; about 15 % of all profiles
DATE_AHEAD = timedelta(days=14)


# --- the emulator ----------------------------------------------------------------------


def _fast_item_size_check() -> None:
    """moto sums the size of every attribute of an item each time it stores one more
    (quadratic in the number of attributes: half the loading time here). Keep a running
    total instead. The running total only grows, except when a key is replaced, so the
    limit is enforced as strictly as before or more so."""
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, LimitedSizeDict
    from moto.dynamodb.models.utilities import bytesize

    def measure(value: Any) -> int:
        return int(value.size()) if type(value) is DynamoType else bytesize(str(value))

    def setitem(self: Any, key: str, value: Any) -> None:
        total = self.__dict__.get("_bench_size", 0) if len(self) else 0
        if key in self:
            total -= bytesize(key) + measure(self[key])
        total += bytesize(key) + measure(value)
        if total > 405_000:  # moto's limit
            raise ItemSizeTooLarge
        dict.__setitem__(self, key, value)
        self._bench_size = total

    LimitedSizeDict.__setitem__ = setitem


def _partition_local_query() -> None:
    """moto answers a table Query by walking every item of the table (and the table here
    grows to 130,000 items), then keeps those of the partition. Show it only the queried
    partition instead: the same items, in the same order, with the same ScannedCount;
    queries on an index are left as they are."""
    import inspect

    from moto.dynamodb.models.table import Table

    original = Table.query
    signature = inspect.signature(original)

    def query(self: Any, *args: Any, **kwargs: Any) -> Any:
        arguments = signature.bind(self, *args, **kwargs).arguments
        hash_key = arguments.get("hash_key")
        if arguments.get("index_name") or hash_key is None:
            return original(self, *args, **kwargs)
        everything = self.items
        self.items = {hash_key: everything[hash_key]} if hash_key in everything else {}
        try:
            return original(self, *args, **kwargs)
        finally:
            self.items = everything

    Table.query = query


def start_emulator() -> Any:
    for name in [name for name in os.environ if name.startswith("AWS_ENDPOINT_URL")]:
        del os.environ[name]  # mock_aws only intercepts the SDK's default endpoints
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "POWERTOOLS_METRICS_DISABLED": "true",
            "POWERTOOLS_LOG_LEVEL": "ERROR",
            "STAGE": "bench",
            "CURSOR_SECRET": "bench-cursor-secret",
            # Required outside the local stage; search itself never checks a token.
            "JWT_ISSUER": "https://bench-issuer.example",
            "JWT_AUDIENCE": "bench",
            "JWKS_URL": "http://127.0.0.1:9/unused",
        }
    )
    from moto import mock_aws

    mock = mock_aws()
    mock.start()
    _fast_item_size_check()
    _partition_local_query()
    from infra.local import create_all

    # No endpoint: boto3's default one, which mock_aws intercepts.
    os.environ.update(create_all(None).env())  # type: ignore[arg-type]
    return mock


class ReadCounter(DynamoCallCounter):
    """DynamoDB requests (as DynamoCallCounter) and items read (ScannedCount of Queries)."""

    def __init__(self) -> None:
        super().__init__()
        self.items_read = 0

    def on_query_result(self, parsed: dict[str, Any], **_: Any) -> None:
        self.items_read += int(parsed.get("ScannedCount", 0))

    def install(self) -> None:
        import botocore.session
        import pynamodb.connection.base as pynamodb_base

        original = botocore.session.get_session

        def counted_session(*args: Any, **kwargs: Any) -> Any:
            session = original(*args, **kwargs)
            session.register("before-call.dynamodb", self.on_call)
            session.register("after-call.dynamodb.Query", self.on_query_result)
            return session

        pynamodb_base.get_session = counted_session  # type: ignore[attr-defined]

    def reset(self) -> None:
        self.calls.clear()
        self.items_read = 0


# --- query shapes ----------------------------------------------------------------------


@dataclass
class Shape:
    name: str
    query: Any  # domain.Query
    matches: list[tuple[int, str, str]] = field(default_factory=list)  # oracle, unsorted

    def observe(self, card: Any) -> None:
        from chalicelib.domain import ranking
        from chalicelib.domain import search as domain

        if domain.matches(card, self.query):
            tier = card.text_tier(self.query.words) if self.query.words else 0
            self.matches.append((tier, ranking.inverted_key(card.quality), card.talent_id))

    def expected(self, count: int) -> list[str]:
        return [talent_id for _, _, talent_id in sorted(self.matches)[:count]]


def _nearest(shares: dict[str, float], target: float) -> str:
    return min(sorted(shares), key=lambda name: abs(shares[name] - target))


def choose_shapes(anchor: date) -> list[Shape]:
    """The five shapes, with parameters chosen from the first SAMPLE profiles."""
    from bench import search_data
    from chalicelib.domain import search as domain
    from chalicelib.domain import text

    sample = [search_data.card(index, anchor) for index in range(SAMPLE)]
    in_category = Counter(slug for card in sample for slug in card.categories)
    shares = {k: v / SAMPLE for k, v in in_category.items()}
    category = _nearest(shares, CATEGORY_SHARE)
    geo_category = _nearest(shares, GEO_CATEGORY_SHARE)
    # A word some profiles have in their name or headline and others only among their
    # skills, so both text tiers are exercised.
    headline_words = Counter(w for card in sample for w in card.name_words)
    skill_only = Counter(w for card in sample for w in card.skill_words - card.name_words)
    both = {
        word: (headline_words[word] + skill_only[word]) / SAMPLE
        for word in headline_words
        if skill_only[word] >= headline_words[word] / 3 > 0
        and headline_words[word] >= skill_only[word] / 3
    }
    [word] = text.query_words(_nearest(both, WORD_SHARE))
    iqd = sorted(card.rate_amount for card in sample if card.rate_currency == "IQD")
    low, high = (iqd[int(len(iqd) * q)] for q in PRICE_QUANTILES)
    city, _, lat, lng, _ = search_data.CITIES[0]
    return [
        Shape(f"category ({category})", domain.Query(category=category)),
        Shape(
            f"category+geo ({geo_category}, {city} {GEO_RADIUS_KM:g} km)",
            domain.Query(category=geo_category, lat=lat, lng=lng, radius_km=GEO_RADIUS_KM),
        ),
        Shape(f"text ({word!r})", domain.Query(words=(word,))),
        Shape(
            f"price (IQD {low:,}-{high:,})",
            domain.Query(min_price=low, max_price=high, currency="IQD"),
        ),
        Shape(f"date ({(anchor + DATE_AHEAD).isoformat()})", domain.Query(day=anchor + DATE_AHEAD)),
    ]


def partitions_read(shapes: Iterable[Shape]) -> set[str]:
    """Every bucket the shapes' plans read (plans depend on the query, not on the data)."""
    from chalicelib.domain import search as domain

    return {
        stream.bucket
        for shape in shapes
        for phase in domain.plan(shape.query).phases
        for stream in phase.streams
    }


# --- loading ---------------------------------------------------------------------------


def load(
    first: int,
    last: int,
    anchor: date,
    shapes: list[Shape],
    keep: Callable[[str], bool],
) -> int:
    """Post profiles first..last-1; returns the number of postings written."""
    from bench import search_data
    from chalicelib import clock
    from chalicelib.domain import search as domain
    from chalicelib.models import search_index

    written, started, since = 0, time.perf_counter(), clock.now()
    with search_index.SearchPostingItem.batch_write() as batch:  # flushes every 25 items
        for index in range(first, last):
            card = search_data.card(index, anchor)
            for shape in shapes:
                shape.observe(card)
            for bucket in domain.buckets(card):
                if keep(bucket):
                    batch.save(search_index._posting(card, bucket, since))
                    written += 1
            done = index + 1 - first
            if done % 10_000 == 0 and last - first > 10_000:
                rate = done / (time.perf_counter() - started)
                print(f"  ... {index + 1:,} profiles, {written:,} postings ({rate:,.0f}/s)")
    return written


# --- measuring -------------------------------------------------------------------------


@dataclass
class Cost:
    shape: str
    profiles: int
    matches: int
    results: int = 0
    items: list[int] = field(default_factory=list)  # per page
    requests: list[int] = field(default_factory=list)  # per page
    correct: bool = True
    seconds: float = 0.0

    @property
    def items_per_result(self) -> float:
        return sum(self.items) / max(1, self.results)

    @property
    def requests_per_page(self) -> float:
        return sum(self.requests) / max(1, len(self.requests))


def measure(shape: Shape, profiles: int, counter: ReadCounter) -> Cost:
    from chalicelib.models import search_queries

    cost = Cost(shape.name, profiles, len(shape.matches))
    cursor: dict[str, Any] | None = None
    returned: list[str] = []
    started = time.perf_counter()
    for _ in range(PAGES):
        counter.reset()
        page = search_queries.search(shape.query, cursor, PAGE_SIZE)
        cost.items.append(counter.items_read)
        cost.requests.append(sum(counter.calls.values()))
        returned += [hit.card.talent_id for hit in page.hits]
        cursor = page.next_cursor
        if cursor is None:
            break
    cost.seconds = time.perf_counter() - started
    cost.results = len(returned)
    cost.correct = returned == shape.expected(len(returned)) and len(returned) == min(
        PAGES * PAGE_SIZE, len(shape.matches)
    )
    return cost


def _pages(values: list[int]) -> str:
    return "/".join(str(value) for value in values)


def print_table(costs: list[Cost]) -> None:
    header = (
        f"{'shape':<46} {'profiles':>8} {'matches':>7} {'results':>7} "
        f"{'items read':>12} {'items/result':>12} {'requests':>10} {'req/page':>8}  answer"
    )
    print(header)
    print("-" * len(header))
    order = list(dict.fromkeys(cost.shape for cost in costs))
    for cost in sorted(costs, key=lambda c: (order.index(c.shape), c.profiles)):
        print(
            f"{cost.shape:<46} {cost.profiles:>8,} {cost.matches:>7,} {cost.results:>7} "
            f"{_pages(cost.items):>12} {cost.items_per_result:>12.2f} "
            f"{_pages(cost.requests):>10} {cost.requests_per_page:>8.1f}  "
            f"{'ok' if cost.correct else 'WRONG'}"
        )
    print("(items read and requests are per page: page 1/page 2/page 3)")


def check(costs: list[Cost], shapes: list[Shape]) -> list[str]:
    """PASS/FAIL lines; the failures are those starting with FAIL."""
    lines = []
    for shape in shapes:
        mine = sorted((c for c in costs if c.shape == shape.name), key=lambda c: c.profiles)
        smallest, largest = mine[0], mine[-1]
        growth = largest.items_per_result / max(smallest.items_per_result, 1e-9)
        worst = max(c.items_per_result for c in mine)
        ok = growth <= MAX_GROWTH and worst <= MAX_ITEMS_PER_RESULT
        ok = ok and all(c.correct for c in mine)
        lines.append(
            f"{'PASS' if ok else 'FAIL'} {shape.name}: items/result "
            f"{smallest.items_per_result:.2f} at {smallest.profiles:,} -> "
            f"{largest.items_per_result:.2f} at {largest.profiles:,} "
            f"(x{growth:.2f}, target <= {MAX_GROWTH}); worst {worst:.2f} "
            f"(target <= {MAX_ITEMS_PER_RESULT:g}); requests/page "
            f"{smallest.requests_per_page:.1f} -> {largest.requests_per_page:.1f}"
            + ("" if all(c.correct for c in mine) else "; WRONG RESULTS")
        )
        if smallest.matches < PAGES * PAGE_SIZE:
            lines.append(
                f"     note: at {smallest.profiles:,} only {smallest.matches} profiles match "
                f"(under {PAGES} pages), so that query read its partitions to the end"
            )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--max", type=int, default=SIZES[-1], help="stop at this many profiles (default 100000)"
    )
    parser.add_argument(
        "--all-postings",
        action="store_true",
        help="write every posting, not only those in partitions the queries read",
    )
    args = parser.parse_args()
    sizes = [size for size in SIZES if size < args.max] + [args.max]

    started = time.perf_counter()
    mock = start_emulator()
    counter = ReadCounter()
    counter.install()
    from chalicelib import clock

    anchor = clock.now().date()
    shapes = choose_shapes(anchor)
    wanted = partitions_read(shapes)
    keep: Callable[[str], bool] = (lambda _: True) if args.all_postings else wanted.__contains__
    print(f"emulator: moto mock_aws; {'all postings' if args.all_postings else 'postings in'}")
    if not args.all_postings:
        print(f"  the {len(wanted)} partitions the queries read: {', '.join(sorted(wanted))}")
    print("shapes:", "; ".join(shape.name for shape in shapes))

    costs: list[Cost] = []
    loaded = 0
    try:
        for size in sizes:
            load_started = time.perf_counter()
            written = load(loaded, size, anchor, shapes, keep)
            load_seconds = time.perf_counter() - load_started
            print(
                f"loaded {size:,} profiles (+{size - loaded:,}, {written:,} postings written) "
                f"in {load_seconds:.1f} s"
            )
            loaded = size
            for shape in shapes:
                cost = measure(shape, size, counter)
                costs.append(cost)
                print(
                    f"  {shape.name}: {cost.items_per_result:.2f} items/result, "
                    f"{cost.requests_per_page:.1f} requests/page ({cost.seconds:.1f} s)"
                )
    finally:
        mock.stop()

    print()
    print_table(costs)
    print()
    lines = check(costs, shapes)
    for line in lines:
        print(line)
    print(f"total time {time.perf_counter() - started:.0f} s")
    return 1 if any(line.startswith("FAIL") for line in lines) else 0


if __name__ == "__main__":
    raise SystemExit(main())

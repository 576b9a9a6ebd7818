"""The dashboard's figures, kept as counters so reading them never scans.

- Day items (`STATS_DAY#<yyyy-mm-dd>`, `DAY`): per-day sums with one top-level number
  attribute per figure and currency (`gmv_IQD`, `revenue_USD`, `new_users`,
  `active_talent`). A range is one BatchGetItem per 100 days.
- State counters (`STATS#STATES`, `<process>#<state>`): how many subjects of a process are
  in each state now; a transition event moves one from `from` to `to`. Generic over the
  process name, so `dispute` counts as soon as dispute transitions exist. One Query.
- Pending payouts (`STATS#PAYOUTS_PENDING`, `<currency>#<shard>`): count and amount of
  payouts not yet paid, failed or skipped, moved in the payout's own transactions; sharded
  by payout id so two payouts in one transaction never write one item. One Query.
- Event marks (`STATS_EVENT#<event id>`): written in the same transaction as the counters
  an event moves, so a redelivered event moves nothing twice.
- Active marks (`STATS_ACTIVE#<day>#<talent id>`, TTL): a talent is counted once a day."""

from __future__ import annotations

import zlib
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.expressions.operand import Path

from chalicelib import clock
from chalicelib.models.base import Item, connection
from chalicelib.models.writes import Writes, save

STATES_PK = "STATS#STATES"
PAYOUTS_PK = "STATS#PAYOUTS_PENDING"
DAY_SK = "DAY"
PAYOUT_SHARDS = 16
BATCH_KEYS = 100
MARK_DAYS = 400


def day_pk(day: date) -> str:
    return f"STATS_DAY#{day.isoformat()}"


def event_mark_pk(event_id: str) -> str:
    return f"STATS_EVENT#{event_id}"


def active_mark_pk(day: date, talent_id: str) -> str:
    return f"STATS_ACTIVE#{day.isoformat()}#{talent_id}"


class StatsDayItem(Item, discriminator="stats_day"):
    """Its figures are dynamic attributes (one per figure and currency), moved by ADD."""

    day = UnicodeAttribute()


class StateCounterItem(Item, discriminator="stats_state"):
    process = UnicodeAttribute()
    state = UnicodeAttribute()
    tally = NumberAttribute(default=0)


class PayoutsPendingItem(Item, discriminator="stats_payouts"):
    currency = UnicodeAttribute()
    tally = NumberAttribute(default=0)
    amount = NumberAttribute(default=0)


class StatsMarkItem(Item, discriminator="stats_mark"):
    expires_at = TTLAttribute(null=True)


def _update(item: Item, actions: list[Any]) -> Any:
    return lambda transaction: transaction.update(item, actions=actions)


def _figure(name: str) -> Path:
    return Path(NumberAttribute(attr_name=name))


def add_to_day_in(writes: Writes, day: date, figures: dict[str, int]) -> None:
    """ADD each figure to the day's item (created by the first ADD)."""
    moves = {name: amount for name, amount in figures.items() if amount}
    if not moves:
        return
    item = StatsDayItem(day_pk(day), DAY_SK)
    actions: list[Any] = [
        StatsDayItem.kind.set(StatsDayItem),
        StatsDayItem.day.set(day.isoformat()),
    ]
    actions += [_figure(name).add(amount) for name, amount in sorted(moves.items())]
    writes.add((item.pk, item.sk), "stats_day", lambda t: t.update(item, actions=actions))


def add_to_day(transaction: Any, day: date, figures: dict[str, int]) -> None:
    """The same inside a raw pynamodb transaction (the user's provisioning)."""
    item = StatsDayItem(day_pk(day), DAY_SK)
    actions: list[Any] = [
        StatsDayItem.kind.set(StatsDayItem),
        StatsDayItem.day.set(day.isoformat()),
    ]
    actions += [_figure(name).add(amount) for name, amount in sorted(figures.items())]
    transaction.update(item, actions=actions)


def move_state_in(writes: Writes, process: str, before: str | None, after: str | None) -> None:
    for state, delta in ((before, -1), (after, 1)):
        if state is None:
            continue
        item = StateCounterItem(STATES_PK, f"{process}#{state}")
        actions: list[Any] = [
            StateCounterItem.kind.set(StateCounterItem),  # an upsert: the discriminator too
            StateCounterItem.process.set(process),
            StateCounterItem.state.set(state),
            StateCounterItem.tally.add(delta),
        ]
        writes.add((item.pk, item.sk), f"stats_state_{delta}", _update(item, actions))


def mark_event_in(writes: Writes, event_id: str) -> None:
    """Fails the transaction (a conflict) when the event was counted already."""
    mark = StatsMarkItem(
        event_mark_pk(event_id), "EVENT", expires_at=clock.now() + timedelta(days=MARK_DAYS)
    )
    writes.add_first(
        (mark.pk, mark.sk), "stats_event", save(mark, StatsMarkItem.pk.does_not_exist())
    )


def mark_active_in(writes: Writes, day: date, talent_id: str) -> None:
    mark = StatsMarkItem(
        active_mark_pk(day, talent_id), "ACTIVE", expires_at=clock.now() + timedelta(days=MARK_DAYS)
    )
    writes.add_first(
        (mark.pk, mark.sk), "stats_active", save(mark, StatsMarkItem.pk.does_not_exist())
    )


def payouts_pending_in(
    writes: Writes, payout_id: str, currency: str, count: int, amount: int
) -> None:
    """In a payout's own transaction: it became pending (+1) or left it (-1)."""
    shard = zlib.crc32(payout_id.encode()) % PAYOUT_SHARDS
    item = PayoutsPendingItem(PAYOUTS_PK, f"{currency}#{shard:02d}")
    actions: list[Any] = [
        PayoutsPendingItem.kind.set(PayoutsPendingItem),  # an upsert: the discriminator too
        PayoutsPendingItem.currency.set(currency),
        PayoutsPendingItem.tally.add(count),
        PayoutsPendingItem.amount.add(amount),
    ]
    writes.add((item.pk, item.sk), "stats_payouts", lambda t: t.update(item, actions=actions))


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def day_figures(first: date, last: date) -> dict[str, int]:
    """The sums of every figure over [first, last]: BatchGetItem, 100 days at a time."""
    from chalicelib.settings import get_settings

    table = get_settings().table_name
    totals: dict[str, int] = defaultdict(int)
    wanted = [{"PK": {"S": day_pk(day)}, "SK": {"S": DAY_SK}} for day in days(first, last)]
    for start in range(0, len(wanted), BATCH_KEYS):
        pending: dict[str, Any] = {table: {"Keys": wanted[start : start + BATCH_KEYS]}}
        while pending:
            answer = connection().client.batch_get_item(RequestItems=pending)
            for raw in answer.get("Responses", {}).get(table, []):
                for name, value in raw.items():
                    if "N" in value and name not in ("PK", "SK"):
                        totals[name] += int(value["N"])
            pending = answer.get("UnprocessedKeys") or {}
    return dict(totals)


def state_counts() -> dict[str, dict[str, int]]:
    """{process: {state: n}}: one Query."""
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for item in StateCounterItem.query(STATES_PK):
        if isinstance(item, StateCounterItem):
            found[item.process][item.state] = int(item.tally or 0)
    return dict(found)


def payouts_pending() -> tuple[int, dict[str, int]]:
    count = 0
    amounts: dict[str, int] = defaultdict(int)
    for item in PayoutsPendingItem.query(PAYOUTS_PK):
        if isinstance(item, PayoutsPendingItem):
            count += int(item.tally or 0)
            amounts[item.currency] += int(item.amount or 0)
    return count, {currency: amount for currency, amount in amounts.items()}


def day_of(at: datetime) -> date:
    return at.astimezone(UTC).date() if at.tzinfo else at.date()

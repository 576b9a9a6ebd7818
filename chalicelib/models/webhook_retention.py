"""How long raw provider callbacks are kept, so that a flood of them cannot grow the table
without bound: every stored callback expires (TTL) after WEBHOOK_RETENTION_SECONDS, and
one from an unsigned provider that names no payment we know (anyone could have sent it)
after UNMATCHED_WEBHOOK_RETENTION_SECONDS. Unmatched callbacks are counted per provider
and UTC day, in the same transaction that marks them, so a redelivery counts once."""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.errors import ConflictError
from chalicelib.models import keys
from chalicelib.models.base import Item, connection
from chalicelib.models.conditions import conflict_on_condition_failure
from chalicelib.models.payment_items import WebhookItem, webhooks_listed_gsi1pk
from chalicelib.settings import get_settings

UNMATCHED = "webhooks_unmatched"
COUNTER_RETENTION = timedelta(days=400)


class CounterItem(Item, discriminator="counter"):
    name = UnicodeAttribute()
    dimension = UnicodeAttribute()
    day = UnicodeAttribute()
    occurrences = NumberAttribute(default=0)
    expires_at = TTLAttribute()


def stored_until(now: datetime) -> datetime:
    return now + timedelta(seconds=get_settings().webhook_retention_seconds)


def mark_unmatched(webhook_id: str, provider: str, *, signed: bool) -> bool:
    """Flag a received callback `unmatched` and count it; an unsigned one is kept only
    briefly. False when an earlier delivery already did (nothing counted twice)."""
    now = clock.now()
    settings = get_settings()
    retention = (
        settings.webhook_retention_seconds
        if signed
        else settings.unmatched_webhook_retention_seconds
    )
    note = "no payment has this provider reference" + (
        "" if signed else " (unsigned: kept briefly)"
    )
    day = now.date().isoformat()
    try:
        with (
            conflict_on_condition_failure("the webhook was settled meanwhile"),
            TransactWrite(connection=connection()) as transaction,
        ):
            transaction.update(
                WebhookItem(keys.webhook_pk(webhook_id), keys.WEBHOOK_SK),
                actions=[
                    WebhookItem.state.set("unmatched"),
                    WebhookItem.gsi1pk.set(webhooks_listed_gsi1pk("unmatched")),
                    WebhookItem.note.set(note),
                    WebhookItem.expires_at.set(now + timedelta(seconds=retention)),
                ],
                condition=WebhookItem.state == "received",
            )
            transaction.update(
                CounterItem(keys.counter_pk(UNMATCHED, provider), keys.counter_day_sk(day)),
                actions=[
                    CounterItem.occurrences.add(1),
                    # An update does not write the discriminator by itself.
                    CounterItem.kind.set(CounterItem),
                    CounterItem.name.set(UNMATCHED),
                    CounterItem.dimension.set(provider),
                    CounterItem.day.set(day),
                    CounterItem.expires_at.set(now + COUNTER_RETENTION),
                ],
            )
    except ConflictError:
        return False
    return True


def unmatched_count(provider: str, day: str) -> int:
    try:
        item = CounterItem.get(keys.counter_pk(UNMATCHED, provider), keys.counter_day_sk(day))
    except DoesNotExist:
        return 0
    return int(item.occurrences)

"""Token buckets in the table, each request costing ONE conditional UpdateItem.

A bucket holds `capacity` tokens and gains one every `interval`. It is kept as GCRA's
"theoretical arrival time" (tat): a request is allowed when `tat <= now + (capacity - 1)
* interval`, and moves tat one interval on. A true bucket starts from max(tat, now),
which no update expression can compute, so tat lives in an item per refill window
(`capacity * interval` long) and a window's first request starts it at now. The price of
one request instead of read-then-write: after a quiet stretch inside a window, up to
twice `capacity` may pass in that window. Items expire by TTL a window after their own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from pynamodb.attributes import NumberAttribute, TTLAttribute

from chalicelib import clients
from chalicelib.models import keys
from chalicelib.models.base import Item
from chalicelib.settings import get_settings

KIND = "rate_bucket"


class RateBucketItem(Item, discriminator=KIND):
    """Written only by `take` (a raw UpdateItem: pynamodb cannot ask for the old item
    when the condition fails, and that is what tells the caller how long to wait)."""

    tat_ms = NumberAttribute()
    expires_at = TTLAttribute()


@dataclass(frozen=True)
class Bucket:
    capacity: int
    interval_ms: int  # one token per interval

    @classmethod
    def per_minute(cls, burst: int, per_minute: int) -> Bucket:
        return cls(capacity=burst, interval_ms=max(1, 60_000 // per_minute))

    @classmethod
    def once_per(cls, seconds: int) -> Bucket:
        return cls(capacity=1, interval_ms=seconds * 1000)

    @property
    def window_ms(self) -> int:
        return self.capacity * self.interval_ms


def take(scope: str, who: str, bucket: Bucket, now: datetime) -> int | None:
    """Take a token: None when allowed, else the whole seconds until one is free."""
    now_ms = int(now.timestamp() * 1000)
    window = now_ms // bucket.window_ms
    limit = now_ms + (bucket.capacity - 1) * bucket.interval_ms
    expires_at = (window + 2) * bucket.window_ms // 1000 + 1
    client = clients.client("dynamodb")
    try:
        client.update_item(
            TableName=get_settings().table_name,
            Key={
                keys.PK: {"S": keys.rate_bucket_pk(scope, who)},
                keys.SK: {"S": keys.rate_window_sk(window)},
            },
            UpdateExpression=(
                "SET tat_ms = if_not_exists(tat_ms, :now) + :interval, "
                "expires_at = :expires, #kind = :kind"
            ),
            ConditionExpression="attribute_not_exists(tat_ms) OR tat_ms <= :limit",
            ExpressionAttributeNames={"#kind": "kind"},
            ExpressionAttributeValues={
                ":now": {"N": str(now_ms)},
                ":interval": {"N": str(bucket.interval_ms)},
                ":limit": {"N": str(limit)},
                ":expires": {"N": str(expires_at)},
                ":kind": {"S": KIND},
            },
            ReturnValues="NONE",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except client.exceptions.ConditionalCheckFailedException as refused:
        old = refused.response.get("Item", {}).get("tat_ms", {}).get("N")
        wait_ms = int(old) - limit if old is not None else bucket.interval_ms
        # Never past the window's end: the next window's bucket starts full.
        wait_ms = min(wait_ms, (window + 1) * bucket.window_ms - now_ms)
        return max(1, math.ceil(wait_ms / 1000))
    return None

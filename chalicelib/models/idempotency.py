"""Idempotency records: the first request with a key claims it; later ones replay its answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pynamodb.attributes import MapAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from chalicelib import clock
from chalicelib.errors import ConflictError
from chalicelib.models import keys
from chalicelib.models.base import Item
from chalicelib.models.conditions import conflict_on_condition_failure

IN_PROGRESS = "in_progress"
COMPLETED = "completed"
# A request that crashed mid-flight releases its key after this long.
IN_PROGRESS_LEASE = timedelta(seconds=60)


class IdempotencyItem(Item, discriminator="idempotency"):
    request_hash = UnicodeAttribute()
    state = UnicodeAttribute()
    lease_until = NumberAttribute()
    response_status = NumberAttribute(null=True)
    response_body = UnicodeAttribute(null=True)
    response_headers = MapAttribute[str, Any](null=True)
    expires_at = TTLAttribute()


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Claim:
    """Outcome of claiming a key: either we own it, or the first answer to replay."""

    owned: bool
    request_hash: str
    replay: StoredResponse | None = None
    in_progress: bool = False


def claim(scope: str, key: str, request_hash: str, ttl: timedelta) -> Claim:
    now = clock.now()
    item = IdempotencyItem(
        keys.idempotency_pk(scope, key),
        keys.IDEMPOTENCY_SK,
        request_hash=request_hash,
        state=IN_PROGRESS,
        lease_until=int((now + IN_PROGRESS_LEASE).timestamp()),
        expires_at=now + ttl,
    )
    now_epoch = int(now.timestamp())
    # DynamoDB deletes expired items lazily (up to days later): treat them as absent here.
    takeover = (
        IdempotencyItem.pk.does_not_exist()
        | (IdempotencyItem.expires_at < now)
        | ((IdempotencyItem.state == IN_PROGRESS) & (IdempotencyItem.lease_until < now_epoch))
    )
    try:
        with conflict_on_condition_failure("idempotency key in use"):
            item.save(condition=takeover)
        return Claim(owned=True, request_hash=request_hash)
    except ConflictError:
        pass
    try:
        existing = IdempotencyItem.get(
            keys.idempotency_pk(scope, key), keys.IDEMPOTENCY_SK, consistent_read=True
        )
    except DoesNotExist:  # expired and deleted between our two calls: the next try claims it
        return Claim(owned=False, request_hash="", in_progress=True)
    if existing.state == COMPLETED and existing.response_status is not None:
        headers = existing.response_headers
        return Claim(
            owned=False,
            request_hash=existing.request_hash,
            replay=StoredResponse(
                status=int(existing.response_status),
                body=existing.response_body or "",
                headers=headers.as_dict() if isinstance(headers, MapAttribute) else {},
            ),
        )
    return Claim(owned=False, request_hash=existing.request_hash, in_progress=True)


def complete(scope: str, key: str, response: StoredResponse) -> None:
    item = IdempotencyItem(keys.idempotency_pk(scope, key), keys.IDEMPOTENCY_SK)
    item.update(
        actions=[
            IdempotencyItem.state.set(COMPLETED),
            IdempotencyItem.response_status.set(response.status),
            IdempotencyItem.response_body.set(response.body),
            IdempotencyItem.response_headers.set(response.headers),
        ],
        condition=IdempotencyItem.state == IN_PROGRESS,
    )


def release(scope: str, key: str) -> None:
    """Forget an in-progress claim (the request failed with a server error): a retry may run."""
    item = IdempotencyItem(keys.idempotency_pk(scope, key), keys.IDEMPOTENCY_SK)
    item.delete(condition=IdempotencyItem.state == IN_PROGRESS)

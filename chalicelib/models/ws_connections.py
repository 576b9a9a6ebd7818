"""Open WebSocket connections: one item per connection, found by user on GSI1. A TTL clears
connections whose disconnect never arrived (API Gateway closes any after 2 hours)."""

from __future__ import annotations

from datetime import timedelta

from pynamodb.attributes import TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib import clock
from chalicelib.models import keys
from chalicelib.models.base import Item

# API Gateway's own limit on a WebSocket connection's life, plus a margin.
LIFETIME = timedelta(hours=2, minutes=10)
# A user with more open connections than this (tabs, devices) gets pushes on the newest.
MAX_PER_USER = 25


class ConnectionItem(Item, discriminator="ws_connection"):
    connection_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    connected_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()


def add(connection_id: str, user_id: str) -> None:
    now = clock.now()
    ConnectionItem(
        keys.ws_connection_pk(connection_id),
        keys.WS_CONNECTION_SK,
        connection_id=connection_id,
        user_id=user_id,
        connected_at=now,
        expires_at=now + LIFETIME,
        gsi1pk=keys.ws_connections_of_user_gsi1pk(user_id),
        gsi1sk=f"{clock.to_rfc3339(now)}#{connection_id}",
    ).save()


def remove(connection_id: str) -> None:
    ConnectionItem(keys.ws_connection_pk(connection_id), keys.WS_CONNECTION_SK).delete()


def of_user(user_id: str) -> list[str]:
    """The user's live connections, newest first (expired ones are skipped: TTL lags)."""
    now = clock.now()
    return [
        item.connection_id
        for item in ConnectionItem.gsi1.query(
            keys.ws_connections_of_user_gsi1pk(user_id),
            scan_index_forward=False,
            limit=MAX_PER_USER,
        )
        if isinstance(item, ConnectionItem) and item.expires_at > now
    ]

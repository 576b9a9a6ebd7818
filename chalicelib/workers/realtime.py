"""Pushes JSON frames to every open WebSocket connection of a user, through API Gateway's
@connections management API. Reusable by any capability (messages, read receipts, and
next notifications): `push_to_user(user_id, frame)`."""

from __future__ import annotations

import json
from typing import Any

from chalicelib import clients
from chalicelib.models import ws_connections
from chalicelib.settings import get_settings

SERVICE = "apigatewaymanagementapi"


class RealtimeNotConfiguredError(RuntimeError):
    """WEBSOCKET_API_URL is unset: a push would silently reach nobody."""


def _management_api() -> Any:
    url = get_settings().websocket_api_url
    if not url:
        raise RealtimeNotConfiguredError("WEBSOCKET_API_URL is not configured")
    return clients.client(SERVICE, endpoint_url=url)


def _is_gone(error: Exception) -> bool:
    response = getattr(error, "response", None) or {}
    code = response.get("Error", {}).get("Code")
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return bool(code == "GoneException" or status == 410)


def push_to_user(user_id: str, frame: dict[str, Any]) -> int:
    """Sends `frame` to each of the user's connections; a gone one (410) is deleted. Any other
    failure raises, so the queue retries the event (pushes are at least once)."""
    connections = ws_connections.of_user(user_id)
    if not connections:
        return 0
    api = _management_api()
    data = json.dumps(frame, separators=(",", ":"), ensure_ascii=False).encode()
    delivered = 0
    for connection_id in connections:
        try:
            api.post_to_connection(ConnectionId=connection_id, Data=data)
        except Exception as error:
            if not _is_gone(error):
                raise
            ws_connections.remove(connection_id)
            continue
        delivered += 1
    return delivered

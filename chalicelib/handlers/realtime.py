"""The WebSocket API's routes: a client connects with `?token=<JWT>` (verified exactly like
an HTTP bearer token; a bad one is refused at connect), and gets JSON frames pushed by the
conversations worker. Frames the client sends are not needed by the protocol and ignored."""

from __future__ import annotations

from typing import Any

from chalicelib import observability
from chalicelib.errors import DomainError


def connect(event: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.auth.principal import authenticate
    from chalicelib.models import ws_connections

    query = event.get("queryStringParameters") or {}
    token = query.get("token") if isinstance(query, dict) else None
    try:
        principal = authenticate(f"Bearer {token}" if token else None)
    except DomainError as error:
        return {"statusCode": error.status, "body": error.code}
    connection_id = event["requestContext"]["connectionId"]
    ws_connections.add(connection_id, principal.user_id)
    observability.logger().info(
        "websocket connected", extra={"connection_id": connection_id, "user": principal.user_id}
    )
    return {"statusCode": 200}


def disconnect(event: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.models import ws_connections

    ws_connections.remove(event["requestContext"]["connectionId"])
    return {"statusCode": 200}


def message(event: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": 200}

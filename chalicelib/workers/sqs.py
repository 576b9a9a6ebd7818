"""SQS batches with partial failure reports, and routing of our own typed messages."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

RecordHandler = Callable[[dict[str, Any]], None]
MessageHandler = Callable[[dict[str, Any]], None]


class UnknownMessageError(Exception):
    """A message nobody handles: it fails, is retried, and ends in the DLQ, never dropped."""


def process_batch(event: dict[str, Any], context: Any, handle: RecordHandler) -> dict[str, Any]:
    """Run `handle` on each record; failed ones are reported back so that only they are
    retried (and, past maxReceiveCount, moved to the DLQ)."""
    if not event.get("Records"):
        return {"batchItemFailures": []}
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)

    def record_handler(record: Any) -> None:  # powertools requires this parameter name
        handle(record.raw_event)

    result = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return dict(result)


def message_body(record: Mapping[str, Any]) -> dict[str, Any]:
    body = json.loads(record["body"])
    if not isinstance(body, dict):
        raise ValueError("message body must be a JSON object")
    return body


class MessageRouter:
    """Routes `{"type": ..., ...}` messages to the handler registered for that type."""

    def __init__(self, queue: str) -> None:
        self.queue = queue
        self._handlers: dict[str, MessageHandler] = {}

    def register(self, message_type: str) -> Callable[[MessageHandler], MessageHandler]:
        def decorator(handler: MessageHandler) -> MessageHandler:
            self._handlers[message_type] = handler
            return handler

        return decorator

    def dispatch(self, message: dict[str, Any]) -> None:
        message_type = str(message.get("type", ""))
        handler = self._handlers.get(message_type)
        if handler is None:
            raise UnknownMessageError(f"{self.queue}: no handler for message type {message_type!r}")
        handler(message)

    def handle_record(self, record: dict[str, Any]) -> None:
        self.dispatch(message_body(record))

"""The exports worker: one queued export per message (exports queue, with its DLQ) becomes a
CSV in S3 (usecases/console/exports.py). A failure marks the export failed and is reported
as a failed record."""

from __future__ import annotations

from typing import Any

from chalicelib.usecases.console import exports
from chalicelib.workers.sqs import UnknownMessageError, message_body


def handle_record(record: dict[str, Any]) -> None:
    body = message_body(record)
    if body.get("type") != exports.MESSAGE_TYPE or not body.get("export_id"):
        raise UnknownMessageError("exports: not an export message")
    exports.run(str(body["export_id"]))

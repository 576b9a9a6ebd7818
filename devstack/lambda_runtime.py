"""What Lambda does around a handler: find the app's event sources, build the events AWS
would send, supply a context, and read a partial-batch answer the way AWS reads it."""

from __future__ import annotations

import base64
import importlib
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import Any

from chalice.app import Rate, ScheduledEventConfig, SQSEventConfig

# moto's default account; the ARNs the emulator hands out carry it.
ACCOUNT_ID = "123456789012"
SQS_TIMEOUT_SECONDS = 60
SCHEDULE_TIMEOUT_SECONDS = 300
MEMORY_MB = 128
# A rate longer than this still runs this often locally: schedules only matter in demos
# after /dev/clock moved time forward, and nobody waits a real hour to see a job fire.
LOCAL_MAX_INTERVAL_SECONDS = 60

Handler = Callable[[dict[str, Any], Any], Any]

_RATE_SECONDS = {Rate.MINUTES: 60, Rate.HOURS: 3600, Rate.DAYS: 86400}


@dataclass(frozen=True)
class SqsSource:
    name: str
    function_name: str
    queue_name: str
    batch_size: int
    handler: Handler


@dataclass(frozen=True)
class ScheduledSource:
    name: str
    function_name: str
    expression: str
    interval_seconds: float
    handler: Handler


def discover(app_module: ModuleType, stage: str) -> tuple[list[SqsSource], list[ScheduledSource]]:
    app = app_module.app
    app_name = str(app.app_name)
    sqs: list[SqsSource] = []
    scheduled: list[ScheduledSource] = []
    for config in app.event_sources:
        if isinstance(config, SQSEventConfig):
            queue_name = config.queue or str(config.queue_arn).rsplit(":", 1)[-1]
            sqs.append(
                SqsSource(
                    name=config.name,
                    function_name=function_name(app_name, stage, config.name),
                    queue_name=queue_name,
                    batch_size=int(config.batch_size or 10),
                    handler=_resolve(app_module, config.name, config.handler_string),
                )
            )
        elif isinstance(config, ScheduledEventConfig):
            expression = config.schedule_expression
            scheduled.append(
                ScheduledSource(
                    name=config.name,
                    function_name=function_name(app_name, stage, config.name),
                    expression=_expression_text(expression),
                    interval_seconds=_local_interval(expression),
                    handler=_resolve(app_module, config.name, config.handler_string),
                )
            )
    return sqs, scheduled


def _resolve(app_module: ModuleType, name: str, handler_string: str) -> Handler:
    """Lambda imports `handler_string` (module.attribute); blueprints may live elsewhere."""
    module_name, _, attribute = handler_string.rpartition(".")
    module = app_module
    if module_name and module_name != app_module.__name__:
        module = importlib.import_module(module_name)
    handler: Handler = getattr(module, attribute or name)
    return handler


def _expression_text(expression: Any) -> str:
    return expression if isinstance(expression, str) else str(expression.to_string())


def _local_interval(expression: Any) -> float:
    if isinstance(expression, Rate):
        seconds = int(expression.value) * _RATE_SECONDS.get(str(expression.unit).upper(), 60)
        return float(min(seconds, LOCAL_MAX_INTERVAL_SECONDS))
    # Cron and raw strings: once a minute is as often as either could ever fire.
    return float(LOCAL_MAX_INTERVAL_SECONDS)


def function_name(app_name: str, stage: str, handler_name: str) -> str:
    # The name chalice gives the deployed function.
    return f"{app_name}-{stage}-{handler_name}"


class FakeLambdaContext:
    """The attributes of Lambda's context object that handlers and powertools read."""

    def __init__(self, name: str, region: str, timeout_seconds: int) -> None:
        self.function_name = name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{name}"
        self.memory_limit_in_mb = MEMORY_MB
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "local"
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def sqs_event(messages: Iterable[Mapping[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """The event Lambda's SQS poller hands the function (field names and casing as AWS)."""
    return {"Records": [_sqs_record(message, queue_arn, region) for message in messages]}


def _sqs_record(message: Mapping[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": dict(message.get("Attributes") or {}),
        "messageAttributes": {
            name: _message_attribute(value)
            for name, value in (message.get("MessageAttributes") or {}).items()
        },
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if message.get("MD5OfMessageAttributes"):
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def _message_attribute(value: Mapping[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {
        "stringListValues": list(value.get("StringListValues") or []),
        "binaryListValues": [
            base64.b64encode(item).decode("ascii") for item in value.get("BinaryListValues") or []
        ],
        "dataType": value.get("DataType", "String"),
    }
    if "StringValue" in value:
        converted["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        converted["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode("ascii")
    return converted


def scheduled_event(rule_name: str, region: str, now: datetime) -> dict[str, Any]:
    """What an EventBridge schedule rule delivers."""
    from chalicelib.clock import to_rfc3339

    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": to_rfc3339(now),
        "region": region,
        "resources": [f"arn:aws:events:{region}:{ACCOUNT_ID}:rule/{rule_name}"],
        "detail": {},
    }


def failed_message_ids(result: Any, message_ids: Sequence[str]) -> set[str]:
    """Lambda's ReportBatchItemFailures rules: listed ids are retried; an answer naming an
    id that was not in the batch (or none at all) fails the whole batch."""
    if not isinstance(result, Mapping) or "batchItemFailures" not in result:
        return set()
    failures = result.get("batchItemFailures")
    if not failures:
        return set()
    if not isinstance(failures, list):
        return set(message_ids)
    failed: set[str] = set()
    for failure in failures:
        item = failure.get("itemIdentifier") if isinstance(failure, Mapping) else None
        if not item or item not in message_ids:
            return set(message_ids)
        failed.add(str(item))
    return failed

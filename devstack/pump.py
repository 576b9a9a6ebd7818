"""The event pump: Lambda's pollers and EventBridge's scheduler, for the local stack.

One thread per SQS event source receives batches and calls the app's handler with the
event Lambda would build, then deletes only what the handler did not report as failed;
retries and the move to the DLQ are the emulator's (maxReceiveCount). One more thread
runs the scheduled handlers. Every invocation is counted, so `wait_drained` can tell
"nothing queued, nothing in flight, nobody working" exactly rather than by guessing.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from devstack import console
from devstack.lambda_runtime import (
    SCHEDULE_TIMEOUT_SECONDS,
    SQS_TIMEOUT_SECONDS,
    FakeLambdaContext,
    ScheduledSource,
    SqsSource,
    failed_message_ids,
    scheduled_event,
    sqs_event,
)

POLL_WAIT_SECONDS = 1  # long poll; also bounds how long stop() waits for a poller
ERROR_BACKOFF_SECONDS = 1.0
DRAIN_CHECK_INTERVAL_SECONDS = 0.1
_QUEUE_COUNTERS = (
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
)


class Activity:
    """How many invocations are running, and a generation that moves at each start and end:
    two equal snapshots around a look at the queues mean nothing happened in between."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._generation = 0

    @contextmanager
    def working(self) -> Iterator[None]:
        with self._lock:
            self._running += 1
            self._generation += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                self._generation += 1

    def snapshot(self) -> tuple[int, int]:
        with self._lock:
            return self._running, self._generation


@dataclass(frozen=True)
class TickResult:
    ran: list[str]
    results: dict[str, Any]


class EventPump:
    def __init__(
        self,
        sqs_client: Any,
        region: str,
        *,
        sqs_sources: list[SqsSource],
        scheduled_sources: list[ScheduledSource],
        queue_urls: Mapping[str, str],
        dlq_urls: Mapping[str, str],
    ) -> None:
        self._sqs = sqs_client
        self._region = region
        self._sqs_sources = sqs_sources
        self._scheduled_sources = scheduled_sources
        self._queue_urls = dict(queue_urls)
        self._dlq_urls = dict(dlq_urls)
        self._activity = Activity()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._watched: list[str] | None = None
        self._last_results: dict[str, Any] = {}
        # A schedule and /dev/tick never run the same handler at once, as one rule would not.
        self._schedule_locks = {source.name: threading.Lock() for source in scheduled_sources}

    def start(self) -> None:
        for source in self._sqs_sources:
            poller = _SqsPoller(self._sqs, self._region, source, self._activity, self._stopping)
            self._spawn(f"pump-{source.name}", poller.run)
        if self._scheduled_sources:
            self._spawn("pump-schedules", self._run_schedules)

    def _spawn(self, name: str, target: Any) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def request_stop(self) -> None:
        self._stopping.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        stuck = [thread.name for thread in self._threads if thread.is_alive()]
        if stuck:
            console.warn(f"pump: still busy at shutdown, abandoning {', '.join(stuck)}")
        self._threads.clear()

    # -- schedules ---------------------------------------------------------------------

    def _run_schedules(self) -> None:
        # Like an EventBridge rule, the first run is one interval after creation.
        next_due = {s.name: time.monotonic() + s.interval_seconds for s in self._scheduled_sources}
        while not self._stopping.is_set():
            now = time.monotonic()
            for source in self._scheduled_sources:
                if now >= next_due[source.name]:
                    next_due[source.name] = now + source.interval_seconds
                    self._run_scheduled(source, on_demand=False)
            self._stopping.wait(max(0.05, min(next_due.values()) - time.monotonic()))

    def run_schedules_now(self) -> TickResult:
        results = {
            source.name: self._run_scheduled(source, on_demand=True)
            for source in self._scheduled_sources
        }
        return TickResult(ran=list(results), results=results)

    def _run_scheduled(self, source: ScheduledSource, on_demand: bool) -> Any:
        from chalicelib import clock

        # The platform clock: after /dev/clock moved it, the event says the moved time.
        event = scheduled_event(source.function_name, self._region, clock.now())
        context = FakeLambdaContext(source.function_name, self._region, SCHEDULE_TIMEOUT_SECONDS)
        with self._schedule_locks[source.name], self._activity.working():
            started = time.monotonic()
            try:
                result = source.handler(event, context)
            except Exception as error:
                console.failure(f"pump: schedule {source.name} failed", error)
                return {"error": {"type": type(error).__name__, "message": str(error)}}
            elapsed_ms = (time.monotonic() - started) * 1000
        result = _jsonable(result)
        # Every minute, forever: say so only when the answer changes (or someone asked).
        if on_demand or result != self._last_results.get(source.name):
            console.warn(
                f"pump: schedule {source.name} ran in {elapsed_ms:.0f} ms -> {_short(result)}"
            )
        self._last_results[source.name] = result
        return result

    # -- drain -------------------------------------------------------------------------

    def wait_drained(self, timeout: float) -> bool:
        """True once every watched queue is empty (nothing visible, in flight or delayed) and
        no handler is running; False if that did not happen within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._is_drained():
                return True
            time.sleep(DRAIN_CHECK_INTERVAL_SECONDS)
        return False

    def _is_drained(self) -> bool:
        running, generation = self._activity.snapshot()
        if running:
            return False
        for url in self._watched_queue_urls():
            attributes = self._sqs.get_queue_attributes(
                QueueUrl=url, AttributeNames=list(_QUEUE_COUNTERS)
            )["Attributes"]
            if any(int(attributes.get(name, 0)) for name in _QUEUE_COUNTERS):
                return False
        return self._activity.snapshot() == (0, generation)

    def _watched_queue_urls(self) -> list[str]:
        if self._watched is None:
            urls = dict.fromkeys(self._queue_urls.values())
            for source in self._sqs_sources:
                urls.setdefault(self._sqs.get_queue_url(QueueName=source.queue_name)["QueueUrl"])
            self._watched = list(urls)
        return self._watched

    def dead_letter_counts(self) -> dict[str, int]:
        counts = {}
        for name, url in self._dlq_urls.items():
            attributes = self._sqs.get_queue_attributes(
                QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
            )["Attributes"]
            counts[name] = int(attributes.get("ApproximateNumberOfMessages", 0))
        return counts


class _SqsPoller:
    """Lambda's event-source mapping for one queue."""

    def __init__(
        self,
        sqs_client: Any,
        region: str,
        source: SqsSource,
        activity: Activity,
        stopping: threading.Event,
    ) -> None:
        self._sqs = sqs_client
        self._region = region
        self._source = source
        self._activity = activity
        self._stopping = stopping
        self._queue_url = ""
        self._queue_arn = ""

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                if not self._queue_url:
                    self._locate_queue()
                self._poll_once()
            except Exception as error:
                if self._stopping.is_set():
                    return
                console.warn(f"pump: {self._source.name}: polling failed: {error}")
                self._stopping.wait(ERROR_BACKOFF_SECONDS)

    def _locate_queue(self) -> None:
        url = self._sqs.get_queue_url(QueueName=self._source.queue_name)["QueueUrl"]
        arn = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        self._queue_arn = arn["Attributes"]["QueueArn"]
        self._queue_url = url

    def _poll_once(self) -> None:
        messages = self._sqs.receive_message(
            QueueUrl=self._queue_url,
            # One receive returns at most 10; larger batch sizes would need a batching window.
            MaxNumberOfMessages=min(self._source.batch_size, 10),
            WaitTimeSeconds=POLL_WAIT_SECONDS,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if messages:
            with self._activity.working():
                self._deliver(messages)

    def _deliver(self, messages: list[dict[str, Any]]) -> None:
        source = self._source
        ids = [message["MessageId"] for message in messages]
        event = sqs_event(messages, self._queue_arn, self._region)
        context = FakeLambdaContext(source.function_name, self._region, SQS_TIMEOUT_SECONDS)
        try:
            result = source.handler(event, context)
        except Exception as error:
            # Lambda treats a raised error as a failed batch: nothing is deleted.
            console.failure(f"pump: {source.name} raised on {len(ids)} message(s)", error)
            return
        failed = failed_message_ids(result, ids)
        done = [message for message in messages if message["MessageId"] not in failed]
        self._delete(done)
        line = f"pump: {source.name}: {len(ids)} message(s), {len(done)} ok"
        if failed:
            line += f", {len(failed)} failed ({', '.join(sorted(failed))}), retried or to DLQ"
        console.warn(line)

    def _delete(self, messages: list[dict[str, Any]]) -> None:
        for start in range(0, len(messages), 10):
            chunk = messages[start : start + 10]
            answer = self._sqs.delete_message_batch(
                QueueUrl=self._queue_url,
                Entries=[
                    {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                    for index, message in enumerate(chunk)
                ],
            )
            for failure in answer.get("Failed") or []:
                console.warn(f"pump: {self._source.name}: delete failed: {failure}")


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value


def _short(value: Any, limit: int = 200) -> str:
    text = json.dumps(_jsonable(value))
    return text if len(text) <= limit else text[: limit - 3] + "..."

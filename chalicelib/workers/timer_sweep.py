"""The scheduled sweep: fire every due timer through the handler registered for its kind.
Each handler consumes its timer in the same transaction as the effect, so a timer fires
once however often the sweep runs or overlaps. A failing timer is backed off (or parked
dead) so it cannot hold the head of its shard, and counted in metrics for the alarm."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib import clock, observability
from chalicelib.errors import ConflictError
from chalicelib.models import timer_items
from chalicelib.settings import get_settings

TimerHandler = Callable[[timer_items.Timer], None]
_handlers: dict[str, TimerHandler] = {}


def register(kind: str) -> Callable[[TimerHandler], TimerHandler]:
    def decorator(handler: TimerHandler) -> TimerHandler:
        _handlers[kind] = handler
        return handler

    return decorator


@dataclass
class SweepReport:
    fired: int = 0
    skipped: int = 0
    failed: int = 0
    parked: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "fired": self.fired,
            "skipped": self.skipped,
            "failed": self.failed,
            "parked": self.parked,
        }


# A fired timer may leave work due at once (a reminder's email, a transition's domain event
# in the outbox), and a failed one leaves room behind it (it moved later): the sweep reads
# again, a few times, while a round found anything new.
MAX_ROUNDS = 5


def sweep() -> SweepReport:
    report = SweepReport()
    log: Any = observability.logger()
    attempted: set[str] = set()
    for _ in range(MAX_ROUNDS):
        if not _sweep_once(report, log, attempted):
            break
    log.info("timers sweep", extra=report.as_dict())
    _emit_metrics(report)
    return report


def _sweep_once(report: SweepReport, log: Any, attempted: set[str]) -> bool:
    """One read of every shard's due head; True when it held a timer not yet attempted."""
    now = clock.now()
    found_new = False
    for timer in timer_items.due(now):
        if timer.id in attempted:
            continue  # attempted earlier in this sweep: once per sweep is enough
        attempted.add(timer.id)
        found_new = True
        handler = _handlers.get(timer.kind)
        try:
            if handler is None:
                raise LookupError(f"no handler for timer kind {timer.kind!r}")
            handler(timer)
            report.fired += 1
        except ConflictError:
            # Already fired by an overlapping sweep, or its subject moved on: nothing to do.
            report.skipped += 1
        except Exception as error:
            log.exception("timer failed", extra={"timer": timer.id, "kind": timer.kind})
            report.failed += 1
            _back_off(timer, error, now, report, log)
    return found_new


def _back_off(
    timer: timer_items.Timer, error: Exception, now: Any, report: SweepReport, log: Any
) -> None:
    try:
        parked = timer_items.record_failure(
            timer, f"{type(error).__name__}: {error}", now, get_settings().timer_max_attempts
        )
    except ConflictError:
        return  # consumed or re-armed meanwhile: its new slot stands
    if parked:
        report.parked += 1
        log.error("timer parked dead", extra={"timer": timer.id, "attempts": timer.attempts + 1})


def _emit_metrics(report: SweepReport) -> None:
    """TimerFailures and TimersParked feed the alarm on dead timers (infra/)."""
    sink = observability.metrics()
    if sink is None or not (report.failed or report.parked):
        return
    from aws_lambda_powertools.metrics import MetricUnit

    sink.add_metric(name="TimerFailures", unit=MetricUnit.Count, value=report.failed)
    sink.add_metric(name="TimersParked", unit=MetricUnit.Count, value=report.parked)
    sink.flush_metrics()

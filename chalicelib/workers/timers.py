"""The scheduled sweep: fire every due timer through the handler registered for its kind.
Each handler consumes its timer in the same transaction as the effect, so a timer fires
once however often the sweep runs or overlaps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib import clock, observability
from chalicelib.errors import ConflictError
from chalicelib.models import timers

TimerHandler = Callable[[timers.Timer], None]
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

    def as_dict(self) -> dict[str, int]:
        return {"fired": self.fired, "skipped": self.skipped, "failed": self.failed}


# A fired timer may leave work due at once (a reminder's email, a transition's domain event
# in the outbox): the sweep reads again, a few times, so that it goes out in this sweep
# rather than the next one a minute later.
MAX_ROUNDS = 5


def sweep() -> SweepReport:
    report = SweepReport()
    log: Any = observability.logger()
    attempted: set[str] = set()
    for _ in range(MAX_ROUNDS):
        fired_before = report.fired
        _sweep_once(report, log, attempted)
        if report.fired == fired_before:
            break
    log.info("timers sweep", extra=report.as_dict())
    return report


def _sweep_once(report: SweepReport, log: Any, attempted: set[str]) -> None:
    for timer in timers.due(clock.now()):
        if timer.id in attempted:
            continue  # failed or skipped earlier in this sweep: once per sweep is enough
        attempted.add(timer.id)
        handler = _handlers.get(timer.kind)
        if handler is None:
            log.error("no handler for timer kind", extra={"timer": timer.id, "kind": timer.kind})
            report.failed += 1
            continue
        try:
            handler(timer)
            report.fired += 1
        except ConflictError:
            # Already fired by an overlapping sweep, or its subject moved on: nothing to do.
            report.skipped += 1
        except Exception:
            log.exception("timer failed", extra={"timer": timer.id, "kind": timer.kind})
            report.failed += 1

"""The payouts processor and its timers (usecases/payouts/ tells the whole story):
`payout.requested` from the payouts queue pays a talent once however often it arrives;
`payouts.due` turns a release's hold into that message; `payouts.check` polls providers
whose payouts have no callback (FIB) until the payout is paid or failed."""

from __future__ import annotations

from typing import Any

from chalicelib.models import timer_items
from chalicelib.usecases.payouts import processing, scheduling
from chalicelib.workers.queues import payouts as payouts_queue
from chalicelib.workers.timer_sweep import register as timer_handler


@payouts_queue.register(scheduling.PAYOUT_REQUESTED)
def process_payout(message: dict[str, Any]) -> None:
    # A failure raises: the message is retried, then lands in the DLQ.
    processing.process_request(message)


@timer_handler(scheduling.DUE_TIMER)
def payout_due(timer: timer_items.Timer) -> None:
    scheduling.fire_due_timer(timer)


@timer_handler(processing.CHECK_TIMER)
def check_payout(timer: timer_items.Timer) -> None:
    processing.fire_check_timer(timer)

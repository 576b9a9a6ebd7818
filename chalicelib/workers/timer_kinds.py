"""Every module that registers timer handlers, loaded together by whoever runs the sweep
(the schedule's Lambda, the devstack's /dev/tick, tests): a timer kind without its handler
would fail in the sweep."""

from __future__ import annotations


def load() -> None:
    from chalicelib.workers import (  # noqa: F401 - each registers its timer kinds
        notifications,
        payouts,
        process_timers,
        qc,
        reviews,
        search,
        webhooks,
    )

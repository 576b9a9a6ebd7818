"""Wiring only: the Chalice app, its middleware, blueprints and event handlers."""

from __future__ import annotations

from typing import Any

from chalice import Rate

from chalicelib.handlers import (
    admin_console,
    admin_moderation,
    admin_timers,
    blocks,
    bookings,
    catalog,
    disputes,
    job_templates,
    jobs,
    me,
    media,
    notifications,
    payments,
    payouts,
    processes,
    qc,
    realtime,
    reviews,
    saved,
    search,
    subjects,
    system,
    talent,
    threads,
)
from chalicelib.resources import (
    FEATURED_REFRESH_RATE_MINUTES,
    QUEUE_NAMES,
    TIMERS_SWEEP_RATE_MINUTES,
)
from chalicelib.web.application import Application
from chalicelib.web.middleware import http_middleware
from chalicelib.workers import queues, sqs

app = Application(app_name="marketplace")
app.register_middleware(http_middleware, "http")
app.experimental_feature_flags.update(["WEBSOCKETS"])

for blueprint_module in (
    system,
    me,
    talent,
    catalog,
    media,
    saved,
    search,
    processes,
    bookings,
    jobs,
    job_templates,
    subjects,
    payments,
    payouts,
    threads,
    blocks,
    admin_timers,
    admin_moderation,
    admin_console,
    notifications,
    reviews,
    disputes,
    qc,
):
    app.register_blueprint(blueprint_module.api.blueprint)


def _event_dict(event: Any) -> dict[str, Any]:
    raw: dict[str, Any] = event.to_dict()
    return raw


@app.on_sqs_message(queue=QUEUE_NAMES["webhooks"], batch_size=10, name="webhooks_worker")
def webhooks_worker(event: Any) -> dict[str, Any]:
    from chalicelib.workers import webhooks as _webhooks  # noqa: F401 - registers the processor

    return sqs.process_batch(_event_dict(event), event.context, queues.webhooks.handle_record)


@app.on_sqs_message(queue=QUEUE_NAMES["payouts"], batch_size=5, name="payouts_worker")
def payouts_worker(event: Any) -> dict[str, Any]:
    from chalicelib.workers import payouts as _payouts  # noqa: F401 - registers the processor

    return sqs.process_batch(_event_dict(event), event.context, queues.payouts.handle_record)


@app.on_sqs_message(queue=QUEUE_NAMES["media"], batch_size=10, name="media_worker")
def media_worker(event: Any) -> dict[str, Any]:
    from chalicelib.workers import media as _media  # noqa: F401 - registers the validator

    return sqs.process_batch(_event_dict(event), event.context, queues.handle_media_record)


@app.on_sqs_message(queue=QUEUE_NAMES["notifications"], batch_size=10, name="notifications_worker")
def notifications_worker(event: Any) -> dict[str, Any]:
    from chalicelib.workers import notifications as _notifications  # noqa: F401 - registers

    return sqs.process_batch(_event_dict(event), event.context, queues.handle_notification_record)


@app.on_sqs_message(queue=QUEUE_NAMES["conversations"], batch_size=10, name="conversations_worker")
def conversations_worker(event: Any) -> dict[str, Any]:
    from chalicelib.workers import conversations as _conversations  # noqa: F401 - registers

    return sqs.process_batch(_event_dict(event), event.context, queues.handle_conversation_record)


@app.on_sqs_message(
    queue=QUEUE_NAMES["email_feedback"], batch_size=10, name="email_feedback_worker"
)
def email_feedback_worker(event: Any) -> dict[str, Any]:
    from chalicelib.workers import notifications as _notifications

    return sqs.process_batch(_event_dict(event), event.context, _notifications.handle_ses_feedback)


@app.on_sqs_message(queue=QUEUE_NAMES["qc"], batch_size=10, name="qc_worker")
def qc_worker(event: Any) -> dict[str, Any]:
    from chalicelib.workers import qc as _qc

    return sqs.process_batch(_event_dict(event), event.context, _qc.handle_record)


@app.on_ws_connect(name="ws_connect")
def ws_connect(event: Any) -> dict[str, Any]:
    return realtime.connect(_event_dict(event))


@app.on_ws_message(name="ws_message")
def ws_message(event: Any) -> dict[str, Any]:
    return realtime.message(_event_dict(event))


@app.on_ws_disconnect(name="ws_disconnect")
def ws_disconnect(event: Any) -> dict[str, Any]:
    return realtime.disconnect(_event_dict(event))


@app.schedule(Rate(FEATURED_REFRESH_RATE_MINUTES, unit=Rate.MINUTES), name="featured_refresh")
def featured_refresh(event: Any) -> dict[str, int]:
    from chalicelib.usecases import featured

    return {"sections": len(featured.refresh())}


@app.schedule(Rate(TIMERS_SWEEP_RATE_MINUTES, unit=Rate.MINUTES), name="timers_sweep")
def timers_sweep(event: Any) -> dict[str, int]:
    from chalicelib.workers import timer_kinds, timer_sweep

    timer_kinds.load()
    return timer_sweep.sweep().as_dict()


@app.on_sqs_message(queue=QUEUE_NAMES["stats"], batch_size=10, name="stats_worker")
def stats_worker(event: Any) -> dict[str, Any]:
    from chalicelib.workers import stats as _stats

    return sqs.process_batch(_event_dict(event), event.context, _stats.handle_record)


@app.on_sqs_message(queue=QUEUE_NAMES["exports"], batch_size=1, name="exports_worker")
def exports_worker(event: Any) -> dict[str, Any]:
    from chalicelib.workers import exports as _exports

    return sqs.process_batch(_event_dict(event), event.context, _exports.handle_record)

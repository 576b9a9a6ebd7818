"""powertools Logger, Metrics and Tracer, each built on first use: none at import."""

from __future__ import annotations

import threading
from typing import Any

from chalicelib.settings import get_settings

_lock = threading.Lock()
_instances: dict[str, Any] = {}


def _get(name: str, build: Any) -> Any:
    if name not in _instances:
        with _lock:
            if name not in _instances:
                _instances[name] = build()
    return _instances[name]


def logger() -> Any:
    def build() -> Any:
        from aws_lambda_powertools import Logger

        return Logger(service=get_settings().service_name)

    return _get("logger", build)


def metrics() -> Any | None:
    if not get_settings().metrics_enabled:
        return None

    def build() -> Any:
        from aws_lambda_powertools import Metrics

        return Metrics(namespace="Marketplace", service=get_settings().service_name)

    return _get("metrics", build)


def tracer() -> Any | None:
    """X-Ray tracing costs ~120 ms of imports; it is built only where it is switched on."""
    if not get_settings().tracing_enabled:
        return None

    def build() -> Any:
        from aws_lambda_powertools import Tracer

        return Tracer(service=get_settings().service_name)

    return _get("tracer", build)


def record_request_metrics(route: str, status: int, duration_ms: float) -> None:
    sink = metrics()
    if sink is None:
        return
    from aws_lambda_powertools.metrics import MetricUnit

    sink.add_dimension(name="route", value=route)
    sink.add_metric(name="Requests", unit=MetricUnit.Count, value=1)
    if status >= 500:
        sink.add_metric(name="ServerErrors", unit=MetricUnit.Count, value=1)
    elif status >= 400:
        sink.add_metric(name="ClientErrors", unit=MetricUnit.Count, value=1)
    sink.add_metric(name="Latency", unit=MetricUnit.Milliseconds, value=duration_ms)
    sink.flush_metrics()


def count(name: str, **dimensions: str) -> None:
    """One occurrence of something admins alarm on (EMF metric, when metrics are on)."""
    sink = metrics()
    if sink is None:
        return
    from aws_lambda_powertools.metrics import MetricUnit

    for key, value in dimensions.items():
        sink.add_dimension(name=key, value=value)
    sink.add_metric(name=name, unit=MetricUnit.Count, value=1)
    sink.flush_metrics()

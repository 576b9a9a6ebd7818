"""HTTP middleware: correlation id, body-size limit, logging, metrics, tracing, and the last
line of defence that keeps every error, the framework's own included, in the envelope."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from chalice.app import Request, Response

from chalicelib import observability
from chalicelib.errors import PayloadTooLargeError
from chalicelib.settings import get_settings
from chalicelib.web.envelope import error_response, internal_error_response, normalise

REQUEST_ID_HEADER = "X-Request-Id"


def _correlation_id(request: Request) -> str:
    supplied = request.headers.get("x-request-id")
    if supplied and len(supplied) <= 128:
        return str(supplied)
    context = request.context or {}
    return str(context.get("requestId") or uuid.uuid4())


def _route_name(request: Request) -> str:
    context = request.context or {}
    return f"{request.method} {context.get('resourcePath', 'unknown')}"


def _body_size(request: Request) -> int:
    raw = request.raw_body
    return len(raw) if raw else 0


def _handle(request: Request, get_response: Callable[[Request], Response]) -> Response:
    if _body_size(request) > get_settings().max_body_bytes:
        return error_response(
            PayloadTooLargeError(
                "request body too large", {"max_bytes": get_settings().max_body_bytes}
            )
        )
    tracer = observability.tracer()
    if tracer is None:
        return get_response(request)
    with tracer.provider.in_subsegment(f"## {_route_name(request)}") as subsegment:
        subsegment.put_annotation(key="route", value=_route_name(request))
        return get_response(request)


def http_middleware(request: Request, get_response: Callable[[Request], Response]) -> Response:
    started = time.perf_counter()
    correlation_id = _correlation_id(request)
    log: Any = observability.logger()
    log.append_keys(correlation_id=correlation_id)
    try:
        try:
            response = normalise(_handle(request, get_response))
        except Exception:
            log.exception("unhandled error", extra={"route": _route_name(request)})
            response = internal_error_response()
        duration_ms = (time.perf_counter() - started) * 1000
        response.headers[REQUEST_ID_HEADER] = correlation_id
        log.info(
            "request",
            extra={
                "route": _route_name(request),
                "status": response.status_code,
                "duration_ms": round(duration_ms, 1),
            },
        )
        observability.record_request_metrics(
            _route_name(request), response.status_code, duration_ms
        )
        return response
    finally:
        log.remove_keys(["correlation_id"])

"""The application's rate limiter: every write and every provider-touching read takes a
token from the caller's bucket (the user's when a bearer token is sent, else the source
address's) before anything else happens, so a refused request stores nothing, not even
its Idempotency-Key. One conditional UpdateItem per request (models/rate_limits.py)."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from chalicelib import clock
from chalicelib.errors import RateLimitedError
from chalicelib.lazy import lazy_import
from chalicelib.settings import get_settings

if TYPE_CHECKING:
    from chalicelib.models import rate_limits
    from chalicelib.web.router import RequestContext
else:
    rate_limits = lazy_import("chalicelib.models.rate_limits")


def source_address(ctx: RequestContext) -> str:
    """API Gateway's sourceIp; an IPv6 caller owns a whole /64, so that is its bucket."""
    identity = (ctx.request_context.get("identity") or {}) if ctx.request_context else {}
    raw = str(identity.get("sourceIp") or "")
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return "unknown"  # one shared bucket: a request without an address is not exempt
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address) + "/64"
    return str(address)


def enforce(ctx: RequestContext) -> None:
    limits = get_settings().rate_limits
    if ctx.header("authorization") is not None:
        scope, who = "user", ctx.principal.user_id
        bucket = rate_limits.Bucket.per_minute(limits.user_burst, limits.user_per_minute)
    else:
        scope, who = "ip", source_address(ctx)
        bucket = rate_limits.Bucket.per_minute(limits.ip_burst, limits.ip_per_minute)
    wait = rate_limits.take(scope, who, bucket, clock.now())
    if wait is not None:
        raise RateLimitedError(f"too many requests; retry in {wait} s", wait)


def may_recheck_payment(payment_id: str) -> bool:
    """A payment is re-checked with its provider at most once per PAYMENT_RECHECK_SECONDS,
    however many people look at it."""
    seconds = get_settings().rate_limits.payment_recheck_seconds
    bucket = rate_limits.Bucket.once_per(seconds)
    return rate_limits.take("payment-recheck", payment_id, bucket, clock.now()) is None

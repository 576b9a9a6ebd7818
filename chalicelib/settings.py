"""Typed configuration, read from the environment once, on first use (never at import)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

QUEUE_NAMES = ("webhooks", "payouts", "media", "notifications", "conversations", "email_feedback")
# The highest price (a quote, a service, a booking) per currency, in minor units: about
# USD 100,000 each. MAX_PRICE overrides some or all, e.g. "IQD=50000000,USD=2000000".
DEFAULT_MAX_PRICES: Mapping[str, int] = {
    "IQD": 150_000_000,
    "USD": 10_000_000,
    "EUR": 10_000_000,
    "GBP": 10_000_000,
}


@dataclass(frozen=True)
class RateLimits:
    """Token buckets: `burst` requests at once, refilled at `per_minute`."""

    user_burst: int = 120
    user_per_minute: int = 60
    ip_burst: int = 300
    ip_per_minute: int = 300
    # GET /v1/payments/{id} asks the provider about a payment at most once per this long.
    payment_recheck_seconds: int = 10


@dataclass(frozen=True)
class Settings:
    stage: str = "prod"
    region: str = "us-east-1"
    table_name: str = "marketplace"
    media_bucket: str = "marketplace-media"
    event_bus_name: str = "marketplace"
    queue_urls: Mapping[str, str] = field(default_factory=dict)
    jwks_url: str = ""
    jwt_issuer: str = ""
    jwt_audience: str = ""
    admin_emails: frozenset[str] = frozenset()
    admin_subjects: frozenset[str] = frozenset()  # "iss|sub"
    admin_group: str = "admin"  # a `cognito:groups` entry that makes its members admins
    clock_file: str | None = None
    max_body_bytes: int = 1_048_576
    ses_sender: str = "no-reply@example.com"
    idempotency_ttl_seconds: int = 24 * 3600
    service_name: str = "marketplace"
    tracing_enabled: bool = False
    metrics_enabled: bool = True
    platform_fee_bps: int = 1000
    public_api_url: str = "http://127.0.0.1:8000"
    max_prices: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_MAX_PRICES))
    # Where providers may send a payer or a talent back to: origins ("https://app.example").
    allowed_return_origins: frozenset[str] = frozenset()
    rate_limits: RateLimits = field(default_factory=RateLimits)
    # Raw provider callbacks are kept this long; unsigned ones naming no payment much less.
    webhook_retention_seconds: int = 90 * 24 * 3600
    unmatched_webhook_retention_seconds: int = 3600
    max_webhook_bytes: int = 131_072
    new_threads_per_day: int = 10
    # The WebSocket API's @connections endpoint (https://<api-id>.execute-api.<region>.
    # amazonaws.com/<stage>); empty means real-time pushes are not configured.
    websocket_api_url: str = ""
    timer_max_attempts: int = 8
    cursor_secret: str = ""

    @property
    def is_local(self) -> bool:
        return self.stage == "local"

    def queue_url(self, name: str) -> str:
        try:
            return self.queue_urls[name]
        except KeyError:
            raise RuntimeError(f"{name.upper()}_QUEUE_URL is not configured") from None


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _max_prices(value: str | None) -> dict[str, int]:
    prices = dict(DEFAULT_MAX_PRICES)
    for pair in (value or "").split(","):
        if not pair.strip():
            continue
        currency, sep, amount = pair.partition("=")
        currency = currency.strip().upper()
        # Loud: a typo here would silently leave a currency unbounded or unpayable.
        if not sep or currency not in DEFAULT_MAX_PRICES or not amount.strip().isdigit():
            raise ValueError(f"MAX_PRICE: {pair.strip()!r} is not CURRENCY=minor units")
        if int(amount) <= 0:
            raise ValueError(f"MAX_PRICE: {currency} must be above 0")
        prices[currency] = int(amount)
    return prices


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{name} must be a whole number above 0, not {raw!r}")
    return int(raw)


def _rate_limits(env: Mapping[str, str]) -> RateLimits:
    base = RateLimits()
    return RateLimits(
        user_burst=_positive_int(env, "RATE_LIMIT_USER_BURST", base.user_burst),
        user_per_minute=_positive_int(env, "RATE_LIMIT_USER_PER_MINUTE", base.user_per_minute),
        ip_burst=_positive_int(env, "RATE_LIMIT_IP_BURST", base.ip_burst),
        ip_per_minute=_positive_int(env, "RATE_LIMIT_IP_PER_MINUTE", base.ip_per_minute),
        payment_recheck_seconds=_positive_int(
            env, "PAYMENT_RECHECK_SECONDS", base.payment_recheck_seconds
        ),
    )


def _origins(raw: str) -> frozenset[str]:
    from urllib.parse import urlsplit

    from chalicelib.origins import origin_of

    origins = set()
    for entry in (part.strip() for part in raw.split(",")):
        if not entry:
            continue
        origin = origin_of(entry)
        parts = urlsplit(entry)
        if origin is None or parts.path not in {"", "/"} or parts.query or parts.fragment:
            raise ValueError(
                f"ALLOWED_RETURN_ORIGINS: {entry!r} is not an origin like https://host"
            )
        origins.add(origin)
    return frozenset(origins)


def _list(raw: str) -> frozenset[str]:
    return frozenset(entry.strip() for entry in raw.split(",") if entry.strip())


def load_settings(env: Mapping[str, str]) -> Settings:
    queue_urls = {
        name: env[f"{name.upper()}_QUEUE_URL"]
        for name in QUEUE_NAMES
        if env.get(f"{name.upper()}_QUEUE_URL")
    }
    admins = frozenset(
        email.strip().lower() for email in env.get("ADMIN_EMAILS", "").split(",") if email.strip()
    )
    return Settings(
        stage=env.get("STAGE", "prod"),
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
        table_name=env.get("TABLE_NAME", "marketplace"),
        media_bucket=env.get("MEDIA_BUCKET", "marketplace-media"),
        event_bus_name=env.get("EVENT_BUS_NAME", "marketplace"),
        queue_urls=queue_urls,
        jwks_url=env.get("JWKS_URL", ""),
        jwt_issuer=env.get("JWT_ISSUER", ""),
        jwt_audience=env.get("JWT_AUDIENCE", ""),
        admin_emails=admins,
        admin_subjects=_list(env.get("ADMIN_SUBJECTS", "")),
        admin_group=env.get("ADMIN_GROUP", "admin").strip(),
        clock_file=env.get("PLATFORM_CLOCK_FILE") or None,
        max_body_bytes=int(env.get("MAX_BODY_BYTES", "1048576")),
        ses_sender=env.get("SES_SENDER", "no-reply@example.com"),
        service_name=env.get("POWERTOOLS_SERVICE_NAME", "marketplace"),
        tracing_enabled=_flag(env.get("TRACING_ENABLED"), False),
        metrics_enabled=not _flag(env.get("POWERTOOLS_METRICS_DISABLED"), False),
        platform_fee_bps=int(env.get("PLATFORM_FEE_BPS", "1000")),
        public_api_url=env.get("PUBLIC_API_URL", "http://127.0.0.1:8000").rstrip("/"),
        max_prices=_max_prices(env.get("MAX_PRICE")),
        allowed_return_origins=_origins(env.get("ALLOWED_RETURN_ORIGINS", "")),
        rate_limits=_rate_limits(env),
        webhook_retention_seconds=_positive_int(env, "WEBHOOK_RETENTION_SECONDS", 90 * 24 * 3600),
        unmatched_webhook_retention_seconds=_positive_int(
            env, "UNMATCHED_WEBHOOK_RETENTION_SECONDS", 3600
        ),
        max_webhook_bytes=_positive_int(env, "MAX_WEBHOOK_BYTES", 131_072),
        new_threads_per_day=int(env.get("NEW_THREADS_PER_DAY", "10")),
        websocket_api_url=env.get("WEBSOCKET_API_URL", "").rstrip("/"),
        timer_max_attempts=int(env.get("TIMER_MAX_ATTEMPTS", "8")),
        cursor_secret=env.get("CURSOR_SECRET", ""),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings(os.environ)


def reset_settings() -> None:
    """Forget the cached settings; tests and the local stack call this after changing env."""
    get_settings.cache_clear()

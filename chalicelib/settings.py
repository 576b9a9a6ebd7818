"""Typed configuration, read from the environment once, on first use (never at import)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

QUEUE_NAMES = ("webhooks", "payouts", "media", "notifications")


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
    clock_file: str | None = None
    max_body_bytes: int = 1_048_576
    ses_sender: str = "no-reply@example.com"
    idempotency_ttl_seconds: int = 24 * 3600
    service_name: str = "marketplace"
    tracing_enabled: bool = False
    metrics_enabled: bool = True
    platform_fee_bps: int = 1000
    public_api_url: str = "http://127.0.0.1:8000"
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
        clock_file=env.get("PLATFORM_CLOCK_FILE") or None,
        max_body_bytes=int(env.get("MAX_BODY_BYTES", "1048576")),
        ses_sender=env.get("SES_SENDER", "no-reply@example.com"),
        service_name=env.get("POWERTOOLS_SERVICE_NAME", "marketplace"),
        tracing_enabled=_flag(env.get("TRACING_ENABLED"), False),
        metrics_enabled=not _flag(env.get("POWERTOOLS_METRICS_DISABLED"), False),
        platform_fee_bps=int(env.get("PLATFORM_FEE_BPS", "1000")),
        public_api_url=env.get("PUBLIC_API_URL", "http://127.0.0.1:8000").rstrip("/"),
        timer_max_attempts=int(env.get("TIMER_MAX_ATTEMPTS", "8")),
        cursor_secret=env.get("CURSOR_SECRET", ""),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings(os.environ)


def reset_settings() -> None:
    """Forget the cached settings; tests and the local stack call this after changing env."""
    get_settings.cache_clear()

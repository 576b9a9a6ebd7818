"""The typed configuration behind `settings.py`: one pydantic-settings model per concern.

Imported only when settings are first read (`settings.get_settings`), so pydantic-settings
stays off the cold-start path. Nothing here reads the process environment: `load()` is
handed a mapping (the environment, or a test's dict) and validates it in one go.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Annotated, Any, TypeVar

from pydantic import (
    AliasChoices,
    Field,
    NonNegativeFloat,
    PositiveInt,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, EnvSettingsSource, NoDecode, SettingsConfigDict
from pydantic_settings.sources import PydanticBaseSettingsSource
from pydantic_settings.sources.utils import parse_env_vars

from chalicelib.payments import PROVIDERS
from chalicelib.settings import DEFAULT_MAX_PRICES, ConfigurationError, RateLimits

_environ: ContextVar[Mapping[str, str]] = ContextVar("environ")
_Model = TypeVar("_Model", bound=BaseSettings)
# Comma-separated values: read as text, split by the validators below (not JSON).
_CommaSet = Annotated[frozenset[str], NoDecode]


class _HandedEnvironment(EnvSettingsSource):
    """pydantic-settings' environment source over the mapping given to `load()`."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(
            _environ.get(), self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str
        )


class _FromEnvironment(BaseSettings):
    # An empty variable counts as unset, so a required one left blank is reported missing.
    model_config = SettingsConfigDict(frozen=True, extra="ignore", env_ignore_empty=True)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (_HandedEnvironment(settings_cls),)


def _entries(raw: str) -> frozenset[str]:
    return frozenset(entry.strip() for entry in raw.split(",") if entry.strip())


def _split(raw: object) -> object:
    return _entries(raw) if isinstance(raw, str) else raw


class Platform(_FromEnvironment):
    """Which deployment this is; the local stack may also move the clock."""

    stage: str = "prod"
    # Read only on the local stack (clock.current checks is_local).
    clock_file: str | None = Field(None, validation_alias="PLATFORM_CLOCK_FILE")

    @property
    def is_local(self) -> bool:
        return self.stage == "local"


class AwsResources(Platform):
    """Where the AWS resources are (infra/ passes their names and URLs in)."""

    region: str = Field(
        "us-east-1", validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION")
    )
    table_name: str = "marketplace"
    media_bucket: str = "marketplace-media"
    event_bus_name: str = "marketplace"
    # One per chalicelib.resources.QUEUE_NAMES key; unset ones fail when first used.
    webhooks_queue_url: str | None = None
    payouts_queue_url: str | None = None
    media_queue_url: str | None = None
    notifications_queue_url: str | None = None
    conversations_queue_url: str | None = None
    email_feedback_queue_url: str | None = None
    qc_queue_url: str | None = None
    stats_queue_url: str | None = None
    exports_queue_url: str | None = None
    # The WebSocket API's @connections endpoint (https://<api-id>.execute-api.<region>.
    # amazonaws.com/<stage>); empty means real-time pushes are not configured.
    websocket_api_url: str = ""
    ses_sender: str = "no-reply@example.com"

    @field_validator("websocket_api_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    def queue_url(self, name: str) -> str:
        url = getattr(self, f"{name}_queue_url", None)
        if not url:
            raise RuntimeError(f"{name.upper()}_QUEUE_URL is not configured")
        return str(url)


class Identity(Platform):
    """Whose tokens we accept, who is an admin, and the secret that signs our cursors.
    Required outside the local stack: an empty issuer or secret must never reach prod."""

    jwks_url: str = ""
    jwt_issuer: str = ""
    jwt_audience: str = ""
    cursor_secret: str = ""
    admin_emails: _CommaSet = frozenset()
    admin_subjects: _CommaSet = frozenset()  # "iss|sub"
    admin_group: str = "admin"  # a `cognito:groups` entry that makes its members admins

    @field_validator("admin_subjects", mode="before")
    @classmethod
    def _subjects(cls, raw: object) -> object:
        return _split(raw)

    @field_validator("admin_emails", mode="before")
    @classmethod
    def _emails(cls, raw: object) -> object:
        split = _split(raw)
        return frozenset(e.lower() for e in split) if isinstance(split, frozenset) else split

    @field_validator("admin_group")
    @classmethod
    def _group(cls, value: str) -> str:
        return value.strip()

    @model_validator(mode="after")
    def _required_outside_local(self) -> Identity:
        if self.is_local:
            return self
        names = ("jwks_url", "jwt_issuer", "jwt_audience", "cursor_secret")
        missing = [name.upper() for name in names if not getattr(self, name)]
        if missing:
            raise ValueError(f"{', '.join(missing)} must be set outside the local stage")
        return self


class Limits(Platform):
    """Sizes, rates, ceilings and retention: what keeps one caller from hurting others."""

    max_body_bytes: PositiveInt = 1_048_576
    idempotency_ttl_seconds: PositiveInt = 24 * 3600
    rate_limit_user_burst: PositiveInt = RateLimits.user_burst
    rate_limit_user_per_minute: PositiveInt = RateLimits.user_per_minute
    rate_limit_ip_burst: PositiveInt = RateLimits.ip_burst
    rate_limit_ip_per_minute: PositiveInt = RateLimits.ip_per_minute
    payment_recheck_seconds: PositiveInt = RateLimits.payment_recheck_seconds
    # The highest price per currency in minor units; MAX_PRICE overrides some or all,
    # e.g. "IQD=50000000,USD=2000000".
    max_prices: Annotated[dict[str, int], NoDecode] = Field(
        default_factory=lambda: dict(DEFAULT_MAX_PRICES), validation_alias="MAX_PRICE"
    )
    # Raw provider callbacks are kept this long; unsigned ones naming no payment much less.
    webhook_retention_seconds: PositiveInt = 90 * 24 * 3600
    unmatched_webhook_retention_seconds: PositiveInt = 3600
    max_webhook_bytes: PositiveInt = 131_072
    timer_max_attempts: int = 8

    @field_validator("max_prices", mode="before")
    @classmethod
    def _max_prices(cls, raw: object) -> object:
        if not isinstance(raw, str):
            return raw
        prices = dict(DEFAULT_MAX_PRICES)
        for pair in (part.strip() for part in raw.split(",")):
            if not pair:
                continue
            currency, sep, amount = pair.partition("=")
            currency = currency.strip().upper()
            # Loud: a typo here would silently leave a currency unbounded or unpayable.
            if not sep or currency not in DEFAULT_MAX_PRICES or not amount.strip().isdigit():
                raise ValueError(f"{pair!r} is not CURRENCY=minor units")
            if int(amount) <= 0:
                raise ValueError(f"{currency} must be above 0")
            prices[currency] = int(amount)
        return prices

    @property
    def rate_limits(self) -> RateLimits:
        return RateLimits(
            user_burst=self.rate_limit_user_burst,
            user_per_minute=self.rate_limit_user_per_minute,
            ip_burst=self.rate_limit_ip_burst,
            ip_per_minute=self.rate_limit_ip_per_minute,
            payment_recheck_seconds=self.payment_recheck_seconds,
        )


class Conversations(Platform):
    new_threads_per_day: int = 10


class Payments(Platform):
    """Which providers take money, our fee, and where payers and talent are sent back to."""

    payment_providers: Annotated[tuple[str, ...], NoDecode] = PROVIDERS
    platform_fee_bps: int = Field(1000, ge=0, le=10_000)
    public_api_url: str = "http://127.0.0.1:8000"
    # Origins ("https://app.example") providers may send a payer or a talent back to.
    allowed_return_origins: _CommaSet = frozenset()
    # How long a release waits before its payout is due.
    payout_hold_hours: NonNegativeFloat = 0.0

    @field_validator("payment_providers", mode="before")
    @classmethod
    def _providers(cls, raw: object) -> object:
        if not isinstance(raw, str):
            return raw
        names = tuple(name.strip() for name in raw.split(",") if name.strip())
        # Loud: a misspelt provider would otherwise just never be offered.
        unknown = [name for name in names if name not in PROVIDERS]
        if unknown:
            raise ValueError(f"{unknown} are not providers ({', '.join(PROVIDERS)})")
        return names

    @field_validator("public_api_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("allowed_return_origins", mode="before")
    @classmethod
    def _origins(cls, raw: object) -> object:
        if not isinstance(raw, str):
            return raw
        from urllib.parse import urlsplit

        from chalicelib.origins import origin_of

        origins = set()
        for entry in _entries(raw):
            origin = origin_of(entry)
            parts = urlsplit(entry)
            if origin is None or parts.path not in {"", "/"} or parts.query or parts.fragment:
                raise ValueError(f"{entry!r} is not an origin like https://host")
            origins.add(origin)
        return frozenset(origins)


class Qc(Platform):
    """The delivery-report QC gate: which evaluator judges reports (usecases/qc/evaluators.py
    names them; an unknown name fails loudly on first use, never falls back)."""

    qc_evaluator: str = Field("rules", min_length=1)


class Observability(Platform):
    service_name: str = Field("marketplace", validation_alias="POWERTOOLS_SERVICE_NAME")
    tracing_enabled: bool = False
    metrics_disabled: bool = Field(False, validation_alias="POWERTOOLS_METRICS_DISABLED")

    @property
    def metrics_enabled(self) -> bool:
        return not self.metrics_disabled


class Settings(AwsResources, Identity, Limits, Conversations, Payments, Qc, Observability):
    """Every concern at once: what `get_settings()` returns, validated as one."""


# --- payment providers: read when a driver is built, required only for enabled ones -------


class StripeSettings(_FromEnvironment):
    model_config = SettingsConfigDict(env_prefix="STRIPE_")
    secret_key: str
    webhook_secret: str
    api_base: str | None = None
    # Needed only to onboard talent (create_express_account says so when missing).
    platform_country: str | None = None


class FibSettings(_FromEnvironment):
    model_config = SettingsConfigDict(env_prefix="FIB_")
    base_url: str | None = None
    client_id: str
    client_secret: str


class FastPaySettings(_FromEnvironment):
    model_config = SettingsConfigDict(env_prefix="FASTPAY_")
    base_url: str | None = None
    store_id: str
    store_password: str
    # Refunds need both; without the secret the store cannot refund through the API.
    refund_secret: str | None = None
    msisdn: str | None = None  # used only when FastPay does not name the payer's number


class NassWalletSettings(_FromEnvironment):
    model_config = SettingsConfigDict(env_prefix="NASSWALLET_")
    base_url: str | None = None
    checkout_url: str | None = None
    gateway_token: str
    username: str
    password: str
    merchant_id: str
    pin: str


class AreebaSettings(_FromEnvironment):
    model_config = SettingsConfigDict(env_prefix="AREEBA_")
    base_url: str | None = None
    api_key: str
    username: str
    password: str
    # Optional: without it requests go unsigned and callbacks are only re-checked.
    shared_secret: str | None = None


# --- loading -------------------------------------------------------------------------------


@contextmanager
def _handed(env: Mapping[str, str]) -> Iterator[None]:
    token = _environ.set(env)
    try:
        yield
    finally:
        _environ.reset(token)


def load(model: type[_Model], env: Mapping[str, str]) -> _Model:
    """`model` validated from `env`; every problem named by its variable in one error."""
    with _handed(env):
        try:
            return model()
        except ValidationError as error:
            raise ConfigurationError(_describe(model, error)) from None


def _variable(model: type[BaseSettings], field: str) -> str:
    info = model.model_fields.get(field)
    alias: Any = info.validation_alias if info else None
    if isinstance(alias, AliasChoices):
        alias = alias.choices[0]
    if isinstance(alias, str):
        return alias
    return f"{model.model_config.get('env_prefix', '')}{field}".upper()


def _describe(model: type[BaseSettings], error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        if not item["loc"]:
            problems.append(item["msg"].removeprefix("Value error, "))
            continue
        name = _variable(model, str(item["loc"][0]))
        if item["type"] == "missing":
            problems.append(f"{name} is not configured")
        else:
            problems.append(f"{name}: {item['msg'].removeprefix('Value error, ')}")
    return "; ".join(problems)

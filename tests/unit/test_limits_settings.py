"""Settings for identity and abuse limits, and how return-URL origins are compared."""

from __future__ import annotations

import pytest

from chalicelib.origins import origin_of
from chalicelib.settings import RateLimits, load_settings
from tests.deployed_env import REQUIRED


def test_defaults_are_ones_real_users_never_meet() -> None:
    settings = load_settings(REQUIRED)
    assert settings.rate_limits == RateLimits(
        user_burst=120,
        user_per_minute=60,
        ip_burst=300,
        ip_per_minute=300,
        payment_recheck_seconds=10,
    )
    assert settings.admin_group == "admin"
    assert settings.admin_subjects == frozenset()
    assert settings.allowed_return_origins == frozenset()
    assert settings.max_webhook_bytes == 131_072
    assert settings.webhook_retention_seconds == 90 * 24 * 3600
    assert settings.unmatched_webhook_retention_seconds == 3600


def test_limits_and_admins_are_read_from_the_environment() -> None:
    settings = load_settings(
        {
            **REQUIRED,
            "RATE_LIMIT_USER_BURST": "5",
            "RATE_LIMIT_USER_PER_MINUTE": "2",
            "RATE_LIMIT_IP_BURST": "7",
            "RATE_LIMIT_IP_PER_MINUTE": "3",
            "PAYMENT_RECHECK_SECONDS": "30",
            "ADMIN_SUBJECTS": " https://a.example|s1 , ,https://b.example|s2",
            "ADMIN_GROUP": " ops ",
            "ALLOWED_RETURN_ORIGINS": "https://App.Example.com:443/, http://localhost:3000",
        }
    )
    assert settings.rate_limits == RateLimits(5, 2, 7, 3, 30)
    assert settings.admin_subjects == {"https://a.example|s1", "https://b.example|s2"}
    assert settings.admin_group == "ops"
    assert settings.allowed_return_origins == {"https://app.example.com", "http://localhost:3000"}


@pytest.mark.parametrize("value", ["0", "-1", "ten", "1.5"])
def test_a_limit_must_be_a_positive_whole_number(value: str) -> None:
    with pytest.raises(ValueError, match="RATE_LIMIT_USER_BURST"):
        load_settings({**REQUIRED, "RATE_LIMIT_USER_BURST": value})


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://app.example.com/a?b#c", "https://app.example.com"),
        ("HTTPS://APP.example.com:443/", "https://app.example.com"),
        ("http://app.example.com:80", "http://app.example.com"),
        ("https://app.example.com:8443/x", "https://app.example.com:8443"),
        ("http://[::1]:3000/", "http://[::1]:3000"),
        ("https://app.example.com@evil.example/", None),
        ("https://evil.example\\@app.example.com/", None),
        ("https://app.example.com/\npath", None),
        ("https://app.example.com:99999/", None),
        ("javascript:alert(1)", None),
        ("//app.example.com/", None),
        ("https:///nohost", None),
    ],
)
def test_origins_are_compared_as_a_browser_reads_them(url: str, origin: str | None) -> None:
    assert origin_of(url) == origin

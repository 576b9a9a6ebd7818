"""The typed configuration: validated once on first read, loud about what is missing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.resources import QUEUE_NAMES
from chalicelib.settings import ConfigurationError, load_settings
from tests.deployed_env import REQUIRED

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_a_deployed_stage_without_a_required_value_fails_naming_it(missing: str) -> None:
    env = {name: value for name, value in REQUIRED.items() if name != missing}
    with pytest.raises(ConfigurationError, match=missing) as refused:
        load_settings({**env, "STAGE": "prod"})
    assert [name for name in REQUIRED if name in str(refused.value)] == [missing]
    # Blank is missing too: an empty issuer must never reach a deployed stage.
    with pytest.raises(ConfigurationError, match=missing):
        load_settings({**env, missing: "", "STAGE": "prod"})


def test_every_missing_value_is_named_at_once() -> None:
    with pytest.raises(ConfigurationError) as refused:
        load_settings({"STAGE": "prod"})
    assert all(name in str(refused.value) for name in REQUIRED)


def test_the_local_stack_may_leave_them_unset() -> None:
    settings = load_settings({"STAGE": "local"})
    assert settings.is_local
    assert (settings.jwt_issuer, settings.cursor_secret) == ("", "")


def test_every_queue_has_its_url_variable() -> None:
    env = {f"{name.upper()}_QUEUE_URL": f"http://q/{name}" for name in QUEUE_NAMES}
    settings = load_settings({**REQUIRED, **env})
    assert QUEUE_NAMES
    assert {name: settings.queue_url(name) for name in QUEUE_NAMES} == {
        name: f"http://q/{name}" for name in QUEUE_NAMES
    }


def test_payment_settings_are_typed() -> None:
    settings = load_settings(
        {**REQUIRED, "PAYMENT_PROVIDERS": " fib, stripe ,", "PAYOUT_HOLD_HOURS": "1.5"}
    )
    assert settings.payment_providers == ("fib", "stripe")
    assert settings.payout_hold_hours == 1.5
    assert load_settings(REQUIRED).payout_hold_hours == 0


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PAYMENT_PROVIDERS", "fib,paypal"),
        ("PAYOUT_HOLD_HOURS", "soon"),
        ("PAYOUT_HOLD_HOURS", "-1"),
        ("PLATFORM_FEE_BPS", "12000"),
        ("TRACING_ENABLED", "maybe"),
    ],
)
def test_a_bad_value_fails_naming_its_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=name):
        load_settings({**REQUIRED, name: value})


_PROBE = """
import json, sys
import app, chalicelib.models.user, chalicelib.models.talent, chalicelib.settings as s
print(json.dumps({"read": s._cached is not None, "loaded": "pydantic_settings" in sys.modules}))
"""


def test_importing_the_app_and_its_models_reads_no_settings() -> None:
    # A deployed stage with nothing configured: importing must still work (chalice package
    # and cold starts import the app); only the first read may fail.
    env = {"PATH": "/usr/bin:/bin", "STAGE": "prod", "AWS_DEFAULT_REGION": "us-east-1"}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"read": False, "loaded": False}

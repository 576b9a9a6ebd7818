"""The local stack uses a provider's real (test) environment when the developer configures
one, and the sandbox for every other provider; it says which at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from devstack import provider_config
from devstack.config import ConfigError, StackConfig, runtime_env
from devstack.sandbox.providers import SANDBOX_SECRETS

FIB_STAGE = {
    "FIB_BASE_URL": "https://fib.stage.fib.iq",
    "FIB_CLIENT_ID": "my-client",
    "FIB_CLIENT_SECRET": "my-secret",
}


def _config(environ: dict[str, str], tmp_path: Path) -> StackConfig:
    return StackConfig.from_env({"DEVSTACK_STATE_DIR": str(tmp_path), **environ})


def test_provider_variables_set_in_the_environment_win_over_the_sandbox(tmp_path: Path) -> None:
    # GIVEN FIB's staging environment configured by the developer
    config = _config(FIB_STAGE, tmp_path)
    # WHEN the stack builds the app's environment
    env = runtime_env(config, {})
    # THEN FIB is the real one, with nothing of the sandbox's
    assert {name: env[name] for name in FIB_STAGE} == FIB_STAGE
    # and every other provider is still the sandbox, whole
    assert env["FASTPAY_BASE_URL"] == f"{config.sandbox_url}/fastpay"
    assert env["FASTPAY_STORE_ID"] == SANDBOX_SECRETS["FASTPAY_STORE_ID"]
    assert env["AREEBA_SHARED_SECRET"] == SANDBOX_SECRETS["AREEBA_SHARED_SECRET"]
    modes = {mode.name: mode for mode in config.payment_providers()[1]}
    assert modes["fib"].real and modes["fib"].base_url == "https://fib.stage.fib.iq"
    assert [name for name, mode in modes.items() if not mode.real] == [
        "stripe",
        "fastpay",
        "nasswallet",
        "areeba",
    ]


def test_the_sandbox_serves_every_provider_when_none_is_configured(tmp_path: Path) -> None:
    config = _config({}, tmp_path)
    env = runtime_env(config, {})
    assert env["FIB_BASE_URL"] == f"{config.sandbox_url}/fib"
    assert env["FIB_CLIENT_SECRET"] == SANDBOX_SECRETS["FIB_CLIENT_SECRET"]
    assert env["PUBLIC_API_URL"] == config.api_url
    assert not any(mode.real for mode in config.payment_providers()[1])


def test_the_stacks_own_environment_later_is_not_mistaken_for_the_developers(
    tmp_path: Path,
) -> None:
    """The stack writes the sandbox's settings into its own process environment; a second
    look must not read them as the developer's and call every provider real."""
    config = _config({}, tmp_path)
    written = runtime_env(config, {})
    again = StackConfig.from_env({"DEVSTACK_STATE_DIR": str(tmp_path)})
    assert runtime_env(again, {}) == written
    assert not any(mode.real for mode in config.payment_providers()[1])


def test_stripe_test_mode_needs_only_its_keys(tmp_path: Path) -> None:
    keys = {"STRIPE_SECRET_KEY": "sk_test_mine", "STRIPE_WEBHOOK_SECRET": "whsec_mine"}
    config = _config(keys, tmp_path)
    env = runtime_env(config, {})
    assert "STRIPE_API_BASE" not in env  # the driver's default: api.stripe.com
    assert env["STRIPE_SECRET_KEY"] == "sk_test_mine"
    stripe = config.payment_providers()[1][0]
    assert (stripe.name, stripe.real, stripe.base_url) == ("stripe", True, "https://api.stripe.com")


@pytest.mark.parametrize(
    "environ",
    [
        {"FIB_BASE_URL": "https://fib.stage.fib.iq"},
        {"FIB_CLIENT_ID": "mine", "FIB_CLIENT_SECRET": "mine"},
        {"AREEBA_BASE_URL": "https://areeba.ixopaysandbox.com/api/v3", "AREEBA_API_KEY": "k"},
    ],
)
def test_a_half_configured_provider_stops_the_start_and_says_what_is_missing(
    environ: dict[str, str], tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match="not: set"):
        _config(environ, tmp_path)


def test_the_start_up_lines_name_each_provider_real_or_sandboxed(tmp_path: Path) -> None:
    config = _config(FIB_STAGE, tmp_path)
    lines = provider_config.describe(config.payment_providers()[1])
    assert any(line.split()[:3] == ["fib", "REAL", "https://fib.stage.fib.iq"] for line in lines)
    assert any(line.split()[:2] == ["fastpay", "sandbox"] for line in lines)
    assert any("PUBLIC_API_URL" in line for line in lines)


def test_public_api_url_from_the_environment_wins(tmp_path: Path) -> None:
    config = _config({"PUBLIC_API_URL": "https://abc.tunnel.example", **FIB_STAGE}, tmp_path)
    assert runtime_env(config, {})["PUBLIC_API_URL"] == "https://abc.tunnel.example"

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

import pytest

# Tests never talk to real AWS: fake credentials, no metadata lookups, quiet metrics.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")

from hypothesis import settings as hypothesis_settings

from tests.issuer import FakeIssuer

# `ci` (what `make test` selects) runs the stateful money properties 200 times; `dev`, the
# default for a quick local run of one file, fewer. Tests that set max_examples keep theirs.
hypothesis_settings.register_profile("ci", max_examples=200, deadline=None)
hypothesis_settings.register_profile("dev", max_examples=10, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_configure(config: pytest.Config) -> None:
    """A test process allocates millions of short-lived objects (botocore and pydantic
    models, emulator items); at Python's default thresholds the collector ran so often that
    it took about a fifth of the suite's time. Objects alive after collection (imports,
    plugins) are frozen out of every later pass; memory per process stays well under 1 GB."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


@pytest.fixture(scope="session")
def issuer() -> FakeIssuer:
    return FakeIssuer()


@pytest.fixture
def frozen_clock() -> Iterator[object]:
    from datetime import UTC, datetime

    from chalicelib import clock

    frozen = clock.FrozenClock(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    clock.use(frozen)
    yield frozen
    clock.use(None)

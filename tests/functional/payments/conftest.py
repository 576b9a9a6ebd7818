"""What every payment driver test shares: its provider's sandbox, served once per module
(stopping one takes half a second) and handed to each test with the callbacks of earlier
tests cleared (the payer's levers are in levers.py). A driver test module names its
provider in `PROVIDER`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.payments_sandbox import Sandbox, serve_provider


@pytest.fixture(scope="module")
def served(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    name = getattr(request.module, "PROVIDER", None)
    if not isinstance(name, str):
        raise pytest.UsageError(f"{request.module.__name__} must name its PROVIDER")
    with serve_provider(name) as sandbox:
        yield sandbox


@pytest.fixture
def sandbox(served: Sandbox) -> Sandbox:
    served.callbacks.clear()
    return served

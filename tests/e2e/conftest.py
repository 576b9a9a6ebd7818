"""End-to-end tests: the real local stack in a subprocess, one per xdist worker session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.harness import RunningStack, start_stack, stop_stack


@pytest.fixture(scope="session")
def devstack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    stack = start_stack(tmp_path_factory.mktemp("devstack"))
    yield stack
    stop_stack(stack)

from __future__ import annotations

import pytest

from tests.deployed_env import REQUIRED


@pytest.fixture(autouse=True)
def _deployed_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unit tests read settings as a deployed stage does: with its required values set
    (a test may still delete one to see the refusal)."""
    for name, value in REQUIRED.items():
        monkeypatch.setenv(name, value)

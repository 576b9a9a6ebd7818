from __future__ import annotations

from tests.deployed_env import deployed_identity

__all__ = ["deployed_identity"]

"""The payer's side of a provider's sandbox, shared by the payment driver tests."""

from __future__ import annotations

from typing import Any

import requests

from tests.payments_sandbox import Sandbox


def payer_lever(
    sandbox: Sandbox, provider: str, ref: str, action: str, body: Any = None, timeout: float = 10
) -> requests.Response:
    """What the payer does at the provider (`complete`, `fail`, ...), through the sandbox."""
    return requests.post(
        f"{sandbox.url}/{provider}/payments/{ref}/{action}", json=body, timeout=timeout
    )

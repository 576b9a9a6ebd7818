"""One realistic example per operation's request body and response, in the seed data's
shapes (devstack/seed.py): published in /v1/openapi.json and checked against their own
schemas by tests/unit/test_openapi.py. A data table, keyed by operationId."""

from __future__ import annotations

from typing import Any

EXAMPLES: dict[str, dict[str, Any]] = {}

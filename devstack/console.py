"""Where the stack talks to the developer: progress on stdout, diagnostics on stderr."""

from __future__ import annotations

import sys
import traceback

PREFIX = "[devstack]"


def progress(message: str) -> None:
    print(f"{PREFIX} {message}", flush=True)


def warn(message: str) -> None:
    print(f"{PREFIX} {message}", file=sys.stderr, flush=True)


def failure(message: str, error: BaseException) -> None:
    """A handler blew up: say which, then the traceback, because this is where bugs surface."""
    warn(f"{message}: {type(error).__name__}: {error}")
    traceback.print_exception(error, file=sys.stderr)
    sys.stderr.flush()

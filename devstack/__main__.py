"""`python -m devstack` (what `make run` runs): start the local stack, print how to use
it, and keep it up until Ctrl-C or SIGTERM, then stop everything it started."""

from __future__ import annotations

import os
import signal
import sys
import threading
from types import FrameType

from devstack import console
from devstack.config import ConfigError, StackConfig, ensure_ports_free

MONITOR_INTERVAL_SECONDS = 0.5

_stop_requested = threading.Event()


def _request_stop(signum: int, frame: FrameType | None) -> None:
    name = signal.Signals(signum).name
    if _stop_requested.is_set():
        console.warn(f"{name}: already stopping")
        return
    console.progress(f"{name}: stopping")
    _stop_requested.set()


def main() -> int:
    # First thing: from here on a Ctrl-C is a request, honoured at the next safe point.
    signal.signal(signal.SIGINT, _request_stop)
    signal.signal(signal.SIGTERM, _request_stop)
    try:
        stack_config = StackConfig.from_env(os.environ)
        ensure_ports_free(stack_config)
    except ConfigError as error:
        console.warn(f"cannot start: {error}")
        return 2
    from devstack.stack import Stack, StartCancelled

    stack = Stack(stack_config, _stop_requested)
    code = 0
    try:
        stack.start()
        console.progress("ready")
        while not _stop_requested.wait(MONITOR_INTERVAL_SECONDS):
            api_code = stack.api_exit_code()
            if api_code is not None:
                console.warn(f"the API process exited (code {api_code}); stopping the stack")
                code = 1
                break
    except StartCancelled:
        pass
    except Exception as error:
        console.failure("the stack failed", error)
        code = 1
    finally:
        stack.stop()
    console.progress("stopped")
    return code


if __name__ == "__main__":
    sys.exit(main())

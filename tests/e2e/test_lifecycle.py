"""Starting and stopping the stack: a clean exit that leaves nothing behind, and state
(the issuer key) that outlives it."""

from __future__ import annotations

import os
import signal
import socket
from pathlib import Path

import pytest

from tests.e2e.harness import start_stack, stop_stack

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead but still listed until reaped.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_sigint_stops_everything_and_a_restart_keeps_tokens(tmp_path: Path) -> None:
    first = start_stack(tmp_path / "first")
    token = first.token("restart@example.com")
    assert first.api("GET", "/v1/me", token).status_code == 200
    first.sandbox("POST", "/dev/clock", json={"advance_seconds": 3600})
    api_pids = first.api_server_pids()
    assert api_pids, first.output()

    code = stop_stack(first, signal.SIGINT)

    assert code == 0, first.output()
    assert "[devstack] stopped" in first.output()
    assert not [pid for pid in api_pids if _alive(pid)]
    ports = first.ports
    assert not any(_listening(port) for port in (ports.api, ports.aws, ports.sandbox))

    # Same ports and state dir: the issuer key is reused, the clock starts again at 0.
    second = start_stack(tmp_path / "second", ports=ports, state_dir=first.state_dir)
    try:
        assert second.api("GET", "/v1/me", token).status_code == 200
        assert second.sandbox("GET", "/dev/clock").json()["offset_seconds"] == 0
    finally:
        assert stop_stack(second, signal.SIGTERM) == 0, second.output()

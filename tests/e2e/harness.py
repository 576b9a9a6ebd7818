"""Runs `python -m devstack` in a subprocess on free ports (so it runs beside a `make run`)
with its own state dir, and talks to it over real HTTP only."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

PROJECT_DIR = Path(__file__).resolve().parents[2]
READY_LINE = "[devstack] ready"
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0
HTTP_TIMEOUT_SECONDS = 70.0  # above the sandbox's own 60 s drain limit


def free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class Ports:
    api: int
    aws: int
    sandbox: int
    ws: int = 0
    ws_connections: int = 0

    @classmethod
    def pick(cls) -> Ports:
        return cls(*free_ports(5))


@dataclass
class RunningStack:
    process: subprocess.Popen[bytes]
    ports: Ports
    state_dir: Path
    log_path: Path
    session: requests.Session = field(default_factory=requests.Session)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.api}"

    @property
    def sandbox_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.sandbox}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.ports.ws}"

    @property
    def aws_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.aws}"

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def api(
        self, method: str, path: str, token: str | None = None, **options: Any
    ) -> requests.Response:
        headers = dict(options.pop("headers", None) or {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.session.request(
            method,
            f"{self.api_url}{path}",
            headers=headers,
            timeout=HTTP_TIMEOUT_SECONDS,
            **options,
        )

    def sandbox(self, method: str, path: str, **options: Any) -> requests.Response:
        return self.session.request(
            method, f"{self.sandbox_url}{path}", timeout=HTTP_TIMEOUT_SECONDS, **options
        )

    def token(self, email: str | None = None, admin: bool = False) -> str:
        email = email or f"user-{uuid.uuid4().hex[:12]}@example.com"
        response = self.sandbox("POST", "/dev/token", json={"email": email, "admin": admin})
        assert response.status_code == 200, response.text
        return str(response.json()["token"])

    def aws(self, service: str) -> Any:
        import boto3

        return boto3.session.Session().client(
            service,
            endpoint_url=self.aws_url,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )

    def resources(self) -> dict[str, Any]:
        response = self.sandbox("GET", "/dev/resources")
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    def api_server_pids(self) -> list[int]:
        """The stack's child processes (Linux /proc): the API server is the only one."""
        pids: list[int] = []
        for children in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            pids.extend(int(pid) for pid in children.read_text().split())
        return pids


def start_stack(
    workdir: Path, ports: Ports | None = None, state_dir: Path | None = None
) -> RunningStack:
    ports = ports or Ports.pick()
    state_dir = state_dir or workdir / "state"
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / f"devstack-{ports.api}-{time.monotonic_ns()}.log"
    env = {
        **os.environ,
        "API_PORT": str(ports.api),
        "AWS_PORT": str(ports.aws),
        "SANDBOX_PORT": str(ports.sandbox),
        **({"WS_PORT": str(ports.ws)} if ports.ws else {}),
        **({"WS_CONNECTIONS_PORT": str(ports.ws_connections)} if ports.ws_connections else {}),
        "DEVSTACK_STATE_DIR": str(state_dir),
        "PYTHONUNBUFFERED": "1",
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "devstack"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    stack = RunningStack(process=process, ports=ports, state_dir=state_dir, log_path=log_path)
    try:
        _wait_ready(stack)
    except BaseException:
        stop_stack(stack)
        raise
    return stack


def _healthy(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _wait_ready(stack: RunningStack) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if stack.process.poll() is not None:
            pytest.fail(
                f"devstack exited with {stack.process.returncode} while starting:\n{stack.output()}"
            )
        if (
            READY_LINE in stack.output()
            and _healthy(f"{stack.api_url}/v1/health")
            and _healthy(f"{stack.sandbox_url}/dev/health")
        ):
            return
        time.sleep(0.2)
    pytest.fail(f"devstack not ready within {START_TIMEOUT_SECONDS:.0f} s:\n{stack.output()}")


def stop_stack(stack: RunningStack, sig: int = signal.SIGINT) -> int:
    stack.session.close()
    if stack.process.poll() is None:
        stack.process.send_signal(sig)
        try:
            stack.process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            stack.process.kill()
            stack.process.wait()
    return int(stack.process.returncode)


def assert_envelope(response: requests.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    assert isinstance(error["details"], dict)
    return dict(error)

"""The API in its own process, as on Lambda: app code there sees only its environment,
never the stack's threads or state."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import requests

STOP_GRACE_SECONDS = 5.0


class ApiProcess:
    def __init__(self, host: str, port: int, project_dir: Path, env: Mapping[str, str]) -> None:
        self.url = f"http://{host}:{port}"
        self._command = [
            sys.executable,
            "-m",
            "devstack.api_server",
            "--host",
            host,
            "--port",
            str(port),
            "--project-dir",
            str(project_dir),
        ]
        self._project_dir = project_dir
        self._env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> None:
        # Output goes straight to the developer's terminal, like `chalice local`'s. Its own
        # session keeps a terminal's Ctrl-C away from it: the stack stops it, in order (and
        # it stops itself if the stack dies without doing so).
        self._process = subprocess.Popen(
            self._command, cwd=self._project_dir, env=self._env, start_new_session=True
        )

    def exit_code(self) -> int | None:
        return self._process.poll() if self._process else None

    def is_ready(self) -> bool:
        code = self.exit_code()
        if code is not None:
            raise RuntimeError(f"the API process exited with code {code} while starting")
        try:
            return requests.get(f"{self.url}/v1/health", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def terminate(self) -> None:
        """Ask it to stop without waiting, so it winds down while the rest of the stack does."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

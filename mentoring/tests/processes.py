"""Real processes for the tests that need them: a free port to run one on, waiting until it answers, and a
redis-server of a test's own (the ``private_redis`` fixture in conftest.py at the root), which the test may stop and
start again without touching the shared Redis."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from conftest import UNDER_CI


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, *, seconds: float = 60, every: float = 0.05) -> bool:
    """Polls ``condition`` until it is true or the time is up; returns whether it became true."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


def require_redis_server() -> None:
    """Skips the test on a laptop without the redis-server program; fails it under CI."""
    if shutil.which("redis-server") is None:
        message = "needs the redis-server program to start a Redis of its own"
        if UNDER_CI:
            pytest.fail(f"A test {message}; CI requires it.")
        pytest.skip(message)


class RedisServer:
    """A redis-server of the test's own on 127.0.0.1, without persistence: ``stop()`` loses whatever it held, as a
    Redis without a disk does when it restarts. ``start()`` again uses the same port."""

    def __init__(self, *, port: int, folder: Path):
        self.port = port
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, *, seconds: float = 10) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        if not wait_for(self.answers, seconds=seconds):
            self.stop()
            pytest.fail(f"redis-server did not answer on port {self.port} after {seconds} seconds")

    def stop(self) -> None:
        """SIGKILL: Redis is simply gone, as when its container or machine dies."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as probe:
                probe.sendall(b"PING\r\n")
                return probe.recv(16).startswith(b"+PONG")
        except OSError:
            return False

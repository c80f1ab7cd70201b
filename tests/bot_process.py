"""A real ``namndbot run`` process for the tests that need one (the lock, slow clients, health)."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from aiohttp import ClientSession

from .conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bot_env(db_path: Path | str, api_url: str, port: int, **extra: str) -> dict[str, str]:
    """The environment of a bot in HTTP mode on ``db_path``, talking to a fake Slack at ``api_url``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NAMNDBOT_"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-process-test",
        SLACK_SIGNING_SECRET=secrets.token_hex(16),
        NAMNDBOT_SLACK_API_URL=api_url,
        NAMNDBOT_HOST="127.0.0.1",
        NAMNDBOT_PORT=str(port),
        NAMNDBOT_DATABASE=str(db_path),
    )
    env.update(extra)
    return env


def start_bot(env: dict[str, str], log, *args: str, preexec_fn: Callable[[], None] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "namndbot", *args, "run"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT if log is not subprocess.PIPE else subprocess.PIPE,
        preexec_fn=preexec_fn,
        text=True,
    )


async def wait_healthy(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    async with ClientSession() as http:
        while True:
            assert proc.poll() is None, "the bot exited"
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("the bot did not start")
            await asyncio.sleep(0.1)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

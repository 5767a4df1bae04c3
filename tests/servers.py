"""A real `saraban serve` process on a free localhost port, for the live tests."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db_path: Path, port: int, *args: str, secret: str | None = None) -> subprocess.Popen:
    """``saraban serve`` as its own process (``args``: more options), waited for until it answers.

    ``secret`` signs its sign-in cookies (Datasette reads ``DATASETTE_SECRET``),
    so a test can sign in with :func:`actor_cookie`.
    """
    env = {**os.environ, "PYTHAINLP_OFFLINE": "1"}
    if secret is not None:
        env["DATASETTE_SECRET"] = secret
    # the access log goes to a file: an unread pipe fills up and stalls the server
    log = (db_path.parent / f"serve-{port}.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "saraban", "serve", "--db", str(db_path), "--port", str(port), *args],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    proc.log_path = Path(log.name)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"saraban serve exited: {proc.log_path.read_text(errors='replace')}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2).read()
            return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("saraban serve did not start in 60 s")


def actor_cookie(secret: str, actor_id: str = "researcher") -> str:
    """A ``Cookie`` header that signs in as ``actor_id`` on a server started with ``secret``.

    Datasette's own cookie (``ds_actor``), signed as ``Datasette.sign`` signs it.
    """
    from itsdangerous import URLSafeSerializer

    return "ds_actor=" + URLSafeSerializer(secret, "actor").dumps({"a": {"id": actor_id}})


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()

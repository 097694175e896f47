"""`factoryai serve` in a subprocess running its cameras (video.runtime=here), for the live-video tests: streams
need a real HTTP server (uvicorn's flow control, disconnects, shutdown), which an in-process client does not give."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx

from tests.conftest import ADMIN_PASSWORD
from tests.test_serve_e2e import FACTORYAI, Server, _free_port, _server_env, _stop, _wait_until_healthy

SECRET_KEY = "live-video-tests-secret-key-0123456789abcdef"


@contextmanager
def live_server(tmp_path: Path, *, db_url: str | None = None, workers: int = 1, **settings: str) -> Iterator[Server]:
    """``workers`` > 1 needs ``db_url`` on PostgreSQL; pass FACTORYAI_VIDEO__RUNTIME="auto" for relay mode."""
    port = _free_port()
    stderr_path = tmp_path / "server.stderr.log"
    settings.setdefault("FACTORYAI_VIDEO__RUNTIME", "here")
    env = _server_env(
        FACTORYAI_DATABASE__URL=db_url or f"sqlite:///{tmp_path / 'factoryai.sqlite'}",
        FACTORYAI_AUTH__BOOTSTRAP_ADMIN_PASSWORD=ADMIN_PASSWORD,
        FACTORYAI_AUTH__SECRET_KEY=SECRET_KEY,
        FACTORYAI_LOGGING__JSON_FORMAT="true",
        FACTORYAI_SCHEDULER__ENABLED="false",
        FACTORYAI_VIDEO__REFRESH_SECONDS="1",
        FACTORYAI_IDENTITY__SNAPSHOT_DIR=str(tmp_path / "snapshots"),
        **settings,
    )
    with stderr_path.open("wb") as stderr, (tmp_path / "server.stdout.log").open("wb") as stdout:
        process = subprocess.Popen(
            [
                str(FACTORYAI),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--migrate",
                "--workers",
                str(workers),
            ],
            env=env,
            cwd=tmp_path,
            stdout=stdout,
            stderr=stderr,
        )
    server = Server(process=process, base_url=f"http://127.0.0.1:{port}", stderr_path=stderr_path)
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        _stop(server)


@contextmanager
def admin_client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        login = client.post("/api/v1/auth/login", data={"username": "admin", "password": ADMIN_PASSWORD})
        assert login.status_code == 200, login.text
        client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        yield client


@contextmanager
def camera_worker(tmp_path: Path, server: Server, api_key: str, name: str = "w1") -> Iterator[str]:
    """`factoryai worker` in a subprocess, relaying to ``server``; yields its base URL; stopped (SIGTERM) at the
    end."""
    port = _free_port()
    env = _server_env(FACTORYAI_WORKER_API_KEY=api_key)
    log = tmp_path / f"worker-{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                str(FACTORYAI),
                "worker",
                "--api",
                server.base_url,
                "--listen",
                f"127.0.0.1:{port}",
                "--name",
                name,
                "--outbox",
                str(tmp_path / f"worker-{name}.outbox.sqlite"),
            ],
            env=env,
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def add_camera(client: httpx.Client, camera_id: str, source_url: str, role: str = "zone", **settings: object) -> None:
    body = {"id": camera_id, "name": camera_id, "source_url": source_url, "role": role, "settings": settings}
    response = client.post("/api/v1/cameras", json=body)
    assert response.status_code == 201, response.text


def read_parts(response: httpx.Response | Iterator[bytes], count: int) -> list[tuple[dict[str, str], bytes]]:
    """Parse ``count`` parts of a multipart/x-mixed-replace stream (a response, or its iter_raw() to go on reading
    after): (headers, body) each, checked strictly."""
    parts: list[tuple[dict[str, str], bytes]] = []
    buffer = b""
    stream = response.iter_raw() if isinstance(response, httpx.Response) else response
    while len(parts) < count:
        while b"\r\n\r\n" not in buffer:
            buffer += next(stream)
        head, buffer = buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        assert lines[0] == "--frame", lines
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        length = int(headers["content-length"])
        while len(buffer) < length + 2:
            buffer += next(stream)
        body, tail, buffer = buffer[:length], buffer[length : length + 2], buffer[length + 2 :]
        assert tail == b"\r\n"
        parts.append((headers, body))
    return parts

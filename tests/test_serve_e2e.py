"""The real server, end to end: `factoryai serve` in a subprocess, spoken to over real HTTP.

Covers what in-process tests cannot: the console script, `--migrate` on an empty database, uvicorn's
threadpool running requests truly concurrently, JSON logs on stderr, and a clean exit on SIGTERM.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import ADMIN_PASSWORD, BACKENDS

FACTORYAI = Path(sys.executable).with_name("factoryai")
STARTUP_TRIES = 600  # x 0.2 s: generous, since startup includes migrating an empty database
POLL_SECONDS = 0.2
STOP_TIMEOUT_SECONDS = 30
CONCURRENT_CREATES = 20


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(**settings: str) -> dict[str, str]:
    """The parent's environment without FACTORYAI_* (so a developer's settings don't leak in), plus these."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACTORYAI_")}
    env.update(settings)
    return env


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    stderr_path: Path

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def log_records(self) -> list[dict[str, Any]]:
        """Every stderr line as a JSON object; fails on a line that is not one."""
        records = []
        for number, line in enumerate(self.stderr().splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                pytest.fail(f"stderr line {number} is not JSON although logging.json_format is on: {line!r}")
            assert isinstance(record, dict), f"stderr line {number} is JSON but not an object: {line!r}"
            records.append(record)
        return records


def _start_server(db_url: str, tmp_path: Path) -> Server:
    port = _free_port()
    stderr_path = tmp_path / "server.stderr.log"
    env = _server_env(
        FACTORYAI_DATABASE__URL=db_url,
        FACTORYAI_AUTH__BOOTSTRAP_ADMIN_PASSWORD=ADMIN_PASSWORD,
        FACTORYAI_LOGGING__JSON_FORMAT="true",
        FACTORYAI_IDENTITY__SNAPSHOT_DIR=str(tmp_path / "snapshots"),
    )
    with stderr_path.open("wb") as stderr, (tmp_path / "server.stdout.log").open("wb") as stdout:
        process = subprocess.Popen(
            [str(FACTORYAI), "serve", "--host", "127.0.0.1", "--port", str(port), "--migrate"],
            env=env,
            cwd=tmp_path,  # the default ./data directory, if anything uses it, lands in tmp_path
            stdout=stdout,
            stderr=stderr,
        )
    return Server(process=process, base_url=f"http://127.0.0.1:{port}", stderr_path=stderr_path)


def _wait_until_healthy(server: Server) -> None:
    last_error = "no attempt made"
    for _ in range(STARTUP_TRIES):
        if server.process.poll() is not None:
            pytest.fail(
                f"the server exited with code {server.process.returncode} before it answered /api/health:\n"
                f"{server.stderr()[-5000:]}"
            )
        try:
            response = httpx.get(f"{server.base_url}/api/health", timeout=2)
        except httpx.TransportError as exc:
            last_error = repr(exc)
        else:
            if response.status_code == 200:
                return
            last_error = f"HTTP {response.status_code}: {response.text[:500]}"
        time.sleep(POLL_SECONDS)
    pytest.fail(
        f"/api/health never answered 200 in {STARTUP_TRIES} tries (last: {last_error}); server stderr:\n"
        f"{server.stderr()[-5000:]}"
    )


# uvicorn shuts down gracefully on SIGTERM and then re-raises the signal, so the process ends "killed by
# SIGTERM" (-15 here, 143 in a shell) by design; systemd and Docker treat that as a clean stop. 0 is fine too.
CLEAN_EXIT_CODES = (0, -signal.SIGTERM)


def _assert_stopped_cleanly(server: Server) -> None:
    code = _stop(server)
    assert code is not None, f"the server ignored SIGTERM for {STOP_TIMEOUT_SECONDS}s and had to be killed"
    assert code in CLEAN_EXIT_CODES, f"exit code {code} after SIGTERM:\n{server.stderr()[-5000:]}"
    messages = [str(record.get("message", "")) for record in server.log_records()]
    assert "Application shutdown complete." in messages, messages[-10:]
    assert any(m.startswith("Finished server process") for m in messages), messages[-10:]
    assert not [r for r in server.log_records() if r.get("level") in ("ERROR", "CRITICAL")], server.stderr()[-5000:]


def _stop(server: Server) -> int | None:
    """SIGTERM, a bounded wait, then SIGKILL. Returns the exit code after SIGTERM, or None if it had to be killed."""
    if server.process.poll() is not None:
        return server.process.returncode
    server.process.send_signal(signal.SIGTERM)
    try:
        return server.process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        return None


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest, make_database: Callable[[str], str], tmp_path: Path) -> Iterator[Server]:
    """A running `factoryai serve --migrate` on a fresh, empty database of each backend."""
    server = _start_server(make_database(request.param), tmp_path)
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        _stop(server)  # the test itself asserts a clean stop; this only makes sure nothing is left running


def _assert_error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    return body["error"]


def _wait_for_log(server: Server, predicate: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
    # stderr is line-buffered, but the access line is written after the response is sent: allow a moment.
    for _ in range(50):
        matches = [record for record in server.log_records() if predicate(record)]
        if matches:
            return matches[0]
        time.sleep(0.1)
    pytest.fail(f"no log line for {what} in the server's stderr:\n{server.stderr()[-5000:]}")


def test_serve_end_to_end(server: Server) -> None:
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        # Health, with a generated request id.
        health = client.get("/api/health")
        assert health.status_code == 200, health.text
        assert health.json()["status"] == "ok"
        assert health.json()["database"] == "ok"
        generated_id = health.headers.get("X-Request-ID")
        assert generated_id, "a response without X-Request-ID"
        assert len(generated_id) == 32, generated_id
        assert set(generated_id) <= set("0123456789abcdef"), generated_id

        # Log in as the bootstrap admin created on the first start.
        wrong = client.post("/api/v1/auth/login", data={"username": "admin", "password": "not-the-password"})
        _assert_error(wrong, 401)
        login = client.post("/api/v1/auth/login", data={"username": "admin", "password": ADMIN_PASSWORD})
        assert login.status_code == 200, login.text
        client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        me = client.get("/api/v1/auth/me")
        assert me.status_code == 200, me.text
        assert me.json()["username"] == "admin"
        assert me.json()["role"] == "admin"

        # Create a department, with our own request id to follow into the logs.
        request_id = f"e2e-{uuid.uuid4().hex}"
        dept = client.post(
            "/api/v1/departments",
            json={"name": "Assembly", "description": "Line 1"},
            headers={"X-Request-ID": request_id},
        )
        assert dept.status_code == 201, dept.text
        assert dept.headers.get("X-Request-ID") == request_id
        shift = client.post(
            "/api/v1/shifts",
            json={"shift_name": "Night", "start_time": "22:00", "end_time": "06:00", "grace_period_minutes": 10},
        )
        assert shift.status_code == 201, shift.text
        employee = client.post(
            "/api/v1/employees",
            json={
                "name": "Asha Rao",
                "email": "Asha.Rao@Example.com",
                "shift_id": shift.json()["id"],
                "department_id": dept.json()["id"],
            },
        )
        assert employee.status_code == 201, employee.text
        camera = client.post(
            "/api/v1/cameras",
            json={"id": "CAM-GATE", "name": "Gate", "source_url": "rtsp://cam:pw@10.0.0.7/live", "role": "entrance"},
        )
        assert camera.status_code == 201, camera.text

        # Read them back over a fresh request each.
        got_dept = client.get(f"/api/v1/departments/{dept.json()['id']}")
        assert got_dept.status_code == 200, got_dept.text
        assert got_dept.json()["name"] == "Assembly"
        assert got_dept.json()["description"] == "Line 1"
        got_shift = client.get(f"/api/v1/shifts/{shift.json()['id']}")
        assert got_shift.status_code == 200, got_shift.text
        assert got_shift.json()["shift_name"] == "Night"
        assert got_shift.json()["is_overnight"] is True
        assert got_shift.json()["grace_period_minutes"] == 10
        got_employee = client.get(f"/api/v1/employees/{employee.json()['id']}")
        assert got_employee.status_code == 200, got_employee.text
        assert got_employee.json()["email"] == "asha.rao@example.com"
        assert got_employee.json()["department_id"] == dept.json()["id"]
        assert got_employee.json()["shift_id"] == shift.json()["id"]
        got_camera = client.get("/api/v1/cameras/CAM-GATE")
        assert got_camera.status_code == 200, got_camera.text
        assert got_camera.json()["name"] == "Gate"
        assert got_camera.json()["source_url"] == "rtsp://cam:***@10.0.0.7/live"
        listed = client.get("/api/v1/employees", params={"department_id": dept.json()["id"]})
        assert listed.status_code == 200, listed.text
        assert [e["name"] for e in listed.json()["items"]] == ["Asha Rao"]

        # An unsafe incoming request id is replaced, not echoed into headers and logs.
        unsafe = client.get("/api/health", headers={"X-Request-ID": "bad id\twith spaces"})
        assert unsafe.headers.get("X-Request-ID") not in (None, "", "bad id\twith spaces")

    # The logs: every stderr line is a JSON object; our request's access line carries its id.
    access = _wait_for_log(
        server,
        lambda r: r.get("request_id") == request_id and r.get("path") == "/api/v1/departments",
        f"request {request_id}",
    )
    assert access["status"] == 201, access
    assert access["method"] == "POST", access
    assert access["level"] == "INFO", access
    assert "time" in access, access
    assert any(r.get("request_id") == generated_id for r in server.log_records()), "the generated id is not logged"
    assert all("request_id" in record for record in server.log_records())

    # Clean shutdown on SIGTERM.
    _assert_stopped_cleanly(server)


def test_concurrent_creates_of_one_department_give_one_201_and_409s(server: Server) -> None:
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        login = client.post("/api/v1/auth/login", data={"username": "admin", "password": ADMIN_PASSWORD})
        assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

    barrier = threading.Barrier(CONCURRENT_CREATES)
    responses: list[httpx.Response | BaseException] = []
    lock = threading.Lock()

    def create() -> None:
        try:
            with httpx.Client(base_url=server.base_url, timeout=60, headers=headers) as own:
                own.get("/api/health")  # connect first, so the POSTs leave together
                barrier.wait(timeout=60)
                result: httpx.Response | BaseException = own.post("/api/v1/departments", json={"name": "Paint Shop"})
        except BaseException as exc:
            result = exc
        with lock:
            responses.append(result)

    threads = [threading.Thread(target=create) for _ in range(CONCURRENT_CREATES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request thread never finished"
    errors = [r for r in responses if isinstance(r, BaseException)]
    assert not errors, errors
    statuses = Counter(r.status_code for r in responses if isinstance(r, httpx.Response))
    bodies = [r.text for r in responses if isinstance(r, httpx.Response) and r.status_code not in (201, 409)]
    assert statuses == {201: 1, 409: CONCURRENT_CREATES - 1}, (statuses, bodies[:3])
    for response in responses:
        assert isinstance(response, httpx.Response)
        if response.status_code == 409:
            assert _assert_error(response, 409)["code"] == "conflict"

    with httpx.Client(base_url=server.base_url, timeout=30, headers=headers) as client:
        listed = client.get("/api/v1/departments", params={"q": "Paint Shop"})
        assert listed.status_code == 200, listed.text
        assert listed.json()["total"] == 1, listed.json()

    _assert_stopped_cleanly(server)  # which also checks every line it wrote is a JSON object


def _run_serve(env: dict[str, str], cwd: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [str(FACTORYAI), "serve", "--host", "127.0.0.1", "--port", str(_free_port()), *extra],
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=120,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the server started (or hung) instead of refusing: {exc.stderr!r}")


def _production_env(db_url: str) -> dict[str, str]:
    return _server_env(
        FACTORYAI_DATABASE__URL=db_url,
        FACTORYAI_SERVER__ENVIRONMENT="production",
        FACTORYAI_AUTH__SECRET_KEY=secrets.token_hex(20),  # 40 random characters
    )


def test_production_refuses_to_start_without_bootstrap_admin_password(
    make_database: Callable[[str], str], tmp_path: Path
) -> None:
    db_url = make_database("sqlite")
    env = _production_env(db_url)
    assert len(env["FACTORYAI_AUTH__SECRET_KEY"]) == 40
    result = _run_serve(env, tmp_path, "--migrate")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "FACTORYAI_AUTH__BOOTSTRAP_ADMIN_PASSWORD" in output, output
    # It refused before creating anyone: no admin with an unknown password was left behind.
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM users")).scalar_one() == 0
    finally:
        engine.dispose()


@pytest.mark.parametrize("case", ["production-without-admin-password", "schema-not-migrated"])
def test_a_refused_start_says_why_in_one_line_not_a_traceback(
    case: str, make_database: Callable[[str], str], tmp_path: Path
) -> None:
    """cli.py's `serve` catches StartupRefusedError/SchemaOutdatedError to print "refusing to start: ..." (exit 2).

    Both are raised in the app's lifespan, inside uvicorn.run, so this checks that the handler really is reached.
    """
    if case == "production-without-admin-password":
        result = _run_serve(_production_env(make_database("sqlite")), tmp_path, "--migrate")
        reason = "FACTORYAI_AUTH__BOOTSTRAP_ADMIN_PASSWORD"
    else:
        env = _server_env(
            FACTORYAI_DATABASE__URL=make_database("sqlite"), FACTORYAI_AUTH__BOOTSTRAP_ADMIN_PASSWORD=ADMIN_PASSWORD
        )
        result = _run_serve(env, tmp_path, "--no-migrate")
        reason = "factoryai db upgrade"
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "refusing to start" in output, output[-3000:]
    assert reason in output, output[-3000:]
    assert "Traceback" not in output, output[-3000:]

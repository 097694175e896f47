"""Attendance check-in throughput through the HTTP API on PostgreSQL, against a naive no-pool baseline.

    .venv/bin/python bench/checkin_throughput.py            # about a minute on 2 cores

What it does, all in one run:

1. creates a throw-away PostgreSQL database, migrates it and seeds 1,000 active employees on two day shifts,
   an admin user (so no server bootstraps one) and an API key with the ``ingest`` scope; every run below gets
   its own copy of it (``CREATE DATABASE ... TEMPLATE``), so each measures real inserts from the same start;
2. for each server configuration, starts the real server as a subprocess, waits for ``/api/health``, warms
   it up with rejected punches (outside the shift window: the whole request path, nothing written), then
   drives it from this process with a keep-alive pool of ``--concurrency`` connections:
   - phase "first check-in": one check-in per employee (1,000 inserts), in random order;
   - phase "duplicate": the same employees two minutes later (the double-entry ``skipped_duplicate`` path);
3. checks every response (200, and skipped_duplicate false/true as the phase expects) and that the database
   ends with exactly 1,000 attendance records, one per employee; prints the table; drops every database.

Configurations: ``ours`` is ``factoryai serve --no-migrate`` (pooled engine, one worker); ``baseline`` is the
same app on a NullPool engine (bench/naive_server.py: a new PostgreSQL connection per request); the extra
line is ``factoryai serve --workers 2``. Exit status 1 when any request failed or a check did not hold.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx2 as httpx
from sqlalchemy import create_engine, func, select, text

from factoryai.accounts.models import ApiKeyScope, Role, User
from factoryai.accounts.schemas import ApiKeyCreate
from factoryai.accounts.service import create_api_key
from factoryai.attendance.models import AttendanceRecord
from factoryai.core import auth, migrate
from factoryai.core.config import load_settings
from factoryai.core.db import create_db_engine, create_session_factory, unit_of_work
from factoryai.organization.models import Employee, Shift

BENCH_DIR = Path(__file__).resolve().parent
PG_ADMIN_URL = os.environ.get("FACTORYAI_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SITE_TZ = "Asia/Kolkata"
PUNCH_DAY = date(2025, 3, 5)  # a fixed past day: punches may not be in the future
CHECK_IN_PATH = "/api/v1/attendance/check-in"
GOAL_RPS = 300.0
GOAL_P99_MS = 100.0


# --- databases ------------------------------------------------------------------------------------------------


def _admin_engine():
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})


def _db_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


class Databases:
    """Creates databases and drops every one of them on close, whatever happened in between."""

    def __init__(self) -> None:
        self.prefix = f"factoryai_bench_{uuid.uuid4().hex[:8]}"
        self.created: list[str] = []

    def create(self, suffix: str, template: str | None = None) -> str:
        name = f"{self.prefix}_{suffix}"
        engine = _admin_engine()
        try:
            with engine.connect() as conn:
                clause = f' TEMPLATE "{template}"' if template else ""
                conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        finally:
            engine.dispose()
        self.created.append(name)
        return name

    def drop_all(self) -> None:
        if not self.created:
            return
        engine = _admin_engine()
        try:
            with engine.connect() as conn:
                for name in reversed(self.created):
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            engine.dispose()
        self.created.clear()


@dataclass
class Seed:
    api_key: str
    employee_ids: list[int]


def seed(url: str, employees: int) -> Seed:
    """Migrate and fill: shifts, employees, an admin (so servers don't bootstrap one) and an ingest key."""
    engine = create_db_engine(load_settings(database={"url": url}).database)
    try:
        migrate.upgrade(engine)
        with unit_of_work(create_session_factory(engine)) as session:
            shifts = [
                # Check-ins are sent 07:50-08:10 site time: inside both windows, some on time, some late.
                Shift(
                    shift_name="Bench day A",
                    start_time=clock_time(8, 0),
                    end_time=clock_time(16, 0),
                    grace_period_minutes=5,
                    checkin_window_before_minutes=60,
                ),
                Shift(
                    shift_name="Bench day B",
                    start_time=clock_time(8, 5),
                    end_time=clock_time(17, 0),
                    grace_period_minutes=0,
                    checkin_window_before_minutes=90,
                ),
            ]
            session.add_all(shifts)
            session.flush()
            people = [
                Employee(
                    name=f"Bench Employee {i:04d}",
                    email=f"bench{i:04d}@example.com",
                    shift_id=shifts[i % len(shifts)].id,
                    is_active=True,
                )
                for i in range(employees)
            ]
            session.add_all(people)
            session.add(
                User(
                    username="admin",
                    full_name="Administrator",
                    role=Role.ADMIN.value,
                    password_hash=auth.hash_password(uuid.uuid4().hex),
                    is_active=True,
                )
            )
            _key, plaintext = create_api_key(session, ApiKeyCreate(name="bench", scopes=[ApiKeyScope.INGEST]), None)
            session.flush()
            ids = [p.id for p in people]
    finally:
        engine.dispose()
    return Seed(api_key=plaintext, employee_ids=ids)


def attendance_counts(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(func.count(), func.count(AttendanceRecord.employee_id.distinct()))).one()
    finally:
        engine.dispose()
    return int(rows[0]), int(rows[1])


# --- servers --------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _machine_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine so far, from /proc/stat."""
    user, nice, system, idle, iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    busy = user + nice + system + irq + softirq + steal
    return busy, busy + idle + iowait


def _process_tree_cpu_seconds(root: int) -> float:
    """User + system CPU of a process and its children (uvicorn's worker processes), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = stat.read_text()
        except OSError:
            continue
        pid = int(raw.split(" ", 1)[0])
        fields = raw.rsplit(")", 1)[1].split()
        ppid, utime, stime = int(fields[1]), int(fields[11]), int(fields[12])
        if pid == root or ppid == root:
            total += (utime + stime) / ticks
    return total


class Server:
    def __init__(self, label: str, argv: list[str], db_url: str, log_dir: Path) -> None:
        self.label = label
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.argv = [*argv, "--host", "127.0.0.1", "--port", str(self.port)]
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("FACTORYAI_")}
        self.env.update(
            FACTORYAI_DATABASE__URL=db_url,
            FACTORYAI_LOGGING__LEVEL="WARNING",  # no access log line per request
            FACTORYAI_SITE__TIMEZONE=SITE_TZ,
        )
        self.log_path = log_dir / f"{label.replace(' ', '_')}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> None:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.label}: server exited with {self.process.returncode}\n{self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.base_url + "/api/health", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{self.label}: /api/health did not answer within {timeout:.0f} s\n{self.log_tail()}")

    def cpu_seconds(self) -> float:
        return _process_tree_cpu_seconds(self.process.pid) if self.process else 0.0

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # uvicorn shuts down gracefully, workers included
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # its own session: only what we started
            self.process.wait(timeout=5)


@contextlib.contextmanager
def running(server: Server) -> Iterator[Server]:
    try:
        server.start()
        yield server
    finally:
        server.stop()


# --- load -----------------------------------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    requests: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    client_cpu_s: float = 0.0
    server_cpu_s: float = 0.0
    machine_busy: float = 0.0  # share of all CPUs busy (ours, PostgreSQL and anything else running)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        if len(self.latencies_ms) == 1:
            return self.latencies_ms[0]
        return statistics.quantiles(self.latencies_ms, n=1000, method="inclusive")[round(p * 10) - 1]


def _bodies(employee_ids: list[int], offset: timedelta, rng: random.Random) -> list[dict[str, Any]]:
    tz = ZoneInfo(SITE_TZ)
    start = datetime.combine(PUNCH_DAY, clock_time(7, 50), tzinfo=tz)
    spread = timedelta(minutes=20) / max(len(employee_ids), 1)
    bodies = [
        {"employee_id": emp, "timestamp": (start + i * spread + offset).isoformat()}
        for i, emp in enumerate(employee_ids)
    ]
    rng.shuffle(bodies)
    return bodies


def _check(expect_duplicate: bool | None) -> Any:
    def check(response: httpx.Response) -> str | None:
        if response.status_code != 200:
            return f"HTTP {response.status_code}: {response.text[:200]}"
        if expect_duplicate is None:
            return None
        body = response.json()
        if body.get("action") != "check_in" or body.get("skipped_duplicate") is not expect_duplicate:
            return f"unexpected result {body}"
        return None

    return check


async def _run_phase(
    client: httpx.AsyncClient, server: Server, name: str, bodies: list[dict[str, Any]], concurrency: int, check: Any
) -> Phase:
    phase = Phase(name, requests=len(bodies))
    work = iter(bodies)

    async def worker() -> None:
        for body in work:  # one shared iterator: each body is sent once
            t0 = time.perf_counter()
            try:
                response = await client.post(CHECK_IN_PATH, json=body)
            except httpx.HTTPError as exc:
                phase.failures.append(f"{exc.__class__.__name__}: {exc}")
                continue
            phase.latencies_ms.append((time.perf_counter() - t0) * 1000)
            problem = check(response)
            if problem:
                phase.failures.append(problem)

    cpu0, server_cpu0, busy0, t0 = time.process_time(), server.cpu_seconds(), _machine_jiffies(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    phase.seconds = time.perf_counter() - t0
    phase.client_cpu_s = time.process_time() - cpu0
    phase.server_cpu_s = server.cpu_seconds() - server_cpu0
    busy1 = _machine_jiffies()
    phase.machine_busy = (busy1[0] - busy0[0]) / max(busy1[1] - busy0[1], 1)
    return phase


async def _drive(server: Server, seeded: Seed, concurrency: int, warmup: int) -> list[Phase]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=server.base_url, headers={"X-API-Key": seeded.api_key}, limits=limits, timeout=30.0
    ) as client:
        ids = seeded.employee_ids
        rng = random.Random(42)  # the same order for every configuration
        # Warm-up: punches at 02:00, outside every window: the full check-in path, rejected with 422, no rows.
        tz = ZoneInfo(SITE_TZ)
        early = datetime.combine(PUNCH_DAY, clock_time(2, 0), tzinfo=tz).isoformat()
        warm = [{"employee_id": ids[i % len(ids)], "timestamp": early} for i in range(warmup)]

        def rejected(response: httpx.Response) -> str | None:
            ok = response.status_code == 422 and response.json()["error"]["code"] == "outside_shift_window"
            return None if ok else f"warm-up: HTTP {response.status_code}: {response.text[:200]}"

        warm_phase = await _run_phase(client, server, "warm-up", warm, concurrency, rejected)
        first = await _run_phase(
            client, server, "first check-in", _bodies(ids, timedelta(0), rng), concurrency, _check(False)
        )
        dup = await _run_phase(
            client, server, "duplicate", _bodies(ids, timedelta(minutes=2), rng), concurrency, _check(True)
        )
    return [warm_phase, first, dup]


# --- the run --------------------------------------------------------------------------------------------------


@dataclass
class Result:
    label: str
    phases: dict[str, Phase]
    problems: list[str]


def run_config(
    label: str, argv: list[str], dbs: Databases, template: str, seeded: Seed, args: argparse.Namespace, logs: Path
) -> Result:
    name = dbs.create(label.replace(" ", "_").replace("-", ""), template=template)
    url = _db_url(name)
    print(f"  {label}: starting {' '.join(Path(a).name if '/' in a else a for a in argv)} ...", flush=True)
    with running(Server(label, argv, url, logs)) as server:
        phases = asyncio.run(_drive(server, seeded, args.concurrency, args.warmup))
        tail = server.log_tail()
    problems = [f"{label} / {p.name}: {f}" for p in phases for f in p.failures[:5]]
    problems += [f"{label} / {p.name}: {len(p.failures)} failed requests in all" for p in phases if len(p.failures) > 5]
    records, employees = attendance_counts(url)
    if (records, employees) != (len(seeded.employee_ids), len(seeded.employee_ids)):
        problems.append(f"{label}: database holds {records} attendance records for {employees} employees")
    if problems and tail:
        problems.append(f"{label}: server log tail:\n{tail}")
    for p in phases[1:]:
        print(
            f"    {p.name:<15} {p.rps:7.1f} req/s  p50 {p.pct(50):6.1f} ms  p95 {p.pct(95):6.1f} ms  "
            f"p99 {p.pct(99):6.1f} ms  server CPU {p.server_cpu_s / p.requests * 1000:5.2f} ms/req  "
            f"client CPU {p.client_cpu_s / p.requests * 1000:5.2f} ms/req  machine CPU busy {p.machine_busy:4.0%}",
            flush=True,
        )
    return Result(label, {p.name: p for p in phases}, problems)


def _cells(p: Phase) -> str:
    return f"{p.rps:7.1f} {p.pct(50):6.1f} {p.pct(95):6.1f} {p.pct(99):6.1f}"


def report(ours: Result, baseline: Result, extra: Result | None, concurrency: int) -> str:
    head = "req/s    p50    p95    p99"
    lines = [
        f"{'phase':<20} | {'ours (pooled, 1 worker)':<27} | {'baseline (no pool, 1 worker)':<28} | ratio",
        f"{'':<20} | {head:<27} | {head:<28} | req/s, p99",
        "-" * 96,
    ]
    for name in ("first check-in", "duplicate"):
        o, b = ours.phases[name], baseline.phases[name]
        ratio = f"{o.rps / b.rps:4.2f}x, {b.pct(99) / o.pct(99):4.2f}x" if b.rps and o.pct(99) else "n/a"
        lines.append(f"{name:<20} | {_cells(o):<27} | {_cells(b):<28} | {ratio}")
    if extra is not None:
        lines.append("-" * 96)
        for name in ("first check-in", "duplicate"):
            e, b = extra.phases[name], baseline.phases[name]
            ratio = f"{e.rps / b.rps:4.2f}x, {b.pct(99) / e.pct(99):4.2f}x" if b.rps and e.pct(99) else "n/a"
            lines.append(f"{name + ' (w=2)':<20} | {_cells(e):<27} | {_cells(b):<28} | {ratio}")
    lines.append("latencies in ms; ratio = ours/baseline throughput, baseline/ours p99 (higher is better for ours)")
    lines.append(f"{'(w=2): ours with --workers 2; ' if extra else ''}concurrency {concurrency} keep-alive connections")
    for label, run in (("1 worker", ours), ("2 workers", extra)):
        if run is None:
            continue
        first = run.phases["first check-in"]
        met = first.rps >= GOAL_RPS and first.pct(99) <= GOAL_P99_MS
        lines.append(
            f"goal (>= {GOAL_RPS:.0f} check-ins/s, p99 <= {GOAL_P99_MS:.0f} ms, first check-ins, {label}): "
            f"{'MET' if met else 'MISSED'} ({first.rps:.0f}/s, p99 {first.pct(99):.1f} ms)"
        )
    return "\n".join(lines)


def _loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description="Check-in throughput on PostgreSQL, ours against no-pool baseline.")
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16, help="keep-alive connections sending at once")
    parser.add_argument("--warmup", type=int, default=200, help="rejected punches sent before measuring")
    parser.add_argument("--no-workers-2", action="store_true", help="skip the extra --workers 2 run")
    args = parser.parse_args()

    factoryai = Path(sys.executable).with_name("factoryai")
    ours_argv = [str(factoryai), "serve", "--no-migrate"]
    baseline_argv = [sys.executable, str(BENCH_DIR / "naive_server.py")]
    configs = [("ours", ours_argv), ("baseline", baseline_argv)]
    if not args.no_workers_2:
        configs.append(("ours workers-2", [*ours_argv, "--workers", "2"]))

    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in ln),
        "unknown CPU",
    )
    print(
        f"check-in throughput: {args.employees} employees, concurrency {args.concurrency}, "
        f"{os.cpu_count()} CPUs ({cpu}), load average before: {_loadavg()}"
    )
    load_before, cpus = os.getloadavg()[0], os.cpu_count() or 1
    dbs = Databases()
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="factoryai-bench-") as tmp:
            template = dbs.create("template")
            seeded = seed(_db_url(template), args.employees)
            print(f"  seeded {template} in {time.monotonic() - started:.1f} s", flush=True)
            logs = Path(tmp)
            results = {label: run_config(label, argv, dbs, template, seeded, args, logs) for label, argv in configs}
    finally:
        dbs.drop_all()
    problems = [p for r in results.values() for p in r.problems]
    print()
    print(report(results["ours"], results["baseline"], results.get("ours workers-2"), args.concurrency))
    print(f"total {time.monotonic() - started:.0f} s")
    if load_before > cpus:
        print(
            f"WARNING: the load average was {load_before:.1f} on {cpus} CPUs before the run: other "
            "processes were competing for the CPUs; these figures understate the code"
        )
    if problems:
        print("\nFAILED:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

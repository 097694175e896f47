"""/api/health latency while large JSON bodies are posted: ours against the naive (uncapped) baseline, in one run.

    .venv/bin/python bench/body_flood.py              # about a minute on 2 cores (the baseline's huge body is slow)
    .venv/bin/python bench/body_flood.py --no-huge    # skip the 19 MB body (the baseline needs ~20 s per post)

What it does, all in one run:

1. measures in this process what the loop would spend on one 1 MiB body of unknown keys: JSON parsing, FastAPI's
   validation and its error list, and rendering them, as the naive server does on its event loop;
2. creates a throw-away SQLite database and starts two servers on it, each one uvicorn worker:
   - ``ours``: the app as shipped (JSON bodies capped at server.max_json_body_bytes, at most 1,000 values, bodies
     over 16 KB parsed and validated in a worker thread, 20 errors listed);
   - ``baseline``: the same app with those four limits lifted (the JSON cap raised to the upload cap of 32 MB,
     no value budget, everything parsed and validated on the loop, every error listed): the code before them;
3. for each kind of body, logged in as admin, posts it to POST /api/v1/departments from ``--posters`` threads while
   a prober thread calls GET /api/health every 50 ms, and reports the health latency during the posts (idle
   figures too), the posts' status, time and response size; the ratio is baseline / ours (above 1: ours better).

Bodies: ``huge`` = the probe's object of 1,000,000 unknown keys (19 MB), posted once; ``1 MiB`` = as many
unknown keys as fit in the 1 MiB cap (~75,000; ours refuses it by the value budget); ``1,000 keys`` = 1,000 unknown
keys with long names (68 KB; ours validates it in a worker thread and lists 20 errors). Both are posted for
``--seconds`` each.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx

ADMIN_PASSWORD = "bench-admin-password-1"  # noqa: S105 - a throw-away database's admin
DEPARTMENTS = "/api/v1/departments"
MB = 1024 * 1024


def unknown_keys(count: int, width: int = 6, prefix: str = "k") -> bytes:
    return json.dumps({f"{prefix}{i:0{width}d}": 0 for i in range(count)}).encode()


def fit_keys(limit: int) -> bytes:
    """As many unknown keys as fit in ``limit`` bytes."""
    per_key = len(unknown_keys(1000)) / 1000
    count = int(limit / per_key)
    while len(body := unknown_keys(count)) > limit:
        count -= 100
    return body


# --- 1. what the naive path costs on the loop -------------------------------------------------------------------


def loop_cost(body: bytes) -> dict[str, float]:
    from fastapi.dependencies.utils import request_body_to_args

    from factoryai.core.errors import problem
    from factoryai.organization.router import router

    route = next(r for r in router.routes if r.path == DEPARTMENTS and "POST" in r.methods)
    started = time.perf_counter()
    data = json.loads(body)
    parsed = time.perf_counter()
    _values, errors = asyncio.run(request_body_to_args(route.dependant.body_params, data, False))
    validated = time.perf_counter()
    # What the naive handler then does with every error: one detail each, all rendered into the response.
    details = [problem(".".join(map(str, e["loc"])), e["msg"], type=e["type"]) for e in errors]
    rendered = json.dumps({"error": {"code": "validation_error", "message": "", "details": details}})
    done = time.perf_counter()
    return {
        "keys": len(data),
        "parse_ms": (parsed - started) * 1000,
        "validate_ms": (validated - parsed) * 1000,
        "render_ms": (done - validated) * 1000,
        "errors": len(errors),
        "response_mb": len(rendered) / 1e6,
    }


# --- 2. the servers -------------------------------------------------------------------------------------------


def serve(kind: str, port: int) -> None:
    """Child process: run one server (``ours`` or ``baseline``) under uvicorn, as `factoryai serve` does."""
    import uvicorn

    from factoryai.api import errors
    from factoryai.api.app import create_app
    from factoryai.core import routing
    from factoryai.core.config import load_settings

    settings = load_settings()
    if kind == "baseline":
        settings.server.max_json_body_bytes = settings.server.max_body_bytes
        routing.MAX_JSON_VALUES = sys.maxsize
        routing.OFFLOAD_BYTES = sys.maxsize
        errors.MAX_LISTED_ERRORS = sys.maxsize
    uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_level="warning")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, kind: str, data_dir: Path) -> None:
        self.kind = kind
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("FACTORYAI_")}
        env.update(
            FACTORYAI_SITE__DATA_DIR=str(data_dir),
            FACTORYAI_AUTH__BOOTSTRAP_ADMIN_PASSWORD=ADMIN_PASSWORD,
            FACTORYAI_SCHEDULER__ENABLED="false",
            FACTORYAI_MQTT__ENABLED="false",
            FACTORYAI_LOGGING__LEVEL="WARNING",
        )
        self.log = data_dir / f"{kind}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, __file__, "--serve", kind, "--port", str(self.port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{kind} exited: {self.log.read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + "/api/health", timeout=2).status_code == 200:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"{kind} did not start: {self.log.read_text()[-2000:]}")
        login = httpx.post(self.url + "/api/v1/auth/login", data={"username": "admin", "password": ADMIN_PASSWORD})
        login.raise_for_status()
        self.headers = {"Authorization": f"Bearer {login.json()['access_token']}", "Content-Type": "application/json"}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # its own session: only what we started
                self.process.wait(timeout=5)


# --- 3. the flood ---------------------------------------------------------------------------------------------


@dataclass
class Result:
    health_ms: list[float] = field(default_factory=list)
    post_ms: list[float] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)
    response_bytes: int = 0
    seconds: float = 0.0


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def probe(url: str, stop: threading.Event, out: list[float]) -> None:
    with httpx.Client(timeout=120) as client:
        while not stop.is_set():
            started = time.perf_counter()
            client.get(url + "/api/health").raise_for_status()
            out.append((time.perf_counter() - started) * 1000)
            stop.wait(0.05)


def flood(server: Server, body: bytes, posts: int | None, seconds: float, posters: int) -> Result:
    """Post ``body`` from ``posters`` threads, ``posts`` times in all, or (None) until ``seconds`` have passed."""
    result = Result()
    stop = threading.Event()
    prober = threading.Thread(target=probe, args=(server.url, stop, result.health_ms))
    lock = threading.Lock()
    remaining = [posts if posts is not None else sys.maxsize]
    deadline = time.monotonic() + seconds

    def post() -> None:
        with httpx.Client(timeout=600) as client:
            while True:
                with lock:
                    if remaining[0] == 0 or (posts is None and time.monotonic() > deadline):
                        return
                    remaining[0] -= 1
                started = time.perf_counter()
                response = client.post(server.url + DEPARTMENTS, content=body, headers=server.headers)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    result.post_ms.append(elapsed)
                    result.statuses.add(response.status_code)
                    result.response_bytes = max(result.response_bytes, len(response.content))

    prober.start()
    time.sleep(0.3)  # a few idle probes first
    threads = [threading.Thread(target=post) for _ in range(posters)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - started
    stop.set()
    prober.join()
    return result


def idle_health(server: Server, probes: int = 40) -> list[float]:
    out: list[float] = []
    with httpx.Client(timeout=10) as client:
        for _ in range(probes):
            started = time.perf_counter()
            client.get(server.url + "/api/health").raise_for_status()
            out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", choices=["ours", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-huge", action="store_true", help="skip the 19 MB body")
    parser.add_argument("--posters", type=int, default=2, help="threads posting at once (default 2)")
    parser.add_argument("--seconds", type=float, default=6, help="how long each body is posted (default 6)")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return 0

    one_mb = fit_keys(MB)
    bodies: list[tuple[str, bytes, int | None]] = [
        ("1,000 keys", unknown_keys(1000, width=60), None),  # None: for --seconds
        ("1 MiB", one_mb, None),
    ]
    if not args.no_huge:
        bodies.append(("huge", unknown_keys(1_000_000, width=11), 1))  # one post, as the probe sent it

    for what, body in (("naive path, one 1 MiB body", one_mb), ("a body at our budget", bodies[0][1])):
        cost = loop_cost(body)
        print(
            f"{what} of {cost['keys']:,} unknown keys, in this process: json.loads {cost['parse_ms']:.1f} ms, "
            f"FastAPI validation and its error list {cost['validate_ms']:.1f} ms, rendering {cost['errors']:,} "
            f"errors {cost['render_ms']:.1f} ms ({cost['response_mb']:.2f} MB)"
        )
    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.2f}")

    rows = []
    with tempfile.TemporaryDirectory(prefix="factoryai-bench-") as tmp:
        data_dir = Path(tmp)
        from factoryai.core import migrate
        from factoryai.core.config import load_settings
        from factoryai.core.db import create_db_engine

        engine = create_db_engine(load_settings(site={"data_dir": str(data_dir)}).database)
        migrate.upgrade(engine)
        engine.dispose()
        servers = {}
        try:
            for kind in ("ours", "baseline"):
                servers[kind] = Server(kind, data_dir)
            for kind, server in servers.items():
                idle = idle_health(server)
                rows.append((kind, "idle", "-", "-", None, 0, idle))
            for label, body, posts in bodies:
                for kind, server in servers.items():
                    r = flood(server, body, posts, args.seconds, args.posters)
                    statuses = ",".join(map(str, sorted(r.statuses)))
                    rate = f"{len(r.post_ms)} ({len(r.post_ms) / r.seconds:.1f}/s)"
                    size = f"{label} ({len(body) / MB:.2f} MiB)"
                    rows.append(
                        (kind, size, statuses, rate, statistics.median(r.post_ms), r.response_bytes, r.health_ms)
                    )
        finally:
            for server in servers.values():
                server.stop()

    print(f"load average after: {os.getloadavg()[0]:.2f}")
    header = ("server", "body", "status", "posts", "post p50 ms", "response B", "health p50", "p99", "max ms")
    print(" | ".join(header))
    health: dict[tuple[str, str], tuple[float, float, float]] = {}
    for kind, label, status, posts, post_ms, size, probes in rows:
        figures = (statistics.median(probes), pct(probes, 0.99), max(probes))
        health[(kind, label)] = figures
        post = "-" if post_ms is None else f"{post_ms:.0f}"
        shown = " | ".join(f"{f:.1f}" for f in figures)
        print(f"{kind} | {label} | {status} | {posts} | {post} | {size:,} | {shown} ({len(probes)} probes)")
    print("ratio (baseline / ours), health latency during the posts:")
    for label in dict.fromkeys(r[1] for r in rows if r[1] != "idle"):
        ours, base = health[("ours", label)], health[("baseline", label)]
        print(
            f"  {label}: "
            + ", ".join(f"{n} {b / o:.1f}x" for n, b, o in zip(("p50", "p99", "max"), base, ours, strict=True))
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

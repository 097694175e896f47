"""A worker's results reach the API exactly once and in order: across a 30 s outage of the API (a proxy that drops
connections), and across a worker killed with kill -9 in the middle of delivering."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import create_engine, text

from factoryai.pipeline.delivery import Deliverer
from factoryai.pipeline.outbox import Outbox
from tests.pipeline.proxy import CuttableProxy
from tests.test_serve_e2e import Server
from tests.video.live_server import add_camera, admin_client, live_server
from tests.video.test_runtime import wait_for

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
OUTAGE_SECONDS = 30


def samples(first: int, count: int) -> list[dict[str, object]]:
    return [
        {"camera_id": "CAM-Z", "timestamp": T0 + timedelta(seconds=i), "current_count": i % 7, "entries": 1, "exits": 0}
        for i in range(first, first + count)
    ]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str, Path]]:
    folder = tmp_path_factory.mktemp("api")
    with live_server(folder, FACTORYAI_VIDEO__RUNTIME="workers") as server, admin_client(server) as admin:
        add_camera(admin, "CAM-Z", "synthetic://pattern")
        key = admin.post("/api/v1/api-keys", json={"name": "edge", "camera_ids": ["CAM-Z"]}).json()["key"]
        yield server, key, folder / "factoryai.sqlite"


def stored(database: Path) -> list[datetime]:
    """The samples' timestamps in the order they were inserted."""
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT timestamp FROM occupancy_log ORDER BY id")).scalars().all()
    engine.dispose()
    return [datetime.fromisoformat(str(row)).replace(tzinfo=UTC) for row in rows]


def clear(database: Path) -> None:
    engine = create_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM occupancy_log"))
    engine.dispose()


def test_a_30_second_outage_delays_results_and_loses_or_doubles_none(
    tmp_path: Path, api: tuple[Server, str, Path]
) -> None:
    server, key, database = api
    clear(database)
    proxy = CuttableProxy(int(server.base_url.rsplit(":", 1)[1]))
    outbox = Outbox(tmp_path / "outbox.sqlite")
    client = httpx.Client(base_url=proxy.url, headers={"X-API-Key": key}, timeout=5)
    deliverer = Deliverer(outbox, client, batch=20)
    deliverer.start()
    try:
        outbox.put("occupancy", samples(0, 50), droppable=True)
        wait_for(lambda: outbox.size() == 0, "the first samples delivered")
        proxy.cut()
        for start in range(50, 150, 10):  # the camera keeps counting during the outage
            outbox.put("occupancy", samples(start, 10), droppable=True)
            time.sleep(OUTAGE_SECONDS / 10)
        assert outbox.size() == 100  # nothing got through, nothing was lost
        proxy.restore()
        wait_for(lambda: outbox.size() == 0, "the backlog delivered", 120)
    finally:
        deliverer.close()
        client.close()
        proxy.close()
    expected = [T0 + timedelta(seconds=i) for i in range(150)]
    assert stored(database) == expected  # each once, in the order made
    assert (deliverer.delivered, deliverer.refused) == (150, 0)


def test_a_worker_killed_mid_delivery_loses_nothing_and_doubles_nothing(
    tmp_path: Path, api: tuple[Server, str, Path]
) -> None:
    server, key, database = api
    clear(database)
    path = tmp_path / "outbox.sqlite"
    outbox = Outbox(path)
    outbox.put("occupancy", samples(0, 3000), droppable=True)
    outbox.close()
    script = textwrap.dedent(f"""
        import httpx2 as httpx
        from pathlib import Path
        from factoryai.pipeline.delivery import Deliverer
        from factoryai.pipeline.outbox import Outbox
        outbox = Outbox(Path({str(path)!r}))
        client = httpx.Client(base_url={server.base_url!r}, headers={{"X-API-Key": {key!r}}}, timeout=10)
        deliverer = Deliverer(outbox, client, batch=100)
        while deliverer.deliver_once():
            print(deliverer.delivered, flush=True)
    """)
    worker = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert worker.stdout is not None
    while int(worker.stdout.readline() or 3000) < 500:  # a few batches through, then mid-stream
        pass
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=60)
    assert 0 < len(stored(database)) < 3000  # it died part-way

    restarted = Outbox(path)  # the worker starts again with the same outbox
    with httpx.Client(base_url=server.base_url, headers={"X-API-Key": key}, timeout=10) as client:
        deliverer = Deliverer(restarted, client, batch=100)
        while deliverer.deliver_once():
            pass
    assert restarted.size() == 0
    assert sorted(stored(database)) == [T0 + timedelta(seconds=i) for i in range(3000)]  # all, each once

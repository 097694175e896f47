"""A worker's outbox: in order, bounded (the oldest droppable first), and durable across a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from factoryai.pipeline.outbox import Outbox


def test_entries_come_out_oldest_first_one_kind_per_batch(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite")
    outbox.put("occupancy", [{"n": 1}, {"n": 2}], droppable=True)
    outbox.put("punch", [{"n": 3}], droppable=False)
    outbox.put("occupancy", [{"n": 4}], droppable=True)
    first = outbox.oldest(10)
    assert [(e.kind, e.payload["n"]) for e in first] == [("occupancy", 1), ("occupancy", 2)]  # stops at the punch
    outbox.remove([e.id for e in first])
    assert [e.payload["n"] for e in outbox.oldest(10)] == [3]
    outbox.remove([e.id for e in outbox.oldest(10)])
    assert [e.payload["n"] for e in outbox.oldest(10)] == [4]
    assert outbox.size() == 1


def test_a_full_outbox_drops_the_oldest_samples_and_never_a_punch(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite", max_entries=4)
    outbox.put("punch", [{"n": i} for i in range(3)], droppable=False)
    outbox.put("occupancy", [{"n": i} for i in range(3, 8)], droppable=True)
    kept = []
    while batch := outbox.oldest(100):
        kept += [(e.kind, e.payload["n"]) for e in batch]
        outbox.remove([e.id for e in batch])
    assert kept == [("punch", 0), ("punch", 1), ("punch", 2), ("occupancy", 7)]
    assert outbox.dropped() == 4


def test_what_was_put_survives_a_kill_9(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite"
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from factoryai.pipeline.outbox import Outbox
        outbox = Outbox(Path({str(path)!r}))
        for i in range(50):
            outbox.put("occupancy", [{{"n": i}}], droppable=True)
        print("put", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert child.stdout.strip() == "put"
    assert os.path.exists(path)
    reopened = Outbox(path)
    assert [e.payload["n"] for e in reopened.oldest(100)] == list(range(50))

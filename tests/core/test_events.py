"""Events go out after the commit of the work that raised them, never for work rolled back, from every kind of
process: the API, the CLI and `factoryai scheduler` (the real Mosquitto)."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from factoryai.cli import app as cli
from factoryai.core.config import Settings, load_settings
from factoryai.core.db import create_session_factory
from factoryai.core.events import MqttPublisher, WebhookPublisher, build_publishers, publish_after_commit
from factoryai.organization.models import Employee, Shift
from factoryai.resources import TOPICS
from tests.mqtt_helpers import own_prefix, subscription

SHARED_ROOT = Path(sys.executable).parent


class Recorder:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def publish(self, topic: str, _payload: dict[str, Any], *, retain: bool = False) -> None:
        self.sent.append(topic)

    def close(self) -> None:
        pass


class UndoneError(Exception):
    pass


def _in_rolled_back_savepoint(session: Session, topic: str) -> None:
    with contextlib.suppress(UndoneError), session.begin_nested():
        publish_after_commit(session, topic, {})
        raise UndoneError


def test_a_rolled_back_savepoint_drops_only_its_own_events(clean_db: Engine) -> None:
    recorder = Recorder()
    with create_session_factory(clean_db, recorder)() as session:
        session.execute(text("SELECT 1"))
        publish_after_commit(session, "before", {})
        _in_rolled_back_savepoint(session, "inside-rolled-back")
        with session.begin_nested():
            publish_after_commit(session, "inside-released", {})
            _in_rolled_back_savepoint(session, "nested-rolled-back")
        publish_after_commit(session, "after", {})
        assert recorder.sent == []  # a savepoint's release is not a commit
        session.commit()
    assert recorder.sent == ["before", "inside-released", "after"]


def test_a_rolled_back_transaction_sends_nothing_and_the_next_one_starts_empty(clean_db: Engine) -> None:
    recorder = Recorder()
    with create_session_factory(clean_db, recorder)() as session:
        session.execute(text("SELECT 1"))
        publish_after_commit(session, "undone", {})
        session.rollback()
        session.execute(text("SELECT 1"))
        publish_after_commit(session, "done", {})
        session.commit()
    assert recorder.sent == ["done"]


def test_topics_are_routed_by_their_domain_declarations(settings: Settings) -> None:
    webhook = settings.model_copy(
        update={
            "vehicles": settings.vehicles.model_copy(
                update={
                    "gate_relay": "webhook",
                    "gate_webhook_url": "http://127.0.0.1:9/gate",
                    "alert_webhook_url": "http://127.0.0.1:9/alerts",
                }
            )
        }
    )
    publishers = build_publishers(webhook, TOPICS)
    try:
        mqtt_sink = next(s for s in publishers.sinks if isinstance(s, MqttPublisher))
        hooks = next(s for s in publishers.sinks if isinstance(s, WebhookPublisher))
        assert mqtt_sink.skip == ("gate/",)  # the barrier opens by webhook only, never twice
        assert hooks.routes == {"gate/": "http://127.0.0.1:9/gate", "alerts/vehicle": "http://127.0.0.1:9/alerts"}
    finally:
        publishers.close()
    quiet = build_publishers(
        settings.model_copy(update={"mqtt": settings.mqtt.model_copy(update={"enabled": False})}), TOPICS
    )
    assert quiet.sinks == []


def _absent_yesterday(clean_db: Engine) -> int:
    """An employee on a day shift, created long ago: whoever runs the absence job marks them absent."""
    with create_session_factory(clean_db)() as session:
        shift = Shift(shift_name="Day", start_time=clock_time(8), end_time=clock_time(17), grace_period_minutes=5)
        session.add(shift)
        session.flush()
        joined = (datetime.now(UTC) - timedelta(days=30)).date()
        employee = Employee(name="Asha", email="asha@example.com", shift_id=shift.id, joined_on=joined)
        session.add(employee)
        session.commit()
        return employee.id


def test_an_api_punch_is_announced_and_a_refused_one_is_not(
    client, admin_headers: dict[str, str], settings: Settings
) -> None:
    day = client.post(
        "/api/v1/shifts",
        json={"shift_name": "All day", "start_time": "00:00", "end_time": "23:59"},
        headers=admin_headers,
    ).json()
    employee = client.post(
        "/api/v1/employees",
        json={"name": "Ravi", "email": "ravi@example.com", "shift_id": day["id"]},
        headers=admin_headers,
    ).json()
    with subscription(settings.mqtt, "attendance/#") as received:
        refused = client.post("/api/v1/attendance/check-in", json={"employee_id": 999_999}, headers=admin_headers)
        assert refused.status_code == 404
        done = client.post("/api/v1/attendance/check-in", json={"employee_id": employee["id"]}, headers=admin_headers)
        assert done.status_code == 200, done.text
        topic, payload = received.get(timeout=10)
    assert topic == f"{settings.mqtt.topic_prefix}/attendance/punch"
    assert (payload["employee_id"], payload["kind"]) == (employee["id"], "check_in")
    assert received.empty()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return own_prefix(settings)


def test_the_cli_publishes_what_its_commands_commit(clean_db: Engine, settings: Settings) -> None:
    employee = _absent_yesterday(clean_db)
    day = (datetime.now(UTC) - timedelta(days=2)).date()
    env = {
        "FACTORYAI_DATABASE__URL": settings.database.url,
        "FACTORYAI_MQTT__TOPIC_PREFIX": settings.mqtt.topic_prefix,
        "FACTORYAI_ATTENDANCE__WEEKLY_OFF_DAYS": "[]",
    }
    with subscription(settings.mqtt, "attendance/absences") as received:
        result = CliRunner().invoke(cli, ["attendance", "mark-absent", "--date", day.isoformat()], env=env)
        assert result.exit_code == 0, result.output
        _topic, payload = received.get(timeout=10)
    assert payload == {"attendance_date": day.isoformat(), "employee_ids": [employee]}


def test_events_raised_by_a_job_under_factoryai_scheduler_reach_mqtt(
    clean_db: Engine, settings: Settings, tmp_path: Path
) -> None:
    employee = _absent_yesterday(clean_db)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACTORYAI_")}
    env.update(
        {
            "FACTORYAI_DATABASE__URL": settings.database.url,
            "FACTORYAI_MQTT__TOPIC_PREFIX": settings.mqtt.topic_prefix,
            "FACTORYAI_ATTENDANCE__WEEKLY_OFF_DAYS": "[]",
            "FACTORYAI_IDENTITY__SNAPSHOT_DIR": str(tmp_path / "snapshots"),
        }
    )
    with subscription(settings.mqtt, "attendance/absences") as received:
        # On start the scheduler catches up the latest missed slot of every job: the absence run among them.
        process = subprocess.Popen(
            [str(SHARED_ROOT / "factoryai"), "scheduler"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            try:
                _topic, payload = received.get(timeout=60)
            except queue.Empty:
                process.send_signal(signal.SIGINT)
                pytest.fail(f"no absence event from `factoryai scheduler`:\n{process.communicate(timeout=30)[0]}")
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
            output = process.communicate(timeout=60)[0]
    assert payload["employee_ids"] == [employee], output
    assert process.returncode == 0, output


def test_settings_without_mqtt_build_no_sink() -> None:
    settings = load_settings(mqtt={"enabled": False})
    assert build_publishers(settings, TOPICS).sinks == []

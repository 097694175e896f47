"""Camera workers: which `factoryai worker` opens each camera, and where API processes find its streams.

Each camera is opened by one process only (cameras allow few RTSP sessions). A worker's heartbeat claims the
cameras it may and wants to run, under a lease that the next heartbeat renews; a camera held by another worker whose
lease is still running is not handed out, and a worker that stops heartbeating loses its cameras to the next one
that asks once its lease runs out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from factoryai.accounts.service import DeviceKey
from factoryai.cameras.models import Camera, CameraWorker
from factoryai.cameras.schemas import WorkerHeartbeat


def heartbeat(
    session: Session, key: DeviceKey, data: WorkerHeartbeat, now: datetime, lease_seconds: float
) -> tuple[list[Camera], list[str]]:
    """Record the worker and renew or grant its cameras. Returns (cameras it must run, wanted ones held elsewhere)."""
    worker = session.get(CameraWorker, data.worker_id)
    if worker is None:
        worker = CameraWorker(id=data.worker_id, statuses={})
        session.add(worker)
    worker.api_key_id = key.id
    worker.stream_url = data.stream_url
    worker.relay_token = data.relay_token
    worker.statuses = data.statuses
    worker.outbox = data.outbox.model_dump() if data.outbox else None
    worker.started_at = data.started_at
    worker.last_seen_at = now

    query = select(Camera).order_by(Camera.id).with_for_update()  # two workers asking at once: one wins each
    if key.camera_ids:
        query = query.where(Camera.id.in_(key.camera_ids))
    wanted = set(data.cameras) if data.cameras is not None else None
    assigned: list[Camera] = []
    held_elsewhere: list[str] = []
    lease_until = now + timedelta(seconds=lease_seconds)
    for camera in session.scalars(query):
        mine = camera.worker_id == data.worker_id
        if not camera.enabled or (wanted is not None and camera.id not in wanted):
            if mine:  # it stopped wanting it, or the camera was disabled: free it at once
                camera.worker_id = camera.worker_lease_expires_at = None
            continue
        lease = camera.worker_lease_expires_at
        if mine or camera.worker_id is None or lease is None or lease <= now:
            camera.worker_id, camera.worker_lease_expires_at = data.worker_id, lease_until
            assigned.append(camera)
        else:
            held_elsewhere.append(camera.id)
    session.flush()
    return assigned, held_elsewhere


def stream_host(session: Session, camera_id: str, now: datetime) -> CameraWorker | None:
    """The live worker that runs this camera and serves its stream, if any."""
    camera = session.get(Camera, camera_id)
    if camera is None or camera.worker_id is None or camera.worker_lease_expires_at is None:
        return None
    if camera.worker_lease_expires_at <= now:
        return None
    worker = session.get(CameraWorker, camera.worker_id)
    return worker if worker is not None and worker.stream_url and worker.relay_token else None


def list_workers(session: Session) -> Sequence[CameraWorker]:
    return session.scalars(select(CameraWorker).order_by(CameraWorker.id)).all()


def cameras_of(session: Session, worker_id: str, now: datetime) -> list[str]:
    query = select(Camera.id).where(Camera.worker_id == worker_id, Camera.worker_lease_expires_at > now)
    return list(session.scalars(query.order_by(Camera.id)))


def reported_statuses(session: Session, now: datetime, lease_seconds: float) -> dict[str, dict[str, Any]]:
    """Camera id -> status as the worker holding it last reported, for every camera a live worker holds."""
    held = session.execute(
        select(Camera.id, CameraWorker.statuses, CameraWorker.last_seen_at)
        .join(CameraWorker, CameraWorker.id == Camera.worker_id)
        .where(Camera.worker_lease_expires_at > now)
        .order_by(Camera.id)
    )
    result: dict[str, dict[str, Any]] = {}
    for camera_id, statuses, last_seen in held:
        reported = dict((statuses or {}).get(camera_id) or {})
        if reported:
            result[camera_id] = as_of(reported, last_seen, now, lease_seconds)
    return result


def as_of(reported: dict[str, Any], last_seen: datetime, now: datetime, lease_seconds: float) -> dict[str, Any]:
    """A reported status brought to now: the frame is older by the time since the heartbeat, and a worker silent
    for a lease is not online."""
    behind = (now - last_seen).total_seconds()
    if reported.get("last_frame_age_seconds") is not None:
        reported["last_frame_age_seconds"] = round(reported["last_frame_age_seconds"] + behind, 2)
    reported["online"] = bool(reported.get("online")) and behind < lease_seconds
    return reported

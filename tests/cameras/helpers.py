"""Camera test helpers: the cameras URL, example source URLs and settings, and creating and listing cameras."""

from __future__ import annotations

from typing import Any

URL = "/api/v1/cameras"
SECRET_URL = "rtsp://cam:s3cret-pw@10.0.0.5:554/stream1"
MASKED_URL = "rtsp://cam:***@10.0.0.5:554/stream1"
DEFAULT_SETTINGS = {
    "analysis_fps": None,
    "detection_enabled": True,
    "min_confidence": None,
    "counting_line": None,
    "in_side": "left",
    "capacity": None,
}


def camera_body(camera_id: str = "CAM-MAIN", **extra: Any) -> dict[str, Any]:
    return {"id": camera_id, "name": "Main gate", "source_url": "rtsp://10.0.0.5/stream", "role": "entrance", **extra}


def create(client: Any, headers: dict[str, str], camera_id: str = "CAM-MAIN", **extra: Any) -> dict[str, Any]:
    response = client.post(URL, json=camera_body(camera_id, **extra), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def ids(client: Any, headers: dict[str, str], **params: Any) -> list[str]:
    response = client.get(URL, params=params, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return [c["id"] for c in body["items"]]

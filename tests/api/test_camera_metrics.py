"""The operations counters move with what the cameras produce (read back from /metrics, as Prometheus would)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def _value(client: TestClient, headers: dict[str, str], sample: str) -> float:
    text = client.get("/metrics", headers=headers).text
    match = re.search(rf"^{re.escape(sample)} (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_plate_decisions_are_counted_by_status_and_reason(client: TestClient, admin_headers: dict[str, str]) -> None:
    unknown = 'factoryai_plate_decisions_total{rejection_reason="",status="UNKNOWN"}'
    low = 'factoryai_plate_decisions_total{rejection_reason="LOW_CONFIDENCE",status="REJECTED"}'
    before = _value(client, admin_headers, unknown), _value(client, admin_headers, low)
    for confidence in (0.95, 0.95, 0.5):
        body = {"plate_text": "KA01AB1234", "confidence": confidence}
        assert client.post("/api/v1/vehicle/validate-plate", json=body, headers=admin_headers).status_code == 200
    after = _value(client, admin_headers, unknown), _value(client, admin_headers, low)
    assert (after[0] - before[0], after[1] - before[1]) == (2, 1)

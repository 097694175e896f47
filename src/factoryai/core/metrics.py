"""Prometheus metrics. Defined once per process (the default registry rejects duplicates)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter("factoryai_http_requests_total", "HTTP requests handled", ["method", "route", "status"])
HTTP_LATENCY = Histogram(
    "factoryai_http_request_duration_seconds",
    "Time to produce the HTTP response",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
LOGIN_FAILURES = Counter("factoryai_login_failures_total", "Failed log-in attempts")
# What the cameras produce, for dashboards and alerts on the operations side (a gate whose reads all go to
# review, an entrance where nobody is recognised any more, a face engine that keeps failing).
FACES_IDENTIFIED = Counter("factoryai_faces_identified_total", "Faces found by identify()", ["engine", "result"])
FACE_ENGINE_FAILURES = Counter(
    "factoryai_face_engine_failures_total", "Camera punches kept pending because the face engine was unavailable"
)
PLATE_DECISIONS = Counter(
    "factoryai_plate_decisions_total", "Quality-gate decisions logged", ["status", "rejection_reason"]
)

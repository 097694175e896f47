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

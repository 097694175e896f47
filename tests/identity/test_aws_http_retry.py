"""The whole botocore stack against a loopback HTTP server standing in for Rekognition (JSON 1.1 protocol).

What the Stubber cannot show: how many HTTP requests one engine call really makes (botocore's own retries must be
off, even when the environment asks for them), the real waits between them, and read timeouts.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY

from factoryai.core.config import IdentitySettings
from factoryai.identity.engines.aws import AwsRekognitionEngine
from factoryai.identity.engines.base import FaceEngineError, Gallery, Match

from .test_aws_engine import FACE_ID, PHOTO, PIXEL_BOX, face_match, searched

SEARCH = "RekognitionService.SearchFacesByImage"
CREATE = "RekognitionService.CreateCollection"
BASE = 0.05  # aws_retry_base_seconds: waits of ~0.05, 0.1, 0.2 s instead of 1, 2, 4 s


@dataclass
class Reply:
    status: int
    body: dict[str, Any] | str
    delay: float = 0.0  # seconds the server stalls before answering (a read timeout when > the client's)


def error(code: str, status: int = 400) -> Reply:
    return Reply(status, {"__type": code, "message": f"{code} from the fake"})


@dataclass
class FakeRekognition:
    """Answers each x-amz-target with its queued replies in turn, and records when each request arrived."""

    replies: dict[str, list[Reply]] = field(default_factory=dict)
    requests: list[tuple[float, str, dict[str, Any]]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def arrivals(self, target: str) -> list[float]:
        return [t for t, name, _ in self.requests if name == target]

    def next_reply(self, target: str, body: dict[str, Any]) -> Reply:
        with self.lock:
            self.requests.append((time.monotonic(), target, body))
            queue = self.replies.get(target, [])
            if queue:
                return queue.pop(0)
        return Reply(400, {"__type": "UnknownOperationException", "message": f"nothing queued for {target}"})


def handler_for(fake: FakeRekognition) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the real endpoint

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
            reply = fake.next_reply(self.headers.get("X-Amz-Target", ""), body)
            if reply.delay:
                fake.release.wait(reply.delay)
            payload = reply.body.encode() if isinstance(reply.body, str) else json.dumps(reply.body).encode()
            content_type = "text/html" if isinstance(reply.body, str) else "application/x-amz-json-1.1"
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up on a stalled reply: that is the point of the test

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Credentials from the environment only, and an environment that asks botocore to retry 10 times:
    the engine's explicit client config must win, or the request counts below would multiply."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "10")
    monkeypatch.setenv("AWS_RETRY_MODE", "legacy")


@pytest.fixture
def fake(aws_env: None) -> Iterator[tuple[FakeRekognition, str]]:
    state = FakeRekognition()
    state.replies[CREATE] = [Reply(200, {"StatusCode": 200})]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join()


def make_engine(endpoint: str, **settings: Any) -> AwsRekognitionEngine:
    defaults = {"aws_retry_base_seconds": BASE, "aws_read_timeout_seconds": 5}
    identity = IdentitySettings(engine="aws", aws_endpoint_url=endpoint, **{**defaults, **settings})
    return AwsRekognitionEngine.from_settings(identity, "main")


def retries_counted(reason: str, operation: str = "SearchFacesByImage") -> float:
    labels = {"operation": operation, "reason": reason}
    return REGISTRY.get_sample_value("factoryai_aws_retries_total", labels) or 0.0


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(times)]


def test_throttled_three_times_then_answered_is_four_requests_with_doubling_waits(
    fake: tuple[FakeRekognition, str],
) -> None:
    state, endpoint = fake
    before = retries_counted("ThrottlingException")
    state.replies[SEARCH] = [error("ThrottlingException")] * 3 + [Reply(200, searched([face_match("emp-42", 99.5)]))]

    [result] = make_engine(endpoint).identify(PHOTO, Gallery())

    assert result.box == PIXEL_BOX
    assert result.match == Match(employee_id=42, similarity=99.5, face_id=FACE_ID)
    arrivals = state.arrivals(SEARCH)
    assert len(arrivals) == 4  # 1 + 3 retries, none added by botocore
    waits = gaps(arrivals)
    for waited, nominal in zip(waits, [BASE, 2 * BASE, 4 * BASE], strict=True):
        assert waited >= 0.9 * nominal  # never shorter than the jittered backoff
    assert waits[2] > waits[0]  # 4x base vs 1x base: doubling, loosely
    assert retries_counted("ThrottlingException") == before + 3
    # The request itself is what the engine means to send.
    body = state.requests[-1][2]
    assert body["CollectionId"] == "factoryai-main"
    assert body["MaxFaces"] == 1
    assert body["FaceMatchThreshold"] == 99.0
    assert body["QualityFilter"] == "AUTO"
    assert [name for _, name, _ in state.requests] == [CREATE] + [SEARCH] * 4


def test_server_errors_are_retried_including_non_json_bodies(fake: tuple[FakeRekognition, str]) -> None:
    state, endpoint = fake
    before_500 = retries_counted("InternalServerError")
    before_5xx = retries_counted("HTTP5xx")
    state.replies[SEARCH] = [
        error("InternalServerError", 500),
        Reply(503, "<html>Service Unavailable</html>"),  # a proxy's page: botocore's error code is just "503"
        error("ServiceUnavailableException", 503),
        Reply(200, searched([])),
    ]
    [result] = make_engine(endpoint).identify(PHOTO, Gallery())
    assert result.match is None
    assert len(state.arrivals(SEARCH)) == 4
    assert retries_counted("InternalServerError") == before_500 + 1
    assert retries_counted("HTTP5xx") == before_5xx + 1


def test_throttled_past_the_retries_is_an_engine_error_after_exactly_four_requests(
    fake: tuple[FakeRekognition, str],
) -> None:
    state, endpoint = fake
    state.replies[SEARCH] = [error("ThrottlingException")] * 10
    with pytest.raises(FaceEngineError, match=r"SearchFacesByImage failed \(ThrottlingException\)"):
        make_engine(endpoint).identify(PHOTO, Gallery())
    assert len(state.arrivals(SEARCH)) == 4
    assert len(state.replies[SEARCH]) == 6  # the rest were never asked for


def test_max_retries_setting_bounds_the_requests(fake: tuple[FakeRekognition, str]) -> None:
    state, endpoint = fake
    state.replies[SEARCH] = [error("ThrottlingException")] * 10
    with pytest.raises(FaceEngineError):
        make_engine(endpoint, aws_max_retries=1).identify(PHOTO, Gallery())
    assert len(state.arrivals(SEARCH)) == 2


def test_no_face_is_one_request_and_no_result(fake: tuple[FakeRekognition, str]) -> None:
    state, endpoint = fake
    before = retries_counted("InvalidParameterException")
    state.replies[SEARCH] = [error("InvalidParameterException")] * 4
    assert make_engine(endpoint).identify(PHOTO, Gallery()) == []
    assert len(state.arrivals(SEARCH)) == 1
    assert retries_counted("InvalidParameterException") == before


def test_a_read_timeout_is_retried_and_counted(fake: tuple[FakeRekognition, str]) -> None:
    state, endpoint = fake
    before = retries_counted("ReadTimeoutError")
    state.replies[SEARCH] = [Reply(200, searched([]), delay=5.0), Reply(200, searched([face_match("emp-3")]))]
    [result] = make_engine(endpoint, aws_read_timeout_seconds=0.2).identify(PHOTO, Gallery())
    assert result.match is not None
    assert result.match.employee_id == 3
    assert len(state.arrivals(SEARCH)) == 2  # the stalled one and our retry: botocore did not retry the timeout
    assert retries_counted("ReadTimeoutError") == before + 1


def test_read_timeouts_past_the_retries_are_an_engine_error(fake: tuple[FakeRekognition, str]) -> None:
    state, endpoint = fake
    state.replies[SEARCH] = [Reply(200, searched([]), delay=5.0)] * 2
    with pytest.raises(FaceEngineError, match="ReadTimeoutError"):
        make_engine(endpoint, aws_read_timeout_seconds=0.1, aws_max_retries=1).identify(PHOTO, Gallery())
    assert len(state.arrivals(SEARCH)) == 2


@pytest.mark.usefixtures("aws_env")
def test_an_unreachable_endpoint_is_retried_then_an_engine_error() -> None:
    with socket.socket() as sock:  # a port that was just free: nothing listens, the connection is refused at once
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    before = retries_counted("EndpointConnectionError", "DetectFaces")
    engine = make_engine(f"http://127.0.0.1:{port}", aws_max_retries=2)
    with pytest.raises(FaceEngineError, match=r"DetectFaces failed \(EndpointConnectionError\)"):
        engine.detect(PHOTO)
    assert retries_counted("EndpointConnectionError", "DetectFaces") == before + 2


def test_missing_credentials_are_an_engine_error_at_once(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    before = retries_counted("NoCredentialsError", "DetectFaces")
    with pytest.raises(FaceEngineError, match=r"DetectFaces failed \(NoCredentialsError\)"):
        make_engine("http://127.0.0.1:9").detect(PHOTO)
    assert retries_counted("NoCredentialsError", "DetectFaces") == before

"""A loopback HTTP server speaking Rekognition's JSON 1.1 protocol, for tests that run the whole app on the 'aws'
engine (AWS itself cannot be reached from here: CONTRIBUTING rule 10). Same approach as test_aws_http_retry.py.

`down` makes every call a 503 (an outage); otherwise each x-amz-target gets its configured answer.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CREATE = "RekognitionService.CreateCollection"
SEARCH = "RekognitionService.SearchFacesByImage"
RATIO_BOX = {"Width": 0.4, "Height": 0.48, "Left": 0.3, "Top": 0.26}  # about where an LFW face is in its 250x250


@dataclass
class Reply:
    status: int
    body: dict[str, Any]


@dataclass
class FakeRekognition:
    answers: dict[str, Reply] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    down: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reply(self, target: str) -> Reply:
        with self.lock:
            self.requests.append(target)
            if self.down:
                return Reply(503, {"__type": "ServiceUnavailableException", "message": "down for the test"})
            return self.answers.get(target, Reply(400, {"__type": "UnknownOperationException", "message": target}))

    def count(self, target: str) -> int:
        with self.lock:
            return self.requests.count(target)


def _handler(fake: FakeRekognition) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            reply = fake.reply(self.headers.get("X-Amz-Target", ""))
            payload = json.dumps(reply.body).encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def running_fake() -> Iterator[tuple[FakeRekognition, str]]:
    """The fake and its endpoint URL; CreateCollection succeeds unless the fake is down."""
    fake = FakeRekognition()
    fake.answers[CREATE] = Reply(200, {"StatusCode": 200, "CollectionArn": "arn:fake", "FaceModelVersion": "7.0"})
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def searched(face_id: str, external_image_id: str, similarity: float = 99.5) -> Reply:
    """SearchFacesByImage: the largest face, matched to one collection face."""
    face = {"FaceId": face_id, "BoundingBox": RATIO_BOX, "ImageId": "img-1", "Confidence": 99.9}
    face["ExternalImageId"] = external_image_id
    return Reply(
        200,
        {
            "SearchedFaceBoundingBox": RATIO_BOX,
            "SearchedFaceConfidence": 99.8,
            "FaceMatches": [{"Similarity": similarity, "Face": face}],
            "FaceModelVersion": "7.0",
        },
    )

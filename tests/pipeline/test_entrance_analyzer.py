"""The entrance analyzer's attempt policy on scripted person detections (a real ByteTrack) and a sink that answers
scripted outcomes (the real identify path is tested end to end in test_entrance_flow.py): attempts wait for a
closer view, a busy engine spends no attempt, faces not found have their own budget, and a person standing for a
minute costs a bounded number of identify calls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from factoryai.pipeline.entrance import MAX_ATTEMPTS, MAX_NO_FACE, EntranceAnalyzer
from factoryai.video.hub import Frame
from factoryai.video.runtime import CameraConfig
from factoryai.vision.detector import PERSON, Detection

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
CAMERA = CameraConfig("CAM-DOOR", "synthetic://entrance", "entrance", 10, True, None)
FPS = 10


class ScriptedFaces:
    """Answers each attempt with the next scripted outcome (the last one repeats), and records who asked."""

    face_mode = "attempts"

    def __init__(self, outcomes: list[str]) -> None:
        self.outcomes = outcomes
        self.calls: list[dict[str, object]] = []

    def face(self, camera_id: str, image: bytes, at: datetime, *, last_attempt: bool) -> str:
        outcome = self.outcomes[min(len(self.calls), len(self.outcomes) - 1)]
        self.calls.append({"at": at, "last": last_attempt, "outcome": outcome, "jpeg": image[:2]})
        return outcome


def walk(analyzer: EntranceAnalyzer, heights: list[float], start: int = 0) -> int:
    """One person, centred, whose box has these heights (pixels) on consecutive frames at FPS."""
    for i, height in enumerate(heights):
        n = start + i
        frame = Frame(n + 1, np.zeros((720, 1280, 3), np.uint8), n / FPS, T0 + timedelta(seconds=n / FPS))
        box = (640 - height * 0.35, 700 - height, 640 + height * 0.35, 700)
        analyzer.on_frame(frame, [Detection(box, PERSON, "person", 0.9)])
    return start + len(heights)


def test_a_person_standing_a_minute_unrecognised_is_three_attempts_then_one_unknown() -> None:
    sink = ScriptedFaces(["unmatched", "unmatched", "unknown"])
    analyzer = EntranceAnalyzer(CAMERA, sink, FPS)  # type: ignore[arg-type]
    walk(analyzer, [400.0] * (60 * FPS))
    assert len(sink.calls) == MAX_ATTEMPTS
    assert [c["last"] for c in sink.calls] == [False, False, True]  # only the last may record a stranger
    assert sink.calls[0]["jpeg"] == b"\xff\xd8"  # a JPEG crop


def test_standing_still_the_next_attempt_waits_for_a_new_pose_and_walking_up_for_a_closer_view() -> None:
    sink = ScriptedFaces(["unmatched"])
    analyzer = EntranceAnalyzer(CAMERA, sink, FPS)  # type: ignore[arg-type]
    walk(analyzer, [300.0] * 15)  # 1.5 s standing: spacing passed, but no closer and not 2 s yet
    assert len(sink.calls) == 1
    walk(analyzer, [300.0 + 10 * k for k in range(1, 11)], start=15)  # walks closer: 1.15x taller after 0.5 s
    assert len(sink.calls) == 2


def test_a_busy_engine_spends_no_attempt() -> None:
    sink = ScriptedFaces(["busy", "busy", "busy", "matched"])
    analyzer = EntranceAnalyzer(CAMERA, sink, FPS)  # type: ignore[arg-type]
    walk(analyzer, [400.0] * (10 * FPS))
    outcomes = [c["outcome"] for c in sink.calls]
    assert outcomes == ["busy", "busy", "busy", "matched"]  # tried again on the following frames
    assert [c["last"] for c in sink.calls] == [False] * 4  # the busy calls did not count towards the last attempt
    assert analyzer.attempts == 1  # identify ran once


def test_far_away_faces_have_their_own_budget_and_a_face_seen_later_still_gets_three_attempts() -> None:
    sink = ScriptedFaces(["no_face", "no_face", "unmatched", "unmatched", "matched"])
    analyzer = EntranceAnalyzer(CAMERA, sink, FPS)  # type: ignore[arg-type]
    walk(analyzer, [100.0 * 1.05**k for k in range(60)])  # walking up to the camera
    assert [c["outcome"] for c in sink.calls] == ["no_face", "no_face", "unmatched", "unmatched", "matched"]
    assert [c["last"] for c in sink.calls][-1] is True


def test_a_person_whose_face_is_never_found_is_left_alone_after_its_budget() -> None:
    sink = ScriptedFaces(["no_face"])
    analyzer = EntranceAnalyzer(CAMERA, sink, FPS)  # type: ignore[arg-type]
    walk(analyzer, [400.0] * (60 * FPS))  # back to the camera for a minute
    assert len(sink.calls) == MAX_NO_FACE


def test_people_too_small_for_a_face_are_not_tried() -> None:
    sink = ScriptedFaces(["matched"])
    analyzer = EntranceAnalyzer(CAMERA, sink, FPS)  # type: ignore[arg-type]
    walk(analyzer, [60.0] * (5 * FPS))
    assert sink.calls == []

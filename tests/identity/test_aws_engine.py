"""AwsRekognitionEngine against botocore's Stubber on a real rekognition client: every request it sends (checked
parameter by parameter against the API model) and every response and error it must handle.

AWS cannot be reached from here; the Stubber replaces only the HTTP exchange (CONTRIBUTING rule 10).
"""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import numpy as np
import pytest
from botocore.config import Config
from botocore.stub import Stubber
from PIL import Image

from factoryai.core.config import IdentitySettings
from factoryai.identity.engines.aws import MAX_IMAGE_BYTES, AwsRekognitionEngine
from factoryai.identity.engines.base import Box, FaceEngineError, FaceImageError, FaceResult, Gallery, Match

COLLECTION = "factoryai-main"
WIDTH, HEIGHT = 640, 480
FACE_ID = "11111111-2222-3333-4444-555555555555"
IMAGE_ID = "99999999-8888-7777-6666-555555555555"
RATIO_BOX = {"Width": 0.25, "Height": 0.5, "Left": 0.5, "Top": 0.25}
PIXEL_BOX = Box(left=320, top=120, width=160, height=240)


def jpeg(width: int = WIDTH, height: int = HEIGHT, orientation: int | None = None) -> bytes:
    rng = np.random.default_rng(0)
    img = Image.fromarray(rng.integers(0, 255, (height, width, 3), dtype=np.uint8))
    buf = io.BytesIO()
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    img.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


PHOTO = jpeg()


@pytest.fixture(scope="module")
def session() -> boto3.session.Session:
    # One session for the module: it caches the loaded API model, which makes each client cheap to create.
    return boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing")


@pytest.fixture
def client(session: boto3.session.Session) -> Any:
    config = Config(region_name="eu-west-1", retries={"total_max_attempts": 1, "mode": "standard"})
    return session.client("rekognition", config=config)


@pytest.fixture
def stub(client: Any) -> Iterator[Stubber]:
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()  # every response a test queued was asked for


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def engine(client: Any, sleeps: list[float]) -> AwsRekognitionEngine:
    return AwsRekognitionEngine(client, COLLECTION, face_match_threshold=99, sleep=sleeps.append)


def expect_create(stub: Stubber, error: str | None = None) -> None:
    params = {"CollectionId": COLLECTION}
    if error:
        stub.add_client_error("create_collection", error, f"{error} message", 400, expected_params=params)
    else:
        response = {"StatusCode": 200, "CollectionArn": f"aws:rekognition:eu-west-1:1:collection/{COLLECTION}"}
        stub.add_response("create_collection", {**response, "FaceModelVersion": "7.0"}, params)


def index_params(employee_id: int = 7, image: bytes = PHOTO) -> dict[str, Any]:
    return {
        "CollectionId": COLLECTION,
        "Image": {"Bytes": image},
        "ExternalImageId": f"emp-{employee_id}",
        "MaxFaces": 1,
        "QualityFilter": "AUTO",
        "DetectionAttributes": [],
    }


def search_params(threshold: float = 99.0, collection: str = COLLECTION) -> dict[str, Any]:
    return {
        "CollectionId": collection,
        "Image": {"Bytes": PHOTO},
        "MaxFaces": 1,
        "FaceMatchThreshold": threshold,
        "QualityFilter": "AUTO",
    }


def indexed(box: dict[str, float] = RATIO_BOX) -> dict[str, Any]:
    face = {"FaceId": FACE_ID, "BoundingBox": box, "ImageId": IMAGE_ID, "ExternalImageId": "emp-7", "Confidence": 99.9}
    return {"FaceRecords": [{"Face": face, "FaceDetail": {"BoundingBox": box}}], "FaceModelVersion": "7.0"}


def searched(matches: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "SearchedFaceBoundingBox": RATIO_BOX,
        "SearchedFaceConfidence": 99.8,
        "FaceMatches": matches,
        "FaceModelVersion": "7.0",
    }


def face_match(external_id: str | None = "emp-42", similarity: float = 99.6) -> dict[str, Any]:
    face: dict[str, Any] = {"FaceId": FACE_ID, "BoundingBox": RATIO_BOX, "ImageId": IMAGE_ID, "Confidence": 99.9}
    if external_id is not None:
        face["ExternalImageId"] = external_id
    return {"Similarity": similarity, "Face": face}


# -- enroll ----------------------------------------------------------------------------------------------------


def test_enroll_creates_the_collection_once_and_indexes_one_face(engine: AwsRekognitionEngine, stub: Stubber) -> None:
    expect_create(stub)
    stub.add_response("index_faces", indexed(), index_params(7))
    stub.add_response("index_faces", indexed(), index_params(8))  # no second CreateCollection

    first = engine.enroll(7, PHOTO)
    assert first.box == PIXEL_BOX
    assert first.external_face_id == FACE_ID
    assert first.descriptor is None
    assert engine.enroll(8, PHOTO).external_face_id == FACE_ID


def test_an_existing_collection_is_fine(engine: AwsRekognitionEngine, stub: Stubber) -> None:
    expect_create(stub, "ResourceAlreadyExistsException")
    stub.add_response("index_faces", indexed(), index_params())
    assert engine.enroll(7, PHOTO).external_face_id == FACE_ID


def test_a_collection_deleted_under_us_is_recreated_and_the_call_retried_once(
    engine: AwsRekognitionEngine, stub: Stubber, sleeps: list[float]
) -> None:
    expect_create(stub)
    stub.add_client_error("index_faces", "ResourceNotFoundException", "collection not found", 400, index_params())
    expect_create(stub)
    stub.add_response("index_faces", indexed(), index_params())
    assert engine.enroll(7, PHOTO).box == PIXEL_BOX
    assert sleeps == []  # recreating is not a retry of a transient error


def test_a_collection_still_missing_after_recreating_is_an_engine_error(
    engine: AwsRekognitionEngine, stub: Stubber
) -> None:
    expect_create(stub)
    stub.add_client_error("index_faces", "ResourceNotFoundException", "gone", 400, index_params())
    expect_create(stub, "ResourceAlreadyExistsException")
    stub.add_client_error("index_faces", "ResourceNotFoundException", "gone again", 400, index_params())
    with pytest.raises(FaceEngineError, match=r"IndexFaces failed \(ResourceNotFoundException\): gone again"):
        engine.enroll(7, PHOTO)


def test_collection_creation_denied_is_an_engine_error(engine: AwsRekognitionEngine, stub: Stubber) -> None:
    expect_create(stub, "AccessDeniedException")
    with pytest.raises(FaceEngineError, match=r"CreateCollection failed \(AccessDeniedException\)"):
        engine.enroll(7, PHOTO)


@pytest.mark.parametrize(
    ("unindexed", "reason"),
    [
        (
            [{"Reasons": ["LOW_SHARPNESS", "SMALL_BOUNDING_BOX"], "FaceDetail": {"BoundingBox": RATIO_BOX}}],
            "LOW_SHARPNESS",
        ),
        ([], "no face detected"),
    ],
)
def test_enroll_without_an_indexed_face_names_the_reason(
    engine: AwsRekognitionEngine, stub: Stubber, unindexed: list[dict[str, Any]], reason: str
) -> None:
    expect_create(stub)
    stub.add_response("index_faces", {"FaceRecords": [], "UnindexedFaces": unindexed}, index_params())
    with pytest.raises(FaceImageError, match=reason):
        engine.enroll(7, PHOTO)


@pytest.mark.parametrize("code", ["ImageTooLargeException", "InvalidImageFormatException", "InvalidParameterException"])
def test_enroll_image_rejections_are_image_errors(
    engine: AwsRekognitionEngine, stub: Stubber, sleeps: list[float], code: str
) -> None:
    expect_create(stub)
    stub.add_client_error("index_faces", code, "bad image", 400, index_params())
    with pytest.raises(FaceImageError, match=code):
        engine.enroll(7, PHOTO)
    assert sleeps == []


def test_enroll_collection_full_is_not_retried(
    engine: AwsRekognitionEngine, stub: Stubber, sleeps: list[float]
) -> None:
    expect_create(stub)
    stub.add_client_error("index_faces", "ServiceQuotaExceededException", "full", 400, index_params())
    with pytest.raises(FaceEngineError, match="ServiceQuotaExceededException"):
        engine.enroll(7, PHOTO)
    assert sleeps == []


def test_enroll_box_follows_the_exif_orientation(engine: AwsRekognitionEngine, stub: Stubber) -> None:
    rotated = jpeg(orientation=6)  # stored 640x480, displayed (and seen by Rekognition) 480x640
    expect_create(stub)
    stub.add_response("index_faces", indexed(), index_params(image=rotated))
    assert engine.enroll(7, rotated).box == Box(left=240, top=160, width=120, height=320)


# -- identify ---------------------------------------------------------------------------------------------------


def test_identify_returns_the_largest_face_and_its_match(engine: AwsRekognitionEngine, stub: Stubber) -> None:
    expect_create(stub)
    stub.add_response("search_faces_by_image", searched([face_match("emp-42", 99.6)]), search_params())
    assert engine.identify(PHOTO, Gallery()) == [
        FaceResult(
            box=PIXEL_BOX, match=Match(employee_id=42, similarity=99.6, face_id=FACE_ID), detection_confidence=99.8
        )
    ]


def test_identify_unknown_face_has_no_match(engine: AwsRekognitionEngine, stub: Stubber) -> None:
    expect_create(stub)
    stub.add_response("search_faces_by_image", searched([]), search_params())
    assert engine.identify(PHOTO, Gallery()) == [FaceResult(box=PIXEL_BOX, match=None, detection_confidence=99.8)]


@pytest.mark.parametrize("external_id", ["someone-else", "emp-", "emp-x1", None])
def test_identify_ignores_faces_we_did_not_enrol(
    engine: AwsRekognitionEngine, stub: Stubber, external_id: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    expect_create(stub)
    stub.add_response("search_faces_by_image", searched([face_match(external_id)]), search_params())
    with caplog.at_level(logging.WARNING):
        [result] = engine.identify(PHOTO, Gallery())
    assert result.match is None
    assert "ExternalImageId" in caplog.text


def test_identify_uses_the_configured_threshold_and_site_collection(client: Any, stub: Stubber) -> None:
    settings = IdentitySettings(aws_face_match_threshold=90, aws_collection_prefix="acme")
    engine = AwsRekognitionEngine.from_settings(settings, "plant-2", client=client)
    assert engine.collection_id == "acme-plant-2"
    stub.add_response("create_collection", {"StatusCode": 200}, {"CollectionId": "acme-plant-2"})
    stub.add_response("search_faces_by_image", searched([]), search_params(90.0, "acme-plant-2"))
    assert engine.identify(PHOTO, Gallery())[0].match is None


def test_identify_no_face_is_an_empty_list(engine: AwsRekognitionEngine, stub: Stubber, sleeps: list[float]) -> None:
    expect_create(stub)
    stub.add_client_error(
        "search_faces_by_image", "InvalidParameterException", "There are no faces in the image.", 400, search_params()
    )
    assert engine.identify(PHOTO, Gallery()) == []
    assert sleeps == []


def test_identify_without_a_searched_face_is_an_empty_list(engine: AwsRekognitionEngine, stub: Stubber) -> None:
    expect_create(stub)
    stub.add_response("search_faces_by_image", {"FaceMatches": []}, search_params())
    assert engine.identify(PHOTO, Gallery()) == []


@pytest.mark.parametrize("code", ["ImageTooLargeException", "InvalidImageFormatException"])
def test_identify_image_rejections_are_image_errors(
    engine: AwsRekognitionEngine, stub: Stubber, sleeps: list[float], code: str
) -> None:
    expect_create(stub)
    stub.add_client_error("search_faces_by_image", code, "rejected", 400, search_params())
    with pytest.raises(FaceImageError, match=code):
        engine.identify(PHOTO, Gallery())
    assert sleeps == []


def test_identify_recovers_after_throttling(engine: AwsRekognitionEngine, stub: Stubber, sleeps: list[float]) -> None:
    expect_create(stub)
    stub.add_client_error("search_faces_by_image", "ThrottlingException", "slow down", 400, search_params())
    stub.add_client_error("search_faces_by_image", "ProvisionedThroughputExceededException", "", 400, search_params())
    stub.add_response("search_faces_by_image", searched([face_match()]), search_params())
    [result] = engine.identify(PHOTO, Gallery())
    assert result.match == Match(employee_id=42, similarity=99.6, face_id=FACE_ID)
    assert len(sleeps) == 2
    assert sleeps[0] == pytest.approx(1.0, rel=0.1)
    assert sleeps[1] == pytest.approx(2.0, rel=0.1)


@pytest.mark.parametrize(
    ("code", "status"), [("ThrottlingException", 400), ("InternalServerError", 500), ("ServiceUnavailable", 503)]
)
def test_identify_transient_errors_past_the_retries_are_engine_errors(
    engine: AwsRekognitionEngine, stub: Stubber, sleeps: list[float], code: str, status: int
) -> None:
    expect_create(stub)
    for _ in range(4):
        stub.add_client_error("search_faces_by_image", code, "try later", status, search_params())
    with pytest.raises(FaceEngineError, match=rf"SearchFacesByImage failed \({code}\): try later"):
        engine.identify(PHOTO, Gallery())
    assert sleeps == pytest.approx([1.0, 2.0, 4.0], rel=0.1)


def test_identify_access_denied_is_an_engine_error_at_once(
    engine: AwsRekognitionEngine, stub: Stubber, sleeps: list[float]
) -> None:
    expect_create(stub)
    stub.add_client_error("search_faces_by_image", "AccessDeniedException", "no", 400, search_params())
    with pytest.raises(FaceEngineError, match="AccessDeniedException"):
        engine.identify(PHOTO, Gallery())
    assert sleeps == []


def test_identify_missing_collection_is_recreated(engine: AwsRekognitionEngine, stub: Stubber) -> None:
    expect_create(stub)
    stub.add_client_error("search_faces_by_image", "ResourceNotFoundException", "no collection", 400, search_params())
    expect_create(stub)
    stub.add_response("search_faces_by_image", searched([]), search_params())
    assert engine.identify(PHOTO, Gallery())[0].match is None


# -- detect -----------------------------------------------------------------------------------------------------


def test_detect_returns_every_face_in_pixels_clipped_to_the_image(engine: AwsRekognitionEngine, stub: Stubber) -> None:
    outside = {"Width": 0.2, "Height": 0.3, "Left": -0.05, "Top": 0.9}  # Rekognition boxes may leave the image
    faces = [{"BoundingBox": RATIO_BOX, "Confidence": 99.0}, {"BoundingBox": outside, "Confidence": 80.0}]
    stub.add_response("detect_faces", {"FaceDetails": faces}, {"Image": {"Bytes": PHOTO}})
    assert engine.detect(PHOTO) == [PIXEL_BOX, Box(left=0, top=432, width=96, height=48)]


def test_detect_no_face_is_empty_and_needs_no_collection(engine: AwsRekognitionEngine, stub: Stubber) -> None:
    stub.add_response("detect_faces", {"FaceDetails": []}, {"Image": {"Bytes": PHOTO}})
    assert engine.detect(PHOTO) == []


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("InvalidParameterException", FaceImageError),
        ("InvalidImageFormatException", FaceImageError),
        ("AccessDeniedException", FaceEngineError),
    ],
)
def test_detect_errors(engine: AwsRekognitionEngine, stub: Stubber, code: str, error: type[Exception]) -> None:
    stub.add_client_error("detect_faces", code, "nope", 400, {"Image": {"Bytes": PHOTO}})
    with pytest.raises(error, match=code):
        engine.detect(PHOTO)


# -- remove -----------------------------------------------------------------------------------------------------


def test_remove_nothing_calls_nothing(engine: AwsRekognitionEngine, stub: Stubber) -> None:
    engine.remove(7, [])  # the stub has no responses: any call would fail


def test_remove_deletes_in_batches_of_4096(engine: AwsRekognitionEngine, stub: Stubber) -> None:
    ids = [str(uuid.UUID(int=i)) for i in range(5000)]
    for batch in (ids[:4096], ids[4096:]):
        params = {"CollectionId": COLLECTION, "FaceIds": batch}
        stub.add_response("delete_faces", {"DeletedFaces": batch}, params)
    engine.remove(7, ids + ids[:10])  # duplicates are sent once


def test_remove_from_a_missing_collection_is_done(engine: AwsRekognitionEngine, stub: Stubber) -> None:
    params = {"CollectionId": COLLECTION, "FaceIds": [FACE_ID]}
    stub.add_client_error("delete_faces", "ResourceNotFoundException", "no collection", 400, params)
    engine.remove(7, [FACE_ID])  # and no CreateCollection: the stub would refuse it


def test_remove_logs_faces_it_could_not_delete(
    engine: AwsRekognitionEngine, stub: Stubber, caplog: pytest.LogCaptureFixture
) -> None:
    response = {"UnsuccessfulFaceDeletions": [{"FaceId": FACE_ID, "Reasons": ["FACE_NOT_FOUND"]}]}
    stub.add_response("delete_faces", response, {"CollectionId": COLLECTION, "FaceIds": [FACE_ID]})
    with caplog.at_level(logging.WARNING):
        engine.remove(7, [FACE_ID])
    assert f"did not delete face {FACE_ID} of employee 7: FACE_NOT_FOUND" in caplog.text


def test_remove_throttled_past_the_retries_is_an_engine_error(
    engine: AwsRekognitionEngine, stub: Stubber, sleeps: list[float]
) -> None:
    params = {"CollectionId": COLLECTION, "FaceIds": [FACE_ID]}
    for _ in range(4):
        stub.add_client_error("delete_faces", "ThrottlingException", "slow", 400, params)
    with pytest.raises(FaceEngineError, match=r"DeleteFaces failed \(ThrottlingException\)"):
        engine.remove(7, [FACE_ID])
    assert len(sleeps) == 3


# -- images refused before any call --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (b"GIF89a not a jpeg", "not a JPEG or PNG"),
        (b"\xff\xd8\xff" + b"\x00" * 100, "could not be decoded"),
        (PHOTO + b"\x00" * (MAX_IMAGE_BYTES - len(PHOTO) + 1), "at most"),
    ],
)
def test_unusable_images_never_reach_aws(
    engine: AwsRekognitionEngine, stub: Stubber, image: bytes, message: str
) -> None:
    for call in (engine.detect, lambda img: engine.enroll(7, img), lambda img: engine.identify(img, Gallery())):
        with pytest.raises(FaceImageError, match=message):
            call(image)


def test_png_images_are_measured_too(engine: AwsRekognitionEngine, stub: Stubber) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (200, 100)).save(buf, "PNG")
    png = buf.getvalue()
    stub.add_response("detect_faces", {"FaceDetails": [{"BoundingBox": RATIO_BOX}]}, {"Image": {"Bytes": png}})
    assert engine.detect(png) == [Box(left=100, top=25, width=50, height=50)]


def test_engine_name() -> None:
    assert AwsRekognitionEngine.name == "aws"


# --- the enrolment rule (exactly one face at least enroll_min_face_px wide), as with the local engine -----------


def _with_unindexed(boxes: list[dict[str, float]], box: dict[str, float] = RATIO_BOX) -> dict[str, Any]:
    response = indexed(box)
    response["UnindexedFaces"] = [
        {"Reasons": ["EXCEEDS_MAX_FACES"], "FaceDetail": {"BoundingBox": other}} for other in boxes
    ]
    return response


def test_a_group_photo_enrols_nobody_and_the_indexed_face_is_removed_again(
    engine: AwsRekognitionEngine, stub: Stubber
) -> None:
    expect_create(stub)
    second = {"Width": 0.2, "Height": 0.4, "Left": 0.1, "Top": 0.2}  # 128 px wide: a second real face
    stub.add_response("index_faces", _with_unindexed([second]), index_params())
    stub.add_response("delete_faces", {"DeletedFaces": [FACE_ID]}, {"CollectionId": COLLECTION, "FaceIds": [FACE_ID]})
    with pytest.raises(FaceImageError, match="2 faces found"):
        engine.enroll(7, PHOTO)
    stub.assert_no_pending_responses()


def test_small_background_faces_do_not_block_an_enrolment(engine: AwsRekognitionEngine, stub: Stubber) -> None:
    expect_create(stub)
    tiny = {"Width": 0.05, "Height": 0.1, "Left": 0.1, "Top": 0.2}  # 32 px wide: someone far behind
    stub.add_response("index_faces", _with_unindexed([tiny]), index_params())
    assert engine.enroll(7, PHOTO).external_face_id == FACE_ID


def test_a_face_too_small_to_enrol_is_refused_and_removed(engine: AwsRekognitionEngine, stub: Stubber) -> None:
    expect_create(stub)
    small = {"Width": 0.1, "Height": 0.2, "Left": 0.5, "Top": 0.25}  # 64 px wide
    stub.add_response("index_faces", indexed(small), index_params())
    stub.add_response("delete_faces", {"DeletedFaces": [FACE_ID]}, {"CollectionId": COLLECTION, "FaceIds": [FACE_ID]})
    with pytest.raises(FaceImageError, match=r"too small \(64 px wide\)"):
        engine.enroll(7, PHOTO)
    stub.assert_no_pending_responses()

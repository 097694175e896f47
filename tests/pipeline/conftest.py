"""The real RTSP cameras of the live-video tests, for the pipeline's end-to-end tests."""

from tests.video.conftest import rtsp_server, vtest_rtsp_server  # noqa: F401 - fixtures

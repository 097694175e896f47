"""aws_retry on its own: what is retried, how long it waits, when it gives up, what it logs and counts.

The waits go to an injected sleep (and, for the deadline, an injected clock), so nothing here sleeps for real.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
    SSLError,
)
from prometheus_client import REGISTRY

from factoryai.identity.retry import aws_retry, is_retryable

NOMINAL = [1.0, 2.0, 4.0]


def client_error(code: str, status: int = 400) -> ClientError:
    response = {"Error": {"Code": code, "Message": f"{code} happened"}, "ResponseMetadata": {"HTTPStatusCode": status}}
    return ClientError(response, "SearchFacesByImage")  # type: ignore[arg-type]


def retries_counted(operation: str, reason: str) -> float:
    return REGISTRY.get_sample_value("factoryai_aws_retries_total", {"operation": operation, "reason": reason}) or 0.0


def failing(errors: list[BaseException], result: str = "ok") -> tuple[Callable[[], str], list[int]]:
    """A call that raises `errors` in turn, then returns `result`; also returns its call log."""
    calls: list[int] = []

    def call() -> str:
        calls.append(len(calls) + 1)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return result

    return call, calls


RETRYABLE = [
    client_error("ThrottlingException"),
    client_error("ProvisionedThroughputExceededException"),
    client_error("LimitExceededException"),
    client_error("InternalServerError", 500),
    client_error("ServiceUnavailable", 503),
    client_error("ServiceUnavailableException", 503),
    client_error("SomethingNewOnTheServerSide", 500),
    client_error("BadGateway", 502),
    client_error("504", 504),
    ConnectTimeoutError(endpoint_url="https://rekognition.example"),
    ReadTimeoutError(endpoint_url="https://rekognition.example"),
    EndpointConnectionError(endpoint_url="https://rekognition.example"),
    ConnectionClosedError(endpoint_url="https://rekognition.example"),
    TimeoutError("socket timed out"),
]
NOT_RETRYABLE = [
    client_error("InvalidParameterException"),
    client_error("ImageTooLargeException"),
    client_error("InvalidImageFormatException"),
    client_error("AccessDeniedException"),
    client_error("ResourceNotFoundException"),
    client_error("ServiceQuotaExceededException"),
    client_error("ResourceAlreadyExistsException"),
    client_error("SomeFutureClientError", 400),
    client_error("NotFound", 404),
    client_error("RequestEntityTooLarge", 413),
    NoCredentialsError(),
    SSLError(endpoint_url="https://rekognition.example", error="certificate verify failed"),
    ValueError("a bug, not the network"),
]


def _id(error: BaseException) -> str:
    return error.response["Error"]["Code"] if isinstance(error, ClientError) else type(error).__name__


@pytest.mark.parametrize("error", RETRYABLE, ids=_id)
def test_transient_errors_are_retried_until_success(error: BaseException) -> None:
    sleeps: list[float] = []
    call, calls = failing([error, error, error])
    assert is_retryable(error)
    assert aws_retry(sleep=sleeps.append, jitter=0)(call)() == "ok"
    assert calls == [1, 2, 3, 4]
    assert sleeps == NOMINAL


@pytest.mark.parametrize("error", NOT_RETRYABLE, ids=_id)
def test_client_errors_fail_at_once(error: BaseException) -> None:
    sleeps: list[float] = []
    call, calls = failing([error])
    assert not is_retryable(error)
    with pytest.raises(type(error)) as raised:
        aws_retry(sleep=sleeps.append)(call)()
    assert raised.value is error
    assert calls == [1]
    assert sleeps == []


def test_exhausted_retries_reraise_the_last_error() -> None:
    sleeps: list[float] = []
    errors = [client_error("ThrottlingException"), client_error("InternalServerError", 500)] * 3
    call, calls = failing(errors)
    with pytest.raises(ClientError) as raised:
        aws_retry(sleep=sleeps.append, jitter=0)(call)()
    assert raised.value is errors[3]  # the 4th try's error, not a tenacity RetryError
    assert calls == [1, 2, 3, 4]
    assert sleeps == NOMINAL


def test_a_client_error_after_transient_ones_stops_the_retries() -> None:
    sleeps: list[float] = []
    invalid = client_error("InvalidParameterException")
    call, calls = failing([client_error("ThrottlingException"), invalid])
    with pytest.raises(ClientError) as raised:
        aws_retry(sleep=sleeps.append, jitter=0)(call)()
    assert raised.value is invalid
    assert calls == [1, 2]
    assert sleeps == [1.0]


def test_success_first_time_neither_waits_nor_logs(caplog: pytest.LogCaptureFixture) -> None:
    sleeps: list[float] = []
    call, calls = failing([], result="first")
    with caplog.at_level(logging.WARNING, logger="factoryai.identity.retry"):
        assert aws_retry(sleep=sleeps.append)(call)() == "first"
    assert calls == [1]
    assert sleeps == []
    assert caplog.records == []


def test_waits_double_from_the_base_and_scale_with_it() -> None:
    sleeps: list[float] = []
    call, _ = failing([TimeoutError()] * 3)
    aws_retry(base_seconds=0.05, sleep=sleeps.append, jitter=0)(call)()
    assert sleeps == pytest.approx([0.05, 0.1, 0.2])


def test_max_retries_sets_the_number_of_tries() -> None:
    sleeps: list[float] = []
    call, calls = failing([TimeoutError()] * 10)
    with pytest.raises(TimeoutError):
        aws_retry(max_retries=5, sleep=sleeps.append, jitter=0)(call)()
    assert calls == [1, 2, 3, 4, 5, 6]
    assert sleeps == [1.0, 2.0, 4.0, 8.0, 16.0]

    call, calls = failing([TimeoutError()])
    with pytest.raises(TimeoutError):
        aws_retry(max_retries=0, sleep=sleeps.append)(call)()
    assert calls == [1]


def test_jitter_is_bounded_and_present() -> None:
    rng = random.Random(7)
    seen: list[list[float]] = []
    for _ in range(200):
        sleeps: list[float] = []
        call, _ = failing([client_error("ThrottlingException")] * 3)
        aws_retry(sleep=sleeps.append, rng=rng)(call)()
        seen.append(sleeps)
    for position, nominal in enumerate(NOMINAL):
        waits = [s[position] for s in seen]
        assert all(0.9 * nominal <= w <= 1.1 * nominal for w in waits)
        assert max(waits) - min(waits) > 0.1 * nominal  # really jittered, both ways
        assert min(waits) < nominal < max(waits)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_deadline_refuses_a_wait_that_would_end_past_it() -> None:
    clock = FakeClock()
    call, calls = failing([client_error("ThrottlingException")] * 4)
    with pytest.raises(ClientError):
        aws_retry(deadline_seconds=5, jitter=0, sleep=clock.sleep, clock=clock)(call)()
    assert calls == [1, 2, 3]  # waited 1 + 2 = 3 s; another 4 s would end at 7 s > 5 s
    assert clock.now == 103.0


def test_deadline_counts_the_time_spent_in_the_calls() -> None:
    clock = FakeClock()
    calls: list[float] = []

    def slow_timeout() -> None:
        calls.append(clock.now)
        clock.now += 2.0  # each try takes 2 s before it times out
        raise TimeoutError

    with pytest.raises(TimeoutError):
        aws_retry(deadline_seconds=10, jitter=0, sleep=clock.sleep, clock=clock)(slow_timeout)()
    # tries start at 0, 3 (2 + wait 1), 7 (5 + wait 2); after the 3rd (ends at 9) a 4 s wait would end at 13.
    assert [t - 100.0 for t in calls] == [0.0, 3.0, 7.0]


def test_each_retry_logs_a_warning_and_counts(caplog: pytest.LogCaptureFixture) -> None:
    operation = "TestLogAndCount"
    before_throttle = retries_counted(operation, "ThrottlingException")
    before_timeout = retries_counted(operation, "ReadTimeoutError")
    before_5xx = retries_counted(operation, "HTTP5xx")
    sleeps: list[float] = []
    errors = [
        client_error("ThrottlingException"),
        ReadTimeoutError(endpoint_url="https://rekognition.example"),
        client_error("ThrottlingException"),
    ]
    call, _ = failing(errors, result="done")
    with caplog.at_level(logging.WARNING, logger="factoryai.identity.retry"):
        assert aws_retry(operation, sleep=sleeps.append, jitter=0)(call)() == "done"

    messages = [r.getMessage() for r in caplog.records if r.name == "factoryai.identity.retry"]
    assert all(r.levelno == logging.WARNING for r in caplog.records)
    assert messages == [
        "AWS TestLogAndCount failed on attempt 1/4 (ThrottlingException, HTTP 400); retrying in 1.00 s",
        "AWS TestLogAndCount failed on attempt 2/4 (ReadTimeoutError); retrying in 2.00 s",
        "AWS TestLogAndCount failed on attempt 3/4 (ThrottlingException, HTTP 400); retrying in 4.00 s",
    ]
    assert retries_counted(operation, "ThrottlingException") == before_throttle + 2
    assert retries_counted(operation, "ReadTimeoutError") == before_timeout + 1
    assert retries_counted(operation, "HTTP5xx") == before_5xx


def test_unknown_5xx_codes_are_counted_under_one_reason() -> None:
    operation = "TestHttp5xx"
    before = retries_counted(operation, "HTTP5xx")
    call, _ = failing([client_error("WeirdGatewayThing", 502)])
    aws_retry(operation, sleep=lambda _: None)(call)()
    assert retries_counted(operation, "HTTP5xx") == before + 1


def test_operation_defaults_to_the_function_name_and_wraps_it(caplog: pytest.LogCaptureFixture) -> None:
    attempts: list[int] = []

    @aws_retry(sleep=lambda _: None, jitter=0)
    def search_faces(image: bytes, *, threshold: float) -> tuple[bytes, float]:
        """Docstring kept."""
        attempts.append(1)
        if len(attempts) == 1:
            raise TimeoutError
        return image, threshold

    with caplog.at_level(logging.WARNING, logger="factoryai.identity.retry"):
        assert search_faces(b"img", threshold=99.0) == (b"img", 99.0)
    assert search_faces.__name__ == "search_faces"
    assert search_faces.__doc__ == "Docstring kept."
    assert "AWS search_faces failed on attempt 1/4" in caplog.text


@pytest.mark.parametrize(
    "kwargs", [{"max_retries": -1}, {"base_seconds": -1}, {"deadline_seconds": 0}, {"jitter": 1.0}, {"jitter": -0.1}]
)
def test_bad_parameters_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="aws_retry"):
        aws_retry(**kwargs)  # type: ignore[arg-type]

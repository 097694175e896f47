"""Retry for AWS calls, as the spec draws it: 3 retries after waits of 1 s, 2 s, 4 s.

Only what a later try can fix is retried: throttling, server-side (5xx) errors and timeouts / dropped connections.
A client error (no face, bad image, access denied, missing collection) fails at once: retrying it would only cost
money and time. Additions to the spec's picture (DESIGN.md §3):
- a little jitter (±10 % by default), so cameras throttled together do not retry in lockstep, while the waits stay
  close to 1/2/4 s;
- an overall deadline: we stop rather than start a wait that would end past it, so a caller never waits much longer
  than `deadline_seconds` (a read timeout per try still adds to it; that bound lives in the client's timeouts);
- botocore's own retries must be off in the client (`total_max_attempts=1`), or each try here would be several
  requests and one throttled call would become 12-20.

When the tries are exhausted the last error is re-raised unchanged; the engine turns it into FaceEngineError.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from prometheus_client import Counter
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, stop_any

log = logging.getLogger(__name__)

# Defined here rather than in core.metrics: only the AWS engine retries. `reason` is an AWS error code, "HTTP5xx"
# or an exception class name; only retryable errors are counted, so the label set stays small.
AWS_RETRIES = Counter(
    "factoryai_aws_retries_total", "AWS calls retried after a transient error", ["operation", "reason"]
)

# Throttling and server-side codes. LimitExceededException is Rekognition's concurrency limit (too many jobs at
# once): it clears as they finish, and botocore's own standard mode treats it as throttling too. Unlike
# ServiceQuotaExceededException (the collection is full), which no wait fixes.
RETRYABLE_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "LimitExceededException",
        "InternalServerError",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
    }
)
RETRYABLE_EXCEPTIONS: tuple[type[BaseException], ...] = (
    ConnectTimeoutError,
    ReadTimeoutError,
    EndpointConnectionError,
    ConnectionClosedError,
    TimeoutError,
)

P = ParamSpec("P")
R = TypeVar("R")


def error_code(exc: BaseException) -> str | None:
    """The AWS error code of a ClientError, else None."""
    if isinstance(exc, ClientError):
        return exc.response.get("Error", {}).get("Code") or None
    return None


def http_status(exc: BaseException) -> int | None:
    if isinstance(exc, ClientError):
        return exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return None


def retry_reason(exc: BaseException) -> str | None:
    """Why `exc` is worth another try (the metric's label), or None when it is not."""
    if isinstance(exc, ClientError):
        code = error_code(exc)
        if code in RETRYABLE_CODES:
            return code
        status = http_status(exc)
        return "HTTP5xx" if status is not None and 500 <= status <= 599 else None
    if isinstance(exc, RETRYABLE_EXCEPTIONS):
        return type(exc).__name__
    return None


def describe(exc: BaseException) -> str:
    """The error as a log line names it: AWS code and HTTP status, or the exception's class."""
    if isinstance(exc, ClientError):
        return f"{error_code(exc)}, HTTP {http_status(exc)}"
    return type(exc).__name__


def is_retryable(exc: BaseException) -> bool:
    return retry_reason(exc) is not None


def backoff_seconds(attempt: int, base_seconds: float, jitter: float, rng: random.Random) -> float:
    """Wait after failed try number `attempt` (1-based): base, 2·base, 4·base …, each within ±jitter of itself."""
    return base_seconds * 2 ** (attempt - 1) * rng.uniform(1 - jitter, 1 + jitter)


def aws_retry(
    operation: str | None = None,
    *,
    max_retries: int = 3,
    base_seconds: float = 1.0,
    deadline_seconds: float = 30.0,
    jitter: float = 0.1,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    rng: random.Random | None = None,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator: retry transient AWS errors `max_retries` times (so at most max_retries + 1 tries).

    `operation` names the call in logs and metrics (default: the function's name). `sleep`, `clock` and `rng` are
    injectable so tests neither sleep nor depend on chance.
    """
    if max_retries < 0 or base_seconds < 0 or deadline_seconds <= 0 or not 0 <= jitter < 1:
        raise ValueError("aws_retry: max_retries >= 0, base_seconds >= 0, deadline_seconds > 0, 0 <= jitter < 1")
    chance = rng or random.Random()  # noqa: S311 - jitter, not security

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        name = operation or getattr(fn, "__name__", "aws_call")

        def wait(state: RetryCallState) -> float:
            return backoff_seconds(state.attempt_number, base_seconds, jitter, chance)

        def log_retry(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            reason = retry_reason(exc) if exc else None
            AWS_RETRIES.labels(operation=name, reason=reason or "unknown").inc()
            log.warning(
                "AWS %s failed on attempt %d/%d (%s); retrying in %.2f s",
                name,
                state.attempt_number,
                max_retries + 1,
                describe(exc) if exc else "?",
                state.upcoming_sleep,
            )

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            started = clock()

            def past_deadline(state: RetryCallState) -> bool:
                # tenacity computes the next wait before asking stop, so this refuses a wait that would end late.
                return clock() - started + state.upcoming_sleep > deadline_seconds

            retrying = Retrying(
                retry=retry_if_exception(is_retryable),
                stop=stop_any(stop_after_attempt(max_retries + 1), past_deadline),
                wait=wait,
                sleep=sleep,
                before_sleep=log_retry,
                reraise=True,
            )
            return retrying(fn, *args, **kwargs)

        return wrapper

    return decorate

"""Failed-login throttling, kept in the database so it holds across API processes and restarts."""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy.orm import Session

from factoryai.accounts import repository
from factoryai.core.clock import utcnow
from factoryai.core.config import AuthSettings
from factoryai.core.errors import TooManyRequestsError, problem
from factoryai.core.metrics import LOGIN_FAILURES


class LoginThrottle:
    def __init__(self, settings: AuthSettings) -> None:
        self._max = settings.login_max_failures
        self._window = timedelta(seconds=settings.login_failure_window_seconds)

    def check(self, session: Session, client_key: str) -> None:
        """Raise 429 while the client has used up its failed attempts in the window."""
        now = utcnow()
        since = now - self._window
        if repository.count_login_failures(session, client_key, since) < self._max:
            return
        oldest = repository.oldest_login_failure(session, client_key, since) or now
        retry_after = max(1, math.ceil((oldest + self._window - now).total_seconds()))
        raise TooManyRequestsError(
            f"too many failed log-ins from this client; try again in {retry_after} s",
            details=[problem("", f"try again in {retry_after} s", retry_after_seconds=retry_after)],
            headers={"Retry-After": str(retry_after)},
        )

    def record_failure(self, session: Session, client_key: str, username: str | None) -> None:
        """Count a failure. The caller must let its unit of work commit (answer 401 without raising)."""
        LOGIN_FAILURES.inc()
        now = utcnow()
        repository.add_login_failure(session, client_key, username[:100] if username else None, now)
        # Prune what no window can see any more, so the table stays small.
        repository.delete_login_failures(session, before=now - self._window)
        session.flush()

    @staticmethod
    def reset(session: Session, client_key: str) -> None:
        repository.delete_login_failures(session, client_key=client_key)

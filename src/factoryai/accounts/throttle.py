"""Failed-login throttling, kept in the database so it holds across API processes and restarts.

Each failure is committed in its own transaction: the request that failed rolls back, the count must not.
"""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from factoryai.accounts import repository
from factoryai.core.clock import utcnow
from factoryai.core.config import AuthSettings
from factoryai.core.db import unit_of_work
from factoryai.core.errors import TooManyRequestsError
from factoryai.core.metrics import LOGIN_FAILURES


class LoginThrottle:
    def __init__(self, session_factory: sessionmaker[Session], settings: AuthSettings) -> None:
        self._factory = session_factory
        self._max = settings.login_max_failures
        self._window = timedelta(seconds=settings.login_failure_window_seconds)

    def check(self, client_key: str) -> None:
        """Raise 429 while the client has used up its failed attempts in the window."""
        now = utcnow()
        since = now - self._window
        with unit_of_work(self._factory) as session:
            if repository.count_login_failures(session, client_key, since) < self._max:
                return
            oldest = repository.oldest_login_failure(session, client_key, since) or now
        retry_after = max(1, math.ceil((oldest + self._window - now).total_seconds()))
        raise TooManyRequestsError(
            f"too many failed log-ins from this client; try again in {retry_after} s",
            details={"retry_after_seconds": retry_after},
            headers={"Retry-After": str(retry_after)},
        )

    def record_failure(self, client_key: str, username: str | None) -> None:
        LOGIN_FAILURES.inc()
        now = utcnow()
        with unit_of_work(self._factory) as session:
            repository.add_login_failure(session, client_key, username[:100] if username else None, now)
            # Prune what no window can see any more, so the table stays small.
            repository.delete_login_failures(session, before=now - self._window)

    @staticmethod
    def reset(session: Session, client_key: str) -> None:
        """Forget a client's failures after a good log-in, inside that request's unit of work.

        (A separate transaction here would wait on the request's own uncommitted write on SQLite.)
        """
        repository.delete_login_failures(session, client_key=client_key)

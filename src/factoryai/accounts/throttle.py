"""Failed-login throttling, kept in the database so it holds across API processes and restarts.

Failures count per (client address, username), so guessing at one name, or at made-up names, locks out only that
name from that address and never everyone behind a shared address (NAT, a proxy); a looser limit per address
stops one address from trying name after name. The address is the connecting peer, or behind configured reverse
proxies the right-most X-Forwarded-For hop that is not one of them (client_address).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from sqlalchemy.orm import Session

from factoryai.accounts import repository
from factoryai.core.clock import utcnow
from factoryai.core.config import AuthSettings
from factoryai.core.errors import TooManyRequestsError, problem
from factoryai.core.metrics import LOGIN_FAILURES

Network = IPv4Network | IPv6Network
_USERNAME_LENGTH = 100  # the ledger's column


def _name(username: str) -> str:
    return username[:_USERNAME_LENGTH]


class LoginThrottle:
    def __init__(self, settings: AuthSettings) -> None:
        self._per_username = settings.login_max_failures
        self._per_address = settings.login_max_failures_per_address
        self._window = timedelta(seconds=settings.login_failure_window_seconds)

    def check(self, session: Session, client_key: str, username: str) -> None:
        """Raise 429 while this username from this address, or this address over all names, has used up its
        failed attempts in the window."""
        now = utcnow()
        since = now - self._window
        name = _name(username)
        if repository.count_login_failures(session, client_key, since, username=name) >= self._per_username:
            oldest = repository.oldest_login_failure(session, client_key, since, username=name)
            raise self._refusal(f"too many failed log-ins for {name!r} from this address", oldest, now)
        if repository.count_login_failures(session, client_key, since) >= self._per_address:
            oldest = repository.oldest_login_failure(session, client_key, since)
            raise self._refusal("too many failed log-ins from this address", oldest, now)

    def _refusal(self, what: str, oldest: datetime | None, now: datetime) -> TooManyRequestsError:
        retry_after = max(1, math.ceil(((oldest or now) + self._window - now).total_seconds()))
        return TooManyRequestsError(
            f"{what}; try again in {retry_after} s",
            details=[problem("", f"try again in {retry_after} s", retry_after_seconds=retry_after)],
            headers={"Retry-After": str(retry_after)},
        )

    def record_failure(self, session: Session, client_key: str, username: str) -> None:
        """Count a failure. The caller must let its unit of work commit (answer 401 without raising)."""
        LOGIN_FAILURES.inc()
        now = utcnow()
        repository.add_login_failure(session, client_key, _name(username), now)
        # Prune what no window can see any more, so the table stays small.
        repository.delete_login_failures(session, before=now - self._window)
        session.flush()

    @staticmethod
    def reset(session: Session, client_key: str, username: str) -> None:
        """A successful log-in clears its own name's failures only: the address's count of other names stays."""
        repository.delete_login_failures(session, client_key=client_key, username=_name(username))


def trusted_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    return tuple(ip_network(entry, strict=False) for entry in entries)


def _address(text: str) -> IPv4Address | IPv6Address | None:
    """An IP from an X-Forwarded-For hop or a peer, also as some proxies write it with a port (1.2.3.4:80,
    [2001:db8::1]:443); an IPv4 address seen on an IPv6 socket (::ffff:10.0.0.1) is taken as the IPv4 one."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ip_address(text)
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: IPv4Address | IPv6Address | None, proxies: Sequence[Network]) -> bool:
    return address is not None and any(address in network for network in proxies)


def client_address(peer: str, forwarded: Sequence[str], proxies: Sequence[Network]) -> str:
    """Who sent a request: the connecting peer, unless that is a trusted proxy; then the right-most hop of
    X-Forwarded-For (all its header lines, in order) that is not a trusted proxy. Hops further left were written
    by the client and prove nothing. A hop that is no address means a proxy passed the client's header on
    unchecked: the nearest trusted proxy is then the best we know."""
    nearest = _address(peer)
    if not _trusted(nearest, proxies):
        return peer
    hops = [hop for line in forwarded for hop in line.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break
        nearest = address
        if not _trusted(address, proxies):
            break
    return str(nearest)

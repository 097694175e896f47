"""Log-in throttling one person cannot turn against everyone: failures count per (address, username), with a looser
limit per address; X-Forwarded-For is believed only from configured proxies, right-most untrusted hop first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from factoryai.accounts.models import LoginFailure
from factoryai.accounts.throttle import client_address, trusted_networks
from factoryai.api.app import create_app
from factoryai.core.config import ConfigError, Settings, load_settings
from factoryai.core.db import create_session_factory
from tests.conftest import ADMIN_PASSWORD, assert_error

LOGIN = "/api/v1/auth/login"


def login(client: TestClient, username: str, password: str, **headers: str) -> Any:
    return client.post(LOGIN, data={"username": username, "password": password}, headers=headers)


def stored_failures(engine: Engine) -> list[tuple[str, str | None]]:
    with create_session_factory(engine)() as s:
        return [(r.client_key, r.username) for r in s.scalars(select(LoginFailure).order_by(LoginFailure.id))]


def test_failures_for_a_made_up_user_do_not_lock_out_the_others_behind_the_address(
    client: TestClient, settings: Settings
) -> None:
    assert settings.auth.login_max_failures == 3
    for _ in range(3):
        assert_error(login(client, "made-up-user", "guess"), 401)
    refused = login(client, "made-up-user", "guess")
    error = assert_error(refused, 429, "too_many_requests")
    assert "made-up-user" in error["message"]
    assert int(refused.headers["retry-after"]) >= 1

    assert login(client, "admin", ADMIN_PASSWORD).status_code == 200


def test_the_username_counts_regardless_of_case(client: TestClient) -> None:
    for name in ("Admin", "ADMIN", "admin"):
        assert_error(login(client, name, "wrong-password"), 401)
    assert_error(login(client, "aDmIn", ADMIN_PASSWORD), 429, "too_many_requests")


def test_a_success_clears_only_its_own_username(client: TestClient, clean_db: Engine) -> None:
    assert_error(login(client, "ghost", "x"), 401)
    assert_error(login(client, "admin", "wrong-password"), 401)
    assert login(client, "admin", ADMIN_PASSWORD).status_code == 200
    assert [name for _, name in stored_failures(clean_db)] == ["ghost"]


@pytest.fixture
def strict_address(settings: Settings, clean_db: Engine) -> Iterator[TestClient]:
    auth = settings.auth.model_copy(update={"login_max_failures_per_address": 5})
    with TestClient(create_app(settings.model_copy(update={"auth": auth}), engine=clean_db)) as client:
        yield client


def test_many_usernames_from_one_address_meet_the_looser_address_limit(strict_address: TestClient) -> None:
    for i in range(5):
        assert_error(login(strict_address, f"name-{i}", "guess"), 401)
    error = assert_error(login(strict_address, "admin", ADMIN_PASSWORD), 429, "too_many_requests")
    assert "from this address" in error["message"]


def _proxied_app(db_url: str, tmp_path: Path, **server: Any) -> Any:
    settings = load_settings(
        database={"url": db_url},
        auth={"bootstrap_admin_password": ADMIN_PASSWORD, "login_max_failures": 3},
        server=server,
        identity={"snapshot_dir": str(tmp_path / "snapshots")},
        scheduler={"enabled": False},
    )
    return create_app(settings)


def test_behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client(
    db_url: str, clean_db: Engine, tmp_path: Path
) -> None:
    app = _proxied_app(db_url, tmp_path, trusted_proxies=["10.0.0.0/8"])
    with TestClient(app, client=("10.0.0.2", 40000)) as via_proxy:
        # The client wrote the first two hops itself; the proxies appended 203.0.113.7 and 10.0.0.1.
        for forged in ("198.51.100.1", "198.51.100.2", "192.0.2.99, 198.51.100.3"):
            chain = f"{forged}, 203.0.113.7, 10.0.0.1"
            assert_error(login(via_proxy, "admin", "x", **{"X-Forwarded-For": chain}), 401)
        blocked = login(via_proxy, "admin", ADMIN_PASSWORD, **{"X-Forwarded-For": "1.2.3.4, 203.0.113.7"})
        assert_error(blocked, 429, "too_many_requests")
        other = login(via_proxy, "admin", ADMIN_PASSWORD, **{"X-Forwarded-For": "198.51.100.2"})
        assert other.status_code == 200, other.text
    assert {key for key, _ in stored_failures(clean_db)} == {"203.0.113.7"}


def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(db_url: str, clean_db: Engine, tmp_path: Path) -> None:
    app = _proxied_app(db_url, tmp_path, trusted_proxies=["10.0.0.0/8"])
    with TestClient(app, client=("192.0.2.10", 40000)) as direct:
        for i in range(3):
            assert_error(login(direct, "admin", "x", **{"X-Forwarded-For": f"198.51.100.{i}"}), 401)
        assert_error(login(direct, "admin", ADMIN_PASSWORD, **{"X-Forwarded-For": "198.51.100.77"}), 429)
    assert {key for key, _ in stored_failures(clean_db)} == {"192.0.2.10"}


PROXIES = trusted_networks(["10.0.0.0/8", "192.168.1.5", "fd00::/8"])


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("10.0.0.2", ["203.0.113.7"], "203.0.113.7"),
        ("10.0.0.2", ["6.6.6.6, 203.0.113.7, 192.168.1.5"], "203.0.113.7"),
        ("10.0.0.2", ["6.6.6.6", "203.0.113.7"], "203.0.113.7"),  # several header lines are one list
        ("10.0.0.2", ["203.0.113.7:51234"], "203.0.113.7"),  # a proxy that adds the port
        ("10.0.0.2", ["[2001:db8::1]:443"], "2001:db8::1"),
        ("10.0.0.2", ["2001:db8::1, fd00::3"], "2001:db8::1"),
        ("::ffff:10.0.0.2", ["203.0.113.7"], "203.0.113.7"),  # IPv4 peer seen on an IPv6 socket
        ("10.0.0.2", ["10.0.0.9, 10.0.0.8"], "10.0.0.9"),  # every hop trusted: the first one
        ("10.0.0.2", [], "10.0.0.2"),
        ("10.0.0.2", ["203.0.113.7, not-an-ip, 10.0.0.3"], "10.0.0.3"),  # garbage: keep the last proxy's word
        ("192.0.2.10", ["203.0.113.7"], "192.0.2.10"),  # not a proxy: the header is the client's own
        ("testclient", ["203.0.113.7"], "testclient"),
    ],
)
def test_client_address(peer: str, forwarded: list[str], client: str) -> None:
    assert client_address(peer, forwarded, PROXIES) == client


def test_without_trusted_proxies_the_header_is_never_read() -> None:
    assert client_address("10.0.0.2", ["203.0.113.7"], ()) == "10.0.0.2"


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"server": {"trust_forwarded_for": True}}, "trusted_proxies"),
        ({"server": {"trusted_proxies": ["10.0.0.0/33"]}}, "server.trusted_proxies"),
        ({"server": {"trusted_proxies": ["proxy.local"]}}, "server.trusted_proxies"),
        ({"auth": {"login_max_failures": 10, "login_max_failures_per_address": 5}}, "login_max_failures_per_address"),
    ],
)
def test_settings_that_cannot_work_are_refused_naming_the_field(overrides: dict, named: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(**overrides)
    assert named in str(refused.value)

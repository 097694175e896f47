"""The users API (admin only) and device API keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from factoryai.accounts.models import ApiKey, User
from factoryai.core import auth
from factoryai.core.db import create_session_factory
from tests.conftest import ADMIN_PASSWORD, FIXTURE_PASSWORD, assert_error

USERS = "/api/v1/users"
KEYS = "/api/v1/api-keys"
ME = "/api/v1/auth/me"
USER_FIELDS = {"id", "username", "full_name", "role", "is_active", "last_login_at", "created_at"}
KEY_FIELDS = {"id", "name", "key_prefix", "scopes", "created_at", "last_used_at", "revoked_at"}


def login(client: TestClient, username: str, password: str) -> Any:
    return client.post("/api/v1/auth/login", data={"username": username, "password": password})


def token_headers(client: TestClient, username: str, password: str) -> dict[str, str]:
    response = login(client, username, password)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def me(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get(ME, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def create_user(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"username": "someone", "password": "long-enough-pw", "role": "viewer", **fields}
    response = client.post(USERS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def create_key(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    response = client.post(KEYS, json={"name": "gate worker", **fields}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def create_camera(client: TestClient, headers: dict[str, str], camera_id: str = "CAM-GATE") -> dict[str, Any]:
    response = client.post(
        "/api/v1/cameras",
        json={"id": camera_id, "name": "Gate", "source_url": "rtsp://10.0.0.5/stream", "role": "entrance"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


# ----------------------------------------------------------------------------------------------- users


def test_admin_lists_users_with_pagination(client: TestClient, admin_headers: dict[str, str]) -> None:
    for name in ("user-a", "user-b", "user-c"):
        create_user(client, admin_headers, username=name)
    everyone = client.get(USERS, headers=admin_headers)
    assert everyone.status_code == 200, everyone.text
    body = everyone.json()
    # The bootstrap 'admin', the fixture admin and the three made here.
    assert body["total"] == 5
    assert len(body["items"]) == 5
    assert body["limit"] == 50
    assert body["offset"] == 0
    ids = [u["id"] for u in body["items"]]
    assert ids == sorted(ids)
    for user in body["items"]:
        assert set(user) == USER_FIELDS  # no password or hash, ever

    first = client.get(USERS, params={"limit": 2, "offset": 0}, headers=admin_headers).json()
    second = client.get(USERS, params={"limit": 2, "offset": 2}, headers=admin_headers).json()
    third = client.get(USERS, params={"limit": 2, "offset": 4}, headers=admin_headers).json()
    assert (first["total"], second["total"], third["total"]) == (5, 5, 5)
    assert (first["limit"], second["offset"]) == (2, 2)
    assert [len(p["items"]) for p in (first, second, third)] == [2, 2, 1]
    assert [u["id"] for p in (first, second, third) for u in p["items"]] == ids

    beyond = client.get(USERS, params={"offset": 100}, headers=admin_headers).json()
    assert beyond["items"] == []
    assert beyond["total"] == 5


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"limit": "many"}])
def test_bad_pagination_is_422(client: TestClient, admin_headers: dict[str, str], params: dict[str, Any]) -> None:
    assert_error(client.get(USERS, params=params, headers=admin_headers), 422, "validation_error")


def test_admin_creates_user_who_can_log_in(client: TestClient, admin_headers: dict[str, str]) -> None:
    created = client.post(
        USERS,
        json={"username": "  Meera.HR  ", "password": "meera-password", "role": "hr", "full_name": "Meera N"},
        headers=admin_headers,
    )

    assert created.status_code == 201, created.text
    body = created.json()
    assert set(body) == USER_FIELDS
    assert body["username"] == "Meera.HR"
    assert body["role"] == "hr"
    assert body["full_name"] == "Meera N"
    assert body["is_active"] is True
    assert body["last_login_at"] is None

    headers = token_headers(client, "meera.hr", "meera-password")
    assert me(client, headers)["id"] == body["id"]
    assert me(client, headers)["role"] == "hr"


def test_password_is_stored_hashed(client: TestClient, admin_headers: dict[str, str], clean_db: Engine) -> None:
    created = create_user(client, admin_headers, username="hashed", password="plain-text-pw")
    with create_session_factory(clean_db)() as s:
        user = s.get(User, created["id"])
        assert user is not None
        assert "plain-text-pw" not in user.password_hash
        assert auth.verify_password("plain-text-pw", user.password_hash)


def test_duplicate_username_case_insensitive_is_409(client: TestClient, admin_headers: dict[str, str]) -> None:
    create_user(client, admin_headers, username="Operator")

    for name in ("Operator", "operator", "OPERATOR"):
        response = client.post(
            USERS, json={"username": name, "password": "long-enough-pw", "role": "viewer"}, headers=admin_headers
        )
        error = assert_error(response, 409, "conflict")
        assert [d["field"] for d in error["details"]] == ["username"]
    # The bootstrap admin's name is taken too.
    admin_clash = client.post(
        USERS, json={"username": "Admin", "password": "long-enough-pw", "role": "admin"}, headers=admin_headers
    )
    assert_error(admin_clash, 409, "conflict")
    assert client.get(USERS, headers=admin_headers).json()["total"] == 3


def test_short_password_is_422_naming_password(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.post(
        USERS, json={"username": "shorty", "password": "7chars!", "role": "viewer"}, headers=admin_headers
    )

    error = assert_error(response, 422, "validation_error")
    assert "password" in error["message"]
    assert [d["field"] for d in error["details"]] == ["password"]
    # Exactly the minimum is fine.
    create_user(client, admin_headers, username="exact", password="8chars!!")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "x1", "password": "long-enough-pw", "role": "superuser"}, "role"),
        ({"username": "x2", "password": "long-enough-pw", "role": "Admin"}, "role"),
        ({"username": "x3", "password": "long-enough-pw"}, "role"),
        ({"username": "x4", "password": "long-enough-pw", "role": "viewer", "is_superuser": True}, "is_superuser"),
        ({"username": "x5", "password": "long-enough-pw", "role": "viewer", "password_hash": "x"}, "password_hash"),
        ({"username": "ab", "password": "long-enough-pw", "role": "viewer"}, "username"),
        ({"username": "has space", "password": "long-enough-pw", "role": "viewer"}, "username"),
        ({"password": "long-enough-pw", "role": "viewer"}, "username"),
        ({"username": "x6", "password": "", "role": "viewer"}, "password"),
    ],
)
def test_invalid_user_body_is_422(
    client: TestClient, admin_headers: dict[str, str], body: dict[str, Any], field: str
) -> None:
    response = client.post(USERS, json=body, headers=admin_headers)

    error = assert_error(response, 422, "validation_error")
    fields = [d["field"] for d in error["details"]] if isinstance(error["details"], list) else [str(error["details"])]
    assert any(field in f for f in fields), error
    assert client.get(USERS, headers=admin_headers).json()["total"] == 2


def test_patch_role_is_active_and_password(client: TestClient, admin_headers: dict[str, str]) -> None:
    user = create_user(client, admin_headers, username="worker", password="first-password")
    old_headers = token_headers(client, "worker", "first-password")

    promoted = client.patch(f"{USERS}/{user['id']}", json={"role": "security"}, headers=admin_headers)
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["role"] == "security"
    assert me(client, old_headers)["role"] == "security"  # the role is read per request, not from the token

    repassed = client.patch(f"{USERS}/{user['id']}", json={"password": "second-password"}, headers=admin_headers)
    assert repassed.status_code == 200, repassed.text
    assert "password" not in repassed.json()
    assert token_headers(client, "worker", "second-password")
    assert_error(login(client, "worker", "first-password"), 401, "unauthorized")

    disabled = client.patch(f"{USERS}/{user['id']}", json={"is_active": False}, headers=admin_headers)
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["is_active"] is False
    assert_error(client.get(ME, headers=old_headers), 401, "unauthorized")

    listed = {u["id"]: u for u in client.get(USERS, headers=admin_headers).json()["items"]}
    assert listed[user["id"]]["role"] == "security"
    assert listed[user["id"]]["is_active"] is False


def test_patch_full_name_may_be_cleared(client: TestClient, admin_headers: dict[str, str]) -> None:
    user = create_user(client, admin_headers, username="named", full_name="Named Person")
    response = client.patch(f"{USERS}/{user['id']}", json={"full_name": None}, headers=admin_headers)
    assert response.status_code == 200, response.text
    assert response.json()["full_name"] is None
    assert response.json()["role"] == "viewer"  # untouched


def test_patch_with_too_short_password_is_422_and_keeps_the_old_one(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    user = create_user(client, admin_headers, username="keeper", password="keeper-password")
    response = client.patch(f"{USERS}/{user['id']}", json={"password": "short"}, headers=admin_headers)
    error = assert_error(response, 422, "validation_error")
    assert [d["field"] for d in error["details"]] == ["password"]
    assert login(client, "keeper", "keeper-password").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": None}, "role"),
        ({"is_active": None}, "is_active"),
        ({"password": None}, "password"),
        ({"role": "root"}, "role"),
        ({"username": "renamed"}, "username"),
    ],
)
def test_invalid_patch_is_422(
    client: TestClient, admin_headers: dict[str, str], body: dict[str, Any], field: str
) -> None:
    user = create_user(client, admin_headers, username="patched")

    error = assert_error(client.patch(f"{USERS}/{user['id']}", json=body, headers=admin_headers), 422)
    assert field in error["message"]

    after = {u["id"]: u for u in client.get(USERS, headers=admin_headers).json()["items"]}[user["id"]]
    assert after == user


@pytest.mark.parametrize("body", [{"is_active": False}, {"role": "viewer"}, {"role": "hr", "is_active": True}])
def test_admin_cannot_deactivate_or_demote_themself(
    client: TestClient, admin_headers: dict[str, str], body: dict[str, Any]
) -> None:
    own_id = me(client, admin_headers)["id"]

    response = client.patch(f"{USERS}/{own_id}", json=body, headers=admin_headers)

    assert_error(response, 409, "conflict")
    after = me(client, admin_headers)
    assert after["role"] == "admin"
    assert after["is_active"] is True


def test_admin_may_change_own_name_and_password(client: TestClient) -> None:
    headers = token_headers(client, "admin", ADMIN_PASSWORD)
    own_id = me(client, headers)["id"]

    response = client.patch(
        f"{USERS}/{own_id}",
        json={"full_name": "Site Admin", "password": "brand-new-password", "role": "admin", "is_active": True},
        headers=headers,
    )

    assert response.status_code == 200, response.text
    assert response.json()["full_name"] == "Site Admin"
    assert login(client, "admin", "brand-new-password").status_code == 200


def test_admin_may_deactivate_another_admin(
    client: TestClient, admin_headers: dict[str, str], make_user: Callable[..., dict[str, str]]
) -> None:
    other = make_user("admin", username="other-admin")
    other_id = me(client, other)["id"]

    response = client.patch(f"{USERS}/{other_id}", json={"is_active": False}, headers=admin_headers)

    assert response.status_code == 200, response.text
    assert_error(client.get(USERS, headers=other), 401, "unauthorized")


def test_patch_unknown_user_is_404(client: TestClient, admin_headers: dict[str, str]) -> None:
    error = assert_error(client.patch(f"{USERS}/424242", json={"role": "hr"}, headers=admin_headers), 404, "not_found")
    assert "424242" in error["message"]


@pytest.mark.parametrize("user_id", ["99999999999", "0", "-1", "abc"])
def test_absurd_user_id_is_404_or_422_never_500(
    client: TestClient, admin_headers: dict[str, str], user_id: str
) -> None:
    response = client.patch(f"{USERS}/{user_id}", json={"role": "hr"}, headers=admin_headers)
    assert response.status_code in (404, 422), response.text
    assert_error(response, response.status_code)


@pytest.mark.parametrize("role", ["hr", "security", "viewer"])
def test_non_admin_cannot_use_the_users_api(
    client: TestClient, make_user: Callable[..., dict[str, str]], admin_headers: dict[str, str], role: str
) -> None:
    headers = make_user(role)
    own_id = me(client, headers)["id"]

    assert_error(client.get(USERS, headers=headers), 403, "forbidden")
    new_user = {"username": "sneaky", "password": "long-enough-pw", "role": "admin"}
    assert_error(client.post(USERS, json=new_user, headers=headers), 403, "forbidden")
    # Not even to promote themselves.
    assert_error(client.patch(f"{USERS}/{own_id}", json={"role": "admin"}, headers=headers), 403, "forbidden")

    assert me(client, headers)["role"] == role
    names = {u["username"] for u in client.get(USERS, headers=admin_headers).json()["items"]}
    assert "sneaky" not in names


def test_users_api_needs_authentication(client: TestClient) -> None:
    response = client.post(USERS, json={"username": "anon", "password": "long-enough-pw", "role": "admin"})
    assert_error(response, 401, "unauthorized")
    assert response.headers.get("www-authenticate") == "Bearer"


def test_fixture_users_log_in_with_fixture_password(
    client: TestClient, make_user: Callable[..., dict[str, str]]
) -> None:
    # Guards the helpers above: make_user's users share FIXTURE_PASSWORD.
    make_user("viewer", username="fixture-viewer")
    assert login(client, "fixture-viewer", FIXTURE_PASSWORD).status_code == 200


# -------------------------------------------------------------------------------------------- API keys


def test_admin_creates_key_shown_once(client: TestClient, admin_headers: dict[str, str], clean_db: Engine) -> None:
    response = client.post(KEYS, json={"name": "  Gate worker 1  "}, headers=admin_headers)

    assert response.status_code == 201, response.text
    created = response.json()
    assert set(created) == KEY_FIELDS | {"key"}
    assert created["key"].startswith("fai_")
    assert len(created["key"]) >= 40
    assert created["name"] == "Gate worker 1"
    assert created["scopes"] == ["ingest"]  # the default
    assert created["key"].startswith(created["key_prefix"])
    assert len(created["key_prefix"]) < len(created["key"])
    assert created["revoked_at"] is None
    assert created["last_used_at"] is None

    listed = client.get(KEYS, headers=admin_headers)
    assert listed.status_code == 200, listed.text
    assert listed.json()["total"] == 1
    item = listed.json()["items"][0]
    assert set(item) == KEY_FIELDS
    assert item["key_prefix"] == created["key_prefix"]
    key_hash = auth.hash_api_key(created["key"])
    assert created["key"] not in listed.text
    assert key_hash not in listed.text
    assert key_hash not in response.text

    admin_id = me(client, admin_headers)["id"]
    # (No request while this session is open: on SQLite it holds the write lock.)
    with create_session_factory(clean_db)() as s:
        stored = s.scalars(select(ApiKey)).one()
    assert stored.key_hash == key_hash
    assert created["key"] not in (stored.key_hash, stored.key_prefix)
    assert stored.created_by_id == admin_id


def test_each_key_is_different(client: TestClient, admin_headers: dict[str, str]) -> None:
    first = create_key(client, admin_headers, name="one")
    second = create_key(client, admin_headers, name="two")
    assert first["key"] != second["key"]
    assert first["id"] != second["id"]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "k", "scopes": []},
        {"name": "k", "scopes": ["admin"]},
        {"name": ""},
        {"scopes": ["ingest"]},
        {"name": "k", "key": "fai_chosen-by-me"},
    ],
)
def test_invalid_key_body_is_422(client: TestClient, admin_headers: dict[str, str], body: dict[str, Any]) -> None:
    assert_error(client.post(KEYS, json=body, headers=admin_headers), 422, "validation_error")
    assert client.get(KEYS, headers=admin_headers).json()["total"] == 0


def test_key_works_on_heartbeat_in_x_api_key(client: TestClient, admin_headers: dict[str, str]) -> None:
    camera = create_camera(client, admin_headers)
    assert camera["last_seen_at"] is None
    key = create_key(client, admin_headers)

    response = client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers={"X-API-Key": key["key"]})

    assert response.status_code == 200, response.text
    assert response.json()["id"] == "CAM-GATE"
    assert response.json()["last_seen_at"] is not None
    stored = client.get("/api/v1/cameras/CAM-GATE", headers=admin_headers).json()
    assert stored["last_seen_at"] == response.json()["last_seen_at"]
    used = client.get(KEYS, headers=admin_headers).json()["items"][0]
    assert used["last_used_at"] is not None


def test_key_works_as_bearer_token(client: TestClient, admin_headers: dict[str, str]) -> None:
    create_camera(client, admin_headers)
    key = create_key(client, admin_headers)

    response = client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers={"Authorization": f"Bearer {key['key']}"})

    assert response.status_code == 200, response.text
    assert response.json()["last_seen_at"] is not None


def test_heartbeat_for_unknown_camera_is_404(client: TestClient, admin_headers: dict[str, str]) -> None:
    key = create_key(client, admin_headers)
    response = client.post("/api/v1/cameras/CAM-NOPE/heartbeat", headers={"X-API-Key": key["key"]})
    assert_error(response, 404, "not_found")


def test_key_cannot_call_user_endpoints(client: TestClient, admin_headers: dict[str, str]) -> None:
    key = create_key(client, admin_headers, scopes=["ingest", "metrics"])

    for headers in ({"X-API-Key": key["key"]}, {"Authorization": f"Bearer {key['key']}"}):
        response = client.get("/api/v1/employees", headers=headers)
        error = assert_error(response, 403, "forbidden")
        assert "API key" in error["message"]
        assert "ingest" in error["message"]

        assert_error(client.get(ME, headers=headers), 403, "forbidden")
        assert_error(client.post("/api/v1/departments", json={"name": "K"}, headers=headers), 403, "forbidden")
        assert_error(client.post(KEYS, json={"name": "escalate"}, headers=headers), 403, "forbidden")
        assert_error(client.get(USERS, headers=headers), 403, "forbidden")

    assert client.get(KEYS, headers=admin_headers).json()["total"] == 1
    assert client.get("/api/v1/departments", headers=admin_headers).json()["total"] == 0


def test_metrics_only_key(client: TestClient, admin_headers: dict[str, str]) -> None:
    create_camera(client, admin_headers)
    key = create_key(client, admin_headers, name="prometheus", scopes=["metrics"])
    assert key["scopes"] == ["metrics"]

    heartbeat = client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers={"X-API-Key": key["key"]})
    error = assert_error(heartbeat, 403, "forbidden")
    assert "ingest" in error["message"]
    assert client.get("/api/v1/cameras/CAM-GATE", headers=admin_headers).json()["last_seen_at"] is None

    metrics = client.get("/metrics", headers={"Authorization": f"Bearer {key['key']}"})
    assert metrics.status_code == 200, metrics.text
    assert metrics.headers["content-type"].startswith("text/plain")
    assert "# TYPE" in metrics.text
    assert client.get("/metrics", headers={"X-API-Key": key["key"]}).status_code == 200


def test_ingest_only_key_cannot_scrape_metrics(client: TestClient, admin_headers: dict[str, str]) -> None:
    key = create_key(client, admin_headers)
    error = assert_error(client.get("/metrics", headers={"X-API-Key": key["key"]}), 403, "forbidden")
    assert "metrics" in error["message"]


def test_metrics_access_by_role(
    client: TestClient, admin_headers: dict[str, str], make_user: Callable[..., dict[str, str]]
) -> None:
    assert client.get("/metrics", headers=admin_headers).status_code == 200
    assert_error(client.get("/metrics", headers=make_user("viewer")), 403, "forbidden")
    assert_error(client.get("/metrics"), 401, "unauthorized")


def test_revoked_key_is_401(client: TestClient, admin_headers: dict[str, str]) -> None:
    create_camera(client, admin_headers)
    key = create_key(client, admin_headers)
    other = create_key(client, admin_headers, name="other worker")
    assert client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers={"X-API-Key": key["key"]}).status_code == 200

    revoked = client.delete(f"{KEYS}/{key['id']}", headers=admin_headers)

    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked_at"] is not None
    assert "key" not in revoked.json()
    for headers in ({"X-API-Key": key["key"]}, {"Authorization": f"Bearer {key['key']}"}):
        response = client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers=headers)
        assert_error(response, 401, "unauthorized")
    # Revoking one key leaves the others working.
    assert client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers={"X-API-Key": other["key"]}).status_code == 200

    # Revoking again is harmless and keeps the first revocation time.
    again = client.delete(f"{KEYS}/{key['id']}", headers=admin_headers)
    assert again.status_code == 200, again.text
    assert again.json()["revoked_at"] == revoked.json()["revoked_at"]
    listed = {k["id"]: k for k in client.get(KEYS, headers=admin_headers).json()["items"]}
    assert listed[key["id"]]["revoked_at"] == revoked.json()["revoked_at"]
    assert listed[other["id"]]["revoked_at"] is None


def test_revoke_unknown_key_is_404(client: TestClient, admin_headers: dict[str, str]) -> None:
    assert_error(client.delete(f"{KEYS}/424242", headers=admin_headers), 404, "not_found")
    response = client.delete(f"{KEYS}/99999999999", headers=admin_headers)
    assert response.status_code in (404, 422), response.text
    assert_error(response, response.status_code)


@pytest.mark.parametrize(
    "made_up",
    [
        "fai_" + "A" * 43,
        "fai_",
        "not-even-prefixed",
    ],
)
def test_made_up_key_is_401(client: TestClient, admin_headers: dict[str, str], made_up: str) -> None:
    create_camera(client, admin_headers)
    create_key(client, admin_headers)

    response = client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers={"X-API-Key": made_up})

    assert_error(response, 401, "unauthorized")
    assert client.get("/api/v1/cameras/CAM-GATE", headers=admin_headers).json()["last_seen_at"] is None


def test_made_up_key_as_bearer_is_401(client: TestClient, admin_headers: dict[str, str]) -> None:
    create_camera(client, admin_headers)
    response = client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers={"Authorization": "Bearer fai_" + "B" * 43})
    assert_error(response, 401, "unauthorized")


def test_key_prefix_alone_is_not_a_key(client: TestClient, admin_headers: dict[str, str]) -> None:
    create_camera(client, admin_headers)
    key = create_key(client, admin_headers)
    response = client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers={"X-API-Key": key["key_prefix"]})
    assert_error(response, 401, "unauthorized")


def test_heartbeat_by_users(
    client: TestClient, admin_headers: dict[str, str], make_user: Callable[..., dict[str, str]]
) -> None:
    create_camera(client, admin_headers)

    for role in ("viewer", "hr", "security"):
        response = client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers=make_user(role))
        assert_error(response, 403, "forbidden")
    assert client.get("/api/v1/cameras/CAM-GATE", headers=admin_headers).json()["last_seen_at"] is None

    assert_error(client.post("/api/v1/cameras/CAM-GATE/heartbeat"), 401, "unauthorized")
    assert client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers=admin_headers).status_code == 200


@pytest.mark.parametrize("role", ["hr", "security", "viewer"])
def test_non_admin_cannot_manage_keys(
    client: TestClient, admin_headers: dict[str, str], make_user: Callable[..., dict[str, str]], role: str
) -> None:
    key = create_key(client, admin_headers)
    headers = make_user(role)

    error = assert_error(client.post(KEYS, json={"name": "mine"}, headers=headers), 403, "forbidden")
    assert "admin" in error["message"]
    assert_error(client.get(KEYS, headers=headers), 403, "forbidden")
    assert_error(client.delete(f"{KEYS}/{key['id']}", headers=headers), 403, "forbidden")

    listed = client.get(KEYS, headers=admin_headers).json()
    assert listed["total"] == 1
    assert listed["items"][0]["revoked_at"] is None


def test_keys_survive_their_creator_being_deactivated(
    client: TestClient, make_user: Callable[..., dict[str, str]], admin_headers: dict[str, str]
) -> None:
    """A device key belongs to the site, not to the admin who happened to create it."""
    creator = make_user("admin", username="creator-admin")
    create_camera(client, admin_headers)
    key = create_key(client, creator)
    creator_id = me(client, creator)["id"]

    assert client.patch(f"{USERS}/{creator_id}", json={"is_active": False}, headers=admin_headers).status_code == 200

    response = client.post("/api/v1/cameras/CAM-GATE/heartbeat", headers={"X-API-Key": key["key"]})
    assert response.status_code == 200, response.text

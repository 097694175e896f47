"""Camera writes are admin only; reads need authentication."""

from __future__ import annotations

import pytest

from factoryai.cameras.models import Camera
from tests.cameras.helpers import SECRET_URL, URL, camera_body, create, ids
from tests.conftest import assert_error
from tests.db_helpers import count_rows

# --- roles --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["hr", "security", "viewer"])
def test_only_admin_may_create_patch_delete(client, admin_headers, make_user, session, role) -> None:
    created = create(client, admin_headers, "CAM-MAIN", source_url=SECRET_URL)
    headers = make_user(role)
    assert ids(client, headers) == ["CAM-MAIN"]
    assert client.get(f"{URL}/CAM-MAIN", headers=headers).json()["source_url"] is None  # admins only

    assert_error(client.post(URL, json=camera_body("CAM-2"), headers=headers), 403, "forbidden")
    assert_error(client.patch(f"{URL}/CAM-MAIN", json={"enabled": False}, headers=headers), 403, "forbidden")
    assert_error(client.delete(f"{URL}/CAM-MAIN", headers=headers), 403, "forbidden")
    assert count_rows(session, Camera) == 1
    assert client.get(f"{URL}/CAM-MAIN", headers=admin_headers).json() == created


def test_unauthenticated_is_401(client) -> None:
    assert_error(client.get(URL), 401, "unauthorized")
    assert_error(client.post(URL, json=camera_body()), 401, "unauthorized")

"""Listing cameras: ordered by id, filtered by role, enabled and a search on id or name."""

from __future__ import annotations

import pytest

from tests.cameras.helpers import URL, create, ids
from tests.conftest import assert_error

# --- list filters -------------------------------------------------------------------------------------


@pytest.fixture
def fleet(client, admin_headers) -> None:
    create(client, admin_headers, "CAM-MAIN", name="Main entrance", role="entrance")
    create(client, admin_headers, "CAM-EXIT", name="Main exit", role="exit")
    create(client, admin_headers, "GATE-1", name="Truck gate", role="gate", enabled=False)
    create(client, admin_headers, "ZONE-HALL", name="Assembly hall", role="zone")
    create(client, admin_headers, "ZONE_2", name="Paint 100% booth", role="zone")


def test_list_is_ordered_by_id(client, admin_headers, fleet) -> None:
    assert ids(client, admin_headers) == ["CAM-EXIT", "CAM-MAIN", "GATE-1", "ZONE-HALL", "ZONE_2"]


def test_filter_by_role(client, admin_headers, fleet) -> None:
    assert ids(client, admin_headers, role="zone") == ["ZONE-HALL", "ZONE_2"]
    assert ids(client, admin_headers, role="gate") == ["GATE-1"]
    assert_error(client.get(URL, params={"role": "door"}, headers=admin_headers), 422, "validation_error")


def test_filter_by_enabled(client, admin_headers, fleet) -> None:
    assert ids(client, admin_headers, enabled="false") == ["GATE-1"]
    assert ids(client, admin_headers, enabled="true") == ["CAM-EXIT", "CAM-MAIN", "ZONE-HALL", "ZONE_2"]


def test_search_matches_id_or_name(client, admin_headers, fleet) -> None:
    assert ids(client, admin_headers, q="main") == ["CAM-EXIT", "CAM-MAIN"]  # "Main exit" by name
    assert ids(client, admin_headers, q="gate-") == ["GATE-1"]
    assert ids(client, admin_headers, q="HALL") == ["ZONE-HALL"]
    assert ids(client, admin_headers, q="zone_") == ["ZONE_2"]  # '_' is literal, not "any character"
    assert ids(client, admin_headers, q="0%") == ["ZONE_2"]
    assert ids(client, admin_headers, q="nothing") == []


def test_filters_combine(client, admin_headers, fleet) -> None:
    assert ids(client, admin_headers, role="zone", q="paint") == ["ZONE_2"]
    assert ids(client, admin_headers, role="gate", enabled="true") == []

"""/api/v1/departments: CRUD, uniqueness, validation, search, pagination, delete guards and roles."""

from __future__ import annotations

from typing import Any

import pytest

from factoryai.organization.models import Department, Employee
from tests.conftest import assert_error
from tests.db_helpers import count_rows, stored

URL = "/api/v1/departments"


def create(client: Any, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post(URL, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


# --- create / get / list / patch / delete -------------------------------------------------------------


def test_create_get_list_patch_delete_round_trip(client, admin_headers) -> None:
    created = create(client, admin_headers, name="Assembly", description="Line 1 and 2")
    assert set(created) == {"id", "name", "description", "created_at"}
    assert created["name"] == "Assembly"
    assert created["description"] == "Line 1 and 2"
    assert isinstance(created["id"], int)
    dept_id = created["id"]

    got = client.get(f"{URL}/{dept_id}", headers=admin_headers)
    assert got.status_code == 200, got.text
    assert got.json() == created

    listed = client.get(URL, headers=admin_headers)
    assert listed.status_code == 200
    assert listed.json() == {"items": [created], "total": 1, "limit": 50, "offset": 0}

    patched = client.patch(f"{URL}/{dept_id}", json={"name": "Final Assembly"}, headers=admin_headers)
    assert patched.status_code == 200, patched.text
    assert patched.json()["name"] == "Final Assembly"
    assert patched.json()["description"] == "Line 1 and 2"  # absent field left as it was
    assert client.get(f"{URL}/{dept_id}", headers=admin_headers).json()["name"] == "Final Assembly"

    deleted = client.delete(f"{URL}/{dept_id}", headers=admin_headers)
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert_error(client.get(f"{URL}/{dept_id}", headers=admin_headers), 404, "not_found")
    assert client.get(URL, headers=admin_headers).json()["total"] == 0


def test_create_without_description_stores_null(client, admin_headers) -> None:
    created = create(client, admin_headers, name="Paint")
    assert created["description"] is None


def test_name_and_description_are_stripped(client, admin_headers) -> None:
    created = create(client, admin_headers, name="  Paint Shop  ", description="  spray booths ")
    assert created["name"] == "Paint Shop"
    assert created["description"] == "spray booths"


def test_name_of_exactly_100_characters_is_accepted(client, admin_headers, session) -> None:
    created = create(client, admin_headers, name="x" * 100)
    assert created["name"] == "x" * 100
    assert stored(session, Department, created["id"])["name"] == "x" * 100


# --- uniqueness ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("duplicate", ["Assembly", "assembly", "ASSEMBLY", "  Assembly "])
def test_duplicate_name_is_409_naming_the_field(client, admin_headers, session, duplicate) -> None:
    create(client, admin_headers, name="Assembly")
    error = assert_error(client.post(URL, json={"name": duplicate}, headers=admin_headers), 409, "conflict")
    assert [d["field"] for d in error["details"]] == ["name"]
    assert "Assembly" in error["message"]
    assert count_rows(session, Department) == 1


def test_rename_to_another_departments_name_in_other_case_is_409_and_changes_nothing(client, admin_headers) -> None:
    create(client, admin_headers, name="Assembly")
    paint = create(client, admin_headers, name="Paint", description="booths")
    response = client.patch(
        f"{URL}/{paint['id']}", json={"name": "ASSEMBLY", "description": "x"}, headers=admin_headers
    )
    error = assert_error(response, 409, "conflict")
    assert [d["field"] for d in error["details"]] == ["name"]
    after = client.get(f"{URL}/{paint['id']}", headers=admin_headers).json()
    assert after == paint  # neither the name nor the description of the same body was applied


def test_rename_to_own_name_in_other_case_is_allowed(client, admin_headers) -> None:
    dept = create(client, admin_headers, name="Assembly")
    response = client.patch(f"{URL}/{dept['id']}", json={"name": "ASSEMBLY"}, headers=admin_headers)
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "ASSEMBLY"


# --- validation ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"name": ""}, id="empty"),
        pytest.param({"name": "   "}, id="blank"),
        pytest.param({"name": "x" * 101}, id="101-chars"),
        pytest.param({}, id="missing"),
        pytest.param({"name": None}, id="null"),
        pytest.param({"name": 5}, id="not-a-string"),
        pytest.param({"name": "Ok", "description": "d" * 256}, id="description-256-chars"),
    ],
)
def test_invalid_create_body_is_422_and_adds_nothing(client, admin_headers, session, body) -> None:
    error = assert_error(client.post(URL, json=body, headers=admin_headers), 422, "validation_error")
    assert isinstance(error["details"], list)
    assert error["details"]
    assert count_rows(session, Department) == 0


def test_unknown_json_field_is_422_naming_it(client, admin_headers, session) -> None:
    response = client.post(URL, json={"name": "Assembly", "colour": "red"}, headers=admin_headers)
    error = assert_error(response, 422, "validation_error")
    assert any(d["field"].endswith("colour") for d in error["details"]), error
    assert count_rows(session, Department) == 0


def test_unknown_json_field_in_patch_is_422(client, admin_headers) -> None:
    dept = create(client, admin_headers, name="Assembly")
    response = client.patch(f"{URL}/{dept['id']}", json={"manager": "Ann"}, headers=admin_headers)
    assert_error(response, 422, "validation_error")


def test_invalid_json_is_422_invalid_json(client, admin_headers, session) -> None:
    response = client.post(
        URL, content=b'{"name": "Assembly"', headers={**admin_headers, "Content-Type": "application/json"}
    )
    assert_error(response, 422, "invalid_json")
    assert count_rows(session, Department) == 0


def test_patch_name_null_is_422_and_leaves_the_row(client, admin_headers) -> None:
    dept = create(client, admin_headers, name="Assembly", description="keep")
    error = assert_error(
        client.patch(f"{URL}/{dept['id']}", json={"name": None}, headers=admin_headers), 422, "validation_error"
    )
    assert "name" in error["message"]
    assert client.get(f"{URL}/{dept['id']}", headers=admin_headers).json() == dept


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_patch_invalid_name_is_422_and_leaves_the_row(client, admin_headers, name) -> None:
    dept = create(client, admin_headers, name="Assembly")
    assert_error(client.patch(f"{URL}/{dept['id']}", json={"name": name}, headers=admin_headers), 422)
    assert client.get(f"{URL}/{dept['id']}", headers=admin_headers).json() == dept


def test_patch_description_null_clears_it(client, admin_headers, session) -> None:
    dept = create(client, admin_headers, name="Assembly", description="to be cleared")
    response = client.patch(f"{URL}/{dept['id']}", json={"description": None}, headers=admin_headers)
    assert response.status_code == 200, response.text
    assert response.json()["description"] is None
    assert response.json()["name"] == "Assembly"
    assert stored(session, Department, dept["id"])["description"] is None


def test_patch_empty_body_changes_nothing(client, admin_headers) -> None:
    dept = create(client, admin_headers, name="Assembly", description="d")
    response = client.patch(f"{URL}/{dept['id']}", json={}, headers=admin_headers)
    assert response.status_code == 200, response.text
    assert response.json() == dept


# --- search, ordering, pagination ---------------------------------------------------------------------


def test_list_is_ordered_by_name(client, admin_headers) -> None:
    for name in ["Welding", "Assembly", "Paint", "Logistics"]:
        create(client, admin_headers, name=name)
    assert names(client.get(URL, headers=admin_headers)) == ["Assembly", "Logistics", "Paint", "Welding"]


def test_search_is_a_case_insensitive_substring(client, admin_headers) -> None:
    for name in ["Paint Shop", "Assembly", "Spare Parts"]:
        create(client, admin_headers, name=name)
    assert names(client.get(URL, params={"q": "PAINT"}, headers=admin_headers)) == ["Paint Shop"]
    assert names(client.get(URL, params={"q": "ar"}, headers=admin_headers)) == ["Spare Parts"]
    assert names(client.get(URL, params={"q": "p"}, headers=admin_headers)) == ["Paint Shop", "Spare Parts"]
    empty = client.get(URL, params={"q": "zzz"}, headers=admin_headers)
    assert empty.json()["items"] == []
    assert empty.json()["total"] == 0


def test_search_takes_percent_and_underscore_literally(client, admin_headers) -> None:
    for name in ["100% Quality", "1000 Quality", "Dept_A", "DeptXA", "Dept A", "R\\D", "RD"]:
        create(client, admin_headers, name=name)

    def search(q: str) -> list[str]:
        response = client.get(URL, params={"q": q}, headers=admin_headers)
        assert response.json()["total"] == len(response.json()["items"])
        return names(response)

    assert search("%") == ["100% Quality"]
    assert search("0%") == ["100% Quality"]
    assert search("_") == ["Dept_A"]
    assert search("dept_a") == ["Dept_A"]
    assert search("\\") == ["R\\D"]
    assert search("R\\D") == ["R\\D"]


def test_search_longer_than_100_characters_is_422(client, admin_headers) -> None:
    assert_error(client.get(URL, params={"q": "x" * 101}, headers=admin_headers), 422, "validation_error")


def test_pagination_limit_offset_total(client, admin_headers) -> None:
    for i in range(5):
        create(client, admin_headers, name=f"Dept {i}")
    first = client.get(URL, params={"limit": 2}, headers=admin_headers).json()
    assert first["total"] == 5
    assert (first["limit"], first["offset"]) == (2, 0)
    assert [d["name"] for d in first["items"]] == ["Dept 0", "Dept 1"]

    second = client.get(URL, params={"limit": 2, "offset": 2}, headers=admin_headers).json()
    assert [d["name"] for d in second["items"]] == ["Dept 2", "Dept 3"]
    assert (second["total"], second["limit"], second["offset"]) == (5, 2, 2)

    last = client.get(URL, params={"limit": 2, "offset": 4}, headers=admin_headers).json()
    assert [d["name"] for d in last["items"]] == ["Dept 4"]

    beyond = client.get(URL, params={"offset": 10}, headers=admin_headers).json()
    assert beyond["items"] == []
    assert beyond["total"] == 5


def test_pagination_total_counts_the_filtered_rows(client, admin_headers) -> None:
    for name in ["Paint A", "Paint B", "Paint C", "Assembly"]:
        create(client, admin_headers, name=name)
    page = client.get(URL, params={"q": "paint", "limit": 1, "offset": 1}, headers=admin_headers).json()
    assert page["total"] == 3
    assert [d["name"] for d in page["items"]] == ["Paint B"]


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 501}, {"limit": -1}, {"offset": -1}, {"limit": "ten"}, {"offset": 10_000_001}],
)
def test_out_of_range_paging_is_422(client, admin_headers, params) -> None:
    error = assert_error(client.get(URL, params=params, headers=admin_headers), 422, "validation_error")
    assert any(d["field"].endswith(next(iter(params))) for d in error["details"]), error


def test_limit_500_is_accepted(client, admin_headers) -> None:
    response = client.get(URL, params={"limit": 500}, headers=admin_headers)
    assert response.status_code == 200, response.text
    assert response.json()["limit"] == 500


# --- delete guards ------------------------------------------------------------------------------------


def test_delete_department_with_employee_is_409_with_references(client, admin_headers, session) -> None:
    dept = create(client, admin_headers, name="Assembly")
    employee = client.post(
        "/api/v1/employees",
        json={"name": "Ann", "email": "ann@example.com", "department_id": dept["id"]},
        headers=admin_headers,
    )
    assert employee.status_code == 201, employee.text

    error = assert_error(client.delete(f"{URL}/{dept['id']}", headers=admin_headers), 409, "conflict")
    assert {d["table"]: d["count"] for d in error["details"]} == {"employee": 1}
    assert "Assembly" in error["message"]
    assert "1 employee row" in error["message"]
    assert "move" in error["message"]
    assert client.get(f"{URL}/{dept['id']}", headers=admin_headers).status_code == 200
    assert count_rows(session, Department) == 1
    assert count_rows(session, Employee) == 1

    # Once the employee has moved out, the department can go.
    moved = client.patch(
        f"/api/v1/employees/{employee.json()['id']}", json={"department_id": None}, headers=admin_headers
    )
    assert moved.status_code == 200, moved.text
    assert client.delete(f"{URL}/{dept['id']}", headers=admin_headers).status_code == 204
    assert count_rows(session, Department) == 0


def test_delete_department_counts_every_employee(client, admin_headers) -> None:
    dept = create(client, admin_headers, name="Assembly")
    for i in range(3):
        response = client.post(
            "/api/v1/employees",
            json={"name": f"E{i}", "email": f"e{i}@example.com", "department_id": dept["id"], "is_active": i != 0},
            headers=admin_headers,
        )
        assert response.status_code == 201, response.text
    error = assert_error(client.delete(f"{URL}/{dept['id']}", headers=admin_headers), 409, "conflict")
    assert {d["table"]: d["count"] for d in error["details"]} == {"employee": 3}
    assert "3 employee rows" in error["message"]


def test_delete_leaves_other_departments(client, admin_headers) -> None:
    keep = create(client, admin_headers, name="Keep")
    drop = create(client, admin_headers, name="Drop")
    assert client.delete(f"{URL}/{drop['id']}", headers=admin_headers).status_code == 204
    assert names(client.get(URL, headers=admin_headers)) == ["Keep"]
    assert client.get(f"{URL}/{keep['id']}", headers=admin_headers).status_code == 200


# --- unknown and absurd ids ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_unknown_id_is_404(client, admin_headers, method) -> None:
    kwargs: dict[str, Any] = {"json": {"name": "X"}} if method == "patch" else {}
    response = getattr(client, method)(f"{URL}/4242", headers=admin_headers, **kwargs)
    error = assert_error(response, 404, "not_found")
    assert "4242" in error["message"]


@pytest.mark.parametrize("dept_id", ["99999999999", "2147483648", "0", "-1", "abc", "1.5"])
@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_out_of_range_or_malformed_id_is_422(client, admin_headers, method, dept_id) -> None:
    kwargs: dict[str, Any] = {"json": {"name": "X"}} if method == "patch" else {}
    response = getattr(client, method)(f"{URL}/{dept_id}", headers=admin_headers, **kwargs)
    assert_error(response, 422, "validation_error")


def test_largest_int_id_is_a_404_not_an_overflow(client, admin_headers) -> None:
    assert_error(client.get(f"{URL}/2147483647", headers=admin_headers), 404, "not_found")


# --- roles --------------------------------------------------------------------------------------------


def test_unauthenticated_requests_are_401(client) -> None:
    assert_error(client.get(URL), 401, "unauthorized")
    assert_error(client.post(URL, json={"name": "Assembly"}), 401, "unauthorized")


@pytest.mark.parametrize("role", ["viewer", "security"])
def test_non_hr_roles_may_read_but_not_write(client, admin_headers, make_user, session, role) -> None:
    dept = create(client, admin_headers, name="Assembly")
    headers = make_user(role)
    assert client.get(URL, headers=headers).json()["total"] == 1
    assert client.get(f"{URL}/{dept['id']}", headers=headers).status_code == 200

    assert_error(client.post(URL, json={"name": "Paint"}, headers=headers), 403, "forbidden")
    assert_error(client.patch(f"{URL}/{dept['id']}", json={"name": "X"}, headers=headers), 403, "forbidden")
    assert_error(client.delete(f"{URL}/{dept['id']}", headers=headers), 403, "forbidden")
    assert client.get(f"{URL}/{dept['id']}", headers=admin_headers).json() == dept
    assert count_rows(session, Department) == 1


def test_hr_may_create_patch_and_delete(client, make_user) -> None:
    hr = make_user("hr")
    dept = create(client, hr, name="Assembly")
    assert client.patch(f"{URL}/{dept['id']}", json={"description": "d"}, headers=hr).json()["description"] == "d"
    assert client.delete(f"{URL}/{dept['id']}", headers=hr).status_code == 204

"""/api/v1/employees: e-mail normalisation and uniqueness, links to shifts and departments, filters,
PATCH semantics, what blocks a delete, and roles."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from factoryai.attendance.models import AttendanceRecord
from factoryai.identity.models import AccessLog, UnknownAttendance
from factoryai.organization.models import Employee
from tests.conftest import assert_error
from tests.db_helpers import count_rows, stored

URL = "/api/v1/employees"


def post(client: Any, url: str, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def new_employee(client: Any, headers: dict[str, str], name: str = "Ann Lee", **body: Any) -> dict[str, Any]:
    body.setdefault("email", f"{name.lower().replace(' ', '.')}@example.com")
    return post(client, URL, headers, name=name, **body)


def new_department(client: Any, headers: dict[str, str], name: str) -> int:
    return post(client, "/api/v1/departments", headers, name=name)["id"]


def new_shift(client: Any, headers: dict[str, str], name: str, start: str = "08:00", end: str = "17:00") -> int:
    return post(client, "/api/v1/shifts", headers, shift_name=name, start_time=start, end_time=end)["id"]


def listed(client: Any, headers: dict[str, str], **params: Any) -> list[str]:
    response = client.get(URL, params=params, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])  # every test list fits on one page
    return [item["name"] for item in body["items"]]


# --- create -------------------------------------------------------------------------------------------


def test_create_normalises_email_to_lower_case_and_returns_the_row(client, admin_headers, session) -> None:
    dept = new_department(client, admin_headers, "Assembly")
    shift = new_shift(client, admin_headers, "General")
    created = post(
        client,
        URL,
        admin_headers,
        name="  John Smith ",
        email="John.Smith@Example.COM",
        shift_id=shift,
        department_id=dept,
    )
    assert set(created) == {
        "id",
        "name",
        "email",
        "shift_id",
        "department_id",
        "is_active",
        "joined_on",
        "created_at",
        "updated_at",
    }
    assert created["name"] == "John Smith"
    assert created["email"] == "john.smith@example.com"
    assert (created["shift_id"], created["department_id"], created["is_active"]) == (shift, dept, True)
    row = stored(session, Employee, created["id"])
    assert row["email"] == "john.smith@example.com"

    got = client.get(f"{URL}/{created['id']}", headers=admin_headers)
    assert got.status_code == 200
    assert got.json() == created


def test_create_without_links_and_inactive(client, admin_headers) -> None:
    created = new_employee(client, admin_headers, "Ann Lee", is_active=False)
    assert created["shift_id"] is None
    assert created["department_id"] is None
    assert created["is_active"] is False


@pytest.mark.parametrize("email", ["ANN@EXAMPLE.COM", "ann@example.com", "Ann@Example.com", " ann@example.com "])
def test_duplicate_email_in_any_case_is_409(client, admin_headers, session, email) -> None:
    new_employee(client, admin_headers, "Ann Lee", email="Ann@example.com")
    response = client.post(URL, json={"name": "Other Ann", "email": email}, headers=admin_headers)
    error = assert_error(response, 409, "conflict")
    assert [d["field"] for d in error["details"]] == ["email"]
    assert count_rows(session, Employee) == 1


@pytest.mark.parametrize(
    "email",
    [
        pytest.param("not-an-email", id="no-at"),
        pytest.param("ann@", id="no-domain"),
        pytest.param("@example.com", id="no-local-part"),
        pytest.param("ann@localhost", id="no-dot-in-domain"),
        pytest.param("ann lee@example.com", id="space"),
        pytest.param("", id="empty"),
        pytest.param("a" * 95 + "@x.com", id="101-chars"),
        pytest.param(None, id="null"),
    ],
)
def test_invalid_email_is_422_and_adds_nothing(client, admin_headers, session, email) -> None:
    response = client.post(URL, json={"name": "Ann", "email": email}, headers=admin_headers)
    error = assert_error(response, 422, "validation_error")
    assert any(d["field"].endswith("email") for d in error["details"]), error
    assert count_rows(session, Employee) == 0


def test_email_of_exactly_100_characters_is_accepted(client, admin_headers) -> None:
    email = "a" * 94 + "@x.com"
    assert len(email) == 100
    assert new_employee(client, admin_headers, "Ann", email=email)["email"] == email


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"email": "ann@example.com"}, id="missing-name"),
        pytest.param({"name": "   ", "email": "ann@example.com"}, id="blank-name"),
        pytest.param({"name": "x" * 101, "email": "ann@example.com"}, id="101-char-name"),
        pytest.param({"name": "Ann"}, id="missing-email"),
        pytest.param({"name": "Ann", "email": "ann@example.com", "badge": "7"}, id="unknown-field"),
        pytest.param({"name": "Ann", "email": "ann@example.com", "is_active": "maybe"}, id="bad-bool"),
    ],
)
def test_invalid_body_is_422_and_adds_nothing(client, admin_headers, session, body) -> None:
    assert_error(client.post(URL, json=body, headers=admin_headers), 422, "validation_error")
    assert count_rows(session, Employee) == 0


@pytest.mark.parametrize("field", ["shift_id", "department_id"])
def test_link_to_missing_row_is_422_naming_the_field(client, admin_headers, session, field) -> None:
    response = client.post(URL, json={"name": "Ann", "email": "ann@example.com", field: 4242}, headers=admin_headers)
    error = assert_error(response, 422, "validation_error")
    assert [d["field"] for d in error["details"]] == [field]
    assert "4242" in error["message"]
    assert count_rows(session, Employee) == 0


@pytest.mark.parametrize("field", ["shift_id", "department_id"])
@pytest.mark.parametrize("value", [0, -1, 99999999999, "one"])
def test_link_id_out_of_range_is_422_never_500(client, admin_headers, session, field, value) -> None:
    response = client.post(URL, json={"name": "Ann", "email": "ann@example.com", field: value}, headers=admin_headers)
    error = assert_error(response, 422, "validation_error")
    assert any(d["field"].endswith(field) for d in error["details"]), error
    assert count_rows(session, Employee) == 0


# --- list: filters and ordering -----------------------------------------------------------------------


@pytest.fixture
def staff(client, admin_headers) -> dict[str, Any]:
    """Four employees over two departments and two shifts, one of them inactive."""
    assembly = new_department(client, admin_headers, "Assembly")
    paint = new_department(client, admin_headers, "Paint")
    day = new_shift(client, admin_headers, "Day", "08:00", "16:00")
    night = new_shift(client, admin_headers, "Night", "22:00", "06:00")
    new_employee(client, admin_headers, "Zoe Park", email="zoe@plant.example", department_id=assembly, shift_id=day)
    new_employee(client, admin_headers, "Adam Ng", email="adam@plant.example", department_id=assembly, shift_id=night)
    new_employee(client, admin_headers, "Mia Cho", email="m.cho@office.example", department_id=paint, shift_id=day)
    new_employee(client, admin_headers, "Bob Roy", email="bob@plant.example", is_active=False)
    return {"assembly": assembly, "paint": paint, "day": day, "night": night}


def test_list_is_ordered_by_name(client, admin_headers, staff) -> None:
    assert listed(client, admin_headers) == ["Adam Ng", "Bob Roy", "Mia Cho", "Zoe Park"]


def test_filter_by_department(client, admin_headers, staff) -> None:
    assert listed(client, admin_headers, department_id=staff["assembly"]) == ["Adam Ng", "Zoe Park"]
    assert listed(client, admin_headers, department_id=staff["paint"]) == ["Mia Cho"]
    assert listed(client, admin_headers, department_id=4242) == []


def test_filter_by_shift(client, admin_headers, staff) -> None:
    assert listed(client, admin_headers, shift_id=staff["day"]) == ["Mia Cho", "Zoe Park"]
    assert listed(client, admin_headers, shift_id=staff["night"]) == ["Adam Ng"]


def test_filter_by_is_active(client, admin_headers, staff) -> None:
    assert listed(client, admin_headers, is_active="false") == ["Bob Roy"]
    assert listed(client, admin_headers, is_active="true") == ["Adam Ng", "Mia Cho", "Zoe Park"]


def test_filters_combine(client, admin_headers, staff) -> None:
    assert listed(client, admin_headers, department_id=staff["assembly"], shift_id=staff["day"]) == ["Zoe Park"]
    assert listed(client, admin_headers, shift_id=staff["day"], q="mia") == ["Mia Cho"]
    assert listed(client, admin_headers, department_id=staff["paint"], is_active="false") == []


def test_search_matches_name_or_email_case_insensitively(client, admin_headers, staff) -> None:
    assert listed(client, admin_headers, q="ZOE") == ["Zoe Park"]
    assert listed(client, admin_headers, q="office.example") == ["Mia Cho"]
    assert listed(client, admin_headers, q="plant") == ["Adam Ng", "Bob Roy", "Zoe Park"]
    assert listed(client, admin_headers, q="o") == ["Bob Roy", "Mia Cho", "Zoe Park"]
    assert listed(client, admin_headers, q="nobody") == []


def test_search_takes_underscore_and_percent_literally(client, admin_headers) -> None:
    new_employee(client, admin_headers, "Ann", email="ann_lee@example.com")
    new_employee(client, admin_headers, "Bea", email="annxlee@example.com")
    new_employee(client, admin_headers, "Cid 100%", email="cid@example.com")
    new_employee(client, admin_headers, "Dan 1000", email="dan@example.com")
    assert listed(client, admin_headers, q="ann_lee") == ["Ann"]
    assert listed(client, admin_headers, q="0%") == ["Cid 100%"]


@pytest.mark.parametrize(
    "params",
    [{"department_id": 99999999999}, {"shift_id": 0}, {"is_active": "maybe"}, {"limit": 0}, {"limit": 501}],
)
def test_bad_filter_is_422(client, admin_headers, params) -> None:
    assert_error(client.get(URL, params=params, headers=admin_headers), 422, "validation_error")


def test_pagination(client, admin_headers, staff) -> None:
    page = client.get(URL, params={"limit": 2, "offset": 1}, headers=admin_headers).json()
    assert (page["total"], page["limit"], page["offset"]) == (4, 2, 1)
    assert [e["name"] for e in page["items"]] == ["Bob Roy", "Mia Cho"]


# --- patch --------------------------------------------------------------------------------------------


def test_patch_moves_department_and_keeps_other_fields(client, admin_headers, session) -> None:
    assembly = new_department(client, admin_headers, "Assembly")
    paint = new_department(client, admin_headers, "Paint")
    shift = new_shift(client, admin_headers, "Day")
    emp = new_employee(client, admin_headers, "Ann Lee", department_id=assembly, shift_id=shift)

    response = client.patch(f"{URL}/{emp['id']}", json={"department_id": paint}, headers=admin_headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["department_id"] == paint
    assert (body["name"], body["email"], body["shift_id"], body["is_active"]) == (
        emp["name"],
        emp["email"],
        shift,
        True,
    )
    assert stored(session, Employee, emp["id"])["department_id"] == paint
    assert listed(client, admin_headers, department_id=assembly) == []
    assert listed(client, admin_headers, department_id=paint) == ["Ann Lee"]


def test_patch_null_clears_shift_and_department(client, admin_headers, session) -> None:
    dept = new_department(client, admin_headers, "Assembly")
    shift = new_shift(client, admin_headers, "Day")
    emp = new_employee(client, admin_headers, "Ann Lee", department_id=dept, shift_id=shift)

    response = client.patch(f"{URL}/{emp['id']}", json={"shift_id": None}, headers=admin_headers)
    assert response.status_code == 200, response.text
    assert response.json()["shift_id"] is None
    assert response.json()["department_id"] == dept  # untouched
    assert stored(session, Employee, emp["id"])["shift_id"] is None

    response = client.patch(f"{URL}/{emp['id']}", json={"department_id": None}, headers=admin_headers)
    assert response.json()["department_id"] is None
    assert stored(session, Employee, emp["id"])["department_id"] is None


@pytest.mark.parametrize(
    ("field", "body"),
    [
        ("name", {"name": None, "is_active": False}),
        ("email", {"email": None, "is_active": False}),
        ("is_active", {"is_active": None, "name": "Renamed"}),
    ],
)
def test_patch_null_for_a_required_field_is_422_and_changes_nothing(client, admin_headers, field, body) -> None:
    emp = new_employee(client, admin_headers, "Ann Lee")
    error = assert_error(client.patch(f"{URL}/{emp['id']}", json=body, headers=admin_headers), 422, "validation_error")
    assert field in error["message"]
    assert client.get(f"{URL}/{emp['id']}", headers=admin_headers).json() == emp


@pytest.mark.parametrize("field", ["shift_id", "department_id"])
def test_patch_link_to_missing_row_is_422_and_changes_nothing(client, admin_headers, field) -> None:
    emp = new_employee(client, admin_headers, "Ann Lee")
    response = client.patch(f"{URL}/{emp['id']}", json={field: 4242, "name": "Renamed"}, headers=admin_headers)
    error = assert_error(response, 422, "validation_error")
    assert [d["field"] for d in error["details"]] == [field]
    assert client.get(f"{URL}/{emp['id']}", headers=admin_headers).json() == emp


def test_patch_email_to_another_employees_email_is_409_and_changes_nothing(client, admin_headers) -> None:
    new_employee(client, admin_headers, "Ann Lee", email="ann@example.com")
    bob = new_employee(client, admin_headers, "Bob Roy", email="bob@example.com")
    response = client.patch(f"{URL}/{bob['id']}", json={"email": "ANN@example.com", "name": "X"}, headers=admin_headers)
    error = assert_error(response, 409, "conflict")
    assert [d["field"] for d in error["details"]] == ["email"]
    assert client.get(f"{URL}/{bob['id']}", headers=admin_headers).json() == bob


def test_patch_email_normalises_and_own_email_in_other_case_is_fine(client, admin_headers, session) -> None:
    emp = new_employee(client, admin_headers, "Ann Lee", email="ann@example.com")
    response = client.patch(f"{URL}/{emp['id']}", json={"email": "ANN@EXAMPLE.COM"}, headers=admin_headers)
    assert response.status_code == 200, response.text
    assert response.json()["email"] == "ann@example.com"
    response = client.patch(f"{URL}/{emp['id']}", json={"email": "Ann.Lee@Example.com"}, headers=admin_headers)
    assert response.json()["email"] == "ann.lee@example.com"
    assert stored(session, Employee, emp["id"])["email"] == "ann.lee@example.com"


def test_patch_deactivates(client, admin_headers) -> None:
    emp = new_employee(client, admin_headers, "Ann Lee")
    response = client.patch(f"{URL}/{emp['id']}", json={"is_active": False}, headers=admin_headers)
    assert response.json()["is_active"] is False
    assert listed(client, admin_headers, is_active="false") == ["Ann Lee"]


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_unknown_employee_is_404(client, admin_headers, method) -> None:
    kwargs: dict[str, Any] = {"json": {"name": "X"}} if method == "patch" else {}
    error = assert_error(getattr(client, method)(f"{URL}/4242", headers=admin_headers, **kwargs), 404, "not_found")
    assert "4242" in error["message"]


@pytest.mark.parametrize("employee_id", ["99999999999", "0", "abc"])
def test_out_of_range_employee_id_is_422(client, admin_headers, employee_id) -> None:
    assert_error(client.get(f"{URL}/{employee_id}", headers=admin_headers), 422, "validation_error")
    assert_error(client.delete(f"{URL}/{employee_id}", headers=admin_headers), 422, "validation_error")


# --- delete -------------------------------------------------------------------------------------------


def test_delete_fresh_employee_is_204_then_404(client, admin_headers, session) -> None:
    keep = new_employee(client, admin_headers, "Keep Me")
    emp = new_employee(client, admin_headers, "Ann Lee")
    response = client.delete(f"{URL}/{emp['id']}", headers=admin_headers)
    assert response.status_code == 204
    assert response.content == b""
    assert_error(client.get(f"{URL}/{emp['id']}", headers=admin_headers), 404, "not_found")
    assert_error(client.delete(f"{URL}/{emp['id']}", headers=admin_headers), 404, "not_found")
    assert stored(session, Employee, emp["id"]) is None
    assert stored(session, Employee, keep["id"]) is not None


def test_delete_employee_with_attendance_is_409_telling_to_deactivate(client, admin_headers, session) -> None:
    emp = new_employee(client, admin_headers, "Ann Lee")
    session.add(
        AttendanceRecord(
            employee_id=emp["id"],
            attendance_date=date(2026, 3, 2),
            status="PRESENT",
            check_in_time=datetime(2026, 3, 2, 7, 55, tzinfo=UTC),
        )
    )
    session.commit()

    error = assert_error(client.delete(f"{URL}/{emp['id']}", headers=admin_headers), 409, "conflict")
    assert {d["table"]: d["count"] for d in error["details"]} == {"attendance_record": 1}
    assert "deactivate" in error["message"]
    assert "is_active=false" in error["message"]
    assert "1 attendance record row" in error["message"]
    assert client.get(f"{URL}/{emp['id']}", headers=admin_headers).json() == emp
    assert count_rows(session, Employee) == 1
    assert count_rows(session, AttendanceRecord) == 1

    # The advice works: deactivating is allowed and keeps the history.
    response = client.patch(f"{URL}/{emp['id']}", json={"is_active": False}, headers=admin_headers)
    assert response.status_code == 200, response.text
    assert count_rows(session, AttendanceRecord) == 1


def test_delete_employee_counts_references_in_every_table(client, admin_headers, session) -> None:
    emp = new_employee(client, admin_headers, "Ann Lee")
    for day in (2, 3):
        session.add(
            AttendanceRecord(
                employee_id=emp["id"],
                attendance_date=date(2026, 3, day),
                status="LATE",
                check_in_time=datetime(2026, 3, day, 8, 20, tzinfo=UTC),
            )
        )
    session.add(AccessLog(employee_id=emp["id"], entry_time=datetime(2026, 3, 2, 8, 20, tzinfo=UTC)))
    session.commit()

    error = assert_error(client.delete(f"{URL}/{emp['id']}", headers=admin_headers), 409, "conflict")
    assert {d["table"]: d["count"] for d in error["details"]} == {"access_log": 1, "attendance_record": 2}
    assert count_rows(session, Employee) == 1


def test_delete_employee_only_assigned_to_an_unknown_face_is_allowed(client, admin_headers, session) -> None:
    """unknown_attendance.assigned_employee_id is ON DELETE SET NULL: it does not block, it is cleared."""
    emp = new_employee(client, admin_headers, "Ann Lee")
    unknown = UnknownAttendance(
        detected_at=datetime(2026, 3, 2, 8, 0, tzinfo=UTC), status="assigned", assigned_employee_id=emp["id"]
    )
    session.add(unknown)
    session.commit()
    unknown_id = unknown.id

    assert client.delete(f"{URL}/{emp['id']}", headers=admin_headers).status_code == 204
    assert stored(session, Employee, emp["id"]) is None
    row = stored(session, UnknownAttendance, unknown_id)
    assert row is not None
    assert row["assigned_employee_id"] is None


# --- roles --------------------------------------------------------------------------------------------


def test_viewer_may_list_and_read_but_not_write(client, admin_headers, make_user, session) -> None:
    emp = new_employee(client, admin_headers, "Ann Lee")
    viewer = make_user("viewer")
    assert listed(client, viewer) == ["Ann Lee"]
    assert client.get(f"{URL}/{emp['id']}", headers=viewer).json() == emp

    error = assert_error(
        client.post(URL, json={"name": "Bob", "email": "bob@example.com"}, headers=viewer), 403, "forbidden"
    )
    assert [d["role"] for d in error["details"]] == ["viewer"]
    assert_error(client.patch(f"{URL}/{emp['id']}", json={"name": "X"}, headers=viewer), 403, "forbidden")
    assert_error(client.delete(f"{URL}/{emp['id']}", headers=viewer), 403, "forbidden")
    assert count_rows(session, Employee) == 1
    assert client.get(f"{URL}/{emp['id']}", headers=admin_headers).json() == emp


def test_security_role_may_not_create(client, make_user, session) -> None:
    response = client.post(URL, json={"name": "Bob", "email": "bob@example.com"}, headers=make_user("security"))
    assert_error(response, 403, "forbidden")
    assert count_rows(session, Employee) == 0


def test_hr_may_create_patch_and_delete(client, make_user) -> None:
    hr = make_user("hr")
    emp = new_employee(client, hr, "Bob Roy")
    assert emp["email"] == "bob.roy@example.com"
    assert client.patch(f"{URL}/{emp['id']}", json={"name": "Robert Roy"}, headers=hr).json()["name"] == "Robert Roy"
    assert client.delete(f"{URL}/{emp['id']}", headers=hr).status_code == 204


def test_unauthenticated_is_401(client) -> None:
    assert_error(client.get(URL), 401, "unauthorized")
    assert_error(client.post(URL, json={"name": "Bob", "email": "bob@example.com"}), 401, "unauthorized")

"""The dashboard as its users work it, in a real browser against the real server: HR sets up a shift and an employee
and sees the punch in the register, enrols a face by upload (and reads why a bad photo was refused), the guard sees
a blocked plate's alert arrive on the open dashboard without reloading, a viewer is kept out of admin pages, and the
live view shows frames. Every page is screenshotted (test-artifacts/e2e/)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import cv2
import httpx2 as httpx
import numpy as np
import pytest
from playwright.sync_api import expect

from factoryai.video.scene_entrance import DEMO_PEOPLE
from tests.conftest import ADMIN_PASSWORD
from tests.e2e.conftest import log_in, shot

pytestmark = pytest.mark.xdist_group("e2e")  # one server and one browser for the module, on one worker
PAGES = ("/dashboard", "/live", "/occupancy", "/vehicles?tab=log", "/vehicles?tab=watchlist", "/vehicles?tab=alerts",
         "/attendance?tab=register", "/attendance?tab=unknown", "/attendance?tab=pending", "/people", "/reports",
         "/admin/departments", "/admin/shifts", "/admin/cameras", "/admin/users", "/admin/api-keys",
         "/admin/scheduler")  # fmt: skip


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:6].upper()}"


def add_user(api: httpx.Client, role: str) -> tuple[str, str]:
    username, password = f"{role}-{uuid.uuid4().hex[:6]}", "e2e-password-123"
    created = api.post("/api/v1/users", json={"username": username, "password": password, "role": role})
    assert created.status_code == 201, created.text
    return username, password


def pick(page: Any, label: str, option: str, within: Any = None) -> None:
    """A Material select: open it by its label (inside ``within``), choose the option (in the page's overlay)."""
    (within or page).get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=re.compile(re.escape(option))).click()


def test_an_admin_sets_up_a_shift_and_an_employee_whose_check_in_shows_in_the_register(
    page: Any, api: httpx.Client
) -> None:
    shift, name = unique("E2E shift"), unique("Asha")
    log_in(page, "admin", ADMIN_PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard"))

    page.goto("/admin/shifts")
    page.get_by_role("button", name=re.compile("Add shift")).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill(shift)
    dialog.get_by_label("Starts").fill("00:00")
    dialog.get_by_label("Ends").fill("23:59")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name=shift, exact=True)).to_be_visible()

    page.goto("/people")
    page.get_by_role("button", name=re.compile("Add employee")).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill(name)
    dialog.get_by_label("Email").fill(f"{uuid.uuid4().hex[:8]}@e2e.example")
    pick(page, "Shift", shift, within=dialog)
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name=name, exact=True)).to_be_visible()
    shot(page, "people")

    employees = api.get("/api/v1/employees", params={"search": name, "limit": 5}).json()["items"]
    [employee] = [e for e in employees if e["name"] == name]
    punched = api.post("/api/v1/attendance/check-in", json={"employee_id": employee["id"]})
    assert punched.status_code == 200, punched.text

    page.goto("/attendance?tab=register")
    row = page.get_by_test_id("register-row").filter(has_text=name)
    expect(row).to_be_visible()
    expect(row).to_contain_text(re.compile("Present|Late", re.I))
    shot(page, "attendance-register")


def test_hr_enrols_a_face_by_upload_and_sees_why_a_bad_photo_was_refused(page: Any, api: httpx.Client) -> None:
    name = unique("Grace")
    shift = api.post("/api/v1/shifts", json={"shift_name": unique("Faces"), "start_time": "09:00", "end_time": "17:00"})
    created = api.post("/api/v1/employees", json={"name": name, "email": f"{uuid.uuid4().hex[:8]}@e2e.example",
                                                  "shift_id": shift.json()["id"]})  # fmt: skip
    assert created.status_code == 201, created.text
    hr = add_user(api, "hr")
    page.console.allow(r"status of 422")  # the refused photo, shown to the user with its reason

    log_in(page, *hr)
    page.goto("/people")
    page.get_by_role("button", name=f"Face enrolment for {name}").click()
    dialog = page.get_by_role("dialog")
    blank = cv2.imencode(".jpg", np.full((400, 400, 3), 200, np.uint8))[1].tobytes()
    dialog.locator("input[type=file]").set_input_files(
        [{"name": "wall.jpg", "mimeType": "image/jpeg", "buffer": blank}]
    )
    dialog.get_by_role("button", name="Enrol").click()
    expect(dialog).to_contain_text(re.compile(r"wall\.jpg.*no face", re.I))
    shot(page, "faces-refused")

    dialog.locator("input[type=file]").set_input_files(
        [{"name": "hopper.jpg", "mimeType": "image/jpeg", "buffer": DEMO_PEOPLE[0].enrolment_photo()}]
    )
    if dialog.get_by_role("button", name="Remove refused photos").is_visible():
        dialog.get_by_role("button", name="Remove refused photos").click()
    dialog.get_by_role("button", name="Enrol").click()
    enrolled = dialog.get_by_role("listitem").filter(has_text="hopper.jpg").filter(has_text="local")
    expect(enrolled).to_be_visible()  # in the dialog's list of enrolled photos, with the engine that holds it
    faces = api.get(f"/api/v1/employees/{created.json()['id']}/faces").json()
    assert [f["source_name"] for f in faces] == ["hopper.jpg"]


def test_a_blocked_plates_alert_appears_on_the_open_dashboard_without_reloading(page: Any, api: httpx.Client) -> None:
    plate = "KA05MN" + str(uuid.uuid4().int % 9000 + 1000)
    guard = add_user(api, "security")
    log_in(page, *guard)
    page.goto("/vehicles?tab=watchlist")
    page.get_by_label("Plate number").fill(plate)
    pick(page, "List", "locked")
    page.get_by_label("Reason").fill("stolen, e2e")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("cell", name=plate, exact=True)).to_be_visible()

    page.goto("/dashboard")
    expect(page.get_by_text("Latest gate decisions")).to_be_visible()
    page.evaluate("window.__stillTheSamePage = true")
    decided = api.post("/api/v1/vehicle/validate-plate", json={"plate_text": plate, "confidence": 0.97})
    assert decided.json()["status"] == "BLOCKED", decided.text
    expect(page.get_by_test_id("open-alert").filter(has_text=plate)).to_be_visible(timeout=10_000)
    expect(page.get_by_test_id("gate-row").filter(has_text=plate)).to_be_visible()
    assert page.evaluate("window.__stillTheSamePage") is True  # pushed, not reloaded
    shot(page, "dashboard-alert")


def test_a_viewer_is_kept_out_of_admin_pages(page: Any, api: httpx.Client) -> None:
    log_in(page, *add_user(api, "viewer"))
    expect(page).to_have_url(re.compile(r"/dashboard"))
    navigation = page.get_by_role("navigation")
    expect(navigation.get_by_role("link", name=re.compile("Users"))).to_have_count(0)
    page.goto("/admin/users")
    expect(page).to_have_url(re.compile(r"/dashboard\?denied="))
    assert api.get("/api/v1/users").status_code == 200  # (the admin can: the API decides either way)


def test_the_live_view_shows_frames(page: Any, api: httpx.Client) -> None:
    camera = "CAM-E2E-" + uuid.uuid4().hex[:4].upper()
    body = {"id": camera, "name": "E2E pattern", "source_url": "synthetic://pattern?width=640&height=360&fps=10",
            "role": "zone"}  # fmt: skip
    assert api.post("/api/v1/cameras", json=body).status_code == 201
    log_in(page, "admin", ADMIN_PASSWORD)
    page.goto(f"/live/{camera}")
    picture = page.get_by_alt_text(f"Live picture of {camera}")
    expect(picture).to_be_visible()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
    shot(page, "live-camera")
    page.goto("/live")
    expect(page.get_by_alt_text(f"Live picture of {camera}")).to_be_visible()
    shot(page, "live")


@pytest.mark.parametrize("role", ["admin", "viewer"])
def test_every_page_loads_without_console_errors(page: Any, api: httpx.Client, role: str) -> None:
    if role == "admin":
        log_in(page, "admin", ADMIN_PASSWORD)
    else:
        log_in(page, *add_user(api, role))
    expect(page).to_have_url(re.compile(r"/dashboard"))
    for path in PAGES:
        page.goto(path)
        expect(page.locator("h1").first).to_be_visible()
        page.wait_for_timeout(500)  # the page's first requests settle (an event stream never idles the network)
        if role == "admin":
            shot(page, path.strip("/").replace("?tab=", "-") or "home")

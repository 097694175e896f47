"""`factoryai enroll --dir`: bulk enrolment from PHOTOS/<employee id or e-mail>/, real dlib on real photos."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from factoryai.identity.models import FaceEnrollment
from factoryai.organization.models import Employee
from tests.conftest import shared_file
from tests.test_cli import _clean_env, db_file, engine, env, invoke, migrated  # noqa: F401 - shared fixtures


def _person_photos() -> list[Path]:
    people = sorted(p for p in shared_file("data/faces/lfw100").iterdir() if p.is_dir())
    return sorted(people[1].glob("*.jpg"))[:2]


def test_enroll_dir_enrols_good_photos_and_reports_the_rest(
    migrated: dict[str, str],  # noqa: F811
    engine,  # noqa: F811
    tmp_path: Path,
) -> None:
    assert invoke(["seed-demo", "--employees", "2"], migrated).exit_code == 0
    with engine.connect() as connection:
        first, second = connection.execute(select(Employee.id, Employee.email).order_by(Employee.id)).all()[:2]
    photos = tmp_path / "photos"
    by_id, by_email, nobody = photos / str(first.id), photos / second.email.upper(), photos / "nobody@example.com"
    for folder in (by_id, by_email, nobody):
        folder.mkdir(parents=True)
    for photo in _person_photos():
        shutil.copy(photo, by_id / photo.name)
    shutil.copy(shared_file("data/faces/t1.jpg"), by_email / "group.jpg")  # six faces: refused, with the reason
    (by_email / "notes.txt").write_text("not a photo")  # ignored
    shutil.copy(shared_file("data/faces/Tom_Hanks_54745.png"), nobody / "tom.png")

    result = invoke(["enroll", "--dir", str(photos)], migrated)

    assert result.exit_code == 1, result.output  # something failed: scripts must notice
    assert "enrolled 2 photos of 1 employees; 0 already enrolled; 2 failed" in result.output
    assert "group.jpg: 6 faces found" in result.output
    assert "no employee with id or e-mail 'nobody@example.com'" in result.output
    with engine.connect() as connection:
        query = select(FaceEnrollment.employee_id, FaceEnrollment.source_name)
        rows = connection.execute(query.where(FaceEnrollment.employee_id.in_([first.id, second.id]))).all()
    assert sorted(rows) == sorted((first.id, p.name) for p in _person_photos())  # not the group photo

    again = invoke(["enroll", "--dir", str(photos)], migrated)
    assert "enrolled 0 photos of 0 employees; 2 already enrolled; 2 failed" in again.output
    with engine.connect() as connection:
        assert connection.execute(query.where(FaceEnrollment.employee_id == first.id)).all() == rows  # idempotent


def test_enroll_dir_must_exist(migrated: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    result = invoke(["enroll", "--dir", str(tmp_path / "missing")], migrated)
    assert result.exit_code == 2
    assert "Invalid value" in result.output or "does not exist" in result.output.replace("\n", " ")

"""The OpenAPI document the Angular client is generated from: readable operation ids, one domain tag per operation,
and errors documented in the app's one error shape (the fuzz test checks that every status seen is documented)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from factoryai.api.app import create_app
from factoryai.api.openapi import TAGS
from factoryai.core.config import load_settings

UNAUTHENTICATED = {("post", "/api/v1/auth/login"), ("get", "/api/health")}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return create_app(load_settings()).openapi()


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, ops in spec["paths"].items() for method, op in ops.items()]


def test_operation_ids_are_unique_camel_case_names(spec: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in operations(spec)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)*", i) for i in ids), ids
    by_route = {(m, p): op["operationId"] for m, p, op in operations(spec)}
    assert by_route[("get", "/api/v1/employees")] == "listEmployees"
    assert by_route[("post", "/api/v1/attendance/check-in/face")] == "checkInByFace"
    assert by_route[("post", "/api/v1/vehicle/recognize")] == "recognizePlate"
    assert by_route[("delete", "/api/v1/employees/{employee_id}")] == "deleteEmployee"


def test_every_operation_has_one_tag_of_a_declared_domain(spec: dict[str, Any]) -> None:
    declared = {t["name"] for t in TAGS}
    assert [t["name"] for t in spec["tags"]] == [t["name"] for t in TAGS]
    for method, path, op in operations(spec):
        assert len(op["tags"]) == 1, (method, path, op["tags"])
        assert op["tags"][0] in declared, (method, path, op["tags"])
    used = {op["tags"][0] for _, _, op in operations(spec)}
    assert used == declared


def test_authentication_errors_are_documented_where_authentication_is_needed(spec: dict[str, Any]) -> None:
    for method, path, op in operations(spec):
        codes = set(op["responses"])
        if (method, path) in UNAUTHENTICATED:
            assert "403" not in codes, (method, path)
        else:
            assert {"401", "403"} <= codes, (method, path)


def test_errors_are_documented_in_the_one_error_shape(spec: dict[str, Any]) -> None:
    assert "HTTPValidationError" not in json.dumps(spec)
    for method, path, op in operations(spec):
        for code, response in op["responses"].items():
            if int(code) >= 400:
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, (method, path, code)
    error = spec["components"]["schemas"]["ErrorResponse"]
    assert error["required"] == ["error"]


def test_specific_errors_are_declared_by_the_routes_that_answer_them(spec: dict[str, Any]) -> None:
    codes = {(m, p): set(op["responses"]) for m, p, op in operations(spec)}
    assert "429" in codes[("post", "/api/v1/auth/login")]
    assert "409" in codes[("post", "/api/v1/departments")]
    assert "404" in codes[("get", "/api/v1/employees/{employee_id}")]
    assert "404" not in codes[("get", "/api/v1/employees")]
    assert {"413", "503"} <= codes[("post", "/api/v1/identity/identify")]
    assert "202" in codes[("post", "/api/v1/attendance/check-in/face")]

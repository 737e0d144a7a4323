"""The OpenAPI document: valid 3.1 to openapi-spec-validator, whole, and the reference in docs/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from booking.handlers.openapi import openapi_document
from infra.api_reference import reference

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return openapi_document("https://book.example.org")


def _operations(document: dict[str, Any]) -> set[str]:
    return {
        f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item
    }


def test_openapi_spec_validator_accepts_it_as_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    errors = [error.message for error in OpenAPIV31SpecValidator(document).iter_errors()]
    assert errors == []


def test_the_validator_rejects_3_1_schemas_under_a_3_0_label(document: dict[str, Any]) -> None:
    """What the document used to be (3.0.3 with ``type: null``): the check can fail."""
    from openapi_spec_validator import OpenAPIV30SpecValidator

    mislabelled = {**document, "openapi": "3.0.3"}
    with pytest.raises(Exception, match="null"):
        list(OpenAPIV30SpecValidator(mislabelled).iter_errors())


def _served(app: Any) -> set[str]:
    routes = [*app._static_routes, *app._dynamic_routes]
    # Powertools writes path parameters as <name>, OpenAPI as {name}.
    return {r.method + " " + re.sub(r"<(\w+)>", r"{\1}", r.path) for r in routes}


def test_every_route_the_handlers_serve_is_in_it(
    document: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_unit")
    from booking.handlers import admin, api
    from infra.cdk.api import ADMIN_PATH, PUBLIC_ROUTES, WEBHOOK_PATH

    served = _served(api.app) | _served(admin.app) | {f"POST {WEBHOOK_PATH}"}
    assert served == _operations(document)
    # The HTTP API in AWS routes the same public paths (admin is one proxy route).
    assert {f"{m.value} {p}" for p, m in PUBLIC_ROUTES} <= _operations(document)
    assert ADMIN_PATH == "/admin/{proxy+}"


def test_organiser_operations_need_a_token(document: dict[str, Any]) -> None:
    for path, item in document["paths"].items():
        for operation in item.values():
            secured = bool(operation.get("security"))
            assert secured == path.startswith("/admin/"), path
            if secured:
                assert {"401", "403"} <= set(operation["responses"]), path
    schemes = document["components"]["securitySchemes"]
    assert {s["scheme"] for s in schemes.values()} == {"bearer"}


def test_browsers_html_answers_are_described(document: dict[str, Any]) -> None:
    paths = document["paths"]
    assert "text/html" in paths["/courses/{course_id}/apply"]["get"]["responses"]["200"]["content"]
    page = paths["/applications/{application_id}"]["get"]["responses"]["200"]["content"]
    assert {"application/json", "text/html"} <= set(page)
    form_error = paths["/courses/{course_id}/applications"]["post"]["responses"]["422"]
    assert "text/html" in form_error["content"]


def test_committed_api_reference_is_the_generated_one() -> None:
    committed = (ROOT / "docs" / "API.md").read_text(encoding="utf-8")
    assert committed == reference(), "docs/API.md is stale: run `make docs`"


def test_readme_links_nothing_outside_the_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)]+)\)", readme):
        if target.startswith(("http://", "https://", "#")):
            continue
        resolved = (ROOT / target.split("#", 1)[0]).resolve()
        assert resolved.is_relative_to(ROOT), target
        assert resolved.exists(), target


def test_the_reply_check_refuses_what_the_document_does_not_say() -> None:
    """The harness's check (tests/support/openapi_replies.py) can fail, three ways."""
    from tests.support.openapi_replies import check_reply

    course = '{"course_id": "c"}'  # far from a Course: required fields missing
    with pytest.raises(AssertionError, match="breaks its schema"):
        check_reply("GET", "/courses/c", 200, "application/json", course)
    with pytest.raises(AssertionError, match="does not list"):
        check_reply("GET", "/courses/c", 418, "application/json", "{}")
    with pytest.raises(AssertionError, match="is not in"):
        check_reply("GET", "/courses/c", 200, "text/csv", "a,b")
    error = '{"error": {"code": "not_found", "message": "no such course", "fields": {}}}'
    assert check_reply("GET", "/courses/c?x=1", 404, "application/json", error) == (
        "GET /courses/{course_id}",
        404,
    )
    # No documented operation (a wrong method): nothing to check against.
    assert check_reply("DELETE", "/courses", 405, "application/json", error) is None

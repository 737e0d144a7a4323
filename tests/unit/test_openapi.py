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
    served = {r.method + " " + re.sub(r"<(\w+)>", r"{\1}", r.path) for r in routes}
    # HEAD is served beside each GET, and only there (documented once, in the introduction).
    heads = {s.removeprefix("HEAD ") for s in served if s.startswith("HEAD ")}
    assert heads == {s.removeprefix("GET ") for s in served if s.startswith("GET ")}
    return {s for s in served if not s.startswith("HEAD ")}


def _is_console(path: str) -> bool:
    return path == "/console" or path.startswith("/console/")


def test_every_route_the_handlers_serve_is_in_it(
    document: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_unit")
    # Importing console registers its pages' routes on console_app's app.
    from booking.handlers import admin, api, console, console_app  # noqa: F401
    from infra.cdk.api import ADMIN_PATH, CONSOLE_PATHS, PUBLIC_ROUTES, WEBHOOK_PATH

    served = (
        _served(api.app) | _served(admin.app) | _served(console_app.app) | {f"POST {WEBHOOK_PATH}"}
    )
    assert served == _operations(document)
    # The HTTP API in AWS routes the same public paths (admin is one proxy route, the console
    # two: itself and everything under it).
    assert {f"{m.value} {p}" for p, m in PUBLIC_ROUTES} <= _operations(document)
    assert ADMIN_PATH == "/admin/{proxy+}"
    assert CONSOLE_PATHS == ("/console", "/console/{proxy+}")
    assert {p for p in document["paths"] if _is_console(p)} == {
        p.split(" ", 1)[1] for p in _served(console_app.app)
    }


def test_organiser_operations_need_a_token(document: dict[str, Any]) -> None:
    """/admin/ needs a bearer token, the console its session cookie (but for the pages that
    sign in and the one signing out lands on), everything else nothing."""
    from booking.handlers.console_session import SESSION_COOKIE
    from booking.handlers.routes.console import OPEN_PATHS

    schemes = document["components"]["securitySchemes"]
    bearer = {
        name for name, s in schemes.items() if (s["type"], s.get("scheme")) == ("http", "bearer")
    }
    assert bearer == {"organiserToken", "cognito"}
    cookie = {name for name, s in schemes.items() if s["type"] == "apiKey"}
    assert cookie == {"consoleSession"}
    assert set(schemes) == bearer | cookie
    session = schemes["consoleSession"]
    assert (session["in"], session["name"]) == ("cookie", SESSION_COOKIE)
    open_paths = set()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            label = f"{method.upper()} {path}"
            responses = operation["responses"]
            if path.startswith("/admin/"):
                needs = {name for option in operation.get("security", []) for name in option}
                assert needs == bearer, label
                assert {"401", "403"} <= set(responses), label
            elif _is_console(path) and path not in OPEN_PATHS:
                assert operation.get("security") == [{"consoleSession": []}], label
                # Without the cookie: on to the sign-in page.
                assert responses["303"]["headers"]["Location"]["required"] is True, label
                if method == "post":
                    assert "403" in responses, label  # a missing or wrong CSRF token
            else:
                assert "security" not in operation, label
                if _is_console(path):
                    open_paths.add(path)
    assert open_paths == OPEN_PATHS


def test_every_console_form_posts_its_csrf_token(document: dict[str, Any]) -> None:
    from booking.domain.application import LONG_TEXT_MAX_LENGTH as MAX_MESSAGE_LENGTH
    from booking.handlers.course_form import TOP_FIELDS
    from booking.handlers.routes.console import OPEN_PATHS

    posts = {
        path: item["post"]
        for path, item in document["paths"].items()
        if _is_console(path) and "post" in item
    }
    # The forms of the sign-in, the sessions, the applications (a cancelled booking's refund
    # among them), people, courses and codes,
    # and the register's four (a mark, an import, closing, reissuing a held certificate), and
    # moving a booking to another cohort and withdrawing a move that waits for its difference,
    # and voiding a group's invoice or sending it again, and sending a graduate's follow-up
    # invitation again, and inviting a graduate to one now, and sending a completer's
    # certificate again, and the page before a decline that shows its message,
    # and sending a place's offer again, and recording an invoice's
    # payment received outside Stripe, one person's and a group's, and
    # sending a corrected invoice, and invoicing the employer instead of
    # the card, and correcting a group's invoice, and recording money paid outside Stripe as
    # given back by hand, one person's and a group's.
    assert len(posts) == 15 + 4 + 2 + 2 + 1 + 1 + 1 + 1 + 1 + 2 + 1 + 1 + 1 + 2
    for path, operation in posts.items():
        for media_type, body in operation["requestBody"]["content"].items():
            fields = body["schema"]["properties"]
            if path in OPEN_PATHS:
                assert "csrf_token" not in fields, path
            else:
                assert "csrf_token" in body["schema"]["required"], (path, media_type)
    saved = posts["/console/courses"]["requestBody"]["content"]
    assert set(saved) == {"application/x-www-form-urlencoded", "multipart/form-data"}
    assert set(saved["application/x-www-form-urlencoded"]["schema"]["properties"]) == {
        "csrf_token",
        "rows",  # the add and remove buttons
        "next_of",  # posted by *Add the next cohort*: the course it was filled in from
        "follow_ups_offered",  # posted once its follow-ups were offered, moved
        "title_checked",  # posted back with a title warned of as a likely typo
        *TOP_FIELDS,
    }
    assert set(saved["multipart/form-data"]["schema"]["properties"]) == {
        "csrf_token",
        "upload_course_id",
        "changing",  # posted by a course's own page: the file changes that course only
        "definition",
    }
    for decline in ("decline", "decline/confirm"):
        declined = posts[f"/console/applications/{{application_id}}/{decline}"]["requestBody"]
        message = declined["content"]["application/x-www-form-urlencoded"]["schema"]["properties"]
        assert message["message"]["maxLength"] == MAX_MESSAGE_LENGTH


def test_the_console_answers_pages_and_four_downloads(document: dict[str, Any]) -> None:
    downloads = {
        "/console/courses/{course_id}/roster.csv": "text/csv",
        "/console/courses/{course_id}/calendar.ics": "text/calendar",
        "/console/programmes/{programme}/graduates.csv": "text/csv",
        "/console/people/export": "application/json",
    }
    for path, item in document["paths"].items():
        if not _is_console(path):
            continue
        for method, operation in item.items():
            label = f"{method.upper()} {path}"
            for status, answer in operation["responses"].items():
                if status == "303":
                    assert "content" not in answer, label
                    assert "Location" in answer["headers"], label
                elif status == "200":
                    assert list(answer["content"]) == [downloads.get(path, "text/html")], label
                else:
                    # Every error, even of a download, is a page: never the API's JSON.
                    assert int(status) >= 400, label
                    assert list(answer["content"]) == ["text/html"], label
            assert {"500", "503"} <= set(operation["responses"]), label


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


def test_a_concrete_path_is_matched_before_a_templated_one_it_fits() -> None:
    """As OpenAPI matches URLs: /console/courses/new is that form, not a course called new."""
    from booking.handlers.routes import Function, concrete_first, methods_for
    from tests.support.openapi_replies import check_reply

    # Whatever order the document lists them in.
    assert concrete_first(["/c/{course_id}", "/c/new", "/c/{course_id}/edit", "/c"]) == [
        "/c/new",
        "/c",
        "/c/{course_id}",
        "/c/{course_id}/edit",
    ]

    html = "text/html; charset=utf-8"
    assert check_reply("GET", "/console/courses/new", 200, html, "<p>") == (
        "GET /console/courses/new",
        200,
    )
    assert check_reply("GET", "/console/courses/c?status=x", 422, html, "<p>") == (
        "GET /console/courses/{course_id}",
        422,
    )
    # The new-course form answers no 422 (it reads no query).
    with pytest.raises(AssertionError, match="does not list"):
        check_reply("GET", "/console/courses/new", 422, html, "<p>")
    assert methods_for("/console/courses", Function.CONSOLE) == ["POST"]
    assert methods_for("/console/courses/new", Function.CONSOLE) == ["GET", "HEAD"]


@pytest.mark.parametrize("name", ["ApplicationForm", "GroupForm", "Colleague", "Substitute"])
def test_the_public_bodies_say_a_field_they_do_not_take_is_refused(
    document: dict[str, Any], name: str
) -> None:
    """A client generated from the document was not told that a JSON
    body's extra field is refused, as the admin bodies (``extra="forbid"``) say it is."""
    schema = document["components"]["schemas"][name]
    assert schema["additionalProperties"] is False
    assert "a field not listed here is refused (422 naming it)" in schema["description"]

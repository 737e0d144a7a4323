"""Every console form and every organiser route, fuzzed from the generated document: never a 5xx.

The public operations are fuzzed over HTTP by schemathesis (tests/e2e/test_fuzz_openapi_*.py),
which cannot sign in; here every operation under ``/console`` is sent signed in (the session's
CSRF token on every form) and every operation under ``/admin`` with the organiser token, through
the same front as ``make run`` (tests/support/system.py). Each operation's parameters and body
are drawn from its own schema in the OpenAPI document, every string from a mix of what people
type by mistake and what breaks parsers: amounts like ``1e30``, 20 digits, ``2_00`` or ``٢٠٠``
(issue 19), dates at the ends of what datetime holds, text beyond Latin-1 (which once went raw
into a Location header), control characters. The course form also starts from a valid course,
a few of its fields spoiled, so that the mistakes reach the definition's own checks.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from booking.handlers.openapi import openapi_document
from tests.support.console import ConsoleBrowser, signed_in, stored_course_fields
from tests.support.contract import error_shape_problems
from tests.support.exploration import fuzzing
from tests.support.system import ADMIN_TOKEN, COURSE_ID, Reply, System

EXAMPLES = 25
ODD = [
    "",
    " ",
    "1e30",
    "9" * 20,
    "2_00",
    "٢٠٠",
    "-5",
    "0.001",
    "NaN",
    "Infinity",
    "£200.00",
    "200.00",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-14:00",
    "25:61",
    "/console/\u0109",
    "/console/x\r\nSet-Cookie: a=b",
    "//evil.example",
    "\u202eabc",
    "😀" * 30,
    "\x00",
    "é" * 300,
    "x" * 5000,
    "null",
    "on",
]
odd_text = st.one_of(st.sampled_from(ODD), st.text(max_size=40))
any_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.sampled_from([1e30, -1e30, 0.5, 1e-30])
    | odd_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(odd_text, inner, max_size=3),
    max_leaves=8,
)
Schema = dict[str, Any]
SETTINGS = fuzzing(EXAMPLES)


def values(schema: Schema, components: Schema, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values for a schema of the document, wrong ones included."""
    if "$ref" in schema:
        return values(components[schema["$ref"].rsplit("/", 1)[-1]], components, depth)
    if depth > 4:
        return any_json
    if "anyOf" in schema or "oneOf" in schema:
        return st.one_of(
            [values(s, components, depth) for s in schema.get("anyOf") or schema["oneOf"]]
        )
    if "enum" in schema:
        return st.one_of(st.sampled_from(schema["enum"]), odd_text)
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        fields = {k: values(v, components, depth + 1) for k, v in properties.items()}
        return st.fixed_dictionaries(
            {k: fields[k] for k in required if k in fields},
            optional={k: fields[k] for k in fields if k not in required},
        )
    if kind == "array":
        return st.lists(values(schema.get("items", {}), components, depth + 1), max_size=3)
    if kind == "integer":
        return st.integers(min_value=-(2**70), max_value=2**70) | st.sampled_from([0, 10**30])
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([1e30])
    if kind == "boolean":
        return st.booleans()
    if kind == "string":
        return odd_text
    return any_json


def _operations(prefix: str) -> list[tuple[str, str, Schema]]:
    paths = openapi_document("")["paths"]
    return [
        (method.upper(), path, operation)
        for path, item in paths.items()
        for method, operation in item.items()
        if path.startswith(prefix)
        # Signing out would end the session every other request needs; it has its own tests.
        and operation["operationId"] not in ("consoleSignOut", "consoleSignOutEverywhere")
    ]


def _target(path: str, operation: Schema, drawn: dict[str, Any], known: dict[str, str]) -> str:
    for name in ("course_id", "application_id", "email"):
        if f"{{{name}}}" in path:
            value = drawn.get(f"path:{name}") or known[name]
            path = path.replace(f"{{{name}}}", quote(str(value), safe=""))
    query = {
        p["name"]: drawn[f"query:{p['name']}"]
        for p in operation.get("parameters", [])
        if p["in"] == "query" and f"query:{p['name']}" in drawn
    }
    return f"{path}?{urlencode(query)}" if query else path


def _parameters(operation: Schema, components: Schema) -> st.SearchStrategy[dict[str, Any]]:
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            # Mostly the real one (so bodies reach the use case), sometimes anything.
            optional[f"path:{parameter['name']}"] = odd_text.filter(bool)
        elif parameter["in"] == "query":
            optional[f"query:{parameter['name']}"] = values(parameter["schema"], components)
    return st.fixed_dictionaries({}, optional=optional)


def _form(schema: Schema, components: Schema) -> st.SearchStrategy[dict[str, str]]:
    """An HTML form: every field a string (numbered rows too, where the form has them)."""
    fields = {k: odd_text for k in schema.get("properties", {}) if k != "csrf_token"}
    rows = (
        {
            f"session-{n}-{name}": odd_text
            for n in range(2)
            for name in ("date", "start_time", "end_time", "kind")
        }
        if schema.get("patternProperties")
        else {}
    )
    return st.fixed_dictionaries({}, optional={**fields, **rows})


@pytest.fixture
def known(system: System) -> dict[str, str]:
    applied = system.apply(email="fuzzed.person@example.org")
    assert applied.status == 201, applied.body
    return {
        "course_id": COURSE_ID,
        "application_id": applied.json()["application_id"],
        "email": "fuzzed.person@example.org",
    }


def _fine(reply: Reply, label: str) -> None:
    assert reply.status < 500, f"{label} answered {reply.status}: {reply.body[:300]}"
    problems = error_shape_problems(
        reply.status, reply.headers.get("content-type", ""), reply.body.encode()
    )
    assert not problems, f"{label}: {problems}"


def _each_operation(prefix: str) -> pytest.MarkDecorator:
    """One test per documented operation under ``prefix``, named by its path."""
    return pytest.mark.parametrize(
        ("method", "path", "operation"),
        _operations(prefix),
        ids=lambda x: x if isinstance(x, str) and x.startswith("/") else "",
    )


@_each_operation("/admin/")
def test_every_organiser_route_answers_anything_below_500(
    system: System, known: dict[str, str], method: str, path: str, operation: Schema
) -> None:
    components = openapi_document("")["components"]["schemas"]
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    bodies = values(body["schema"], components) if body else st.just(None)

    @SETTINGS
    @given(drawn=_parameters(operation, components), payload=bodies | any_json)
    def send(drawn: dict[str, Any], payload: Any) -> None:
        target = _target(path, operation, drawn, known)
        headers = {"authorization": f"Bearer {ADMIN_TOKEN}"}
        sent = json.dumps(payload).encode() if method in ("POST", "PUT") else None
        if sent is not None:
            headers["content-type"] = "application/json"
        _fine(
            system.api(method, f"/admin{target.removeprefix('/admin')}", headers=headers, raw=sent),
            f"{method} {target}",
        )

    send()


def _course_form_base(system: System) -> dict[str, str]:
    return stored_course_fields(system)


@_each_operation("/console")
def test_every_console_page_and_form_answers_anything_below_500(
    system: System, known: dict[str, str], method: str, path: str, operation: Schema
) -> None:
    components = openapi_document("")["components"]["schemas"]
    browser = signed_in(system)
    content = operation.get("requestBody", {}).get("content", {})
    form_schema = content.get("application/x-www-form-urlencoded", {}).get("schema", {})
    forms = _form(form_schema, components)
    base = _course_form_base(system) if path == "/console/courses" else {}

    @SETTINGS
    @given(drawn=_parameters(operation, components), typed=forms, spoiled=st.booleans())
    def run(drawn: dict[str, Any], typed: dict[str, str], spoiled: bool) -> None:
        target = _target(path, operation, drawn, known)
        if method == "GET":
            reply = browser.get(target)
        else:
            # A valid course with a few fields spoiled, or only what was drawn.
            fields = {**base, **typed} if spoiled else typed
            reply = browser.post(target, csrf_token=browser.csrf(), **fields)
        _fine(reply, f"{method} {target}")
        if reply.status == 303 and reply.headers["location"].startswith("/console/sign-in"):
            browser.sign_in()  # e.g. the sign-in page, signed in already: on again

    run()


def _multipart(boundary: str, parts: list[tuple[str, str, bytes]]) -> bytes:
    body = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
        body += data + b"\r\n"
    return body + f"--{boundary}--\r\n".encode()


def test_a_course_file_of_anything_answers_below_500(system: System) -> None:
    browser = signed_in(system)
    components = openapi_document("")["components"]["schemas"]

    @SETTINGS
    @given(
        definition=values({"$ref": "#/components/schemas/CourseDefinition"}, components) | any_json
    )
    def run(definition: Any) -> None:
        boundary = uuid.uuid4().hex
        body = _multipart(
            boundary,
            [
                ("csrf_token", "", browser.csrf().encode()),
                ("upload_course_id", "", b"fuzzed-course"),
                ("definition", "course.json", json.dumps(definition).encode()),
            ],
        )
        reply = browser.request(
            "POST",
            "/console/courses",
            raw=body,
            headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        )
        _fine(reply, "POST /console/courses (a file)")

    run()


# -- the symptoms of issue 19, each by name ----------------------------------------------------


@pytest.mark.parametrize("typed", ["1e30", "9" * 20, "2_00", "٢٠٠", "200.001", "-200", "100000.01"])
def test_a_bursary_typed_oddly_is_refused_beside_the_field(
    system: System, known: dict[str, str], typed: str
) -> None:
    browser = signed_in(system)
    before = system.items()
    path = f"/console/applications/{known['application_id']}"
    # Pressed on the application's own form (what its page showed travels with it), as a
    # person sends it: the amount is judged beside its field, whatever was typed.
    reply = browser.press(path, f"{path}/bursary", amount=typed)
    assert reply.status == 422, reply.body[:300]
    assert 'id="amount-error"' in reply.body
    assert system.items() == before


@pytest.mark.parametrize("typed", ["1e30", "9" * 20, "2_00", "٢٠٠"])
def test_a_course_price_typed_oddly_is_refused_beside_the_field(system: System, typed: str) -> None:
    browser = signed_in(system)
    fields = {**_course_form_base(system), "price": typed}
    reply = browser.post("/console/courses", csrf_token=browser.csrf(), **fields)
    assert reply.status == 422, reply.body[:300]
    assert 'id="price-error"' in reply.body


@pytest.mark.parametrize(
    "expires_at", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+01:00", "2200-01-01T00:00:00Z"]
)
def test_a_discount_code_expiring_beyond_any_sane_date_is_a_422(
    system: System, expires_at: str
) -> None:
    reply = system.admin(
        "POST",
        f"/courses/{COURSE_ID}/discount-codes",
        json_body={"code": "FAR", "percent_off": 10, "expires_at": expires_at},
    )
    assert reply.status == 422, reply.body
    assert "expires_at" in reply.json()["error"]["fields"]


@pytest.mark.parametrize("after", ["/console/\u0109", "/console/people?email=zoë@example.org"])
def test_a_page_to_come_back_to_beyond_latin_1_is_percent_encoded(
    system: System, after: str
) -> None:
    reply = ConsoleBrowser(system).post("/console/sign-in", token=ADMIN_TOKEN, next=after)
    assert reply.status == 303
    location = reply.headers["location"]
    assert location.isascii()
    assert location == quote(after, safe="/?=&@")

"""A form names each field once, as a JSON body must: a name given twice, in a
urlencoded form (the public application form, a console form) or a multipart one (the console's
definition file), is refused by its name (400) and nothing is written, never read as the last of
the two; a multipart form's text field that is not UTF-8 is refused in words, as a urlencoded
form's is, never read with U+FFFD put in for its bytes."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from tests.support.console import ConsoleBrowser, signed_in
from tests.support.html_forms import forms_on
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System, application_body

FORM = "application/x-www-form-urlencoded"


def test_the_application_form_with_an_email_given_twice_is_refused_by_its_name(
    system: System,
) -> None:
    pairs = [*application_body(email="first@example.org").items(), ("email", "second@example.org")]
    places = system.course()["places_left"]

    reply = system.api(
        "POST",
        f"/courses/{COURSE_ID}/applications",
        raw=urlencode(pairs).encode(),
        headers={"content-type": FORM},
    )

    refused = reply.refused(400, "bad_request")
    assert refused["message"] == "the field email is given twice: give it once"
    assert system.applications() == []
    assert system.course()["places_left"] == places


def test_the_console_cancel_with_its_seen_pair_given_twice_is_refused(system: System) -> None:
    application = system.booked(COURSE_ID)
    browser: ConsoleBrowser = signed_in(system)
    path = f"/console/applications/{application['application_id']}/cancel"
    [fields] = [f for _, f in forms_on(browser.get(path).body) if "seen" in f]
    # A forged first value and the page's own after it: the last is the page's.
    pairs = [
        ("csrf_token", fields["csrf_token"]),
        ("seen", "0" * 16),
        ("seen", fields["seen"]),
    ]

    reply = browser.request(
        "POST", path, raw=urlencode(pairs).encode(), headers={"content-type": FORM}
    )

    assert reply.status == 400, reply.body
    assert "field seen is given twice" in reply.body
    assert "That form could not be read" in reply.body
    assert "Something went wrong" not in reply.body
    assert system.status_of(application)["status"] == "confirmed"
    # The page's own form, each field once, still cancels.
    assert browser.post(path, **fields).status == 303
    assert system.status_of(application)["status"] == "cancelled"


def _multipart(
    parts: list[tuple[str, bytes]], definition: bytes, filename: bytes
) -> tuple[bytes, str]:
    boundary = "----form-once-boundary"
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + value
        + b"\r\n"
        for name, value in parts
    )
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="definition"; '.encode()
        + b'filename="'
        + filename
        + b'"\r\nContent-Type: application/json\r\n\r\n'
        + definition
        + b"\r\n"
    )
    return body + f"--{boundary}--\r\n".encode(), boundary


def _upload(
    browser: ConsoleBrowser,
    parts: list[tuple[str, bytes]],
    definition: bytes,
    filename: bytes = b"course.json",
) -> str:
    """The definition file form posted as ``parts`` and the file ``filename`` holding
    ``definition``, which must be refused (400): the page that says why."""
    body, boundary = _multipart(parts, definition, filename)
    reply = browser.request(
        "POST",
        "/console/courses",
        raw=body,
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert reply.status == 400, reply.body
    return reply.body


def _definition(system: System) -> bytes:
    definition = system.course_file()
    definition["title"] = "Uploaded title"
    return json.dumps(definition).encode()


def test_a_definition_file_form_with_a_field_given_twice_is_refused(system: System) -> None:
    browser = signed_in(system)
    before = system.course()["title"]
    parts = [
        ("csrf_token", browser.csrf().encode()),
        ("upload_course_id", b"other-id"),
        ("upload_course_id", COURSE_ID.encode()),
    ]

    assert "field upload_course_id is given twice" in _upload(browser, parts, _definition(system))
    assert system.course()["title"] == before


def test_a_definition_file_forms_text_field_not_in_utf_8_is_refused(system: System) -> None:
    browser = signed_in(system)
    before = system.course()["title"]
    typed = f"{COURSE_ID}-caf".encode() + "é".encode("latin-1")
    parts = [("csrf_token", browser.csrf().encode()), ("upload_course_id", typed)]

    said = _upload(browser, parts, _definition(system))

    assert "field upload_course_id is not valid UTF-8" in said
    assert system.course()["title"] == before


def test_a_definition_files_name_not_in_utf_8_is_refused(system: System) -> None:
    """The filename was read with U+FFFD put in, and the upload went on."""
    browser = signed_in(system)
    before = system.course()["title"]
    parts = [("csrf_token", browser.csrf().encode()), ("upload_course_id", COURSE_ID.encode())]

    said = _upload(browser, parts, _definition(system), filename=b"caf\xe9.json")

    assert "A part's header of the form is not valid UTF-8" in text_of(said)
    assert system.course()["title"] == before

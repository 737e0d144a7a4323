"""A JSON body through the real public route is read as it says: half of a
UTF-16 pair written alone (``"\\ud800"``) is refused beside its field in the app's words, as
U+FFFD is, never in pydantic's; a byte order mark before the JSON is taken (RFC 8259 lets a
parser ignore it); a charset other than UTF-8 declared is refused by its name (415), never
ignored. Nothing is written by a refusal."""

from __future__ import annotations

import json

from tests.support.system import COURSE_ID, Reply, System, application_body


def _post(system: System, body: bytes, content_type: str = "application/json") -> Reply:
    return system.api(
        "POST",
        f"/courses/{COURSE_ID}/applications",
        raw=body,
        headers={"content-type": content_type},
    )


def test_half_a_pair_in_a_name_is_refused_beside_it_in_words(system: System) -> None:
    places = system.course()["places_left"]
    body = json.dumps(application_body()).replace('"name": "', '"name": "Al \\ud800')

    reply = _post(system, body.encode())

    assert reply.status == 422, reply.body
    said = reply.json()["error"]["fields"]["name"]
    assert said.startswith("this has a character that could not be read (\\ud800"), said
    assert "unicode" not in said.lower()
    assert system.applications() == []
    assert system.course()["places_left"] == places


def test_a_byte_order_mark_before_the_json_is_taken(system: System) -> None:
    reply = _post(system, b"\xef\xbb\xbf" + json.dumps(application_body()).encode())

    assert reply.status == 201, reply.body


def test_a_charset_other_than_utf_8_is_refused_by_its_name(system: System) -> None:
    body = json.dumps(application_body()).encode()

    reply = _post(system, body, "application/json; charset=utf-16")

    refused = reply.refused(415, "unsupported_media_type")
    assert "declared as charset=utf-16" in refused["message"]
    assert system.applications() == []
    assert _post(system, body, "application/json; charset=UTF-8").status == 201

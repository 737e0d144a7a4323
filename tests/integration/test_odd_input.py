"""Odd input through the real handlers: a clear 4xx in the contract's shape, never a 5xx.

The local stack's own limits (methods, sizes, the scheduler tick) and a broad fuzz are in
``tests/e2e/test_fuzz_odd_input.py``; these are the handlers' share, in process.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import COURSES_DIR, load_event
from tests.support.contract import error_shape_problems
from tests.support.exploration import fuzzing
from tests.support.invoiced import BILLING
from tests.support.system import COURSE_ID, System, application_body

# DynamoDB refuses any key attribute over 2,048 bytes with a ValidationException, in reads as in
# writes; moto checks writes only. This hook makes the handlers' client as strict as AWS.
KEY_LIMIT_BYTES = 2048


def _too_long_key(params: dict[str, Any], **_: Any) -> None:
    keys = [params.get("Key") or {}]
    for request in (params.get("RequestItems") or {}).values():
        keys.extend(request.get("Keys", []))
    values = [v for key in keys for v in key.values()]
    values.extend((params.get("ExpressionAttributeValues") or {}).values())
    for value in values:
        text = value.get("S") if isinstance(value, dict) else None
        if isinstance(text, str) and len(text.encode()) > KEY_LIMIT_BYTES:
            raise ClientError(
                {
                    "Error": {
                        "Code": "ValidationException",
                        "Message": "One or more parameter values were invalid: Size of hashkey "
                        "has exceeded the maximum size limit of 2048 bytes",
                    }
                },
                "GetItem",
            )


@pytest.fixture
def strict_keys(system: System) -> Iterator[System]:
    events = system.dynamodb.meta.events
    events.register("before-parameter-build.dynamodb", _too_long_key)
    yield system
    events.unregister("before-parameter-build.dynamodb", _too_long_key)


def _clear_4xx(reply: Any, status: int) -> None:
    assert reply.status == status, reply.body
    content_type = reply.headers.get("content-type", "")
    assert not error_shape_problems(reply.status, content_type, reply.body.encode())


@pytest.mark.parametrize("token", ["%C3%A9", "%FF", "%F0%9F%98%80", "", "%00"])
def test_a_non_ascii_or_empty_token_is_a_404_not_a_500(system: System, token: str) -> None:
    application = system.apply().json()
    path = f"/applications/{application['application_id']}"
    _clear_4xx(system.api("GET", f"{path}?token={token}"), 404)
    _clear_4xx(system.api("POST", f"{path}/checkout?token={token}"), 404)
    # The right token still works, and the refused restarts changed nothing.
    status = system.api("GET", f"{path}?token={application['token']}")
    assert status.status == 200
    assert status.json()["checkout_url"] == application["checkout_url"]


@pytest.mark.parametrize("token", ["é", "😀", "integration-admin-tokén", "\x00"])
def test_a_non_ascii_organiser_token_is_a_401_not_a_500(system: System, token: str) -> None:
    _clear_4xx(system.admin("GET", f"/courses/{COURSE_ID}/applications", token=token), 401)


def test_a_non_ascii_stripe_signature_is_a_400_not_a_500(system: System) -> None:
    reply = system.webhook(b'{"object": "event"}', {"stripe-signature": "t=1,v1=é"})
    _clear_4xx(reply, 400)
    assert reply.json()["error"]["code"] == "invalid_webhook"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/courses/{long}"),
        ("GET", "/courses/{long}/apply"),
        ("POST", "/courses/{long}/applications"),
        ("GET", "/applications/{long}?token=x"),
        ("POST", "/applications/{long}/checkout?token=x"),
        ("GET", "/admin/courses/{long}/applications"),
        ("POST", "/admin/applications/{long}/approve"),
        ("POST", "/admin/applications/{long}/cancel"),
        ("PUT", "/admin/courses/{long}"),
    ],
)
def test_an_id_longer_than_any_key_is_a_404_not_a_500(
    strict_keys: System, method: str, path: str
) -> None:
    system = strict_keys
    target = path.replace("{long}", "a" * 3_000)
    if target.startswith("/admin/"):
        reply = system.admin(method, target.removeprefix("/admin"), json_body={})
    else:
        reply = system.api(method, target, json_body={} if method == "POST" else None)
    _clear_4xx(reply, 404)
    assert system.applications() == []


def test_the_strict_key_hook_is_what_aws_would_answer(strict_keys: System) -> None:
    # The hook must bite, or the test above proves nothing.
    with pytest.raises(ClientError, match="2048 bytes"):
        strict_keys.dynamodb.get_item(
            TableName=strict_keys.resources.table_name,
            Key={"pk": {"S": "x" * 3_000}, "sk": {"S": "APP"}},
        )


# Odd JSON for any field of a body: every type, extreme numbers, non-ASCII and huge text.
_ODD_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        ["", "é", "Europe", "a" * 300, "0001-01-01", "9999-12-31", "24:00", "-1", "1e309"]
    ),
    st.text(max_size=20),
)
_ODD_JSON = st.recursive(
    _ODD_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document a value could be replaced."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value[:2]):
            found += _paths(inner, (*prefix, index))
    return found


def _replaced(document: Any, path: tuple[Any, ...], odd: Any) -> Any:
    copy = json.loads(json.dumps(document))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = odd
    return copy


@st.composite
def _odd_documents(draw: st.DrawFn, document: dict[str, Any]) -> Any:
    changed = document
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        # Half the time a top-level field, so short documents' fields are not drowned out by
        # the many places inside a long list of sessions.
        top = [(key,) for key in changed] if isinstance(changed, dict) else []
        at_top = bool(top) and draw(st.booleans())
        paths = top if at_top else _paths(changed)
        if not paths:
            break
        changed = _replaced(changed, draw(st.sampled_from(paths)), draw(_ODD_JSON))
    return changed


ODD_SETTINGS = fuzzing(150)


@pytest.mark.parametrize("timezone", ["Europe", "a" * 300, "America/", "zone.tab", "é"])
def test_a_name_that_is_no_timezone_is_a_422(system: System, timezone: str) -> None:
    sample = json.loads((COURSES_DIR / "compassionate-leadership.json").read_text())
    reply = system.admin("PUT", "/courses/odd-zone", json_body={**sample, "timezone": timezone})
    _clear_4xx(reply, 422)
    said = reply.json()["error"]["fields"]["timezone"]
    assert "enter a time zone such as Europe/London" in said  # one wording with the console
    assert "IANA" not in said
    assert system.api("GET", "/courses/odd-zone").status == 404


def test_odd_course_definitions_are_a_clear_422_never_a_500(system: System) -> None:
    sample = json.loads((COURSES_DIR / "compassionate-leadership.json").read_text())
    statuses: set[int] = set()

    @ODD_SETTINGS
    @given(definition=_odd_documents(sample))
    def run(definition: Any) -> None:
        reply = system.admin("PUT", "/courses/odd-course", json_body=definition)
        statuses.add(reply.status)
        assert reply.status in (200, 201, 422), reply.body
        if reply.status == 422:
            _clear_4xx(reply, 422)

    run()
    assert 422 in statuses


def test_odd_applications_are_a_clear_4xx_never_a_500(system: System) -> None:
    statuses: set[int] = set()

    @ODD_SETTINGS
    @given(body=_odd_documents(application_body()))
    def run(body: Any) -> None:
        reply = system.api("POST", f"/courses/{COURSE_ID}/applications", json_body=body)
        statuses.add(reply.status)
        assert reply.status in (201, 409, 422), reply.body
        if reply.status >= 400:
            _clear_4xx(reply, reply.status)

    run()
    assert 422 in statuses


# The one-line fields (a name is a line of the CLI roster, a cell of the CSV) take no line
# break of any kind; no applicant value takes a bidirectional control.
ONE_LINE_FIELDS = ("name", "job_title", "organisation", "billing_name", "po_number")
EVERY_TYPED_FIELD = (
    *ONE_LINE_FIELDS,
    "leadership_role",
    "motivation",
    "accessibility_needs",
    "billing_address",
)


def _invoiced_course(system: System) -> str:
    system.put_course("by-invoice", system.course_file() | {"invoice_allowed": True})
    return "by-invoice"


@pytest.mark.parametrize(
    ("fields", "characters", "typed", "said"),
    [
        pytest.param(
            ONE_LINE_FIELDS,
            ("\n", "\r", "\u2028", "\u0085", "\x0b", "\t"),
            "Ada{}CL-FORGED  Mallory",
            "one line",
            id="a line break in a one-line field",
        ),
        pytest.param(
            EVERY_TYPED_FIELD,
            ("\u202e", "\u202d", "\u2066", "\u2069", "\u200f", "\u061c"),
            "Ada {}gpj.exe",
            "right-to-left",
            id="a bidirectional control in any applicant value",
        ),
        # Unicode's tag characters (invisible: "Ada" and "Ada" + tags spelling
        # hidden words look alike, ASCII smuggling) and noncharacters (no character at all).
        pytest.param(
            EVERY_TYPED_FIELD,
            ("\U000e0041", "\U000e0001", "\U000e007f", "\uffff", "\ufdd0", "\U0010ffff"),
            "Ada {}Lovelace",
            "invisible",
            id="a tag character or a noncharacter in any applicant value",
        ),
    ],
)
def test_a_character_the_field_cannot_hold_is_refused_and_nothing_is_written(
    system: System, fields: tuple[str, ...], characters: tuple[str, ...], typed: str, said: str
) -> None:
    course_id = _invoiced_course(system)
    before = len(system.applications())
    for field in fields:
        for character in characters:
            body = application_body(**BILLING) | {field: typed.format(character)}
            reply = system.api("POST", f"/courses/{course_id}/applications", json_body=body)
            _clear_4xx(reply, 422)
            assert said in reply.json()["error"]["fields"][field], (field, character)
    assert len(system.applications()) == before


def test_a_flag_of_tag_characters_is_kept(system: System) -> None:
    """A subdivision's flag (the black flag, tags spelling "gbsct", the cancel tag) is an emoji
    drawn as one, not hidden text: kept, in an answer as in a name's company."""
    scotland = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    reply = system.apply(motivation=f"Leading a team in Glasgow {scotland}")
    assert reply.status == 201, reply.body
    [row] = system.admin("GET", f"/courses/{COURSE_ID}/applications").json()
    assert row["motivation"] == f"Leading a team in Glasgow {scotland}"


def test_free_text_keeps_its_line_breaks(system: System) -> None:
    answer = "A ward of 30 staff\nand a night team\u2028of 12"
    reply = system.apply(leadership_role=answer)
    assert reply.status == 201, reply.body
    [row] = system.admin("GET", f"/courses/{COURSE_ID}/applications").json()
    assert row["leadership_role"] == "A ward of 30 staff\nand a night team\nof 12"


def test_every_negotiated_answer_varies_on_accept_and_the_private_ones_are_never_stored(
    system: System,
) -> None:
    """Q-values and case decide; each answer says it varies on Accept; the status page
    (its token in the address, personal data in it) is kept by no cache, as JSON or a page."""
    prefers_json = {"accept": "text/html;q=0.1, application/json"}
    courses = system.api("GET", "/courses", headers=prefers_json)
    assert courses.headers["content-type"].startswith("application/json")
    assert courses.headers["vary"] == "Accept"
    assert "cache-control" not in courses.headers  # public, may be cached
    page = system.api("GET", "/courses", headers={"accept": "TEXT/HTML"})
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["vary"] == "Accept"

    applied = system.apply()
    assert applied.status == 201
    assert applied.headers["cache-control"] == "no-store"
    mine = applied.json()
    status_path = f"/applications/{mine['application_id']}?token={mine['token']}"
    for accept in ("application/json", "application/xhtml+xml", "text/html;q=0.1, */*"):
        reply = system.api("GET", status_path, headers={"accept": accept})
        assert reply.status == 200
        assert reply.headers["cache-control"] == "no-store", accept
        assert reply.headers["vary"] == "Accept", accept
    assert (
        system.api("GET", status_path, headers={"accept": "application/xhtml+xml"})
        .headers["content-type"]
        .startswith("text/html")
    )

    wrong = system.api(
        "GET", f"/applications/{mine['application_id']}?token=nope", headers=prefers_json
    )
    assert (wrong.status, wrong.headers["vary"]) == (404, "Accept")
    assert wrong.headers["cache-control"] == "no-store"
    assert wrong.headers["content-type"].startswith("application/json")


# A signed event whose parts have the wrong shape (a `type` that is an object, a
# `data` that is a number, `metadata` that is text, an amount that is text) is a payload
# Stripe never sends and anyone holding the signing secret could: a 400 in the contract's
# shape, nothing written, never a 500 (which Stripe would redeliver for days, alarming).
SAMPLE_EVENTS = (
    "charge.refunded",
    "checkout.session.completed",
    "checkout.session.expired",
    "invoice.paid",
    "invoice.voided",
    "refund.created",
)
ODD_EVENT_PARTS: tuple[tuple[tuple[str, ...], object], ...] = (
    (("type",), {}),
    (("type",), ["invoice.paid"]),
    (("data",), True),
    (("data",), "x"),
    (("data",), 1.5),
    (("data", "object", "metadata"), "application_id"),
    (("data", "object", "metadata"), True),
)


@pytest.mark.parametrize("name", SAMPLE_EVENTS)
@pytest.mark.parametrize(("path", "odd"), ODD_EVENT_PARTS)
def test_a_signed_event_of_the_wrong_shape_is_a_400_never_a_500(
    system: System, name: str, path: tuple[str, ...], odd: Any
) -> None:
    event = _replaced(load_event(f"stripe/{name}.json"), path, odd)
    reply = system.signed_webhook(json.dumps(event).encode())
    _clear_4xx(reply, 400)
    assert reply.json()["error"]["code"] == "invalid_webhook"


def test_an_invoice_event_whose_amount_is_not_a_whole_number_is_a_400(system: System) -> None:
    event = load_event("stripe/invoice.paid.json")
    event["data"]["object"]["amount_paid"] = "20000 pence"
    reply = system.signed_webhook(json.dumps(event).encode())
    _clear_4xx(reply, 400)
    assert reply.json()["error"]["fields"] == {"amount_paid": "a whole number"}


def test_odd_signed_events_are_a_clear_400_or_ignored_never_a_500(system: System) -> None:
    statuses: set[int] = set()

    @ODD_SETTINGS
    @given(name=st.sampled_from(SAMPLE_EVENTS), data=st.data())
    def run(name: str, data: st.DataObject) -> None:
        event = data.draw(_odd_documents(load_event(f"stripe/{name}.json")))
        reply = system.signed_webhook(json.dumps(event).encode())
        statuses.add(reply.status)
        assert reply.status in (200, 400), reply.body
        if reply.status == 400:
            _clear_4xx(reply, 400)

    run()
    assert 400 in statuses

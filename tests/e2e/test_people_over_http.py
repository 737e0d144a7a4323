"""People's addresses over `make run`: mail goes where SES can deliver it, facilitators stay
private, and erasing one person removes their mail from the local outbox and no one else's."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from email import policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import quote

import pytest
import requests

from tests.e2e.conftest import RunningStack
from tests.support.html_forms import form_posting_to

FACILITATORS = ["spft.smc@nhs.net"]  # the sample names the centre's enquiries inbox


def _course(stack: RunningStack) -> str:
    return str(stack.sample()["course_id"])


def _apply_and_pay(stack: RunningStack, name: str, email: str) -> dict[str, Any]:
    applied = stack.applied(_course(stack), name=name, email=email)
    stack.pay(applied)
    return applied


def _to(outbox: list[dict[str, Any]], address: str) -> list[dict[str, Any]]:
    return [m for m in outbox if address in m["to"]]


def test_an_international_domain_is_mailed_in_punycode(stack: RunningStack) -> None:
    tag = uuid.uuid4().hex[:8]
    _apply_and_pay(stack, "Zoe Example", f"zoe-{tag}@bücher.example")
    ascii_address = f"zoe-{tag}@xn--bcher-kva.example"

    def copies_of(outbox: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [m for m in outbox if m["subject"].startswith("New booking") and tag in m["text"]]

    # Each email is sent when the mailer gets to it: wait for all three, in any order.
    outbox = stack.outbox_until(
        lambda o: len(_to(o, ascii_address)) >= 2 and len(copies_of(o)) >= 1
    )
    subjects = sorted(m["subject"].split(":")[0] for m in _to(outbox, ascii_address))
    assert subjects == ["We have received your application", "Your place is confirmed"]
    # On the wire: every recipient header is plain ASCII, no encoded-word inside an address.
    for path in stack.outbox_dir.glob("*.eml"):
        raw = path.read_bytes()
        message = BytesParser(policy=policy.compat32).parsebytes(raw, headersonly=True)
        if ascii_address in str(message["To"]):
            assert str(message["To"]) == ascii_address
            assert "=?" not in str(message["To"])
    # The facilitators' copy still goes to the facilitators' own addresses.
    assert [sorted(m["to"]) for m in copies_of(outbox)] == [FACILITATORS]


def test_an_address_that_cannot_be_delivered_to_is_refused(stack: RunningStack) -> None:
    before = stack.get(f"/courses/{_course(stack)}").json()["places_left"]
    refused = stack.apply(_course(stack), name="Zoë", email="zoë@example.org")
    assert refused.status_code == 422
    assert "before the @" in refused.json()["error"]["fields"]["email"]
    assert stack.get(f"/courses/{_course(stack)}").json()["places_left"] == before


def test_facilitators_are_named_but_their_addresses_never_shown(stack: RunningStack) -> None:
    course = stack.get(f"/courses/{_course(stack)}").json()
    assert course["facilitators"][0]["name"] == "Ruth Sequeira"
    assert [sorted(f) for f in course["facilitators"]] == [["bio", "name"]] * 2  # no address
    page = stack.get(f"/courses/{_course(stack)}/apply").text
    assert "Ruth Sequeira, Catherine Cameron" in page
    # (A facilitator's own private address never shows: tests/integration, on any course.)


def _kept(outbox: list[dict[str, Any]]) -> Counter[tuple[str, ...]]:
    return Counter((m["subject"], *m["to"], m["text"]) for m in outbox)


def _erased_by_the_api(stack: RunningStack, email: str) -> int:
    headers = stack.admin_headers
    return stack.delete(f"/admin/people/{quote(email)}", headers=headers).status_code


def _erased_on_the_console(stack: RunningStack, email: str) -> int:
    """The console's People page, as an organiser erases there: signed in, the confirmation
    page read for its form (its token and what it showed), the box ticked."""
    browser = requests.Session()
    signed_in = browser.post(
        f"{stack.url}/console/sign-in",
        data={"token": stack.admin_token, "next": "/console"},
        timeout=30,
    )
    assert signed_in.status_code == 200, signed_in.text
    confirm = browser.get(f"{stack.url}/console/people/erase", params={"email": email}, timeout=30)
    if confirm.status_code != 200:
        return confirm.status_code
    form = {**form_posting_to(confirm.text, "/console/people/erase"), "confirm": "on"}
    return browser.post(f"{stack.url}/console/people/erase", data=form, timeout=30).status_code


@pytest.mark.parametrize("erase", [_erased_by_the_api, _erased_on_the_console])
def test_erasing_one_person_removes_their_mail_and_no_one_elses(
    stack: RunningStack, erase: Callable[[RunningStack, str], int]
) -> None:
    tag = uuid.uuid4().hex[:8]
    jo = f"jo-{tag}@example.org"
    other = f"joiner-{tag}@example.org"
    # "Jo" is in "Joiner", in "joining link", and in every facilitators' copy of this course.
    _apply_and_pay(stack, "Jo", jo)
    _apply_and_pay(stack, "Joanna Joiner", other)

    def delivered(outbox: list[dict[str, Any]]) -> bool:
        copies = [m for m in outbox if m["subject"].startswith("New booking") and tag in m["text"]]
        return len(_to(outbox, jo)) >= 2 and len(_to(outbox, other)) >= 2 and len(copies) >= 2

    outbox = stack.outbox_until(delivered)
    assert len(_to(outbox, jo)) == 2
    others = _kept([m for m in outbox if jo not in m["to"]])

    # Typed with different capitals: the same person, matched exactly, not by a substring.
    assert erase(stack, jo.upper()) == 200

    after = stack.outbox()
    assert _to(after, jo) == []
    assert others - _kept(after) == Counter(), "someone else's mail was deleted"
    assert len(_to(after, other)) == 2
    # Erasing someone unknown removes nothing.
    assert erase(stack, f"nobody-{tag}@example.org") == 404
    assert _kept(after) - _kept(stack.outbox()) == Counter()


def test_the_facilitators_are_asked_to_delete_an_erased_persons_application(
    stack: RunningStack,
) -> None:
    """The local outbox after an erasure (UK GDPR Article 19): the facilitators sent the
    booking get one request to delete it, by its reference, naming nothing of the person; the
    repeated erasure (404) asks nothing more."""
    tag = uuid.uuid4().hex[:8]
    sam = f"sam-{tag}@example.org"
    reference = _apply_and_pay(stack, f"Sam {tag}", sam)["reference"]

    def about_it(outbox: list[dict[str, Any]], subject: str) -> list[dict[str, Any]]:
        return [
            m
            for m in outbox
            if m["subject"].startswith(subject) and f"({reference})" in m["subject"]
        ]

    def booked(outbox: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return about_it(outbox, "New booking")

    def asked(outbox: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return about_it(outbox, "Please delete an application you were sent")

    assert booked(stack.outbox_until(lambda o: bool(booked(o))))
    assert _erased_by_the_api(stack, sam) == 200

    [request] = asked(stack.outbox_until(lambda o: bool(asked(o))))
    assert sorted(request["to"]) == FACILITATORS
    for part in (request["subject"], request["text"], request["html"], *request["reply_to"]):
        assert tag not in part  # neither the name nor the address
    assert _erased_by_the_api(stack, sam) == 404
    stack.settle()
    assert len(asked(stack.outbox())) == 1

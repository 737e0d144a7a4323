"""A booking form sent again (its key reused: Back, an edit, send; or sent as it was after a
person it named was erased) is refused with a page in a person's words: what happened and what
to do next, never the header a program sends, and never a word about an erasure. The JSON
answer keeps its code (CONTRACT.md)."""

from __future__ import annotations

from typing import Any

from tests.support.invoiced import BILLING, INVOICED
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System, application_body

HTML = {"accept": "text/html"}
GROUP_BOOKINGS = f"/courses/{INVOICED}/group-bookings"
SENT_ALREADY = (
    "This form was sent already",
    "This booking was sent from this page once already, and what that made stands. Nothing "
    "was changed by sending it again.",
    "To book again, open the form afresh from the course's page and send it from there.",
)
# Words for programs, for another refusal, or about what happened to a person's data.
NEVER_SAID = (
    "Idempotency-Key",
    "idempotency",
    "other answers",
    "erase",
    "Erase",
    "removed",
    "deleted",
    "Your application's page",
)


def _form_of_the_page(system: System) -> dict[str, str]:
    """The group form as a manager fills it in (the hidden key the page gave it kept)."""
    page = system.api("GET", f"/courses/{INVOICED}/group-booking", headers=HTML)
    assert page.status == 200, page.body
    key = page.body.split('name="idempotency_key" value="', 1)[1].split('"', 1)[0]
    return {
        "idempotency_key": key,
        "manager_name": "Florence Nightingale",
        "manager_email": "florence@example.org",
        "organisation": "St Elsewhere NHS Trust",
        "colleague_name_1": "Mary Seacole",
        "colleague_email_1": "mary@example.org",
        "consent": "on",
        **BILLING,
    }


def _said_sent_already(reply: Any, *, never: tuple[str, ...] = ()) -> None:
    assert reply.status == 409, reply.body
    said = text_of(reply.body)
    for words in SENT_ALREADY:
        assert words in said, said
    for words in (*NEVER_SAID, *never):
        assert words not in said, (words, said)


def test_the_group_form_sent_again_with_an_edit_says_so_in_a_persons_words(
    invoiced: System,
) -> None:
    system = invoiced
    form = _form_of_the_page(system)
    first = system.api("POST", GROUP_BOOKINGS, form=form, headers=HTML)
    assert first.status == 303, first.body
    edited = form | {"colleague_email_1": "somerville@example.org"}
    _said_sent_already(system.api("POST", GROUP_BOOKINGS, form=edited, headers=HTML))
    assert len(system.ports.groups.groups_of_course(INVOICED)) == 1
    # A program still gets the code (and the words written for it) in JSON.
    as_json = system.api(
        "POST",
        GROUP_BOOKINGS,
        form=edited,
        headers={"idempotency-key": form["idempotency_key"]},
    )
    as_json.refused(409, "idempotency_key_reused")


def test_the_group_form_sent_again_after_a_colleague_was_erased_says_nothing_of_them(
    invoiced: System,
) -> None:
    system = invoiced
    form = _form_of_the_page(system)
    assert system.api("POST", GROUP_BOOKINGS, form=form, headers=HTML).status == 303
    assert system.admin("DELETE", "/people/mary@example.org").status == 200
    # The very same form again: its first request can no longer be compared (what it asked
    # was forgotten with Mary), so it is refused, in the same words as any other resend.
    again = system.api("POST", GROUP_BOOKINGS, form=form, headers=HTML)
    _said_sent_already(again, never=("Mary", "Seacole", "mary@example.org"))
    assert len(system.ports.groups.groups_of_course(INVOICED)) == 1


def test_the_apply_form_sent_again_with_other_answers_says_the_same(system: System) -> None:
    form = {k: str(v) for k, v in application_body().items() if k != "consent"}
    form["consent"] = "on"
    headers = {**HTML, "idempotency-key": "apply-form-sent-twice"}
    path = f"/courses/{COURSE_ID}/applications"
    first = system.api("POST", path, form=form, headers=headers)
    assert first.status == 303, first.body
    _said_sent_already(
        system.api("POST", path, form=form | {"job_title": "Ward sister"}, headers=headers)
    )
    assert len(system.applications()) == 1


def test_the_apply_form_sent_again_after_its_applicant_was_erased_says_nothing_of_them(
    system: System,
) -> None:
    form = {k: str(v) for k, v in application_body().items() if k != "consent"}
    form["consent"] = "on"
    headers = {**HTML, "idempotency-key": "apply-form-then-erased"}
    path = f"/courses/{COURSE_ID}/applications"
    assert system.api("POST", path, form=form, headers=headers).status == 303
    assert system.admin("DELETE", f"/people/{form['email']}").status == 200
    again = system.api("POST", path, form=form, headers=headers)
    _said_sent_already(again, never=(form["name"], form["email"]))

"""An erased person's booking: what would tell them is refused in words on both surfaces, and
the console offers exactly the actions its routes accept (``domain.commands.nobody_to_tell``)."""

from __future__ import annotations

import pytest

from booking.domain.application import ERASED_EMAIL
from tests.support.cohorts import Cohorts
from tests.support.console import ConsoleBrowser
from tests.support.page_text import text_of
from tests.support.system import System

PERSON = "gone@example.org"
NOBODY = "this person's data was erased; there is no one to send it to"
# Every action an application's page can offer, by its path under the page; the cancellation
# last, as it ends the booking.
ACTIONS = (
    "approve",
    "decline",
    "resend",
    "bursary",
    "invoice/resend",
    "invoice/void",
    "transfer/withdraw",
    "transfer",
    "cancel",
)
FORMS = {"bursary": {"amount": "50.00"}, "transfer": {"to_course_id": "move-summer"}}


@pytest.fixture
def erased(system: System) -> str:
    """The page of an erased person's paid booking on a programme with other cohorts."""
    booked = Cohorts(system).book("move-spring", PERSON)
    assert system.admin("DELETE", f"/people/{PERSON}").status == 200
    # The erasure's own message: the facilitators sent the booking are asked to delete it.
    [asked] = system.deliver_emails()
    assert asked.to == ["facilitator-spring@example.org"]
    return f"/console/applications/{booked['application_id']}"


def test_resending_an_erased_persons_confirmation_is_refused_in_words(
    system: System, browser: ConsoleBrowser, erased: str
) -> None:
    application_id = erased.rsplit("/", 1)[1]
    api = system.admin("POST", f"/applications/{application_id}/resend-confirmation")
    api.refused(409, "person_erased")
    assert api.json()["error"]["message"] == NOBODY

    console = browser.act(f"{erased}/resend")
    assert console.status == 409
    assert "This person's data was erased; there is no one to send it to." in text_of(console.body)
    assert system.deliver_emails() == []


def test_an_erased_persons_booking_offers_exactly_what_its_routes_accept(
    system: System, browser: ConsoleBrowser, erased: str
) -> None:
    page = browser.get(erased).body
    offered = {action for action in ACTIONS if f'{erased}/{action}"' in page}
    assert offered == {"cancel"}
    assert f"Nobody is emailed: {NOBODY}." in text_of(page)

    # Each posted with what the application is now (as the API reads it), as a page would.
    seen = system.admin("GET", f"/applications/{erased.rsplit('/', 1)[1]}").json()["seen"]
    accepted = {
        action
        for action in ACTIONS
        if browser.act(f"{erased}/{action}", seen=seen, **FORMS.get(action, {})).status == 303
    }
    assert accepted == offered


def test_with_nothing_left_to_do_the_page_says_why(
    system: System, browser: ConsoleBrowser, erased: str
) -> None:
    application_id = erased.rsplit("/", 1)[1]
    cancelled = system.cancel(application_id)
    assert cancelled.status == 200
    assert f"No action fits: {NOBODY}." in browser.words(erased)


@pytest.mark.parametrize(
    ("form", "did"),
    [
        ({"refund": "on"}, "is being refunded in full through Stripe."),
        ({}, "Cancelled without a refund: the "),
    ],
)
def test_cancelling_an_erased_persons_booking_says_nobody_was_emailed(
    system: System, browser: ConsoleBrowser, erased: str, form: dict[str, str], did: str
) -> None:
    system.deliver_emails()
    reply = browser.press(f"{erased}/cancel", f"{erased}/cancel", **form)
    assert reply.status == 303, reply.body
    assert reply.headers["location"] == erased
    said = browser.words(reply.headers["location"])
    assert did in said
    assert f"Nobody was emailed: {NOBODY}." in said
    assert "has been emailed" not in said
    # Nothing went to the person (nobody is left to send it to).
    sent_to = {address for email in system.deliver_emails() for address in email.to}
    assert not sent_to & {PERSON, ERASED_EMAIL}

"""Once a group's manager is erased, the organisers cancel a colleague's booking on one of its
places from the console as from the API (``{"refund": true}``) and the CLI (``--refund``): the
Cancel form offers to refund the place's share to the employer, and its notice says what became
of the employer's money (refunded or kept), never the colleague's (who paid nothing)."""

from __future__ import annotations

from typing import Any

import pytest

from booking.domain.wording import money_words
from tests.support.console import ConsoleBrowser, signed_in
from tests.support.groups import COLLEAGUES, colleague_applies, paid_group
from tests.support.page_text import text_of
from tests.support.system import System

pytestmark = pytest.mark.usefixtures("invoiced")  # every test here on the invoiced cohort

EMPLOYER = "St Elsewhere NHS Trust"


def _manager_erased(system: System) -> tuple[dict[str, Any], str]:
    """A paid group whose first colleague booked through their link, its manager then erased:
    the group, and the colleague's application page."""
    group = paid_group(system, colleagues=COLLEAGUES[:2])
    colleague_applies(system, group)
    assert system.admin("DELETE", "/people/florence@example.org").status == 200
    system.deliver_emails()
    [colleague] = system.ports.repository.applications_of_person(COLLEAGUES[0]["email"])
    return group, f"/console/applications/{colleague.application_id}"


def _cancelled(browser: ConsoleBrowser, path: str, **form: str) -> str:
    reply = browser.press(f"{path}/cancel", f"{path}/cancel", **form)
    assert reply.status == 303, reply.body
    return browser.words(reply.headers["location"])


def test_the_console_refunds_a_group_places_share_to_the_employer_and_says_so(
    system: System,
) -> None:
    group, path = _manager_erased(system)
    browser = signed_in(system)
    share = money_words(system.stored_group(group).price.amount, "gbp")
    assert f"Also refund its {share} share to {EMPLOYER} through Stripe" in browser.words(path)
    said = _cancelled(browser, path, refund="on")
    after = system.stored_group(group)
    assert after.places[0].released
    assert after.amount_refunded == after.price.amount  # the place's share, back to the employer
    assert (
        f"Cancelled: the group place is given up, and its {share} share is being refunded to "
        f"{EMPLOYER} through Stripe. The applicant has been emailed."
    ) in said
    assert "No money had been paid" not in said


def test_the_colleague_is_told_their_employer_paid_for_the_place_not_that_nothing_was(
    system: System,
) -> None:
    """The colleague paid nothing, but their place was paid for: their email and their page
    say the employer's group booking paid, never "No money was taken for it"."""
    _group, path = _manager_erased(system)
    [colleague] = system.ports.repository.applications_of_person(COLLEAGUES[0]["email"])
    _cancelled(signed_in(system), path, refund="on")

    [told] = [e for e in system.deliver_emails() if list(e.to) == [colleague.answers.email]]
    page = text_of(
        system.status_page({"application_id": colleague.application_id, "token": colleague.token})
    )

    assert f"The place was paid for by {EMPLOYER}, not by you" in told.text
    assert f"The place was paid for by {EMPLOYER}, not by you" in text_of(told.html)
    assert "Your employer's group booking paid for the place, not you" in page
    for said in (told.text, text_of(told.html), page):
        assert "No money was taken" not in said


def test_the_console_keeps_the_employers_share_when_not_asked_to_refund_it(system: System) -> None:
    group, path = _manager_erased(system)
    said = _cancelled(signed_in(system), path)
    after = system.stored_group(group)
    assert after.places[0].released
    assert after.amount_refunded == 0
    assert (
        f"Cancelled: the group place is given up, and its share of {EMPLOYER}'s payment is "
        "kept (nothing was refunded)."
    ) in said
    assert "No money had been paid" not in said


def test_a_form_not_showing_the_colleagues_booking_as_it_is_gives_nothing_up(
    system: System,
) -> None:
    """A place the organisers give up (its manager erased) is decided on the group's record,
    not the application's: what the page showed (``seen``) is compared there too, on the
    colleague's booking, before the share is refunded. A form whose ``seen``
    is not this booking as it is now (another booking's page, here) gives nothing up."""
    group, path = _manager_erased(system)
    browser = signed_in(system)
    other = system.booked(email="someone.else@example.org")
    elsewhere = f"/console/applications/{other['application_id']}"
    form = browser.form(f"{path}/cancel?refund=on", f"{path}/cancel")
    form["seen"] = browser.form(f"{elsewhere}/cancel", f"{elsewhere}/cancel")["seen"]

    refused = browser.post(f"{path}/cancel", **form)

    assert refused.status == 409, refused.body[:500]
    assert "changed since you last looked at it" in refused.body
    after = system.stored_group(group)
    assert not after.places[0].released
    assert after.amount_refunded == 0

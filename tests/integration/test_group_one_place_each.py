"""One person, one place on a course, from the other side: someone a manager booked a place for
who applies on their own through the public form is sent to their own link; once their place is
given up, or another colleague takes it, they apply like anyone else."""

from __future__ import annotations

import pytest

from tests.support.groups import (
    NAMED,
    apply_on_their_own,
    book,
    colleague_applies,
    give_up,
    paid_group,
    substitute,
)
from tests.support.invoiced import BILLING, INVOICED
from tests.support.system import System, application_body

pytestmark = pytest.mark.usefixtures("invoiced")  # every test here on the invoiced cohort


def refused_as_booked_for_them(system: System, email: str) -> str:
    """Applying on their own with ``email`` is refused (409, ``place_booked_for_you``) and
    writes nothing: the refusal's words."""
    before = len(system.applications())
    refused = apply_on_their_own(system, email)
    error = refused.refused(409, "place_booked_for_you")
    assert len(system.applications()) == before  # nothing written
    return str(error["message"])


def test_a_colleague_named_on_a_paid_group_is_sent_to_their_own_link(system: System) -> None:
    paid_group(system)
    assert refused_as_booked_for_them(system, NAMED["email"].upper()) == (
        "A place on this course has been booked for you by St Elsewhere NHS Trust; apply "
        "through the link in the email we sent you about it"
    )


def test_a_colleague_named_on_a_group_not_yet_paid_is_refused_too(system: System) -> None:
    assert book(system, **BILLING).status == 201
    # No link exists yet (it is emailed once the group is paid): the words say so.
    assert refused_as_booked_for_them(system, NAMED["email"]) == (
        "A place on this course is being booked for you by St Elsewhere NHS Trust; you will "
        "be emailed a link to apply once it is paid"
    )
    assert not [e for e in system.deliver_emails() if NAMED["email"] in e.to]
    page = system.api(
        "POST",
        f"/courses/{INVOICED}/applications",
        form=application_body(name=NAMED["name"], email=NAMED["email"], payment_method="card"),
        headers={"accept": "text/html"},
    )
    assert page.status == 409
    assert "A place has been booked for you" in page.body
    assert "you will be emailed a link to apply once it is paid" in page.body
    assert "the link is in every email we have sent you" not in page.body


def test_a_colleague_who_applied_through_their_link_is_told_they_have_applied(
    system: System,
) -> None:
    """Their place's claim is their application's now: answered as anyone
    who applied already, never sent back to a link they have used."""
    colleague_applies(system, paid_group(system))
    system.deliver_emails()
    before = len(system.applications())

    again = apply_on_their_own(system, NAMED["email"].upper())

    error = again.refused(409, "already_applied")
    assert error["message"].startswith("you have already applied for ")
    assert "link in the email" not in error["message"]
    assert len(system.applications()) == before  # nothing written
    [told] = [e for e in system.deliver_emails() if NAMED["email"] in e.to]
    assert "confirmed" in told.text.lower()


def test_a_colleague_whose_place_was_given_up_applies_normally(system: System) -> None:
    group = paid_group(system)
    given_up = give_up(system, group, 1)
    assert given_up.status == 200, given_up.body
    applied = apply_on_their_own(system, NAMED["email"])
    assert applied.status == 201, applied.body


def test_a_colleague_another_took_the_place_of_applies_normally(system: System) -> None:
    group = paid_group(system)
    swapped = substitute(system, group, 1, {"name": "Ada Lovelace", "email": "ada@example.org"})
    assert swapped.status == 200, swapped.body
    applied = apply_on_their_own(system, NAMED["email"])
    assert applied.status == 201, applied.body
    refused_as_booked_for_them(system, "ada@example.org")

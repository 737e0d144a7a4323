"""A group manager's erasure asks the facilitators sent their colleagues' bookings, each of which
named the manager ("booked and paid for by <manager> of <organisation>"), to delete those
emails (UK GDPR Article 19), as a person's own erasure asks of their application; and the
erasure's answer says, in words, how many lists were asked. Through the real handlers (admin,
relay, mailer), moto and the Stripe stand-in."""

from __future__ import annotations

import pytest

from tests.support.console import signed_in
from tests.support.groups import COLLEAGUES, MANAGER, apply_through, paid_group
from tests.support.system import System

pytestmark = pytest.mark.usefixtures("invoiced")

ASKED = "Please delete the emails naming who booked a place"


def test_the_lists_sent_the_colleagues_bookings_are_asked_and_the_answer_says_so(
    system: System,
) -> None:
    group = paid_group(system, colleagues=COLLEAGUES[:2])
    system.deliver_emails()
    references = []
    for place, colleague in zip(group["places"], COLLEAGUES[:2], strict=True):
        applied = apply_through(system, place["apply_url"], **colleague)
        assert applied.status == 201, applied.body
        references.append(applied.json()["reference"])
    copies = [m for m in system.deliver_emails() if m.subject.startswith("New booking")]
    assert len(copies) == 2
    assert all("Florence Nightingale" in m.text for m in copies)
    facilitators = copies[0].to

    erased = system.admin("DELETE", f"/people/{MANAGER}")

    assert erased.status == 200, erased.body
    [booking] = erased.json()["group_bookings"]
    assert booking["facilitator_lists_asked"] == 1
    said = " ".join(erased.json()["said"])
    assert (
        "the facilitators sent its colleagues' bookings, which named the manager, were asked "
        "to delete those emails (the facilitators of 1 cohort)" in said
    )
    asked = system.deliver_emails()
    assert sorted(m.subject for m in asked) == sorted(
        f"{ASKED}: {copies[0].subject.split(': ', 1)[1].rsplit(' (', 1)[0]} ({r})"
        for r in references
    )
    for message in asked:
        assert message.to == facilitators
        for part in (message.subject, message.text, message.html):
            assert "Florence" not in part
            assert MANAGER not in part
            assert all(c["name"] not in part for c in COLLEAGUES)
        assert "The participant's booking stands" in message.text
    # The colleagues' bookings stand; repeated, nobody is asked again.
    assert system.admin("DELETE", f"/people/{MANAGER}").status == 404
    assert system.deliver_emails() == []


def test_a_persons_own_erasure_says_how_many_lists_were_asked(system: System) -> None:
    group = paid_group(system, colleagues=COLLEAGUES[:1])
    system.deliver_emails()
    applied = apply_through(system, group["places"][0]["apply_url"], **COLLEAGUES[0])
    assert applied.status == 201, applied.body
    system.deliver_emails()

    erased = system.admin("DELETE", f"/people/{COLLEAGUES[0]['email']}")

    assert erased.status == 200, erased.body
    [application] = erased.json()["applications"]
    assert application["facilitator_lists_asked"] == 1
    # Counted as the timeline counts the email that asks them: by address.
    [asked] = system.deliver_emails()
    addresses = f"{len(asked.to)} address{'es' if len(asked.to) != 1 else ''}"
    assert (
        f"the facilitators it was sent to were asked to delete their copies ({addresses})"
        in " ".join(erased.json()["said"])
    )
    timeline = signed_in(system).words(f"/console/applications/{application['application_id']}")
    assert f"Email sent to the facilitators ({addresses})" in timeline

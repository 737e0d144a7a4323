"""An applicant who wrote down access needs (captions, a screen reader) heard
nothing of them again: the acknowledgement, the confirmation and the status page were the same
as everyone's, so they could not tell whether anyone running the course had read them. The
confirmation now says that what they told us went to the facilitators with their application,
who will ask if they need to know more; it never repeats what they wrote (an email may be
read over a shoulder or forwarded), and says nothing to someone who gave none."""

from __future__ import annotations

from booking.domain.emails import OutgoingEmail
from tests.support.system import System

NEEDS = "Captions, please: I am hard of hearing"
SAID = "You told us about access needs when you applied"


def _sent(system: System, **answers: str) -> list[OutgoingEmail]:
    system.booked(**answers)
    return system.deliver_emails()


def _confirmation(system: System, **answers: str) -> OutgoingEmail:
    sent = _sent(system, **answers)
    [confirmation] = [m for m in sent if m.subject.startswith("Your place is confirmed")]
    return confirmation


def test_the_confirmation_says_the_facilitators_have_the_access_needs(system: System) -> None:
    sent = _sent(system, accessibility_needs=NEEDS)
    [confirmation] = [m for m in sent if m.subject.startswith("Your place is confirmed")]
    for said in (confirmation.text, confirmation.html):
        assert SAID in said
        assert "facilitators" in said
        assert "Captions" not in said
    # What it promises holds: the facilitators' copy, sent as the place is booked, carries
    # the needs themselves.
    [copy] = [m for m in sent if m.subject.startswith("New booking")]
    assert NEEDS in copy.text


def test_no_word_of_access_needs_to_someone_who_gave_none(system: System) -> None:
    confirmation = _confirmation(system, accessibility_needs="   ")
    assert SAID not in confirmation.text
    assert SAID not in confirmation.html

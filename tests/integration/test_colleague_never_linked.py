"""A colleague is told their group place ended only if they were sent its link:
a substitute whose place is given up before the mailer sent them their link is told nothing
(never "The link we sent you to apply for it no longer works"), nor is a colleague whose place
is given up before the payment's links went; one who was sent their link is told, as before.
Decided from the mailer's record of the link (``domain.colleague_links.link_went``). Through
the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from booking.domain.colleague_links import first_link
from booking.domain.emails import OutgoingEmail
from booking.domain.groups import GroupBooking
from booking.services.ports import EmailClaim
from tests.support.groups import (
    COLLEAGUES,
    MANAGER,
    OTHERS,
    give_up,
    paid_by_card,
    paid_card_group,
    substitute,
)
from tests.support.system import System

GONE = "The link we sent you to apply for it no longer works."
SUBSTITUTE = OTHERS[0]


def _paid(system: System, *, deliver: bool = True) -> dict[str, Any]:
    return paid_card_group(system) if deliver else paid_by_card(system)


def _to(sent: list[OutgoingEmail], person: dict[str, str]) -> list[str]:
    return [m.subject for m in sent if m.to == [person["email"]]]


def _words(message: OutgoingEmail) -> str:
    return " ".join(message.text.split())


def test_a_substitute_whose_place_is_given_up_before_their_link_went_is_told_nothing(
    system: System,
) -> None:
    group = _paid(system)
    assert substitute(system, group, 2, SUBSTITUTE).status == 200
    assert give_up(system, group, 2).status == 200  # before the mailer reached the link
    sent = system.deliver_emails()
    assert _to(sent, SUBSTITUTE) == []
    assert not [m for m in sent if GONE in _words(m)]
    # The manager hears of the place given up all the same.
    assert any("given up" in m.subject.lower() for m in sent if m.to == [MANAGER])


def test_a_substitute_sent_their_link_is_told_when_the_place_is_given_up(system: System) -> None:
    group = _paid(system)
    assert substitute(system, group, 2, SUBSTITUTE).status == 200
    linked = system.deliver_emails()
    assert len(_to(linked, SUBSTITUTE)) == 1
    assert give_up(system, group, 2).status == 200
    [told] = [m for m in system.deliver_emails() if m.to == [SUBSTITUTE["email"]]]
    assert told.subject.startswith("Your place has been given up: ")
    assert GONE in _words(told)


def test_a_place_given_up_before_the_payment_s_links_went_tells_its_colleague_nothing(
    system: System,
) -> None:
    group = _paid(system, deliver=False)
    assert give_up(system, group, 2).status == 200
    sent = system.deliver_emails()
    assert _to(sent, COLLEAGUES[1]) == []  # neither the link nor its end
    assert len(_to(sent, COLLEAGUES[0])) == 1  # the place kept: its link
    assert not [m for m in sent if GONE in _words(m)]


def _link_left_sending(system: System, group: dict[str, Any], place: int, age: timedelta) -> str:
    """The first link of ``place``'s colleague claimed ``age`` ago by a delivery that died
    there (before SES): its claim left ``sending``. Its job id."""
    stored = system.ports.groups.get_group(group["group_id"])
    assert isinstance(stored, GroupBooking)
    job_id = first_link(stored, stored.places[place - 1]).job_id
    then = system.ports.clock() - age
    claimed = system.ports.repository.claim_email(job_id, then, then)
    assert claimed is EmailClaim.CLAIMED
    return job_id


def test_a_link_left_sending_by_a_dead_delivery_tells_its_colleague_nothing_of_the_end(
    system: System,
) -> None:
    """The link's delivery died before SES (its claim left ``sending``, older
    than the mailer's claim timeout) and the place was given up: the end is decided at once
    (no link went, so nothing is said), not retried until the dead-letter queue; the link's
    own delivery again finds the place given up and sends nothing either."""
    group = _paid(system)
    assert substitute(system, group, 2, SUBSTITUTE).status == 200
    age = system.ports.email_claim_timeout + timedelta(seconds=1)
    job_id = _link_left_sending(system, group, 2, age)
    assert give_up(system, group, 2).status == 200
    sent = system.deliver_emails()  # every job done: none put back on the queue
    assert _to(sent, SUBSTITUTE) == []
    assert not [m for m in sent if GONE in _words(m)]
    assert system.ports.repository.email_state(job_id) == "sending"  # never taken over

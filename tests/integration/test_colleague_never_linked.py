"""A colleague is told their group place ended only if they were sent its link (hostile22 H3):
a substitute whose place is given up before the mailer sent them their link is told nothing
(never "The link we sent you to apply for it no longer works"), nor is a colleague whose place
is given up before the payment's links went; one who was sent their link is told, as before.
Decided from the mailer's record of the link (``domain.colleague_links.link_went``). Through
the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from typing import Any

from booking.domain.emails import OutgoingEmail
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

"""The one check every group message passes before it is claimed (``services.group_emails``):
a link that acts for someone (the manager's page, a colleague's link to apply) goes to them
alone."""

from __future__ import annotations

import pytest

from booking.domain.emails import OutgoingEmail
from booking.services.group_emails import LinkMisaddressed, _links_to_their_holders_alone
from tests.support.applications import ACCOUNTS as BILLING
from tests.support.group_bookings import group_by_invoice


def _message(to: list[str], text: str) -> OutgoingEmail:
    return OutgoingEmail(to=to, reply_to=[], subject="s", text=text, html=text)


def test_a_message_carrying_the_managers_page_to_anyone_else_is_refused() -> None:
    group = group_by_invoice(billing=BILLING)
    page = f"https://b/groups/{group.group_id}?token={group.token}"
    _links_to_their_holders_alone(group, _message([group.manager.email], page))
    for others in ([BILLING.billing_email], [group.manager.email, "x@example.org"]):
        with pytest.raises(LinkMisaddressed):
            _links_to_their_holders_alone(group, _message(others, page))


def test_a_colleagues_link_to_anyone_else_is_refused() -> None:
    group = group_by_invoice(billing=BILLING)
    place = group.places[0]
    link = f"https://b/groups/{group.group_id}/places/1/apply?token={place.token}"
    _links_to_their_holders_alone(group, _message([place.colleague.email], link))
    with pytest.raises(LinkMisaddressed):
        _links_to_their_holders_alone(group, _message([group.manager.email], link))

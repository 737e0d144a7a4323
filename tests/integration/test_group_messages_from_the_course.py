"""A group booking's messages come from its course as every other message does: the course by
name in From, and a reply reaching the centre's enquiries address. The manager's and the
facilitators' (a dispute of the group's payment) alike. Through the real handlers, moto and
the Stripe stand-in."""

from __future__ import annotations

from tests.integration.test_disputes_groups_invoices import _card_group, _checkout_of, _opened
from tests.support.groups import MANAGER
from tests.support.system import COURSE_ID, System


def test_the_managers_and_the_facilitators_messages_are_the_courses(system: System) -> None:
    course = system.ports.repository.get_course(COURSE_ID)
    assert course is not None
    definition = course.definition
    group = _card_group(system)  # its messages delivered
    to_manager = [m for m in system.sent if m.to == [MANAGER]]
    assert to_manager
    _opened(system, _checkout_of(group))
    facilitators = set(definition.facilitator_addresses())
    told = [m for m in system.deliver_emails() if set(m.to) == facilitators]
    assert told
    from_and_reply = {(m.sender_name, tuple(m.reply_to)) for m in [*to_manager, *told]}
    assert from_and_reply == {(definition.title, (definition.enquiries_email,))}

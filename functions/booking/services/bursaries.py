"""Bursaries: an organiser funds a place, in full or in part.

The amount is checked here; what it does is the one money decision's
(``domain.settlement``): a place left with nothing to pay (a full bursary, or a bursary and a
discount code together) is confirmed at once, with the same emails as a paid booking and no
payment step (it needs a free seat, or the one it holds), its open checkout expired or its
invoice voided; a place left with something to pay has its open checkout closed (the applicant
starts a new one at the new amount) or its invoice replaced by one for the rest, in one step.
"""

from __future__ import annotations

from booking.domain.billing import left_too_little
from booking.domain.errors import InvalidInput
from booking.domain.invoice_voiding import GRANT_ONCE_SETTLED, VoidingFor
from booking.domain.live_for_money import NOT_FUNDABLE, bursary_refusal, restart_refusal
from booking.domain.money import Money
from booking.domain.organiser_money_acts import BursaryGranted
from booking.domain.page_seen import Seen
from booking.domain.read_against import NOTHING_READ, ReadAgainst
from booking.services.acted import Acted
from booking.services.code_uses import code_used_up_since
from booking.services.concurrency import load_application
from booking.services.invoice_requests import refuse_while_being_paid
from booking.services.ports import Ports
from booking.services.settle import act_settled


def grant_bursary(
    ports: Ports,
    application_id: str,
    amount: object,
    *,
    read_against: ReadAgainst[VoidingFor] = NOTHING_READ,
) -> Acted:
    """Fund the place by ``amount`` (pence); granted already, nothing changes (``changed``
    False) and nobody is emailed again. Refused while no place may be taken on it, or it has
    ended for money (``domain.live_for_money.bursary_refusal``: an offer turned down), and
    while a payment of its open invoice, which the grant would replace or void, is on its way
    (``invoice_requests.refuse_while_being_paid``: one read at Stripe). ``read_against``: what
    the organiser's page showed (``domain.page_seen``: the console's form, the API's ``seen``),
    judged in the grant's decision; without a bursary in it, the one this read found: another
    amount granted since is 409 ``bursary_changed``, anything else changed since the page 409
    ``application_changed``; or the sweep's completion of a grant left half done, only while
    the application carries its mark."""
    application = load_application(ports, application_id)
    course = ports.repository.get_course(application.course_id)
    price = application.price or (course.definition.price if course else None)
    # As every read says it (an offer lapsed or turned down, ...); the same grant again is
    # the decision's to judge (granted already on a booking it confirmed, or refused).
    refused = bursary_refusal(application, course, ports.clock()) if course else None
    if refused is None and course is not None and code_used_up_since(ports, application):
        refused = restart_refusal(application, course, code_used_up=True)
    again = amount == application.bursary and refused is not None and refused.code == NOT_FUNDABLE
    if refused is not None and not again:
        raise refused
    amount = _in_range(amount, price)
    if price is not None:
        too_little = left_too_little(price, amount, application.discount, application.amount_kept)
        if too_little is not None:
            raise InvalidInput("the bursary needs attention", {"amount": too_little})
    if amount != application.bursary:  # the same grant again changes nothing: nothing to read
        # Not under the employer's payment of the invoice it would replace.
        refuse_while_being_paid(ports, application, then=GRANT_ONCE_SETTLED)
    shown = (read_against.seen or Seen()).or_fact("bursary", str(application.bursary))
    granted = BursaryGranted(amount, seen=shown)
    return act_settled(
        ports,
        application_id,
        granted,
        first=application,
        read_against=read_against,
        said="bursary granted",
    )


def _in_range(amount: object, price: Money | None) -> int:
    """The one bound of a bursary, said whatever was sent beyond it (nothing, below zero, more
    than the place costs): above zero and at most the place's price, which is named (in
    pence with pounds beside them; the console and the CLI say it as typed, in pounds). The
    amount, once it is one."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidInput(
            "the bursary needs attention", {"amount": "Enter a whole number of pence, at least 1"}
        )
    if price is None:
        if amount < 1:
            raise InvalidInput("the bursary needs attention", {"amount": "Enter at least 1 penny"})
        return amount
    if not 0 < amount <= price.amount:
        raise InvalidInput(
            "the bursary needs attention",
            {
                "amount": f"Enter above zero and at most the price of the place, "
                f"{price.in_minor_units()}"
            },
        )
    return amount

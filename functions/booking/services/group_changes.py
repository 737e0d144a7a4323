"""The manager changes the places: another colleague takes one (a substitution), or one is
given up (its share refunded, or, before the group paid, taken off its invoice or its checkout)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any, TypeVar

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.colleague_told import PlaceEnd
from booking.domain.commands import Refund
from booking.domain.disputed_refunds import group_payment_held, group_share_refused_while_disputed
from booking.domain.employer_share import share_refundable, share_refunded
from booking.domain.errors import (
    AlreadyRefunded,
    ColleagueEnrolled,
    Conflict,
    InvalidInput,
    RefundAboveWhatIsLeft,
    RefundRefused,
)
from booking.domain.group_events import GroupEvent
from booking.domain.group_form import Substitute
from booking.domain.group_notices import manager_told
from booking.domain.group_refunds import GroupRefunded, place_refund_key, refuse_once_refunded
from booking.domain.groups import (
    GroupBooking,
    GroupStatus,
)
from booking.domain.page_seen import Seen, seen_refusal
from booking.domain.place_changes import (
    refuse_unless_open,
    refuse_unless_substitutable,
)
from booking.domain.validation import parse_posted
from booking.services.access import existing_course
from booking.services.concurrency import retried
from booking.services.group_applying import withdraw_application
from booking.services.group_payments import ended_if_all_given_back, organisers_shown
from booking.services.group_unpaid_give_up import off_the_way_to_pay
from booking.services.groups import (
    GroupView,
    find_group,
    group_reader,
    managed_group,
    view_of,
)
from booking.services.one_place_each import ALREADY_ON_COURSE, has_a_place_on
from booking.services.payment_port import RefundMade
from booking.services.ports import Ports
from booking.services.refunds_held import given_up_as_stripe_holds
from booking.services.settle import refund, refund_at_provider
from booking.services.waitlist import offer_free_places

logger = Logger(child=True)
T = TypeVar("T")


def substitute(
    ports: Ports, group_id: str, token: str, number: int, payload: Mapping[str, Any]
) -> GroupView:
    """Another colleague takes place ``number``: a new link (the old one stops working), and
    the old colleague's application, if they had applied, is withdrawn."""
    colleague = parse_posted(Substitute, payload, "the colleague named needs attention").colleague()

    def change(group: GroupBooking) -> GroupBooking:
        course = existing_course(ports, group.course_id)
        now = ports.clock()
        refuse_unless_substitutable(group, now, course.first_start())
        refuse_once_refunded(group)
        if now >= group.apply_by:
            raise Conflict(
                "the time to name colleagues for these places has passed", code="apply_by_passed"
            )
        place = group.place(number)
        if place.released:
            raise Conflict("this place was cancelled", code="place_cancelled")
        others = {p.colleague.email.lower() for p in group.places if p.number != number}
        if colleague.email.lower() in others:
            raise InvalidInput(
                "each colleague needs their own place",
                {"email": "this colleague has another place in this booking"},
            )
        if colleague.email.lower() != place.colleague.email.lower() and has_a_place_on(
            ports, group.course_id, colleague.email, besides_group=group.group_id
        ):
            raise InvalidInput(
                "this colleague already has a place on this course", {"email": ALREADY_ON_COURSE}
            )
        # Before the booking is paid no link was sent: a change then is a correction of who
        # the place is for (an address put right), not another colleague named instead.
        sent = group.status is GroupStatus.PAID
        new_place = place.model_copy(
            update={
                "colleague": colleague,
                "token": secrets.token_urlsafe(24),
                "substitutions": place.substitutions + (1 if sent else 0),
            }
        )
        changed = group.with_place(new_place, now)
        if group.status is GroupStatus.PAID:
            # Unpaid, the payment's event sends every colleague their link (this one's too).
            changed = changed.told_colleague(new_place)
        try:
            return ports.groups.save_group(changed, group)
        except ColleagueEnrolled:
            # The save decides: the colleague applied (or was named) since the read above.
            raise InvalidInput(
                "this colleague already has a place on this course", {"email": ALREADY_ON_COURSE}
            ) from None

    saved = retried(
        change, lambda: find_group(ports, group_id), first=managed_group(ports, group_id, token)
    )
    withdraw_holder(ports, saved, number, "substituted")
    logger.info("group place substituted", extra={"group_id": group_id, "place": number})
    return view_of(ports, saved)


def withdraw_holder(ports: Ports, group: GroupBooking, number: int, reason: str) -> None:
    holder = _holder(ports, group, number)
    if holder is not None and not holder.enrolment_ended:
        withdraw_application(ports, holder, reason)


def cancel_place(ports: Ports, group_id: str, token: str, number: int) -> GroupView:
    """Place ``number`` is given up: its colleague's application (if any) is withdrawn, its
    share of the payment refunded through Stripe, and its seat goes to the waiting list. While
    the employer's invoice is unpaid, the invoice is replaced by one for the places kept; while
    the card payment is open, its checkout by one for the places kept. A payment Stripe says
    was refunded already is read back first (``given_up_as_stripe_holds``)."""
    group = managed_group(ports, group_id, token)
    try:
        return given_up_as_stripe_holds(ports, group, lambda g: _place_cancelled(ports, g, number))
    except Conflict:
        # Refused (Stripe holding nothing left to refund, a request still running) because
        # the place went meanwhile (the same give-up sent twice, or the booking ended by
        # another place taking the last of the payment): the repeat's answer, never a
        # refusal saying nothing changed of a place given up.
        fresh = find_group(ports, group_id)
        if fresh.place(number).released:
            return view_of(ports, fresh)
        raise


def _place_cancelled(ports: Ports, group: GroupBooking, number: int) -> GroupView:
    if group.place(number).released:
        # A repeat: done already, the same answer as the first (the last place's too, whose
        # giving up ended the booking: never a 409 for what this request asked and got).
        return view_of(ports, group)
    course = existing_course(ports, group.course_id)
    if group.status in (GroupStatus.AWAITING_INVOICE_PAYMENT, GroupStatus.AWAITING_PAYMENT):
        return off_the_way_to_pay(ports, group, course, number)
    refuse_unless_open(group, ports.clock(), course.first_start())
    saved = give_up(ports, group, number, withdraw=True, tell=True)
    logger.info("group place cancelled", extra={"group_id": group.group_id, "place": number})
    offer_free_places(ports, saved.course_id)
    return view_of(ports, saved)


# Who gave a place up, by why its colleague's booking ends: the colleague sent a link and not
# applied is told so (``domain.colleague_told``).
ORGANISERS_GAVE_UP = "group_place_cancelled_by_organisers"
_WHO_GAVE_UP = {
    "group_place_cancelled": PlaceEnd.MANAGER_GAVE_UP,
    ORGANISERS_GAVE_UP: PlaceEnd.ORGANISERS_GAVE_UP,
}


def give_up(
    ports: Ports,
    group: GroupBooking,
    number: int,
    *,
    withdraw: bool,
    tell: bool = False,
    unfilled: bool = False,
    reason: str = "group_place_cancelled",
    refund_share: bool = True,
    holder_seen: Seen | None = None,
) -> GroupBooking:
    """A paid place given up: its share refunded (asked of Stripe before the save, keyed by
    the place, so a retry is the same refund), its seat given back with the save, which holds
    only while nobody fills the place. ``withdraw``: the colleague's application filling it is
    withdrawn first (the manager gave it up); otherwise a place filled meanwhile is kept.
    ``tell``: the manager is emailed what was refunded (the sweep tells them once, of all).
    ``unfilled``: released at the apply-by date, nobody having applied (said so, apart).
    ``reason``: why the colleague's booking ended (who gave it up); ``refund_share``: False
    keeps its share (an organiser's choice); ``holder_seen``: see ``_holder_as_seen``.
    A share taking the last of the payment ends the booking (``ended_if_all_given_back``)."""

    def release(current: GroupBooking) -> tuple[GroupBooking, GroupRefunded | None]:
        place = current.place(number)
        if place.released:
            return current, None
        holder = _holder_as_seen(ports, current, number, holder_seen)
        filled = holder is not None and not holder.enrolment_ended
        if filled and not withdraw:
            return current, None  # filled meanwhile: theirs
        refunds, refund_id = _share_given_back(
            ports, current, number, refund_share=refund_share, asked=withdraw, reason=reason
        )
        if filled and holder is not None:  # only once the share went back, if it was to
            withdraw_application(ports, holder, reason)
        released = place.model_copy(
            update={"released": True, "refund_id": refund_id, "released_unfilled": unfilled}
        )
        changed = current.with_place(released, ports.clock()).model_copy(
            update={"refunds": refunds}
        )
        if tell and holder is None and current.status is GroupStatus.PAID and not place.erased:
            # Sent a link (the payment sent every colleague theirs) and never applied: told
            # that it no longer works. One who applied gets the cancellation email instead.
            changed = changed.told_colleague_place_gone(released, _WHO_GAVE_UP[reason])
        if tell:
            back = refunds.get(refund_id, 0) if refund_id else 0
            changed = manager_told(
                changed, GroupEvent.PLACE_GIVEN_UP, f"place{number}", amount=back, places=(number,)
            )
        ending = ended_if_all_given_back(ports, changed)
        return ports.groups.save_group(ending.group if ending else changed, current), ending

    saved, ending = retried(release, group_reader(ports, group.group_id), first=group)
    if ending is not None:  # it took the last of the payment
        anomaly_id = f"group-{saved.group_id}-place-{number}-took-the-rest"
        organisers_shown(ports, anomaly_id, str(saved.payment_intent), ending)
    return saved


def _share_given_back(
    ports: Ports,
    group: GroupBooking,
    number: int,
    *,
    refund_share: bool,
    asked: bool,
    reason: str,
) -> tuple[dict[str, int], str | None]:
    """The group's refunds and place ``number``'s refund id once its share went back (asked
    of Stripe unless ``refund_share`` is False: an organiser's choice to keep it)."""
    refunds, refund_id = dict(group.refunds), group.place(number).refund_id
    made = (
        _share_refunded(ports, group, number, asked=asked, reason=reason) if refund_share else None
    )
    if made is not None:
        refund_id = made.refund_id
        refunds[made.refund_id] = made.amount
    return refunds, refund_id


def _holder(ports: Ports, group: GroupBooking, number: int) -> Application | None:
    """The colleague's application filling place ``number`` of ``group``, if any."""
    holder_id = ports.groups.place_holder(group.group_id, number)
    return ports.repository.get_application(holder_id) if holder_id else None


def _share_refunded(
    ports: Ports, group: GroupBooking, number: int, *, asked: bool, reason: str
) -> RefundMade | None:
    """Place ``number``'s share of ``group``'s payment refunded at Stripe, keyed by the place
    and the amount (None: nothing left of it to refund, a dispute holds the payment of a
    place nobody asked to give up, or Stripe refused a refund nobody asked for). ``asked``: a
    person asked (a refusal is answered: ``_refund_asked``), refused in words before Stripe is
    asked while the payer's bank holds the payment in a dispute (``reason``: who gave the
    place up, as they are told)."""
    amount = share_refundable(group, number)
    if amount <= 0 or not group.payment_intent:
        return None
    if not asked and group_payment_held(group):
        # Released at the apply-by date: the payer's bank has the payment back, and Stripe
        # refuses its refund; the manager is told so (``group_emails._shares_said``).
        return None
    by_manager = reason != ORGANISERS_GAVE_UP
    if asked and (disputed := group_share_refused_while_disputed(group, by_manager=by_manager)):
        raise Conflict(disputed.message, code=disputed.code)
    share = Refund(group.payment_intent, amount, place_refund_key(group.group_id, number, amount))
    return _refund_asked(ports, share) if asked else refund(ports, share)


def _refund_asked(ports: Ports, command: Refund) -> RefundMade:
    """A place's share given back because a person asked: a refusal is answered as a single
    booking's is (``services.settle``), nothing changed: a request still running
    at Stripe as it is, a payment refunded already at Stripe as that (409
    ``charge_already_refunded``), any other (it holds no such payment, or nothing of it left)
    as ``refund_refused``."""
    try:
        return refund_at_provider(ports, command)
    except RefundAboveWhatIsLeft:
        # Part of the payment refunded at Stripe, not heard yet: read back and
        # recorded as a whole one is (``given_up_as_stripe_holds``), the share asked again
        # from what is left.
        raise AlreadyRefunded(
            "part of the payment was refunded already at the payment provider",
            code="charge_already_refunded",
        ) from None
    except Conflict as refused:
        if isinstance(refused, AlreadyRefunded) or refused.code == "request_in_progress":
            raise
        raise RefundRefused() from None


def _holder_as_seen(
    ports: Ports, group: GroupBooking, number: int, seen: Seen | None
) -> Application | None:
    """The colleague's application filling place ``number``, compared with what the
    organiser's page of it showed (``domain.page_seen``) in the give-up's own decision, before
    the share is refunded: changed since, 409, nothing done."""
    holder = _holder(ports, group, number)
    now = ports.clock()
    if holder is not None and (
        changed := seen_refusal(seen, holder, group.price.currency, now=now)
    ):
        raise Conflict(changed.message, code=changed.code)
    return holder


def organisers_give_up(
    ports: Ports, group: GroupBooking, number: int, *, refund: bool, seen: Seen | None = None
) -> int:
    """The organisers cancel the colleague's booking on place ``number`` of a paid group whose
    manager was erased (nobody else can): the place is given up as the manager would give it
    up, its share refunded to the employer when ``refund``, its seat to the waiting list.
    What was refunded to the employer for the place (0: its share kept). ``seen``: what the
    organiser's page of the colleague's booking showed (``give_up``'s ``holder_seen``)."""
    saved = given_up_as_stripe_holds(
        ports,
        group,
        lambda current: give_up(
            ports,
            current,
            number,
            withdraw=True,
            # The manager's email about the place: with the manager erased, its billing
            # contact alone hears of the share refunded to the employer (``domain.payer``).
            tell=True,
            reason=ORGANISERS_GAVE_UP,
            refund_share=refund,
            holder_seen=seen,
        ),
    )
    logger.info("group place given up by the organisers", extra={"group_id": group.group_id})
    offer_free_places(ports, saved.course_id)
    return share_refunded(saved, number)

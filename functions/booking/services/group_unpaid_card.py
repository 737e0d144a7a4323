"""A place given up while the group's card payment is still open: a new Checkout Session for
the places kept (asked of Stripe before the save that records it), the old one expired at Stripe
after; a payment that still arrives on the old one is not the group's current checkout and goes
back whole (``domain.groups.decide_paid``). The last place given up ends the booking."""

from __future__ import annotations

from collections.abc import Callable

from aws_lambda_powertools import Logger

from booking.domain.course import CHECKOUT_HOLD, Course
from booking.domain.errors import Conflict, StaleWrite
from booking.domain.groups import GroupBooking, lapsed, place_given_up, refuse_once_started
from booking.services.groups import GroupView, manager_url, places_line, view_of
from booking.services.ports import CheckoutRequest, Ports
from booking.services.settle import expire_quietly
from booking.services.waitlist import offer_free_places

logger = Logger(child=True)


def off_the_checkout(ports: Ports, group: GroupBooking, course: Course, number: int) -> GroupView:
    now = ports.clock()
    refuse_once_started(now, course.first_start())
    released = place_given_up(group, number, now)
    if released is None:
        return view_of(ports, group)
    old = group.checkout
    if released.seats_held == 0:
        new = lapsed(released, now)
    else:
        hold_until = now + CHECKOUT_HOLD  # Stripe asks at least 30 minutes of a new session
        back = manager_url(ports, group)
        checkout = ports.payments.create_checkout(
            CheckoutRequest(
                application_id=group.group_id,
                course_id=group.course_id,
                product_name=places_line(released, course),
                price=released.total,
                customer_email=group.manager.email,
                expires_at=hold_until,
                success_url=back,
                cancel_url=back,
                # One session per set of places kept: a retry of this change asks for it again.
                attempt=1 + len(released.places) - released.seats_held,
            )
        )
        new = released.model_copy(update={"checkout": checkout, "hold_expires_at": hold_until})

    def undo() -> None:
        if new.checkout is not None and new.checkout is not old:
            expire_quietly(ports, new.checkout.session_id)

    def close_old(_: GroupBooking) -> None:
        if old is not None:
            expire_quietly(ports, old.session_id)

    return saved_or_undone(
        ports, new, group, undo=undo, close_old=close_old, done="group place taken off its checkout"
    )


def saved_or_undone(
    ports: Ports,
    new: GroupBooking,
    before: GroupBooking,
    *,
    undo: Callable[[], None],
    close_old: Callable[[GroupBooking], None],
    done: str,
) -> GroupView:
    """A place given up before the group paid, saved; then the old way to pay closed at Stripe
    (``close_old``, given the saved group) and the freed seat offered to whoever waits. If the
    group changed since it was read, what was asked of Stripe for ``new`` is ``undo``-ne and
    the manager asked to try again (nothing else changed)."""
    try:
        saved = ports.groups.save_group(new, before)
    except StaleWrite:
        undo()
        raise Conflict(
            "the booking changed meanwhile; please try again", code="group_changed"
        ) from None
    close_old(saved)
    logger.info(done, extra={"group_id": before.group_id})
    offer_free_places(ports, saved.course_id)
    return view_of(ports, saved)

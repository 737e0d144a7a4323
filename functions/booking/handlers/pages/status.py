"""The applicant's status page: where their application stands and what they can do next."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, NamedTuple

from booking.domain.application import PAYABLE_STATUSES
from booking.domain.course import Course, SessionKind, clock_words
from booking.domain.money import Money
from booking.domain.offer_ends import OFFER_DECLINED
from booking.domain.standing import Facts, standing
from booking.domain.statuses import ApplicationStatus, left_to_pay_is_said
from booking.domain.waiting_list_leaving import WITHDRAWN_BY_APPLICANT
from booking.domain.wording import FIELD_NAMES, course_name, day_when, moment_when, money_words
from booking.handlers.pages.templates import environment, sessions
from booking.services.applications import ApplicationView

PAYABLE = frozenset(status.value for status in PAYABLE_STATUSES)


class _PressedAgain(NamedTuple):
    """A person's own press made again: the flag its redirect sets (``flag``) says so
    (``already``), and the page says nothing more changed."""

    flag: str
    already: str
    headline: str
    explanation: str


# By the status reason the first press left: turning an offered place down, and leaving the
# waiting list.
_PRESSED_AGAIN = {
    OFFER_DECLINED: _PressedAgain(
        "offer",
        "already_declined",
        "You had already turned down this place",
        "Nothing more has changed: the place went back to the course for the next person when "
        "you first turned it down. No money was taken.",
    ),
    WITHDRAWN_BY_APPLICANT: _PressedAgain(
        "left",
        "already",
        "You had already left the waiting list",
        "Nothing more has changed: your application ended when you first left the waiting "
        "list. Nothing was paid, so nothing is owed.",
    ),
}

# The flag the system appends to Stripe's return URLs, read with the application's status.
_CONFIRMING = (
    "Thank you, we are confirming your payment",
    "This usually takes a few seconds. We will email you as soon as your place is confirmed,"
    " so you can safely close this page.",
)
_AFTER_CHECKOUT = {
    ("success", "awaiting_payment"): _CONFIRMING,
    ("success", "offered"): _CONFIRMING,
    ("success", "expired"): (
        "We are checking your payment",
        "Your payment reached us after your place stopped being held. If a place is free we"
        " will confirm it; if not, we will refund you in full. We will email you either way.",
    ),
    ("cancelled", "awaiting_payment"): (
        "You have not paid yet",
        "No money has been taken. Pay now to confirm your place, or leave it and the place"
        " will be released.",
    ),
    ("cancelled", "offered"): (
        "You have not paid yet",
        "No money has been taken. The place we offered you is still held for you for now.",
    ),
    ("cancelled", "expired"): (
        "Your payment was not completed",
        "No money has been taken and your place has been released. If places are still"
        " available you can start the payment again below.",
    ),
}


def status_page(
    view: ApplicationView,
    course: Course,
    restart_action: str,
    checkout_flag: str = "",
    invoice_action: str = "",
    certificate_url: str = "",
    certificate_held: bool = False,
    decline_action: str = "",
    calendar_url: str = "",
    offer_flag: str = "",
    leave_action: str = "",
    left_flag: str = "",
) -> str:
    """The applicant's page. What it says comes from ``domain.standing`` (one wording for the
    page and the emails) and what it offers from the view's decisions (``can_pay``, the hold's
    end), made by the domain, so the page never offers what the service would refuse."""
    definition = course.definition
    timezone = definition.timezone
    to_pay = _to_pay(view, definition.price)
    # Back from paying for an application that could be paid: the payment is on its way.
    confirming = checkout_flag == "success" and view.status in PAYABLE
    dated = view.status in ("confirmed", "pending_review")
    return (
        environment()
        .get_template("pages/status.html")
        .render(
            course_title=course_name(definition.title, course.first_start(), timezone),
            organisation=definition.organisation or "",
            clock=clock_words(timezone),  # whose clock its times are on
            **_flags_said(
                view,
                to_pay,
                course,
                checkout_flag=checkout_flag,
                offer_flag=offer_flag,
                left_flag=left_flag,
                confirming=confirming,
            ),
            status=view.status,
            reference=view.reference or view.application_id,
            price=to_pay,
            **_offered(view, to_pay, confirming=confirming),
            restart_action=restart_action,
            sessions=sessions(course, SessionKind.CORE) if dated else [],
            follow_ups=sessions(course, SessionKind.FOLLOW_UP) if dated else [],
            enquiries_email=str(definition.enquiries_email or ""),
            invoice_url=view.invoice_url or "",
            invoice_action=invoice_action,
            money=_money_lines(view, definition.price),
            certificate_url=certificate_url,
            certificate_held=certificate_held,
            calendar_url=calendar_url,
            move=_move(view, timezone),
            can_decline_offer=view.can_decline_offer and not confirming,
            decline_action=decline_action,
            **_leaving(view, leave_action, confirming=confirming),
        )
    )


def _flags_said(
    view: ApplicationView,
    to_pay: str,
    course: Course,
    *,
    checkout_flag: str,
    offer_flag: str,
    left_flag: str,
    confirming: bool,
) -> dict[str, Any]:
    """What the page says of where the booking stands and of the press that led here: back
    from Stripe's checkout (``checkout_flag``), from turning an offer down (``offer_flag``),
    or from leaving the waiting list (``left_flag``)."""
    definition = course.definition
    said = _said(
        view,
        to_pay,
        definition.timezone,
        checkout_flag,
        confirming=confirming,
        joining_link=bool(definition.joining_url),
    )
    return {**said, **_pressed_again(view, {"offer": offer_flag, "left": left_flag})}


def _leaving(view: ApplicationView, leave_action: str, *, confirming: bool) -> dict[str, Any]:
    """The link to leave the waiting list, for whoever may: it opens the question first
    (``pages.leaving``), never a change on a GET; and whether turning an offered place down
    takes its person off the waiting list too (said beside *Turn down this place*)."""
    can_leave = view.can_leave_waiting_list and not confirming and bool(leave_action)
    return {
        "can_leave": can_leave,
        "leave_url": leave_action,
        "offered_from_waiting_list": view.offered_from_waiting_list,
    }


def _pressed_again(view: ApplicationView, flags: Mapping[str, str]) -> dict[str, str]:
    """Back from a person's own press made a second time (``?offer=already_declined``,
    ``?left=already``: ``flags`` by their name): said first, in the page's headline, as a
    second press, nothing more changed."""
    again = _PRESSED_AGAIN.get(view.status_reason or "")
    if again is None or flags.get(again.flag) != again.already:
        return {}
    return {"headline": again.headline, "explanation": again.explanation, "tone": "neutral"}


def _move(view: ApplicationView, timezone: str) -> dict[str, str] | None:
    """The booking's move that waits, in words: a dearer cohort's difference to pay (its link
    and deadline, in the course's time, as the page's dates are), or a full cohort's waiting
    list."""
    pending, waiting = view.pending_move, view.waiting_move
    if pending is not None:
        return {
            "kind": "pending",
            "to": pending.to_course_name,
            "difference": money_words(pending.difference, pending.currency),
            "until": moment_when(pending.expires_at, timezone),
            "pay_url": pending.pay_url or "",
        }
    if waiting is not None:
        return {
            "kind": "waiting",
            "to": waiting.to_course_name,
            "until": day_when(waiting.ends_at, timezone),
            "position": str(waiting.position or ""),
        }
    return None


def _to_pay(view: ApplicationView, course_price: Money) -> str:
    """What a button or a line asking for payment names: what is left to pay."""
    return (
        money_words(view.left_to_pay, course_price.currency)
        if view.left_to_pay
        else course_price.display()
    )


def _said(
    view: ApplicationView,
    to_pay: str,
    timezone: str,
    checkout_flag: str,
    *,
    confirming: bool,
    joining_link: bool,
) -> dict[str, str]:
    """The page's headline, explanation and tone."""
    words = standing(_facts(view, to_pay, timezone, joining_link))
    headline, explanation, tone = words.headline, words.explanation, words.tone
    # Back from Stripe: say what just happened, unless the payment is already settling, or a
    # lapse cannot start again for its code used up since (its words say why, not "below").
    held_back = view.payment_pending or view.code_used_up
    after = None if held_back else _AFTER_CHECKOUT.get((checkout_flag, view.status))
    if after is not None:
        headline, explanation = after
    if confirming and not view.payment_pending:
        tone = "info"
    return {"headline": headline, "explanation": explanation, "tone": tone}


def _offered(view: ApplicationView, to_pay: str, *, confirming: bool) -> dict[str, object]:
    """What the page offers to do: pay, pay again, check again or ask for an invoice (nothing
    while a payment just made is being confirmed)."""
    invoice_first = _invoice_chosen(view) and not confirming
    restart_label = (
        "Start payment again" if view.status == "expired" else f"Pay {to_pay} and book your place"
    )
    if invoice_first:
        restart_label = f"Pay {to_pay} by card instead"
    return {
        "invoice_first": invoice_first,
        "checkout_url": None if confirming else view.checkout_url,
        "check_again_url": f"{view.status_url}&checkout=success"
        if confirming and not view.payment_pending
        else "",
        "can_restart_checkout": view.can_pay and not confirming and not view.checkout_url,
        "restart_label": restart_label,
        "can_request_invoice": view.can_request_invoice and not confirming,
    }


def _facts(view: ApplicationView, to_pay: str, timezone: str, joining_link: bool) -> Facts:
    return Facts(
        joining_link=joining_link,
        status=view.status,
        reason=view.status_reason,
        payment_pending=view.payment_pending,
        paid=view.amount_paid,
        paid_by=view.paid_by,
        on_group_place=view.on_group_place,
        booked=view.was_booked,
        nothing_to_pay=view.amount_due == 0,
        can_pay=view.can_pay,
        code_used_up=view.code_used_up,
        checkout_open=bool(view.checkout_url),
        price=to_pay,
        held_until=_when(view.hold_expires_at, timezone),
        offer_until=_when(view.offer_expires_at, timezone),
        until_closing=view.offer_until_closing,
        wait_ended=view.wait_ended,
        review_ended=view.review_ended,
        no_more_offers=view.no_more_offers,
        closes_at=_when(view.applications_close_at, timezone) or "",
        waitlist_position=view.waitlist_position,
        invoice_due=day_when(_instant(view.invoice_due_at), timezone)
        if view.invoice_due_at
        else None,
        invoice_chosen=_invoice_chosen(view),
    )


def _invoice_chosen(view: ApplicationView) -> bool:
    """They chose their employer's invoice and may ask for it now: the page leads with it."""
    return view.payment_method == "invoice" and view.can_request_invoice


def _when(iso: str | None, timezone: str) -> str | None:
    return moment_when(_instant(iso), timezone) if iso else None


def _money_lines(view: ApplicationView, course_price: Money) -> list[tuple[str, str]]:
    """The place's price with what a bursary and a code take off, when either does."""
    price = view.price or course_price
    reduced = view.bursary or view.discount_code
    if view.amount_due is None or view.left_to_pay is None or not reduced:
        return []
    lines = [("Price", price.display())]
    if view.bursary:
        lines.append(("Bursary", money_words(-view.bursary, price.currency)))
    if view.discount_code:
        off = price.amount - view.bursary - view.amount_due
        lines.append(
            (
                f"{FIELD_NAMES['discount_code']} {view.discount_code}",
                money_words(-off, price.currency),
            )
        )
    # A lapsed payment that cannot start again owes nothing: no line says otherwise.
    if left_to_pay_is_said(ApplicationStatus(view.status), can_pay=view.can_pay):
        left = view.left_to_pay
        lines.append(("Left to pay", money_words(left, price.currency) if left else "Nothing"))
    return lines


def _instant(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))

"""Pages of places booked by a manager: the manager's booking form, the manager's page (each
place's state, substitution and cancellation), and a colleague's own application form."""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Any
from urllib.parse import quote

from booking.domain.addresses import NOT_AN_ADDRESS
from booking.domain.billing import PaymentMethod
from booking.domain.course import Course
from booking.domain.employer_share import owed_by_hand_to_the_manager, paid_off_stripe
from booking.domain.group_figures import group_figures, managers_status, payment_settling
from booking.domain.group_give_ups import may_give_up, opens_a_new_way_to_pay, waits_for_the_bank
from booking.domain.group_overview import PLACE_STATE_WORDS, ended_place_said
from booking.domain.groups import MAX_PLACES, GroupBooking, GroupStatus
from booking.domain.links import with_query
from booking.domain.wording import moment_when, money_words
from booking.handlers.pages.apply import (
    APPLICATION_FIELDS,
    course_form,
    form_page,
    friendly_error,
    wrong_address,
)
from booking.handlers.pages.courses import course_facts
from booking.handlers.pages.templates import environment
from booking.handlers.sentences import capitalised
from booking.services.group_applying import PlaceOpened
from booking.services.groups import GroupView

# Rows the form offers: as many as a booking may have.
FORM_ROWS = MAX_PLACES
_STATES = {
    "not_applied": "Not applied yet",
    "released": "Cancelled",
    "confirmed": "Applied: place confirmed",
    "cancelled": "Withdrawn",
}
_MANAGER_FIELDS = (
    ("manager_name", "Your full name", "name", "text"),
    ("manager_email", "Your email address", "email", "email"),
    ("organisation", "Your organisation", "organization", "text"),
)


# What the manager confirms by ticking the box: not consent to use their own answers (the
# application form's words) but that the colleagues they name know their details come to us,
# and what for. The rule that counts the box is one (``domain.application_form.consent_given``).
GROUP_CONSENT_LABEL = (
    "I confirm that each colleague I name knows I am booking them a place and giving you their "
    "name and email address to do it."
)
# The same confirmation when the manager sends someone else instead (a substitution).
SUBSTITUTE_CONSENT_LABEL = (
    "I confirm that the colleague I name knows I am booking them this place and giving you "
    "their name and email address to do it."
)
GROUP_CONSENT_HINT = (
    "We use your colleagues' names and email addresses only to book their places and to email "
    "each of them about the course: first their own link to apply, where they give their "
    "answers themselves."
)
GROUP_CONSENT_MISSING = (
    "Tick the box to confirm your colleagues know you are giving us their names and email addresses"
)

_ROW_ERROR = re.compile(r"^colleagues\.(\d+)\.(name|email)$")
_MANAGER_SAID = {name: label for name, label, _, _ in _MANAGER_FIELDS}


def _errors(
    errors: dict[str, str], values: dict[str, Any], consent_missing: str = ""
) -> list[dict[str, str]]:
    """Each error beside the field it is about: a colleague's row (``colleagues.0.email``
    from the model is the form's ``colleague_email_1``), the manager's fields, the answers;
    the consent box in ``consent_missing``'s words when the form has its own."""
    listed = []
    for name, reason in errors.items():
        if name == "consent" and consent_missing:
            listed.append({"name": name, "message": consent_missing, "href": f"#{name}"})
            continue
        row = _ROW_ERROR.fullmatch(name)
        not_an_address = reason.startswith(NOT_AN_ADDRESS)
        if row is not None:
            number, part = int(row.group(1)) + 1, row.group(2)
            field = f"colleague_{part}_{number}"
            said = f"Colleague {number}'s {'full name' if part == 'name' else 'email address'}"
            message = (
                wrong_address(f"colleague {number}'s email address")
                if not_an_address
                else f"{said}: {reason}"
            )
            listed.append({"name": field, "message": message, "href": f"#{field}"})
        elif name in _MANAGER_SAID:
            message = wrong_address() if not_an_address else f"{_MANAGER_SAID[name]}: {reason}"
            listed.append({"name": name, "message": message, "href": f"#{name}"})
        else:
            value = values.get(name, "")
            # The form's own words for its fields and controls (the consent box too).
            said = friendly_error(name, reason, value)
            listed.append({"name": name, "message": capitalised(said), "href": f"#{name}"})
    return listed


def group_form(
    course: Course,
    now: datetime,
    action: str,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    *,
    invoice_offered: bool | None = None,
) -> str:
    # One key per form shown (kept when it is shown again with its errors): its submits,
    # however many, make one booking.
    values = {"idempotency_key": secrets.token_urlsafe(16), **(values or {})}
    return form_page(
        "pages/group_form.html",
        _errors(errors or {}, values, GROUP_CONSENT_MISSING),
        **course_form(course, now, action, values, invoice_offered=invoice_offered),
        rows=range(1, min(FORM_ROWS, MAX_PLACES) + 1),
        manager_fields=_MANAGER_FIELDS,
        consent_label=GROUP_CONSENT_LABEL,
        consent_hint=GROUP_CONSENT_HINT,
    )


def _place_said(group: GroupBooking, number: int, state: str) -> str:
    place = next((p for p in group.places if p.number == number), None)
    if group.status is GroupStatus.LAPSED and state == "released" and place and not place.released:
        return ended_place_said(group)  # released with the booking, as the organisers read it
    if state == "released" and place is not None and place.released_unfilled:
        # The sweep released it at the apply-by date, nobody having applied: not the
        # manager's cancellation (the overview's one wording).
        return PLACE_STATE_WORDS["released_unfilled"]
    if state == "released" and place is not None and place.released_by_refund:
        # Released when the payment was refunded at Stripe: nor is that.
        return PLACE_STATE_WORDS["released_refunded"]
    return _STATES.get(state, state.replace("_", " ").capitalize())


def manager_page(view: GroupView, base_url: str) -> str:
    group = view.group
    zone = view.course.definition.timezone
    here = f"{base_url}/groups/{quote(group.group_id)}"
    currency = group.total.currency
    figures = group_figures(group)
    # Over: nothing more to apply for (ended unpaid or given up, or its deadline's sweep ran).
    # No place left (every one given up or released) is over too: nobody is left to apply.
    over = group.status is GroupStatus.LAPSED or group.unfilled_given_up or not group.places_kept
    return (
        environment()
        .get_template("pages/group.html")
        .render(
            course=course_facts(view.course),
            status_said=managers_status(group, view.applying),
            paid=group.status.value == "paid",
            # Paid outside Stripe: a place given up is not refunded from here.
            paid_off_stripe=paid_off_stripe(group),
            # Links to send only while a place is left to apply for.
            links_to_send=group.status.value == "paid"
            and figures.places_kept > 0
            and not over
            and group.ended_because is None,
            # The places change while the seats are held: paid, or its payment still open (a
            # misspelt address put right, a place given up before paying).
            changeable=group.seats_held > 0 and not over and not view.begun,
            # Why not, while a payment made is settling: after it is confirmed.
            give_up_once_confirmed=waits_for_the_bank(group),
            # Links to send, and colleagues to name, only while they work (until the apply-by
            # date, never once begun).
            applying=view.applying,
            begun=view.begun,
            by_card=group.payment_method is PaymentMethod.CARD,
            pay_url=view.pay_url,
            places_kept=figures.places_kept,
            over=over,
            total=money_words(group.total.amount, currency),
            # What Stripe took and gave back, every payment counted (one given back whole too).
            received=money_words(figures.amount_paid, currency),
            refunded=money_words(figures.amount_refunded, currency),
            has_received=figures.amount_paid > 0,
            has_refunded=figures.amount_refunded > 0,
            # Paid outside Stripe: owed back by hand, as the organisers read it.
            owed_by_hand=owed_by_hand_to_the_manager(group),
            apply_by=moment_when(group.apply_by, zone),
            # How long an unpaid card booking's places are held, as the
            # organisers' console says it.
            held_until=moment_when(group.hold_expires_at, zone)
            if group.status is GroupStatus.AWAITING_PAYMENT
            and group.hold_expires_at
            and not payment_settling(group)
            else None,
            substitute_consent_label=SUBSTITUTE_CONSENT_LABEL,
            places=_places_shown(view, here),
        )
    )


def _places_shown(view: GroupView, here: str) -> list[dict[str, Any]]:
    """Each place as the manager's page shows it, with its forms' addresses."""
    return [
        {
            "number": place.number,
            "name": place.name,
            "email": place.email,
            "state": _place_said(view.group, place.number, place.state),
            "released": place.state == "released",
            "reference": place.reference,
            "link": place.link,
            "substitute": with_query(
                f"{here}/places/{place.number}/substitute", {"token": view.group.token}
            ),
            "cancel": with_query(
                f"{here}/places/{place.number}/cancel", {"token": view.group.token}
            ),
            # A give-up only where the API takes it: once applications closed, the completion
            # of one begun while they were open still is.
            "may_give_up": may_give_up(
                view.group,
                taking_applications=opens_a_new_way_to_pay(
                    view.group, place.number, taking_applications=view.taking_applications
                ),
            ),
        }
        for place in view.places
    ]


def place_form(
    opened: PlaceOpened,
    action: str,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> str:
    values = {
        "name": opened.place.colleague.name,
        "email": opened.place.colleague.email,
        **(values or {}),
    }
    return form_page(
        "pages/group_place.html",
        _errors(errors or {}, values),
        course=course_facts(opened.course),
        organisation=opened.group.organisation,
        action=action,
        fields=APPLICATION_FIELDS,
        values=values,
    )

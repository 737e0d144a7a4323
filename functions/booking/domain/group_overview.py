"""What an organiser reads about a course's group bookings: each group and each of its places,
in words (the console's *Group bookings* page, ``GET /admin/courses/{id}/group-bookings`` and the
CLI's ``group-bookings`` all say these, so they say the same). Money in pounds, times in the
course's zone (UK time), never pence or ids to copy by hand.

The organisers see the manager's name and address and each colleague's: the console and the
organiser API are for them. Nothing here is logged."""

from datetime import datetime

from pydantic import ConfigDict, Field

from booking.domain.application import Application, ApplicationStatus
from booking.domain.billing import PaymentMethod, billing_contact_of
from booking.domain.employer_share import owed_by_hand_words
from booking.domain.group_endings import GroupEnding, organisers_words
from booking.domain.group_figures import (
    PAYMENT_SETTLING,
    group_figures,
    invoice_being_replaced,
    payment_settling,
)
from booking.domain.group_given_back import group_given_back_said, may_give_back_group
from booking.domain.group_invoice_correction import correction_half_done, correction_offered
from booking.domain.group_refunds import refunded_at_stripe, refunds_failed_held
from booking.domain.groups import GroupBooking, GroupPlace, GroupStatus, group_disputes_said
from booking.domain.model import Model
from booking.domain.money import money_words
from booking.domain.page_seen import group_seen
from booking.domain.statuses import person_shown
from booking.domain.wording import day_when, invoice_said, moment_when

# A place's state, as the page, the API and the CLI name it.
PLACE_STATE_WORDS = {
    "awaiting_payment": "Link sent once the booking is paid",
    "link_sent": "Link sent, not applied yet",
    "no_link": "No link sent: the booking was paid after the apply-by date, so nobody can apply",
    "substituted": "Another colleague named: a new link sent, not applied yet",
    "applied": "Applied",
    "confirmed": "Confirmed",
    "given_up": "Given up",
    "released_unfilled": "Released at the apply-by date: nobody applied",
    "released_refunded": "Released: the booking's payment was refunded at Stripe",
    "never_paid": "Released: the booking ended before it was paid",
    "erased": "Erased: the person was erased; nobody can apply for it until the manager "
    "names someone else",
}

# A place whose colleague may still apply: of no other is "None yet" said (none will come).
STILL_TO_APPLY = frozenset({"awaiting_payment", "link_sent", "substituted"})

# An erased colleague's place once the manager is erased too: nobody is left to name someone.
ERASED_WITH_MANAGER = (
    "Erased: the person was erased, and so was the manager; nobody can apply for it, and it "
    "is released at the apply-by date"
)
# An erased colleague's place in a booking that has ended: released with it, as every place
# of an ended booking is (nobody can name anyone on it any more).
ERASED_WHEN_ENDED = (
    "Erased: the person was erased; the place was released with the booking when it ended"
)


class PlaceLine(Model):
    model_config = ConfigDict(frozen=True)

    number: int = Field(description="The place's number in the booking (1..N)")
    name: str = Field(description="The colleague the place is for now")
    email: str
    state: str = Field(description="One of " + ", ".join(PLACE_STATE_WORDS))
    state_said: str
    substitutions: int = Field(description="How many times another colleague was named")
    substitutions_said: str = Field(
        default="", description='The substitutions in words ("2 substitutions"; "" for none)'
    )
    application_id: str | None = Field(description="The colleague's application, once made")
    reference: str | None


class GroupLine(Model):
    model_config = ConfigDict(frozen=True)

    group_id: str
    organisation: str
    manager_name: str
    manager_email: str
    pays_by: str = Field(description="card or invoice")
    pays_said: str = Field(description='How it pays, in words ("Invoice, PO PO-4471")')
    status: str = Field(description="awaiting_payment, awaiting_invoice_payment, paid or lapsed")
    status_said: str = Field(description='Its status in words ("Invoice due by ...")')
    ended_because: GroupEnding | None = Field(
        default=None,
        description="Why it ended unpaid (status `lapsed`): `voided_by_organiser` (an organiser "
        "voided its invoice here), `not_paid_by_deadline` (its invoice unpaid by its due date), "
        "`checkout_expired`, `payment_failed`, `voided_at_stripe` (voided at Stripe, not from "
        "here), `marked_uncollectible`, `every_place_given_up`, `person_erased` (its manager or "
        "its invoice's addressee erased), `payment_not_started` (Stripe unreachable when it was "
        "made), `replacement_not_made` (its invoice voided to be replaced, the new one never made "
        "before its due date); or, status still `paid`, `refunded_at_stripe` (its payment "
        "refunded in full at Stripe, not from here: the places nobody held released); null "
        "while it has not ended, "
        "or when it ended before the reason was recorded",
    )
    places_booked: int
    places_kept: int
    places_given_up: int
    price_said: str = Field(description="One place's price, in pounds")
    kept_said: str = Field(description="The places kept at that price, in pounds")
    places_said: str = Field(
        description='What its places are now, in words ("2 kept, 1 given up, of 3 booked"; '
        'an ended booking\'s "2 released when the booking ended, of 2 booked")'
    )
    cost_said: str = Field(
        description='What its places cost, in words ("£200.00 a place; £400.00 for the places '
        "kept\"; an ended booking's owes nothing)"
    )
    paid_said: str = Field(description="What Stripe took for it, in pounds")
    refunded_said: str = Field(description="What went back, in pounds")
    owed_by_hand_said: str = Field(
        default="",
        description="Paid outside Stripe (its invoice marked paid): what is owed back to the "
        'employer by hand for the places given up or released, in words; "" when nothing is',
    )
    given_back_by_hand_said: str = Field(
        default="",
        description="Each record of money owed back by hand that was given back, in words: "
        'the amount, the way and the day; "" when none',
    )
    may_give_back: bool = Field(
        default=False,
        description="Something is owed back by hand: an organiser may record it as given back "
        "(`POST /admin/groups/{group_id}/given-back`)",
    )
    refund_failed_said: str = Field(
        default="",
        description="A refund of a place's share that failed at Stripe (the card or account "
        'could not take it back): what is still to give back by hand, in words; "" when none',
    )
    disputed_said: str = Field(
        default="",
        description="Each payer's bank's dispute (chargeback) of its payment, in words: when, "
        "why, what Stripe holds (an inquiry still open: that nothing was taken yet) or the "
        'outcome, Stripe\'s dispute fee; "" when none',
    )
    booked_said: str = Field(description="When it was booked, in the course's time")
    apply_by_said: str = Field(description="When its colleagues apply by")
    places: tuple[PlaceLine, ...]
    invoice_open: bool = Field(
        default=False,
        description="Its invoice is sent and unpaid: an organiser may void it "
        "(`POST /admin/groups/{group_id}/invoice/void`), its seats then going back",
    )
    invoice_said: str = Field(
        default="",
        description="Its invoice in words, by the number the employer's accounts team quotes, "
        'its amount, state and due date; "" when it has none',
    )
    billed_to: str = Field(
        default="",
        description='Who its invoice is addressed to: "Legal name <billing contact>", '
        '"[erased]" once erased; "" when it is paid by card',
    )
    invoice_being_replaced: bool = Field(
        default=False,
        description="Its invoice is already void at Stripe, to be replaced by one for the "
        "places kept (a place given up), the new one not made yet: voiding it "
        "(`POST /admin/groups/{group_id}/invoice/void`) then ends the booking, its seats "
        "going back",
    )
    invoice_being_corrected: bool = Field(
        default=False,
        description="Its invoice is already void at Stripe, to be replaced by one to the "
        "corrected billing details (`POST /admin/groups/{group_id}/invoice/correct`), the new "
        "one not made yet: correcting it again completes it",
    )
    invoice_correctable: bool = Field(
        default=False,
        description="Its invoice may be corrected (`POST /admin/groups/{group_id}/invoice/"
        "correct`): open, and not being replaced for a place given up",
    )
    seen: str = Field(
        default="",
        description="What this line shows, as a digest (``page_seen``): the console's *Void "
        "the invoice* carries it, and a group changed since (another invoice, a place given "
        "up, a payment) is refused, nothing voided",
    )


def group_line(
    group: GroupBooking, holders: dict[int, Application], timezone: str, now: datetime
) -> GroupLine:
    """``group`` in words; ``holders``: each place's colleague's application that has not
    ended, by the place's number."""
    currency = group.price.currency
    kept = group.places_kept
    figures = group_figures(group)
    return GroupLine(
        group_id=group.group_id,
        organisation=group.organisation,
        manager_name=group.manager.name,
        manager_email=group.manager.email,
        pays_by=group.payment_method.value,
        pays_said=_pays_said(group),
        status=group.status.value,
        status_said=_status_said(group, kept, timezone, now),
        ended_because=group.ended_because,
        places_booked=len(group.places),
        places_kept=figures.places_kept,
        places_given_up=figures.places_given_up,
        price_said=money_words(group.price.amount, currency),
        kept_said=money_words(group.price.amount * figures.places_kept, currency),
        places_said=_places_said(group, kept),
        cost_said=_cost_said(group, kept),
        paid_said=money_words(figures.amount_paid, currency),
        refunded_said=money_words(figures.amount_refunded, currency),
        owed_by_hand_said=owed_by_hand_words(group),
        given_back_by_hand_said=group_given_back_said(group),
        may_give_back=may_give_back_group(group),
        refund_failed_said=_refund_failed_said(group),
        # The group's own line: of all its places, in the plural when it keeps more than one.
        disputed_said=group_disputes_said(group, timezone, many=group.places_kept > 1),
        booked_said=moment_when(group.created_at, timezone),
        apply_by_said=moment_when(group.apply_by, timezone),
        places=tuple(
            _place_line(group, place, holders.get(place.number)) for place in group.places
        ),
        invoice_open=group.status is GroupStatus.AWAITING_INVOICE_PAYMENT
        and group.invoice is not None,
        invoice_being_replaced=invoice_being_replaced(group),
        invoice_being_corrected=correction_half_done(group),
        invoice_correctable=correction_offered(group),
        seen=group_seen(group),
        invoice_said=invoice_said(group.invoice, timezone) if group.invoice else "",
        billed_to=person_shown(group.billing.billing_name, group.billing.billing_email)
        if group.billing is not None
        else "",
    )


def _refund_failed_said(group: GroupBooking) -> str:
    """As a one-person booking's (``domain.refund_failed.refund_failed_said``)."""
    held = refunds_failed_held(group)
    if not held:
        return ""
    return (
        f"Refund failed at Stripe: {money_words(held, group.price.currency)} is still to give "
        "back to the employer by hand"
    )


def _places_said(group: GroupBooking, kept: int) -> str:
    """What the places are now: kept and given up; once the booking ended unpaid, the places
    it kept were released with it (as each place's own state says), none kept."""
    given_up = len(group.places) - kept
    if group.status is GroupStatus.LAPSED:
        parts = [f"{kept} released when the booking ended"] if kept else []
        parts += [f"{given_up} given up before"] if given_up else []
    else:
        parts = [f"{kept} kept", *_released_said(group)]
    return f"{', '.join(parts)}, of {len(group.places)} booked"


def _released_said(group: GroupBooking) -> list[str]:
    """The places a paid booking no longer keeps, by who released them: the manager (given
    up), the apply-by date's sweep, the ending when its payment was refunded at Stripe
    (neither of the last two is the manager's giving up)."""
    released = [place for place in group.places if place.released]
    unfilled = sum(1 for place in released if place.released_unfilled)
    by_refund = sum(1 for place in released if place.released_by_refund)
    given_up = len(released) - unfilled - by_refund
    parts = [f"{given_up} given up"] if given_up or not released else []
    parts += [f"{unfilled} released at the apply-by date"] if unfilled else []
    parts += [f"{by_refund} released when its payment was refunded"] if by_refund else []
    return parts


def _cost_said(group: GroupBooking, kept: int) -> str:
    price = money_words(group.price.amount, group.price.currency)
    if group.status is GroupStatus.LAPSED:
        return f"{price} a place; the booking ended, so nothing is owed for its places"
    return (
        f"{price} a place; {money_words(group.price.amount * kept, group.price.currency)} "
        "for the places kept"
    )


def _pays_said(group: GroupBooking) -> str:
    if group.payment_method is not PaymentMethod.INVOICE:
        return "Card"
    po = group.billing.po_number if group.billing is not None else ""
    return f"Invoice, PO {po}" if po else "Invoice"


def _status_said(group: GroupBooking, kept: int, timezone: str, now: datetime) -> str:
    if payment_settling(group):
        return PAYMENT_SETTLING
    if group.status is GroupStatus.AWAITING_PAYMENT:
        if group.hold_expires_at is None:
            return "Awaiting payment by card"
        return f"Awaiting payment by card, until {moment_when(group.hold_expires_at, timezone)}"
    if group.status is GroupStatus.AWAITING_INVOICE_PAYMENT:
        if group.invoice is None:
            return "Invoice not yet sent"
        if invoice_being_replaced(group) and group.replacing_billing is not None:
            return (
                "Invoice being corrected: the old one is voided at Stripe, and the new one, "
                "to the corrected billing details, is made when the organisers try again or, "
                "within half an hour, by the sweep"
            )
        if invoice_being_replaced(group):
            given = f"place {group.replacing_place}" if group.replacing_place else "a place"
            return (
                f"Invoice being replaced by one for the places kept ({given} given up): the old "
                "one is voided at Stripe, and the new one is made when the manager tries again "
                "or, within half an hour, by the sweep"
            )
        return f"Invoice due by {day_when(group.invoice.due_at, timezone)}"
    if group.status is GroupStatus.LAPSED:
        ending = group.ended_because
        if kept == 0:  # a lapse releases no place: each was given up
            ending = GroupEnding.EVERY_PLACE_GIVEN_UP
        said = organisers_words(
            ending,
            by_card=group.invoice is None,
            manager_erased=group.manager_erased,
            billing_erased=group.billing is not None and billing_contact_of(group.billing) is None,
        )
        if group.given_back and ending is not GroupEnding.PAID_AFTER_START:
            # (Paid after the start, its ending's words say that payment was refunded.)
            back = money_words(sum(group.given_back.values()), group.price.currency)
            return f"{said}; a payment it could not take ({back}) was refunded in full"
        return said
    at_stripe = refunded_at_stripe(group)
    if group.ended_because is GroupEnding.REFUNDED_AT_STRIPE:
        said = organisers_words(group.ended_because)
        held = f"; {kept} held by colleagues, for the organisers to settle" if kept else ""
        return f"{_refunded_here_said(group) or said}{held}"
    if at_stripe:
        back = money_words(at_stripe, group.price.currency)
        return f"{_paid_said(group, kept, now)}; {back} of its payment refunded at Stripe"
    return _paid_said(group, kept, now)


def _refunded_here_said(group: GroupBooking) -> str:
    """A booking ended by refunds at Stripe after places given up were refunded from here:
    said so ("refunded in full at Stripe" alone would be untrue); "" if none."""
    here = sum(group.refunds.values())
    if not here:
        return ""
    return (
        "Ended: the rest of its payment was refunded at Stripe (not from here), after "
        f"{money_words(here, group.price.currency)} was refunded from here for places given "
        "up, so its places nobody had taken were released"
    )


def _paid_said(group: GroupBooking, kept: int, now: datetime) -> str:
    if kept == 0:
        unfilled = [p.released_unfilled for p in group.places]
        if all(unfilled):
            return "Paid; every place released at the apply-by date, nobody having applied"
        if any(unfilled):
            return "Paid; every place given up or released at the apply-by date since"
        return "Paid; every place given up since"
    if group.unfilled_given_up or now >= group.apply_by:
        return "Paid; the time to apply has passed"
    return "Paid"


def _place_line(group: GroupBooking, place: GroupPlace, holder: Application | None) -> PlaceLine:
    return PlaceLine(
        number=place.number,
        name=place.colleague.name,
        email=place.colleague.email,
        state=(state := place_state(group, place, holder)),
        state_said=_state_said(group, state),
        substitutions=place.substitutions,
        substitutions_said=_substitutions_said(place.substitutions),
        application_id=holder.application_id if holder else None,
        reference=holder.reference if holder else None,
    )


def _state_said(group: GroupBooking, state: str) -> str:
    """A place's state in words; an erased colleague's as the booking stands: ended, its
    places went with it; else nobody names another once the manager is erased too."""
    if state == "erased" and group.status is GroupStatus.LAPSED:
        return ERASED_WHEN_ENDED
    if state == "erased" and group.manager_erased:
        return ERASED_WITH_MANAGER
    if state == "never_paid":
        return ended_place_said(group)
    return PLACE_STATE_WORDS[state]


# A place of a booking that ended as its payment came after the course had begun: it was paid,
# the payment refunded (not "ended before it was paid").
RELEASED_PAID_LATE = "Released: the payment came after the course had begun and was refunded"


def ended_place_said(group: GroupBooking) -> str:
    """A place nobody took of a booking that ended (``lapsed``), in words true of its ending:
    the one wording of the organisers' view and the manager's page."""
    if group.ended_because is GroupEnding.PAID_AFTER_START:
        return RELEASED_PAID_LATE
    return PLACE_STATE_WORDS["never_paid"]


# The manager's JSON names a place more coarsely than the organisers' view: `not_applied`,
# `released`, or the colleague's application status. Each organisers' state that is a release
# (given up, at the apply-by date, by a refund at Stripe, with a booking that ended unpaid) is
# `released` there: one rule for whether a place is released (a booking that
# ended unpaid read `not_applied`, as if its colleagues might still apply).
_RELEASES = frozenset({"given_up", "released_unfilled", "released_refunded", "never_paid"})


def managers_place_state(group: GroupBooking, place: GroupPlace, holder: Application | None) -> str:
    """A place's state as the manager's JSON names it, from the organisers' (``place_state``);
    ``holder``: its colleague's application, unless that ended. An erased place of a booking
    that ended was released with it (``ERASED_WHEN_ENDED``)."""
    state = place_state(group, place, holder)
    if state in _RELEASES or (state == "erased" and group.status is GroupStatus.LAPSED):
        return "released"
    return holder.status.value if holder is not None else "not_applied"


def place_state(group: GroupBooking, place: GroupPlace, holder: Application | None) -> str:
    """A place's state as the organisers' views name it (``PLACE_STATE_WORDS``)."""
    if place.released:  # given up by the manager, at the deadline, or by a refund at Stripe
        if place.released_by_refund:
            return "released_refunded"
        return "released_unfilled" if place.released_unfilled else "given_up"
    if holder is not None:
        return "confirmed" if holder.status is ApplicationStatus.CONFIRMED else "applied"
    if place.erased:
        return "erased"
    if group.status is GroupStatus.LAPSED:
        return "never_paid"
    if group.status is not GroupStatus.PAID:
        return "awaiting_payment"
    if group.paid_after_apply_by:
        return "no_link"
    return "substituted" if place.substitutions else "link_sent"


def _substitutions_said(count: int) -> str:
    if count == 0:
        return ""
    return "1 substitution" if count == 1 else f"{count} substitutions"

"""The organiser API's representations (``/admin``): its response models, for the handler and
the OpenAPI document. Apart from the public ones (``views``) so that the functions a person waits
on do not build them at their cold start."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field

from booking.domain.application_form import Answers
from booking.domain.model import Model
from booking.handlers.given_back_views import (
    AmountsCurrency,
    GivenBackOut,
    GivenBackRecords,
    Recorded,
)
from booking.handlers.organiser_course_views import PlacesOut
from booking.handlers.views import (
    ApplicationOut,
    PendingMove,
    WaitingMove,
)

# An application's ``seen``, as the organiser API's answers about one give it: one description.
SEEN_AS_READ = Field(
    default="",
    description="The application as read, in a digest: give it back with a cancel "
    "(`seen`) so that it acts only on the application as read (changed since: 409 "
    "application_changed, nothing changed)",
)


class AdminApplicationOut(ApplicationOut):
    status_reason: str | None = Field(description="Why the status changed, when recorded")
    seen: str = SEEN_AS_READ


class MoveOut(AdminApplicationOut):
    """The answer to a move: the application after it, and whether this request did it."""

    moved_already: bool = Field(
        description="True when an earlier request had made this move, or asked for its "
        "difference with the link sent: this one changed nothing and emailed nobody (a "
        "double submit, a retry). Always false when joining a waiting list"
    )


class PaymentRecordedOut(AdminApplicationOut):
    """The answer to recording an invoice as paid outside Stripe: the application after it,
    and what this request did (a second press records nothing, and says so)."""

    recorded: Literal["now", "before", "paid_at_stripe"] = Field(
        description="`now`: this request marked the invoice paid outside Stripe (with the "
        "day, the way and the reference given); `before`: an earlier request had, and this one "
        "changed nothing and emailed nobody (a retry, a second press): the details recorded "
        "are those of the first press that gave any, and these were not; `paid_at_stripe`: "
        "its payer paid it at Stripe, so nothing was recorded"
    )


class GivenBackRecordedOut(AdminApplicationOut):
    """The answer to recording money given back by hand: the application after it, and what
    this request did (the same key again records nothing)."""

    recorded: Recorded
    left_to_give_back: int = Field(description="Pence paid outside Stripe not yet given back")
    currency: AmountsCurrency
    given_back_by_hand: GivenBackRecords


# The applicant's answers (the domain's), every one of them always said: the optional one too.
class AnswersOut(Answers):
    accessibility_needs: str


class _RowStart(Model):
    application_id: str
    status: str
    created_at: str


# The bases in this order so that the row's fields read as they always have (the OpenAPI
# document lists them so): pydantic gathers fields from the last base to the first.
class RosterRow(AnswersOut, _RowStart):
    """One application in a course's roster (``GET /admin/courses/{id}/applications``)."""

    amount_paid: int = Field(description="Minor units (pence)")
    amount_refunded: int = Field(
        description="Refunds through Stripe and money given back by hand (minor units)"
    )
    currency: str
    payment_method: Literal["card", "invoice"]
    price: int = Field(description="The place's price when applied for (minor units)")
    discount_code: str = Field(description="The discount code given, if any")
    discount: int = Field(description="What the code takes off (minor units)")
    bursary: int = Field(description="What a bursary covers (minor units)")
    amount_due: int = Field(description="Price less bursary, less discount (minor units)")
    left_to_pay: int = Field(
        description="What is still to be paid: amount_due less what was paid and kept, while "
        "the application is on its way to a booking; 0 once booked or ended, and 0 on a payment "
        "that lapsed and cannot be started again (an offer read as lapsed, before the sweep "
        "and after it while its seat went on or none is free; any lapse once applications "
        "have closed), as the person's page says it (minor units)"
    )
    invoice_number: str
    invoice_status: Literal["", "open", "paid", "void", "uncollectible", "overdue"]
    invoice_due_at: str
    po_number: str
    billing_name: str
    billing_email: str
    group_id: str = Field(
        default="", description="The manager's group booking whose place this fills, if any"
    )
    paid_by_group: str = Field(
        default="",
        description="Said for a colleague filling a group's place: the group paid for it "
        "(their own amount_paid is 0), e.g. 'Paid by the group booking (St Elsewhere)'",
    )
    refund_failed: bool = Field(
        default=False,
        description="True when its refund failed at Stripe and the money is still held: it "
        "is to be given back by hand (the console says 'Refund failed', not 'Refunded')",
    )
    disputed: str = Field(
        default="",
        description="Each payer's bank's dispute (chargeback) of its payment, in words: when "
        "it was opened and why, until when Stripe holds the money (an inquiry still open: that "
        "nothing was taken yet, and by when to answer it), or how it ended, and what "
        "to do (one of a payment refunded already is answered with the refund, else the payer "
        "is paid twice); the place is not taken away ('' when none)",
    )
    given_back_by_hand: list[GivenBackOut] = Field(
        default_factory=list,
        description="Money paid outside Stripe recorded as given back by hand, oldest first "
        "(counted in amount_refunded too); the CSV roster says each in words in its last "
        "column, 'Given back by hand'",
    )
    status_reason: str | None = Field(
        default=None,
        description="Why the status was reached, as read now, on the course's own rows: e.g. "
        "`review_ended` (still awaiting review when applications closed), "
        "`applications_closed` (on the waiting list then), `offer_lapsed`",
    )
    moving_in: MovingInOut | None = Field(
        default=None,
        description="Set on the rows, after the course's own, of bookings of another cohort "
        "whose move here waits: not this course's bookings (their status is on their own "
        "cohort); null for the course's own applications",
    )


class MovingInOut(Model):
    """A booking of another cohort whose move to this course waits."""

    kind: Literal["waiting", "seat_held"] = Field(
        description="`waiting`: on this course's waiting list (a move to it when full); "
        "`seat_held`: a seat here is held for its dearer move until the difference is paid"
    )
    from_course_id: str = Field(description="The cohort it is booked on now")
    since: str = Field(description="When its move was asked")


class TransferOut(Model):
    """One move of a booking to another cohort of its programme."""

    from_course_id: str = Field(description="The cohort it left")
    to_course_id: str = Field(description="The cohort it joined")
    at: datetime = Field(description="When it moved")
    price_before: int = Field(description="The place's price on the cohort left (minor units)")
    price_after: int = Field(description="And on the cohort joined (minor units)")
    currency: str
    refund_due: int = Field(description="What the move gives back (minor units); 0: nothing")
    refund_id: str | None = Field(description="Stripe's refund of it, once made")
    difference_waived: int = Field(
        default=0,
        description="What the new cohort asked beyond what was kept, waived as less than "
        "Stripe's minimum charge (minor units); 0: nothing",
    )
    difference_charged: int = Field(
        default=0,
        description="What the person paid by card to move to a dearer cohort (minor units); "
        "0: nothing",
    )
    undone_at: datetime | None = Field(
        default=None,
        description="When a refund at Stripe made before the difference was paid ended the "
        "booking before the person was told of the move: the move never stood, the booking "
        "ended on the cohort it left and the difference went back whole; null: it stands",
    )


class ApplicationRecordOut(RosterRow):
    """One application (``GET /admin/applications/{id}``): its roster row (amounts in minor
    units), its course, why its status last changed, and its moves between cohorts."""

    reference: str = Field(description="The reference people read out (CL-7K3Q9)")
    course_id: str
    status_reason: str | None = Field(description="Why the status changed, when recorded")
    status_said: str = Field(
        default="",
        description="The status and why, in the console's words (e.g. 'Cancelled (refund on "
        "its way)'; a booking whose refund failed at Stripe, its money still held: 'Refund "
        "failed at Stripe: £200.00 is still to give back by hand')",
    )
    not_emailed_because: str | None = Field(
        default=None,
        description="Why an email to the applicant reaches nobody now, in words (their data "
        "erased, or their address suppressed after a bounce or a complaint); null when it "
        "reaches them",
    )
    transfers: list[TransferOut] = Field(
        default_factory=list, description="Its moves to other cohorts, oldest first"
    )
    pending_move: PendingMove = None
    waiting_move: WaitingMove = None
    seen: str = SEEN_AS_READ


class BursaryIn(Model):
    """``POST /admin/applications/{id}/bursary``: how much of the price a fund pays."""

    model_config = ConfigDict(extra="forbid")

    amount: int = Field(
        gt=0, description="Minor units, at most the price; the whole price: a funded place"
    )
    seen: str | None = Field(
        default=None,
        description="The application's `seen` as last read (optional): another bursary granted "
        "since is 409 bursary_changed, anything else changed since 409 application_changed, "
        "nothing changed",
    )


class BackfillIn(Model):
    """``POST /admin/billing-index/backfill``: the course whose applications to index (the
    previous answer's ``next_course_id``); none: the first course. Blanks alone are empty
    (not "no course" with the blanks printed invisibly)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    course_id: str | None = Field(default=None, min_length=1, max_length=200)


class RefundsFailedBackfillOut(Model):
    """What the refunds-failed backfill wrote (``POST /admin/refunds-failed/backfill``)."""

    written: int = Field(description="Failed refunds written onto the booking that lacked them")
    already_held: int = Field(description="Failed refunds the booking held already")
    not_found: int = Field(description="Failures naming a booking that is no longer stored")


class BackfillPageOut(Model):
    """One course's part of the billing index's backfill."""

    course_id: str | None = Field(description="The course done (null: there are no courses)")
    written: int = Field(description="Lookups written, for applications that had none")
    already_indexed: int = Field(description="Applications whose lookup was there already")
    not_billed: int = Field(
        description="Applications with no billing contact to index (none named, or erased)"
    )
    next_course_id: str | None = Field(
        description="The course to ask for next; null: every course is done"
    )


class CodeUsesPageOut(Model):
    """One course's part of the code uses' backfill (``POST /admin/code-uses/backfill``)."""

    course_id: str | None = Field(description="The course done (null: there are no courses)")
    given_back: int = Field(description="Code uses given back, kept by an older expiry")
    next_course_id: str | None = Field(description="The course to ask for next; null: done")


class FormerContactsPageOut(Model):
    """One course's part of the replaced billing contacts' backfill
    (``POST /admin/former-contacts/backfill``), counted in replaced invoices."""

    course_id: str | None = Field(description="The course done (null: there are no courses)")
    recorded: int = Field(description="Replaced invoices whose contact was recorded now")
    already_recorded: int = Field(description="Replaced invoices recorded before")
    nobody_to_record: int = Field(
        description="Replaced invoices with nobody to record: Stripe holds no one for them any "
        "more, or they went to someone the booking names still"
    )
    next_course_id: str | None = Field(description="The course to ask for next; null: done")


class DiscountCodeOut(Model):
    code: str
    course_id: str
    promotion_code_id: str = Field(description="Stripe's promotion code")
    percent_off: float | None
    amount_off: int | None = Field(description="Minor units")
    currency: str = Field(
        description="An amount off: the currency it is in; a percentage off (which has none of "
        "its own): the course's now"
    )
    max_uses: int | None = Field(
        description="Uses allowed, counted by this system (no limit at Stripe)"
    )
    times_used: int = Field(
        description=(
            "Uses held now: one by each application giving the code, from when it is made "
            "until it ends without ever being a booking"
        )
    )
    uses_left: int | None = Field(
        description="Uses a new application may still claim (null: no limit)"
    )
    active: bool = Field(
        description="False once an organiser expired it: no new application may give it "
        "(those that gave it keep their price)"
    )
    expires_at: str | None = Field(description="Its last moment (UTC); null: no end date")
    expired_at: str | None = Field(
        description="When an organiser expired it (UTC); null: it was not expired"
    )
    stripe_active: bool | None = Field(
        description="Whether Stripe still accepts the promotion code (null: Stripe did not answer)"
    )
    stripe_times_redeemed: int | None = Field(
        description="Completed payments that redeemed it, as Stripe counts them (null: Stripe "
        "did not answer)"
    )


class MoneyTotalsOut(Model):
    """A course's money (``GET /admin/courses/{id}/totals``); amounts in minor units. Price,
    discounts, bursaries and due count bookings (confirmed or awaiting invoice payment)."""

    course_id: str
    currency: str
    confirmed: int = Field(description="Confirmed bookings")
    awaiting_invoice_payment: int = Field(description="Bookings whose invoice is open")
    price: int
    discounts: int
    bursaries: int
    due: int = Field(description="What those bookings pay: price less discounts and bursaries")
    paid: int = Field(description="Every payment recorded, by any application or group booking")
    refunded: int
    net: int = Field(description="Paid less refunded, less disputed, less dispute fees")
    invoiced_unpaid: int = Field(description="What open invoices still ask for")
    funded_places: int = Field(description="Places a bursary funds in full")
    group_places: int = Field(
        default=0,
        description="Places managers booked for colleagues (paid, or invoiced) and kept; "
        "their price is in price and due, their payments in paid and refunded",
    )
    waived: int = Field(
        default=0,
        description="What moves to this cohort left unpaid, each below Stripe's minimum charge "
        "(due is price less discounts, bursaries and this)",
    )
    paid_off_stripe: int = Field(default=0, description="Of paid: received outside Stripe")
    given_back_by_hand: int = Field(
        default=0, description="Of refunded: money received outside Stripe given back by hand"
    )
    refunds_failed: int = Field(
        default=0,
        description="Of net: what refunds that failed at Stripe left held, still to give back "
        "by hand",
    )
    disputed: int = Field(
        default=0,
        description="What payers' banks took back in disputes (chargebacks) and did not give "
        "back, as Stripe's balance counts it: out of net",
    )
    dispute_fees: int = Field(
        default=0,
        description="Stripe's fees for those disputes (£20 each in the UK, kept whatever the "
        "outcome), as Stripe's balance transactions of each dispute give them: out of net, "
        "apart from refunded (nothing went back to anyone)",
    )
    places: PlacesOut = Field(description="The course's places booked, held and free")


class ErasedApplicationOut(Model):
    application_id: str
    reference: str
    course_id: str
    as_: str = Field(alias="as", description="applicant, or billing contact")
    invoice_voided: bool = Field(description="Its open invoice was voided by the erasure")
    seat_released: bool = Field(description="Its place went back to the course")
    paid_meanwhile: bool = Field(
        default=False,
        description="Its card checkout was paid before the erasure could expire it: the "
        "booking stands, paid (cancel it with a refund to give the money back)",
    )
    invoice_being_paid: bool = Field(
        default=False,
        description="Its open invoice (to the erased billing contact) was not voided: the "
        "employer's payment of it is on its way (a bank debit being confirmed), and may still "
        "confirm the booking; void it from the booking's page if it does not come",
    )
    facilitator_lists_asked: int = Field(
        description="How many facilitators' lists (one per cohort) sent the application were "
        "asked to delete their copies"
    )


class ErasedGroupOut(Model):
    group_id: str
    course_id: str
    as_: list[str] = Field(
        alias="as", description="manager, billing contact, colleague (place N): each it named"
    )
    invoice_voided: bool = Field(description="Its open invoice was voided by the erasure")
    checkout_expired: bool = Field(
        description="Its unpaid card checkout was expired at Stripe by the erasure: it ended"
    )
    seats_released: int = Field(description="How many of its places went back to the course")
    manager_told: bool = Field(description="The manager (not erased) is emailed of its end")
    manager_link_ended: bool = Field(description="The manager was erased: their link is dead")
    facilitator_lists_asked: int = Field(
        description="The manager was erased: how many facilitators' lists (one per cohort) sent "
        "its colleagues' bookings, which named the manager, were asked to delete those emails"
    )


class ErasureOut(Model):
    """What was erased, and what that did (``DELETE /admin/people/{email}``)."""

    erased_applications: list[str] = Field(
        description="The ids of the applications erased as the applicant's"
    )
    applications: list[ErasedApplicationOut] = Field(
        default_factory=list, description="Each application erased, as applicant or billing contact"
    )
    group_bookings: list[ErasedGroupOut] = Field(
        default_factory=list, description="Each group booking that named the person"
    )
    stripe_pending: bool = Field(
        default=False,
        description="Stripe was unreachable: its search for the customers it alone holds under "
        "the address is pending, retried every 15 minutes until Stripe answers (30 days at most)",
    )
    erasures_pending_at_stripe: int = Field(
        default=0, description="How many erasures (this one too) still wait for Stripe"
    )
    said: list[str] = Field(
        default_factory=list, description="The same in words, as the console and the CLI say it"
    )

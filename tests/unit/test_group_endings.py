"""Why a group booking ended unpaid (``domain.group_endings``): decided by the step that ended
it, stored with it, and said truly to the organisers and to the manager."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.adapters.email_templates import render
from booking.domain.application import ERASED, ERASED_EMAIL
from booking.domain.emails import EmailKind
from booking.domain.group_endings import (
    MANAGERS_HEADLINE,
    MANAGERS_WHY,
    ORGANISERS_WORDS,
    GroupEnding,
    managers_headline,
    managers_why,
    organisers_words,
)
from booking.domain.group_overview import group_line
from booking.domain.group_stripe_events import ending_of
from booking.domain.groups import Colleague, GroupBooking, GroupStatus, lapsed, void_asked
from tests.support.group_bookings import NOW, group, group_by_invoice

ZONE = "Europe/London"


def test_a_void_the_organiser_asked_for_is_theirs_whoever_delivers_it() -> None:
    asked = void_asked(group_by_invoice(), "in_1", NOW, GroupEnding.VOIDED_BY_ORGANISER)
    assert ending_of(asked, "in_1", GroupEnding.VOIDED_AT_STRIPE, NOW) is (
        GroupEnding.VOIDED_BY_ORGANISER
    )
    # A void nobody here asked for, or of another invoice (one replaced since), is Stripe's.
    assert ending_of(group_by_invoice(), "in_1", GroupEnding.VOIDED_AT_STRIPE, NOW) is (
        GroupEnding.VOIDED_AT_STRIPE
    )
    assert (
        ending_of(asked, "in_2", GroupEnding.VOIDED_AT_STRIPE, NOW) is GroupEnding.VOIDED_AT_STRIPE
    )
    # The ask changes no other ending.
    assert ending_of(asked, "in_1", GroupEnding.MARKED_UNCOLLECTIBLE, NOW) is (
        GroupEnding.MARKED_UNCOLLECTIBLE
    )


def test_a_void_once_the_hold_ended_unpaid_ends_the_group_as_not_paid_by_its_due_date() -> None:
    """The sweep voids first, then ends the hold: Stripe's event of that void, if it comes
    first, ends it alike."""
    unpaid = group_by_invoice()
    ended = unpaid.hold_expires_at
    assert ended is not None
    assert ending_of(unpaid, "in_1", GroupEnding.VOIDED_AT_STRIPE, ended) is (
        GroupEnding.NOT_PAID_BY_DEADLINE
    )
    before = ended - timedelta(seconds=1)
    assert ending_of(unpaid, "in_1", GroupEnding.VOIDED_AT_STRIPE, before) is (
        GroupEnding.VOIDED_AT_STRIPE
    )
    # An organiser's ask stays theirs, however late.
    asked = void_asked(unpaid, "in_1", NOW, GroupEnding.VOIDED_BY_ORGANISER)
    assert ending_of(asked, "in_1", GroupEnding.VOIDED_AT_STRIPE, ended) is (
        GroupEnding.VOIDED_BY_ORGANISER
    )


def test_a_void_an_erasure_asked_for_ends_the_group_as_the_erasure_whoever_delivers_it() -> None:
    asked = void_asked(group_by_invoice(), "in_1", NOW, GroupEnding.PERSON_ERASED)
    assert ending_of(asked, "in_1", GroupEnding.VOIDED_AT_STRIPE, NOW) is GroupEnding.PERSON_ERASED
    # An ask recorded before its reason was (an organiser's, then the only one) stays theirs.
    before_reasons = asked.model_copy(update={"void_asked_because": None})
    assert ending_of(before_reasons, "in_1", GroupEnding.VOIDED_AT_STRIPE, NOW) is (
        GroupEnding.VOIDED_BY_ORGANISER
    )


@pytest.mark.parametrize(
    ("because", "invoice_status"),
    [
        (GroupEnding.VOIDED_BY_ORGANISER, "void"),
        (GroupEnding.VOIDED_AT_STRIPE, "void"),
        (GroupEnding.NOT_PAID_BY_DEADLINE, "overdue"),
        (GroupEnding.MARKED_UNCOLLECTIBLE, "uncollectible"),
        (GroupEnding.PERSON_ERASED, "void"),
    ],
)
def test_an_ended_booking_keeps_why_and_its_invoice_as_stripe_holds_it(
    because: GroupEnding, invoice_status: str
) -> None:
    ended = lapsed(group_by_invoice(), NOW, because)
    assert (ended.status, ended.ended_because, ended.seats_held) == (
        GroupStatus.LAPSED,
        because,
        0,
    )
    assert ended.invoice is not None
    assert ended.invoice.status == invoice_status
    stored = GroupBooking.model_validate_json(ended.model_dump_json())
    assert stored.ended_because is because


def test_a_booking_stored_before_reasons_were_recorded_reads_back_with_none() -> None:
    old = lapsed(group(), NOW, GroupEnding.CHECKOUT_EXPIRED).model_dump(mode="json")
    del old["ended_because"]
    assert GroupBooking.model_validate(old).ended_because is None


def test_every_ending_has_its_words_for_the_organisers_and_the_manager() -> None:
    assert set(ORGANISERS_WORDS) == set(MANAGERS_HEADLINE) == set(MANAGERS_WHY) == set(GroupEnding)


def test_the_organisers_are_told_who_ended_it_and_never_that_a_voided_invoice_went_unpaid() -> None:
    voided = group_line(
        lapsed(group_by_invoice(), NOW, GroupEnding.VOIDED_BY_ORGANISER), {}, ZONE, NOW
    )
    assert voided.status == "lapsed"
    assert voided.ended_because is GroupEnding.VOIDED_BY_ORGANISER
    assert voided.status_said == (
        "Ended: an organiser voided its invoice, so its places were released"
    )
    assert "not paid" not in voided.status_said
    assert {p.state_said for p in voided.places} == {
        "Released: the booking ended before it was paid"
    }
    overdue = group_line(
        lapsed(group_by_invoice(), NOW, GroupEnding.NOT_PAID_BY_DEADLINE), {}, ZONE, NOW
    )
    assert overdue.status_said == (
        "Lapsed: its invoice was not paid by its due date, so its places were released"
    )
    expired = group_line(lapsed(group(), NOW, GroupEnding.CHECKOUT_EXPIRED), {}, ZONE, NOW)
    assert expired.ended_because is GroupEnding.CHECKOUT_EXPIRED
    assert "checkout expired" in expired.status_said
    # Stored before the reason was: words true of every ending.
    unknown = lapsed(group(), NOW, GroupEnding.CHECKOUT_EXPIRED).model_copy(
        update={"ended_because": None}
    )
    line = group_line(unknown, {}, ZONE, NOW)
    assert (line.ended_because, line.status_said) == (None, organisers_words(None))
    assert line.status_said == "Ended unpaid: its places were released"


def test_a_payment_given_back_is_said_after_why_it_ended() -> None:
    ended = lapsed(group(), NOW, GroupEnding.CHECKOUT_EXPIRED).model_copy(
        update={"given_back": {"pi_late": 60000}}
    )
    said = group_line(ended, {}, ZONE, NOW).status_said
    assert said == (
        "Lapsed: its card payment was not made before the checkout expired, so its places were "
        "released; a payment it could not take (£600.00) was refunded in full"
    )


def _lapse_email(ending: GroupEnding | None) -> tuple[str, str]:
    values = {
        "course": {"title": "Course", "name": "Course", "organisation": "", "enquiries_email": ""},
        "reference": None,
        "booked_on": None,
        "manager_name": "Florence",
        "group_organisation": "St Elsewhere",
        "manager_url": "https://b/groups/g1?token=t",
        "billing_alone": False,  # to the manager (domain.payer)
        "change": {
            "event": "hold_lapsed",
            "amount": None,
            "places": "",
            "how_many": 0,
            "places_kept": None,
            "by_card": False,
            "book_again_url": "https://b/courses/c1/group-booking",
            "headline": managers_headline(ending),
            "why": managers_why(ending),
        },
    }
    rendered = render(EmailKind.GROUP_CHANGED, values)
    return rendered.subject, " ".join(rendered.text.split())


def test_the_managers_email_says_the_organisers_cancelled_the_invoice_when_they_did() -> None:
    subject, text = _lapse_email(GroupEnding.VOIDED_BY_ORGANISER)
    assert subject == "The invoice was cancelled: the places were released: Course"
    assert (
        "The places you booked on Course for St Elsewhere were released for others to book: "
        "the course's organisers cancelled (voided) the invoice for them." in text
    )
    assert "not paid" not in (subject + text).lower()
    subject, text = _lapse_email(GroupEnding.NOT_PAID_BY_DEADLINE)
    assert subject.startswith("Not paid in time: the places were released")
    assert "the invoice for them was not paid by its due date." in text
    subject, text = _lapse_email(None)
    assert subject.startswith("Not paid: the places were released")
    assert "in time" not in subject + text


def test_an_erased_colleagues_place_in_an_ended_booking_is_said_released_with_it() -> None:
    """Nobody can name anyone on a place of a booking that has ended: an
    erased colleague's place says it went with the booking, whoever else was erased."""
    gone = Colleague.model_construct(name=ERASED, email=ERASED_EMAIL)
    open_one = group_by_invoice()
    erased_place = open_one.places[0].model_copy(update={"colleague": gone})
    named = open_one.model_copy(update={"places": (erased_place, *open_one.places[1:])})
    ended = lapsed(named, NOW, GroupEnding.PERSON_ERASED)
    ended_too = ended.model_copy(update={"manager": gone})

    for booking in (ended, ended_too):
        first, second = group_line(booking, {}, ZONE, NOW).places[:2]
        assert first.state == "erased"
        assert first.state_said == (
            "Erased: the person was erased; the place was released with the booking when it ended"
        )
        assert "until the manager names someone else" not in first.state_said
        assert second.state_said == "Released: the booking ended before it was paid"
    # While the booking holds its places, the manager may still name someone else.
    assert "until the manager names someone else" in (
        group_line(named, {}, ZONE, NOW).places[0].state_said
    )

"""Places booked by a manager: the pure rules (``domain.groups``) and the group emails' words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from booking.adapters.email_templates import render
from booking.domain.colleague_told import PlaceEnd, colleague_told
from booking.domain.emails import EmailKind
from booking.domain.form_text import FormText
from booking.domain.group_endings import GroupEnding
from booking.domain.group_stripe_events import GroupMove, decide_ended, decide_paid, why_not_taken
from booking.domain.groups import GroupForm, GroupStatus, apply_by, paid, share_of_place
from booking.domain.money import Money
from booking.domain.place_changes import places_bounds_refusal
from tests.support.group_bookings import NOW, group, group_by_invoice

HOSTILE = '<script>alert("x")</script>'


def test_the_seats_a_group_holds_follow_its_state_and_its_released_places() -> None:
    held = group()
    assert held.seats_held == 3
    released = held.with_place(held.places[0].model_copy(update={"released": True}), NOW)
    assert released.seats_held == 2
    assert group(status=GroupStatus.LAPSED).seats_held == 0
    assert held.total == Money(amount=60000)


def test_only_the_current_object_and_the_exact_amount_pay_for_a_group() -> None:
    held = group()
    assert decide_paid(held, "cs_1", 60000, "gbp", "pi_1") is GroupMove.PAID
    assert decide_paid(held, "cs_1", 20000, "gbp", "pi_1") is GroupMove.REFUND
    assert decide_paid(held, "cs_1", 60000, "eur", "pi_1") is GroupMove.REFUND
    assert decide_paid(held, "cs_other", 60000, "gbp", "pi_1") is GroupMove.REFUND
    done = paid(held, "pi_1", NOW)
    assert decide_paid(done, "cs_1", 60000, "gbp", "pi_1") is GroupMove.IGNORE  # redelivered
    assert decide_paid(done, "cs_1", 60000, "gbp", "pi_2") is GroupMove.REFUND  # a second one
    expired = GroupEnding.CHECKOUT_EXPIRED
    assert decide_ended(done, "cs_1", ended_as=expired) is GroupMove.IGNORE  # never undoes paid
    assert decide_ended(held, "cs_1", ended_as=expired) is GroupMove.LAPSED


def test_a_void_of_an_invoice_being_replaced_ends_nothing_unless_asked_for() -> None:
    """The invoice is voided before its replacement is saved."""
    voided = GroupEnding.VOIDED_AT_STRIPE
    held = group_by_invoice()
    assert decide_ended(held, "in_1", ended_as=voided) is GroupMove.LAPSED
    replacing = held.model_copy(update={"replacing_invoice": "in_1"})
    assert decide_ended(replacing, "in_1", ended_as=voided) is GroupMove.IGNORE
    # Only a void: the invoice falling due, or marked uncollectible, still ends it.
    due = GroupEnding.NOT_PAID_BY_DEADLINE
    assert decide_ended(replacing, "in_1", ended_as=due) is GroupMove.LAPSED
    asked = replacing.model_copy(update={"void_asked_for": "in_1"})
    assert decide_ended(asked, "in_1", ended_as=voided) is GroupMove.LAPSED
    # How it ended is never left out, which would switch the guard off.
    with pytest.raises(TypeError):
        decide_ended(replacing, "in_1")  # type: ignore[call-arg]


def test_a_payment_that_cannot_be_taken_says_why_the_first_that_holds() -> None:
    held = group()
    assert why_not_taken(held, "cs_1", 60000, "gbp") is None
    assert why_not_taken(held, "cs_1", 20000, "gbp") == "amount"
    assert why_not_taken(held, "cs_other", 20000, "gbp") == "replaced"
    assert why_not_taken(paid(held, "pi_1", NOW), "cs_1", 60000, "gbp") == "paid_twice"
    ended = held.model_copy(update={"status": GroupStatus.LAPSED})
    assert why_not_taken(ended, "cs_1", 60000, "gbp") == "ended"


def test_paying_tells_the_manager_and_each_colleague_once() -> None:
    done = paid(group(), "pi_1", NOW)
    kinds = sorted((job.kind.value, job.group_place) for job in done.outbox)
    assert kinds == [
        ("group_booked", None),
        ("group_place_link", 1),
        ("group_place_link", 2),
        ("group_place_link", 3),
    ]
    assert len({job.job_id for job in done.outbox}) == 4


def test_a_place_gives_back_its_price_and_never_more_than_is_left() -> None:
    done = paid(group(), "pi_1", NOW)
    assert share_of_place(done) == 20000
    assert share_of_place(done.model_copy(update={"refunds": {"re_1": 50000}})) == 10000


def test_colleagues_apply_a_week_before_the_start_or_two_days_after_booking() -> None:
    start = NOW + timedelta(days=30)
    assert apply_by(start, NOW) == start - timedelta(days=7)
    soon = NOW + timedelta(days=4)
    assert apply_by(soon, NOW) == NOW + timedelta(days=2)
    assert apply_by(NOW + timedelta(days=1), NOW) == NOW + timedelta(days=1)


def test_places_within_bounds() -> None:
    assert places_bounds_refusal(3, 5) is None
    assert places_bounds_refusal(3, 2) == "this course has only 2 places left"
    assert places_bounds_refusal(1, 0) == "this course has no places left"


def test_the_form_gathers_its_rows_and_refuses_one_address_twice() -> None:
    posted = {
        "manager_name": "Florence",
        "manager_email": "florence@example.org",
        "organisation": "Trust",
        "consent": FormText("on"),
        "colleague_name_1": "Mary",
        "colleague_email_1": "mary@example.org",
        "colleague_name_3": "Edith",
        "colleague_email_3": "edith@example.org",
    }
    form = GroupForm.model_validate(posted)
    assert [c.name for c in form.colleagues] == ["Mary", "Edith"]
    with pytest.raises(ValidationError):
        GroupForm.model_validate({**posted, "colleague_email_3": "MARY@example.org"})
    with pytest.raises(ValidationError):
        GroupForm.model_validate(
            {
                **posted,
                "colleague_name_1": "",
                "colleague_email_1": "",
                "colleague_name_3": "",
                "colleague_email_3": "",
            }
        )


@pytest.mark.parametrize(
    "kind",
    [EmailKind.GROUP_BOOKED, EmailKind.GROUP_PLACE_LINK, EmailKind.GROUP_PLACE_GIVEN_UP],
)
@pytest.mark.parametrize("paid_now", [True, False])
def test_group_emails_escape_what_people_typed(kind: EmailKind, paid_now: bool) -> None:
    values = {
        "course": {"title": "Course", "name": "Course", "organisation": "", "enquiries_email": ""},
        "reference": None,
        "booked_on": None,
        "name": HOSTILE,
        "manager_name": HOSTILE,
        "group_organisation": HOSTILE,
        "paid": paid_now,
        "booked": 2,
        "places": 2,
        "total": "£400.00",
        "apply_by": "Monday 1 June 2027, 9:00am",
        # A colleague's link sent again when the course's dates moved the date earlier.
        "apply_by_moved": not paid_now,
        # The manager's paid email of a payment that came once the apply-by date had passed.
        "apply_by_passed": paid_now,
        "manager_url": "https://b/groups/g1?token=t",
        "apply_url": "https://b/groups/g1/places/1/apply?token=t1",
        # An employer's invoice, while unpaid: its purchase order is typed by the manager too.
        "invoice": None
        if paid_now
        else {
            "number": "INV-0001",
            "po_number": HOSTILE,
            "billing_email": "ap@example.org",
            "due": "Monday 1 June 2027",
            "url": "https://invoice.test/in_1",
        },
        "ended": colleague_told(
            PlaceEnd.MANAGER_GAVE_UP, manager=HOSTILE, organisation=HOSTILE, course="Course"
        ),
    }
    rendered = render(kind, values)
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html
    assert HOSTILE in rendered.text
    assert "\n" not in rendered.subject


def test_the_forms_errors_sit_beside_the_row_they_are_about() -> None:
    from booking.handlers.pages.groups import _errors

    listed = _errors(
        {"colleagues.1.email": "enter an address", "manager_name": "this field is required"}, {}
    )
    assert listed[0]["href"] == "#colleague_email_2"
    assert listed[0]["message"].startswith("Colleague 2's email address")
    assert listed[1]["message"] == "Your full name: this field is required"

"""A bursary asks "could the person start a payment now?" as the checkout does: on a lapsed checkout
whose seat went to someone else, or whose discount code was
used up since, a bursary (part or whole) is refused 409 in words naming why, nothing written and
nobody emailed; a waiting person's part bursary is granted and the email says what is true
(nothing to pay until a place is offered); the console's form promises a whole-price bursary
confirms the place only where a place is there to confirm; a confirmed booking is refused
saying it is paid for, not that it "has ended". Through the real handlers and moto."""

from __future__ import annotations

from typing import Any

from tests.support.applications import session_id_of
from tests.support.console import signed_in
from tests.support.groups import COLLEAGUES, apply_through, paid_group
from tests.support.invoiced import ACCOUNTS, invoiced_cohort, one_on_an_invoice
from tests.support.page_text import text_of
from tests.support.system import System


def _small(system: System) -> None:
    definition = system.one_session_file(programme="compassionate-leadership")
    assert system.admin("PUT", "/courses/small", json_body=definition).status == 201


def _lapsed(system: System, **answers: Any) -> dict[str, Any]:
    applied = system.apply(course_id="small", **answers)
    assert applied.status == 201, applied.body
    answer = dict(applied.json())
    system.stripe_local("POST", f"/checkout/{session_id_of(answer)}/expire")
    assert system.stored(answer).status.value == "expired"
    return answer


def test_a_part_bursary_on_a_lapsed_checkout_whose_seat_went_on_is_refused(
    system: System,
) -> None:
    _small(system)
    lapsed = _lapsed(system)
    system.booked("small", email="took-the-seat@example.org")
    system.deliver_emails()
    version = system.stored(lapsed).version

    said = system.bursary_refused(lapsed, 5000, "course_full")

    assert "its place went to someone else" in said
    assert "Nothing was changed and nobody was emailed" in said
    assert system.stored(lapsed).version == version


def test_a_part_bursary_on_a_lapsed_checkout_whose_code_was_used_up_is_refused(
    system: System,
) -> None:
    definition = system.one_session_file(programme="compassionate-leadership", capacity=3)
    assert system.admin("PUT", "/courses/small", json_body=definition).status == 201
    system.made_code("small", code="ONCE", percent_off=50, max_uses=1)
    lapsed = _lapsed(system, discount_code="once")
    took = system.apply(course_id="small", email="took-the-code@example.org", discount_code="once")
    assert took.status == 201, took.body
    system.deliver_emails()

    said = system.bursary_refused(lapsed, 5000, "discount_code_used_up")

    assert "discount code has been used up since" in said


def test_a_waiting_persons_part_bursary_says_nothing_is_to_pay_yet(system: System) -> None:
    _small(system)
    system.booked("small", email="holder@example.org")
    waiting = system.apply(course_id="small", email="waiting@example.org").json()
    assert system.stored(waiting).status.value == "waitlisted"
    system.deliver_emails()

    granted = system.grant_bursary(waiting, 5000)

    assert granted.status == 200, granted.body
    (told,) = system.deliver_emails()
    for words in (told.text, text_of(told.html)):
        assert "still on the waiting list, so there is nothing to pay yet" in words
        assert "You can pay it from your booking page" not in words
    page = signed_in(system).get(f"/console/applications/{waiting['application_id']}").body
    assert "a bursary of the whole price needs a free place" in text_of(page)
    assert "a bursary of the whole price confirms the place" not in text_of(page)


def test_a_bursary_on_a_confirmed_booking_says_it_is_paid_for(system: System) -> None:
    _small(system)
    booked = system.booked("small")
    system.deliver_emails()

    said = system.bursary_refused(booked, 5000, "not_fundable")

    assert "its place is paid for already" in said
    assert "it has ended" not in said


def test_a_bursary_refused_where_nothing_can_be_refunded_never_says_to_refund_it(
    system: System,
) -> None:
    """A place funded whole by a bursary (nothing paid) and a place a manager's group booking
    paid for (refunded only when the manager gives it up): another bursary for either is
    refused in words that say how it stands, never "to give money back, refund it", which the
    organisers cannot do for either."""
    _small(system)
    funded = dict(system.apply("small").json())
    assert system.grant_bursary(funded, 20000).status == 200
    system.deliver_emails()

    said = system.grant_bursary(funded, 5000).refused(409, "not_fundable")["message"]

    assert "refund" not in said, said
    assert "paid for already" not in said
    assert "nothing was paid for it" in said
    invoiced_cohort(system)
    group = paid_group(system)
    colleague = apply_through(system, group["places"][0]["apply_url"], **COLLEAGUES[0])
    assert colleague.status == 201, colleague.body
    system.deliver_emails()

    said = system.grant_bursary(colleague.json(), 5000).refused(409, "not_fundable")["message"]

    assert "refund it" not in said, said
    assert "the manager gives the place up on their page" in said


def test_a_whole_price_bursary_voiding_an_employers_invoice_tells_its_billing_contact(
    system: System,
) -> None:
    """The invoice Stripe sent the employer was voided and its billing contact
    told nothing (every other void tells them)."""
    application, invoice_id = one_on_an_invoice(system)

    assert system.grant_bursary(application, 20000).status == 200

    assert system.stripe_invoice(invoice_id)["status"] == "void"
    sent = system.deliver_emails()
    [told] = [m for m in sent if m.to == [ACCOUNTS]]
    number = system.stripe_invoice(invoice_id)["number"]
    assert told.subject.startswith(f"Invoice {number} is cancelled, with nothing to pay: ")
    for words in (told.text, text_of(told.html)):
        assert "is now funded in full by a bursary" in words
        assert "The place is still booked." in words
        assert "/status" not in words  # no link that acts for the person
    assert system.stored(application).status.value == "confirmed"


UNHELD = "No place is held for you until you pay: pay it from your booking page while a place"


def test_a_part_bursary_on_a_lapsed_checkout_promises_no_place_a_newcomer_may_take(
    system: System,
) -> None:
    """The "could pay now" read holds nothing, so a newcomer a moment after the
    grant takes the last place; the person's email then said "You can pay it from your booking
    page" where paying is refused. It says no place is held until they pay, and the payment
    refused is what it said could happen."""
    _small(system)
    lapsed = _lapsed(system)
    system.deliver_emails()

    granted = system.grant_bursary(lapsed, 5000)
    assert granted.status == 200, granted.body
    assert system.stored(lapsed).seat_held is False  # nothing held: nothing may be promised
    newcomer = system.apply(course_id="small", email="newcomer@example.org")
    assert newcomer.status == 201, newcomer.body
    assert newcomer.json()["status"] == "awaiting_payment"

    [told] = [m for m in system.deliver_emails() if "A bursary towards" in m.subject]
    for words in (told.text, text_of(told.html)):
        assert "What is left to pay is £150.00" in words
        assert UNHELD in words
        assert "if the course fills first, it cannot be paid" in words
        assert "You can pay it from your booking page" not in words
    system.restart_checkout(lapsed).refused(409, "course_full")

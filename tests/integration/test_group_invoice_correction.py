"""A group's invoice corrected, as one person's is (``services.group_invoice_correction``): an
employer's group invoice sent with a wrong billing name, address, PO or email is replaced by one
for the same places, amount and due day, sent to the corrected details, the old one voided at
Stripe first, every place and its price kept. A payment of the old invoice that gets there
first is kept and pays the group, the correction refused; one stopped after the void is
completed by the sweep; the same details again send nothing; a wrong detail is refused in
words beside its field, nothing written.

Through the real handlers (organisers' API, console, CLI), moto and the Stripe stand-in; each
race made exact by a hook at the in-process Stripe client."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.support.console import po_box, refused_beside, signed_in
from tests.support.groups import (
    group_of_three,
    manager_view,
    paid_at_the_void,
    paid_for_three,
    pay_link_id,
    places_left,
    three_on_an_invoice,
    three_on_an_invoice_stopped_after_the_void,
    when_stripe_is_asked,
)
from tests.support.held_events import deliver, held
from tests.support.html_forms import form_posting_to
from tests.support.invoiced import (
    ACCOUNTS,
    BILLING,
    CORRECTED,
    INVOICED,
    group_invoice_corrected,
    invoiced_cohort,
    old_contact_told_once,
    told_replaced,
)
from tests.support.page_text import text_of
from tests.support.stripe_client import posts_fail
from tests.support.system import System

AS_BOOKED = {name: BILLING[name] for name in CORRECTED}
PAGE = f"/console/courses/{INVOICED}/group-bookings"


def _corrected(system: System, group: dict[str, Any], old: str, left: int) -> str:
    """``group`` of three on a new open invoice to :data:`CORRECTED`, for the same £600 and
    due day, the old one void at Stripe, every place kept at its price and the course's places
    left as they were: the new invoice's id."""
    stored = system.stored_group(group)
    assert stored.billing is not None
    assert stored.billing.model_dump() == CORRECTED
    assert stored.invoice is not None
    new = stored.invoice.invoice_id
    assert new != old
    assert new in stored.invoices_issued  # believed for this group only
    assert (stored.replacing_invoice, stored.replacing_billing, stored.replacing_with) == (
        None,
        None,
        (),
    )
    at_stripe, before = system.stripe_invoice(new), system.stripe_invoice(old)
    assert before["status"] == "void"
    assert (at_stripe["status"], at_stripe["amount_due"]) == ("open", 60000)
    assert at_stripe["customer_email"] == CORRECTED["billing_email"]
    assert at_stripe["due_date"] == before["due_date"]  # a correction gives no more time
    view = manager_view(system, group)
    assert (view["status"], view["places_kept"], pay_link_id(view)) == (
        "awaiting_invoice_payment",
        3,
        new,
    )
    assert [place.released for place in stored.places] == [False, False, False]
    assert stored.price.amount == 20000  # each place's share as it was
    assert places_left(system, INVOICED) == left
    return new


def test_a_correction_sends_a_new_invoice_for_the_same_places_and_day(system: System) -> None:
    group, old, left = three_on_an_invoice(system)

    answer = group_invoice_corrected(system, group)

    assert answer.status == 200, answer.body
    assert answer.json()["corrected"] is True
    assert answer.json()["billed_to"].startswith(CORRECTED["billing_name"])
    # Stripe's invoice.voided of the old one arrived and ended nothing.
    assert all(reply.status == 200 for reply in system.webhook_replies)
    new = _corrected(system, group, old, left)

    # The same details again (a press twice): nothing changed, nothing asked of Stripe.
    asked = len(system.stripe_http.requests)
    again = group_invoice_corrected(system, group)
    assert again.status == 200, again.body
    assert again.json()["corrected"] is False
    assert len(system.stripe_http.requests) == asked
    assert pay_link_id(manager_view(system, group)) == new

    # The new invoice pays for the three places.
    assert system.stripe_local("POST", f"/invoices/{new}/pay").status == 200
    paid_for_three(system, group)


def test_a_payment_of_the_old_invoice_at_the_void_refuses_the_correction_and_is_kept(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    group, old, left = three_on_an_invoice(system)
    answer, caused = paid_at_the_void(
        system, monkeypatch, old, lambda: group_invoice_corrected(system, group)
    )

    error = answer.refused(409, "payment_being_recorded")
    assert "nothing was changed" in error["message"]
    stored = system.stored_group(group)
    assert stored.invoice is not None
    assert stored.invoice.invoice_id == old
    assert stored.billing is not None
    assert stored.billing.billing_email == ACCOUNTS  # nothing of the correction written
    assert (stored.replacing_invoice, stored.replacing_billing) == (None, None)
    assert [i for i in stored.invoices_issued if i != old] == []  # no new invoice made
    deliver(system, caused)
    paid_for_three(system, group)
    assert places_left(system, INVOICED) == left


def test_a_correction_stopped_after_the_void_is_completed_by_the_sweep(system: System) -> None:
    """Stripe voids the old invoice, then fails to make the new one, and nobody presses
    again: a few minutes on, the sweep makes the corrected invoice to the details marked."""
    group, old, left, failed = three_on_an_invoice_stopped_after_the_void(
        system, lambda group: group_invoice_corrected(system, group)
    )

    assert failed.status == 503, failed.body
    said = failed.json()["error"]["message"]
    assert "the old invoice is already cancelled, so it can no longer be paid" in said
    marked = system.stored_group(group)
    assert (marked.replacing_invoice, marked.replacing_place) == (old, None)
    assert marked.replacing_billing is not None
    assert marked.replacing_billing.model_dump() == CORRECTED
    # Stripe's invoice.voided of the old one ended nothing; the manager is offered nothing
    # to pay until the corrected invoice is made.
    assert all(reply.status == 200 for reply in system.webhook_replies)
    half = manager_view(system, group)
    assert (half["status"], half["pay_url"]) == ("awaiting_invoice_payment", None)
    assert half["status_said"].startswith("The invoice is being corrected")
    # A give-up meanwhile would replace it to the old details: refused, nothing changed.
    path = f"/groups/{group['group_id']}/places/2/cancel?token={group['token']}"
    system.api("POST", path, json_body={}).refused(409, "invoice_being_corrected")

    system.scheduled_run(system.now() + timedelta(minutes=1))
    assert system.stored_group(group).replacing_invoice == old  # not yet left half done
    system.scheduled_run(system.now() + timedelta(minutes=6))

    _corrected(system, group, old, left)


def test_pressing_again_after_stripe_failed_completes_the_correction(system: System) -> None:
    group, old, left, failed = three_on_an_invoice_stopped_after_the_void(
        system, lambda group: group_invoice_corrected(system, group)
    )
    assert failed.status == 503

    again = group_invoice_corrected(system, group)

    assert again.status == 200, again.body
    assert again.json()["corrected"] is True
    _corrected(system, group, old, left)


def test_wrong_details_are_refused_beside_their_fields_and_nothing_is_written(
    system: System,
) -> None:
    group, old, _ = three_on_an_invoice(system)
    before, asked = system.items(), len(system.stripe_http.requests)

    wrong = {
        **CORRECTED,
        "billing_email": "not an address",
        "billing_address": "x" * 201 + "\nLeeds",
        "po_number": "PO\n1",
    }
    error = group_invoice_corrected(system, group, **wrong).refused(422, "validation_failed")
    assert set(error["fields"]) == {"billing_email", "billing_address", "po_number"}
    assert "like accounts@example.org" in error["fields"]["billing_email"]
    assert "at most 200 characters on its first line" in error["fields"]["billing_address"]
    assert "one line" in error["fields"]["po_number"]
    unknown = group_invoice_corrected(system, group, amount=1).refused(422, "validation_failed")
    assert "amount" in unknown["fields"]

    assert system.items() == before
    assert len(system.stripe_http.requests) == asked
    assert system.stripe_invoice(old)["status"] == "open"


def test_a_course_that_needs_a_po_refuses_a_correction_without_one(system: System) -> None:
    invoiced_cohort(system, po_required=True)
    from tests.support.groups import invoiced_group

    group = invoiced_group(system)
    before = system.items()

    error = group_invoice_corrected(system, group, po_number="").refused(422, "validation_failed")

    assert "purchase order number" in error["fields"]["po_number"]
    assert system.items() == before


def test_the_console_asks_for_the_purchase_order_number_a_course_requires(
    system: System,
) -> None:
    """The group's *Correct the invoice* on a course that needs a purchase order number on its
    invoices says the box is required, as the press refuses it blank."""
    invoiced_cohort(system, po_required=True)
    from tests.support.groups import invoiced_group

    group = invoiced_group(system)
    page = f"/console/groups/{group['group_id']}/invoice/correct"

    asked, words = signed_in(system).shown(page)

    assert " required" in po_box(asked)
    assert "This course needs one on its invoices" in words
    assert "leave blank for none" not in words


def test_the_console_says_every_mistake_at_once_the_purchase_order_number_too(
    system: System,
) -> None:
    """A group's *Correct the invoice* pressed with a blank name on a course that needs a
    purchase order number, left blank too, said the name alone, without a full stop: the PO
    only on the next press. Now, as one person's correction, every mistake at once beside its
    box, in sentences, what was typed kept, nothing sent."""
    invoiced_cohort(system, po_required=True)
    from tests.support.groups import invoiced_group

    group = invoiced_group(system)
    old = system.stored_group(group).invoice.invoice_id  # type: ignore[union-attr]
    page = f"/console/groups/{group['group_id']}/invoice/correct"
    typed = {**CORRECTED, "billing_name": "", "po_number": ""}

    wrong = signed_in(system).press(page, page, **typed)

    name = refused_beside(wrong, "billing_name")
    assert name.startswith("Enter the organisation's name")
    assert name.endswith(".")
    assert "This course needs a purchase order number" in refused_beside(wrong, "po_number")
    assert f'value="{CORRECTED["billing_email"]}"' in wrong.body
    assert system.stripe_invoice(old)["status"] == "open"


@pytest.mark.usefixtures("invoiced")
def test_a_group_with_no_open_invoice_is_refused_in_words(system: System) -> None:
    from tests.support.groups import paid_group

    group = paid_group(system)
    error = group_invoice_corrected(system, group).refused(409, "no_open_invoice")
    assert "no open invoice to correct" in error["message"]
    unknown = system.admin("POST", "/groups/no-such-group/invoice/correct", json_body=CORRECTED)
    assert unknown.status == 404


def test_the_console_corrects_a_groups_invoice_once(system: System) -> None:
    """The card's *Correct the invoice* leads to its page; a wrong detail is said beside its
    field, as typed, nothing sent; the press sends it once, a second press or an older tab
    changing nothing more."""
    group, old, left = three_on_an_invoice(system)
    browser = signed_in(system)
    assert "Correct the invoice" in text_of(browser.get(PAGE).body)
    page = f"/console/groups/{group['group_id']}/invoice/correct"
    shown = browser.words(page)
    assert "A new invoice for the same 3 places, £600.00, due on the same day" in shown
    assert f'value="{BILLING["billing_name"]}"' in browser.get(page).body
    older_tab = browser.form(page, page)

    asked = len(system.stripe_http.requests)
    wrong = browser.press(page, page, **{**CORRECTED, "billing_email": "nobody"})
    assert wrong.status == 422, wrong.body
    assert 'id="billing_email-error"' in wrong.body
    assert "like accounts@example.org" in text_of(wrong.body)
    assert f'value="{CORRECTED["billing_name"]}"' in wrong.body  # as typed
    assert len(system.stripe_http.requests) == asked

    done = browser.press(page, page, **CORRECTED)
    assert done.status == 303, done.body
    assert "Invoice corrected." in browser.words(done.headers["location"])
    new = _corrected(system, group, old, left)

    # The same press again (a second click): nothing more sent.
    twice = browser.post(page, **{**older_tab, **CORRECTED})
    assert twice.status == 303, twice.body
    assert "Nothing was sent this time." in browser.words(twice.headers["location"])
    # An older tab with other details: the group changed since it showed it.
    other = browser.post(page, **{**older_tab, **AS_BOOKED})
    assert other.status == 409
    assert "changed since you last looked at it" in text_of(other.body)
    assert pay_link_id(manager_view(system, group)) == new
    # The form again as the group is now, what that tab typed kept in it.
    assert "Yes, send the corrected invoice" in text_of(other.body)
    assert form_posting_to(other.body, page)["billing_name"] == AS_BOOKED["billing_name"]


@pytest.mark.usefixtures("invoiced")
def test_the_cli_corrects_a_groups_invoice(system: System, run: Any) -> None:
    group = group_of_three(system)
    code, out = run(
        "correct-group-invoice",
        group["group_id"],
        "--billing-name",
        CORRECTED["billing_name"],
        "--billing-email",
        CORRECTED["billing_email"],
        "--billing-address",
        "2 Infirmary Street\\nLeeds LS1 2BB",
        "--po-number",
        CORRECTED["po_number"],
    )
    assert code == 0, out
    assert "Invoice corrected: the old one voided" in out
    stored = system.stored_group(group)
    assert stored.billing is not None
    assert stored.billing.model_dump() == CORRECTED


def test_stripes_void_of_the_old_invoice_arriving_late_ends_nothing(system: System) -> None:
    """Stripe's ``invoice.voided`` of the old invoice delivered only after the correction's
    save (and again): the group stays on its corrected invoice, every place held."""
    group, old, left = three_on_an_invoice(system)

    answer, caused = held(system, lambda: group_invoice_corrected(system, group))

    assert answer.status == 200, answer.body
    deliver(system, caused)
    deliver(system, caused)
    _corrected(system, group, old, left)


def test_the_console_press_again_after_stripe_failed_completes_it(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same page pressed again after Stripe failed past the void: its own mark is not a
    change the page did not show, so it completes the correction."""
    group, old, left = three_on_an_invoice(system)
    browser = signed_in(system)
    page = f"/console/groups/{group['group_id']}/invoice/correct"
    form = {**browser.form(page, page), **CORRECTED}
    posts_fail(system.stripe_http, monkeypatch, "/v1/invoices")
    failed = browser.post(page, **form)
    monkeypatch.undo()
    assert failed.status == 503
    assert "already cancelled" in text_of(failed.body)
    assert "already void at Stripe" in text_of(browser.get(PAGE).body)

    again = browser.post(page, **form)

    assert again.status == 303, again.body
    _corrected(system, group, old, left)


def test_two_presses_at_once_send_one_corrected_invoice(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The press sent twice at once (a double click, two tabs): the second runs while the
    first asks Stripe for the new invoice. One corrected invoice is open; the other press's
    draft is voided unsent, and it says nothing was changed by it."""
    group, old, left = three_on_an_invoice(system)
    # Once: the second press asks Stripe for an invoice too, and is let through.
    second = when_stripe_is_asked(
        system, monkeypatch, "/v1/invoices", lambda: group_invoice_corrected(system, group)
    )
    first = group_invoice_corrected(system, group)
    monkeypatch.undo()

    [inner] = second
    assert inner.status == 200, inner.body
    # The first press, its draft refused once the second saved, says it changed nothing.
    assert first.status == 200, first.body
    assert first.json()["corrected"] is False
    new = _corrected(system, group, old, left)
    made = [i for i in system.stored_group(group).invoices_issued if i not in (old, new)]
    assert made == []
    opened = [
        request.path.split("/")[3]
        for request in system.stripe_http.requests
        if request.path.startswith("/v1/invoices/in_") and request.path.endswith("/finalize")
    ]
    assert [i for i in opened if system.stripe_invoice(i)["status"] == "open"] == [new]


def test_the_old_billing_contact_is_told_once_the_groups_invoice_was_replaced(
    system: System,
) -> None:
    """A group's invoice corrected to a new billing contact was voided at Stripe, and the
    contact it had been sent to was told nothing, as one person's was before: Stripe sends a
    voided invoice's contact no word, and they might still pay it. They get one short
    message of ours, by its number, saying they need not pay it; never again on a second
    press; the new contact is sent Stripe's new invoice only."""
    group, old, _left = three_on_an_invoice(system)
    number = system.stripe_invoice(old)["number"]

    told, sent = old_contact_told_once(system, lambda: group_invoice_corrected(system, group), old)

    assert f"invoice {number} for £600.00" in told.text
    assert "You need not pay invoice" in told.text
    assert "refund" not in told.text.lower()
    assert group["token"] not in told.text + told.html  # never the manager's page
    assert [e.to for e in sent] == [[ACCOUNTS]]  # the manager is emailed nothing


def test_a_group_correction_keeping_the_billing_contact_sends_them_no_such_message(
    system: System,
) -> None:
    group, old, _left = three_on_an_invoice(system)
    number = system.stripe_invoice(old)["number"]
    system.deliver_emails()

    assert group_invoice_corrected(system, group, billing_email=ACCOUNTS).status == 200

    assert told_replaced(system.deliver_emails(), number) == []  # Stripe sends them the new one

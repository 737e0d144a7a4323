"""A corrected invoice: an employer's invoice sent with a wrong billing name,
address, PO or email is replaced by one for the same amount and due day, sent to the corrected
details, the place kept and the old invoice voided at Stripe in the same act (before, it could
only be voided, which gave the place up). A payment of the old invoice that gets there first is
kept and confirms the booking, the correction refused; never lost, never charged twice.

Through the real handlers (organisers' API, console, CLI's path), moto and the Stripe stand-in;
each race made exact by a hook at the in-process Stripe client, as the void reaches it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from booking.domain.errors import DependencyUnavailable
from booking.services.lifecycle import sweep
from tests.support.applications import invoice_id_of
from tests.support.cli import done_with_billing
from tests.support.console import ConsoleBrowser, error_beside, po_box
from tests.support.groups import paid_at_the_void
from tests.support.held_events import deliver
from tests.support.html_forms import form_posting_to
from tests.support.invoiced import (
    ACCOUNTS,
    BILLING,
    CORRECTED,
    INVOICED,
    confirmed_paid_whole,
    held_on_an_open_invoice,
    invoiced_cohort,
    old_contact_told_once,
    one_on_an_invoice,
    stopped_after_the_void,
    told_replaced,
)
from tests.support.page_text import text_of
from tests.support.system import Reply, System


def correction_stopped_after_the_void(
    system: System, monkeypatch: pytest.MonkeyPatch, application: dict[str, Any]
) -> None:
    """The correction of ``application``'s invoice to :data:`CORRECTED` stopped (the function
    out of time) at its save after Stripe's void."""
    from booking.services.invoice_correction import billing_typed, correct_invoice

    app_id = application["application_id"]
    stopped_after_the_void(
        system,
        monkeypatch,
        lambda: correct_invoice(system.ports, app_id, billing_typed(CORRECTED)),
    )


def _correct(system: System, application: dict[str, Any], **body: Any) -> Reply:
    path = f"/applications/{application['application_id']}/invoice/correct"
    return system.admin("POST", path, json_body=body or dict(CORRECTED))


def _corrected(system: System, application: dict[str, Any], old: str) -> str:
    """The booking on a new open invoice to :data:`CORRECTED`, same amount and due day, the old
    one void at Stripe, the place still held: the new invoice's id."""
    stored, new = held_on_an_open_invoice(system, application, CORRECTED, 20000)
    assert new != old
    assert stored.invoice is not None
    assert stored.invoice.voiding is None
    assert new in stored.invoices_issued  # believed for this application only
    assert system.stripe_invoice(old)["status"] == "void"
    return new


def test_a_correction_sends_a_new_invoice_for_the_same_amount_and_day_keeping_the_place(
    system: System,
) -> None:
    application, old = one_on_an_invoice(system)
    due = system.stored(application).invoice.due_at  # type: ignore[union-attr]

    answer = _correct(system, application)

    assert answer.status == 200, answer.body
    assert all(reply.status == 200 for reply in system.webhook_replies)
    new = _corrected(system, application, old)
    assert system.stored(application).invoice.due_at == due  # type: ignore[union-attr]
    # The roster and the status page say the new invoice (one truth).
    assert invoice_id_of(system.status_of(application)) == new
    # Stripe's invoice.voided of the old one ended nothing; the new one pays for the place.
    assert system.stripe_local("POST", f"/invoices/{new}/pay").status == 200
    confirmed_paid_whole(system, application)

    # The same details again: nothing changed, nothing sent.
    asked = len(system.stripe_http.requests)
    again = _correct(system, application)
    assert again.status == 200, again.body
    assert len(system.stripe_http.requests) == asked


def test_a_payment_of_the_old_invoice_at_the_void_refuses_the_correction_and_is_kept(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    application, old = one_on_an_invoice(system)
    answer, caused = paid_at_the_void(
        system, monkeypatch, old, lambda: _correct(system, application)
    )

    answer.refused(409, "payment_being_recorded")
    stored = system.stored(application)
    assert stored.invoice is not None
    assert (stored.invoice.invoice_id, stored.invoice.voiding) == (old, None)
    assert stored.billing is not None
    assert stored.billing.billing_email == ACCOUNTS  # nothing of the correction written
    assert [i for i in stored.invoices_issued if i != old] == []  # no new invoice made
    deliver(system, caused)
    assert all(reply.status == 200 for reply in system.webhook_replies)
    confirmed_paid_whole(system, application)


def test_a_bank_debit_of_the_old_invoice_refuses_the_correction_in_words(
    system: System,
) -> None:
    application, old = one_on_an_invoice(system)
    assert system.debit_invoice(old).status == 200

    answer = _correct(system, application)

    error = answer.refused(409, "payment_settling")
    assert "Correct the invoice only if the bank says the debit failed" in error["message"]
    assert system.stripe_invoice(old)["status"] == "open"
    assert system.stored(application).billing.billing_email == ACCOUNTS  # type: ignore[union-attr]


def test_wrong_details_are_refused_beside_their_fields_nothing_sent(system: System) -> None:
    application, old = one_on_an_invoice(system)
    asked = len(system.stripe_http.requests)

    answer = _correct(
        system, application, **{**CORRECTED, "billing_email": "not an address", "billing_name": ""}
    )

    error = answer.refused(422, "validation_failed")
    assert set(error["fields"]) == {"billing_email", "billing_name"}
    assert "Enter the email address the invoice is sent to" in error["fields"]["billing_email"]
    assert len(system.stripe_http.requests) == asked
    assert system.stripe_invoice(old)["status"] == "open"
    unknown = _correct(system, application, **CORRECTED, amount=1)
    assert set(unknown.refused(422, "validation_failed")["fields"]) == {"amount"}


def test_a_course_that_requires_a_po_refuses_a_correction_without_one(system: System) -> None:
    invoiced_cohort(system, capacity=2, po_required=True)
    reply = system.apply(
        INVOICED,
        payment_method="invoice",
        billing_name="St Elsewhere NHS Foundation Trust",
        billing_email=ACCOUNTS,
        billing_address="1 Hospital Road",
        po_number="PO-1",
    )
    assert reply.status == 201, reply.body

    answer = _correct(system, dict(reply.json()), **{**CORRECTED, "po_number": ""})

    fields = answer.refused(422, "validation_failed")["fields"]
    assert "purchase order number" in fields["po_number"]


def test_a_card_booking_has_no_invoice_to_correct(system: System, browser: ConsoleBrowser) -> None:
    invoiced_cohort(system, capacity=2)
    applied = system.apply(INVOICED)  # by card
    assert applied.status == 201, applied.body
    answer = _correct(system, dict(applied.json()))
    assert "no open invoice to correct" in answer.refused(409, "no_open_invoice")["message"]
    path = f"/console/applications/{applied.json()['application_id']}"
    assert f'action="{path}/invoice/correct"' not in browser.get(path).body
    page = browser.get(f"{path}/invoice/correct")
    assert page.status == 409
    assert "no open invoice to correct" in text_of(page.body)


def test_a_void_stripe_does_not_answer_is_a_503_and_pressing_again_completes_it(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    application, old = one_on_an_invoice(system)

    def unanswered(invoice: str) -> str:
        raise DependencyUnavailable("timed out", code="payment_provider_unavailable")

    monkeypatch.setattr(system.ports.payments, "void_invoice", unanswered)
    first = _correct(system, application)
    monkeypatch.undo()

    assert (
        "nothing was changed yet" in first.refused(503, "payment_provider_unavailable")["message"]
    )
    assert system.stripe_invoice(old)["status"] == "open"
    assert system.stored(application).billing.billing_email == ACCOUNTS  # type: ignore[union-attr]

    again = _correct(system, application)

    assert again.status == 200, again.body
    _corrected(system, application, old)


def test_a_correction_stopped_after_its_void_is_completed_by_the_sweep(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    application, old = one_on_an_invoice(system)
    correction_stopped_after_the_void(system, monkeypatch, application)
    left = system.stored(application)
    assert left.invoice is not None
    assert left.invoice.voiding is not None
    assert left.invoice.voiding.corrected is not None
    assert system.stripe_invoice(old)["status"] == "void"
    # Stripe's invoice.voided of it, under the mark, ended nothing.
    assert left.status.value == "awaiting_invoice_payment"
    # The new invoice Stripe sent before the stop was recorded first, while a draft.
    [recorded, sent_first] = left.invoices_issued
    assert recorded == old
    assert system.stripe_invoice(sent_first)["status"] == "open"

    sweep(system.ports, system.now() + timedelta(minutes=6))
    system.relay()

    new = _corrected(system, application, old)
    # Like an invoice instead of the card's: the invoice sent before the stop voided before the one
    # sent now, so the employer has one open invoice to pay, never two.
    assert new != sent_first
    assert system.stripe_invoice(sent_first)["status"] == "void"


def test_the_console_shows_the_details_to_correct_and_asks_first(
    system: System, browser: ConsoleBrowser
) -> None:
    application, old = one_on_an_invoice(system)
    path = f"/console/applications/{application['application_id']}"
    assert f'href="{path}/invoice/correct"' in browser.get(path).body
    version = system.stored(application).version

    asked, words = browser.shown(f"{path}/invoice/correct")

    assert "is cancelled at Stripe (voided)" in words
    assert "A new invoice for the same amount, £200.00, due on the same day" in words
    assert "The place stays held" in words
    number = system.stripe_invoice(old)["number"]
    assert (
        f"If you change the billing email, {ACCOUNTS}, to whom invoice {number} was sent, is "
        "emailed that it was replaced and need not be paid." in words
    )
    assert 'value="St Elsewhere NHS Foundation Trust"' in asked
    assert system.stored(application).version == version  # asking changed nothing

    assert browser.post(f"{path}/invoice/correct", **CORRECTED).status == 403
    wrong = browser.press(
        f"{path}/invoice/correct", f"{path}/invoice/correct", **{**CORRECTED, "billing_email": "x"}
    )
    assert wrong.status == 422
    assert "Nothing was done" in text_of(wrong.body), text_of(wrong.body)[:600]
    assert system.stripe_invoice(old)["status"] == "open"

    done = browser.press(f"{path}/invoice/correct", f"{path}/invoice/correct", **CORRECTED)

    assert done.status == 303, done.body
    _corrected(system, application, old)
    shown = text_of(browser.get(path).body)
    assert "Corrected invoice sent" in shown
    old_number = system.stripe_invoice(old)["number"]
    assert f"with corrected billing details: invoice {old_number} voided" in shown


def test_a_console_page_read_before_a_change_is_refused(
    system: System, browser: ConsoleBrowser
) -> None:
    application, _ = one_on_an_invoice(system)
    path = f"/console/applications/{application['application_id']}"
    older = browser.form(f"{path}/invoice/correct", f"{path}/invoice/correct")
    assert system.grant_bursary(application, 5000).status == 200  # changed meanwhile

    refused = browser.post(f"{path}/invoice/correct", **{**older, **CORRECTED})

    assert refused.status == 409
    assert "look at it again before correcting its invoice" in text_of(refused.body)
    assert system.stored(application).billing.billing_email == ACCOUNTS  # type: ignore[union-attr]
    # The form again, as the invoice is now, with what was typed kept: pressed again, it acts.
    assert "Yes, send the corrected invoice" in text_of(refused.body)
    for typed in CORRECTED.values():
        assert typed.split("\n")[0] in refused.body
    again = form_posting_to(refused.body, f"{path}/invoice/correct")
    assert again["billing_email"] == CORRECTED["billing_email"]
    done = browser.post(f"{path}/invoice/correct", **again)
    assert done.status == 303, text_of(done.body)[:600]
    assert system.stored(application).billing.billing_email == CORRECTED["billing_email"]  # type: ignore[union-attr]


def test_the_cli_corrects_an_invoice_by_reference(system: System, run: Any) -> None:
    application, old = one_on_an_invoice(system)

    done_with_billing(run, "correct-invoice", application, CORRECTED)

    _corrected(system, application, old)
    refused = run(
        "correct-invoice",
        application["reference"],
        "--billing-name",
        "X",
        "--billing-email",
        "nope",
        "--billing-address",
        "1 Road",
    )
    assert refused[0] == 1
    assert "email address the invoice is sent to" in refused[1], refused


def test_a_press_with_the_details_unchanged_as_a_browser_posts_them_sends_nothing(
    system: System, browser: ConsoleBrowser
) -> None:
    """A browser posts a textarea's line breaks as CRLF; the address stored as
    the API took it (LF), or spaced at a line's end, is the same address printed: pressing
    *Yes, send the corrected invoice* with nothing changed voided the invoice and sent it
    again, the employer emailed a second invoice for nothing."""
    application, old = one_on_an_invoice(system)
    path = f"/console/applications/{application['application_id']}/invoice/correct"
    shown = browser.form(path, path)
    assert shown["billing_address"] == "1 Hospital Road\nLeeds LS1 1AA"
    asked = len(system.stripe_http.requests)

    for posted in ("1 Hospital Road\r\nLeeds LS1 1AA", "1 Hospital Road \r\n\r\n Leeds LS1 1AA "):
        pressed = browser.post(path, **{**shown, "billing_address": posted})
        assert pressed.status == 303, pressed.body

    assert len(system.stripe_http.requests) == asked  # nothing voided, nothing sent
    stored = system.stored(application)
    assert stored.invoice is not None
    assert (stored.invoice.invoice_id, stored.invoice.status) == (old, "open")
    assert system.stripe_invoice(old)["status"] == "open"


@pytest.mark.parametrize(
    "address",
    [
        "Building " + "A" * 200,  # one line longer than Stripe's line1
        "\n".join(f"Ward {n}, St Elsewhere Hospital" for n in range(12)),  # a line2 cut short
    ],
)
def test_an_address_the_invoice_cannot_print_whole_is_refused_before_the_void(
    system: System, address: str
) -> None:
    """Stripe's customer address has two lines of 200 characters. A first line
    longer was refused by Stripe only when the new invoice was asked for, the old one void by
    then: 409 "try again later" (never true), the booking left marked on a void invoice with
    nothing to pay, the sweep ending the booking two hours on. Lines after the first beyond 200
    in all were cut on the invoice, unsaid. Refused in words now, nothing asked of Stripe, on
    the application form as on the correction."""
    application, old = one_on_an_invoice(system)
    asked = len(system.stripe_http.requests)

    answer = _correct(system, application, **{**CORRECTED, "billing_address": address})

    fields = answer.refused(422, "validation_failed")["fields"]
    assert "200 characters on its first line" in fields["billing_address"]
    assert len(system.stripe_http.requests) == asked
    stored = system.stored(application)
    assert stored.invoice is not None
    assert (stored.invoice.invoice_id, stored.invoice.voiding) == (old, None)
    assert system.stripe_invoice(old)["status"] == "open"

    applied = system.apply(INVOICED, **{**BILLING, "billing_address": address})
    said = applied.refused(422, "validation_failed")["fields"]["billing_address"]
    assert "at most 200 characters on the address's first line" in said
    assert len(system.stripe_http.requests) == asked


def test_the_console_asks_for_the_purchase_order_number_a_course_requires(
    system: System, browser: ConsoleBrowser
) -> None:
    """*Correct the invoice* on a course that needs a purchase order number on its invoices
    says the box is required, as the press refuses it blank."""
    invoiced_cohort(system, capacity=2, po_required=True)
    reply = system.apply(INVOICED, **{**BILLING, "po_number": "PO-1"})
    assert reply.status == 201, reply.body
    path = f"/console/applications/{reply.json()['application_id']}/invoice/correct"

    asked, words = browser.shown(path)

    assert " required" in po_box(asked)
    assert "This course needs one on its invoices" in words
    assert "leave blank for none" not in words


def test_the_purchase_order_number_stays_optional_where_the_course_needs_none(
    system: System, browser: ConsoleBrowser
) -> None:
    application, _ = one_on_an_invoice(system)
    path = f"/console/applications/{application['application_id']}/invoice/correct"

    asked, words = browser.shown(path)

    assert " required" not in po_box(asked)
    assert "leave blank for none" in words


def test_the_console_says_each_mistake_beside_its_field_all_at_once_keeping_what_was_typed(
    system: System, browser: ConsoleBrowser
) -> None:
    """A mistake typed in *Correct the invoice* was said in one sentence above the
    application's page, away from the form and what was typed. Now the form comes back, every
    mistake beside its box (the course's purchase order number too), summed up above it."""
    invoiced_cohort(system, capacity=2, po_required=True)
    reply = system.apply(INVOICED, **{**BILLING, "po_number": "PO-1"})
    assert reply.status == 201, reply.body
    application = dict(reply.json())
    old = system.stored(application).invoice.invoice_id  # type: ignore[union-attr]
    path = f"/console/applications/{application['application_id']}/invoice/correct"
    asked = len(system.stripe_http.requests)
    typed = {
        **CORRECTED,
        "billing_name": "",
        "billing_email": "accounts at elsewhere",
        "billing_address": "2 Infirmary Street\nLeeds LS1 2BB",
        "po_number": "",
    }

    wrong = browser.press(path, path, **typed)

    assert wrong.status == 422
    for name, words in {
        "billing_name": "Enter the organisation's name",
        "billing_email": "Enter the email address the invoice is sent to",
        "po_number": "This course needs a purchase order number",
    }.items():
        said = error_beside(wrong.body, name)
        assert said, (name, text_of(wrong.body)[:900])
        assert text_of(said.group(1)).startswith(words), said.group(1)
    assert error_beside(wrong.body, "billing_address") is None
    assert 'value="accounts at elsewhere"' in wrong.body  # what was typed, kept
    assert ">2 Infirmary Street\nLeeds LS1 2BB</textarea>" in wrong.body
    summary = text_of(wrong.body.split('id="error-summary"', 1)[1].split("</div>", 1)[0])
    assert "Billing email: Enter the email address" in summary
    assert len(system.stripe_http.requests) == asked  # nothing asked of Stripe
    assert system.stripe_invoice(old)["status"] == "open"

    # Only the purchase order number left: the act's own refusal, beside it too.
    fixed = {**typed, "billing_name": "Elsewhere Trust", "billing_email": "a@example.org"}
    again = browser.press(path, path, **fixed)
    assert again.status == 422
    said = error_beside(again.body, "po_number")
    assert said
    assert "purchase order number" in text_of(said.group(1))
    assert system.stripe_invoice(old)["status"] == "open"


def test_the_old_billing_contact_is_told_once_their_invoice_was_replaced(
    system: System, browser: ConsoleBrowser
) -> None:
    """An invoice corrected to a new billing contact was voided at Stripe, and the
    contact it had been sent to was told nothing (Stripe sends a voided invoice's contact no
    word). They get one short message of ours: the invoice by its number, that it was
    replaced, that they need not pay it; never again on a second press."""
    application, old = one_on_an_invoice(system)
    number = system.stripe_invoice(old)["number"]

    told, sent = old_contact_told_once(system, lambda: _correct(system, application), old)

    assert f"{number} for £200.00" in told.text
    assert application["token"] not in told.text + told.html  # nothing that acts for the person
    assert all(CORRECTED["billing_email"] not in e.to for e in told_replaced(sent, number))
    timeline = text_of(browser.get(f"/console/applications/{application['application_id']}").body)
    assert "to the billing contact: The invoice was replaced by a corrected one" in timeline


def test_a_correction_keeping_the_billing_contact_sends_them_no_such_message(
    system: System,
) -> None:
    application, old = one_on_an_invoice(system)
    number = system.stripe_invoice(old)["number"]
    system.deliver_emails()
    same_contact = {**CORRECTED, "billing_email": ACCOUNTS}

    assert _correct(system, application, **same_contact).status == 200

    assert told_replaced(system.deliver_emails(), number) == []  # Stripe sends them the new one


def test_a_correction_completed_by_the_sweep_tells_the_old_contact_once(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    application, old = one_on_an_invoice(system)
    number = system.stripe_invoice(old)["number"]
    system.deliver_emails()
    correction_stopped_after_the_void(system, monkeypatch, application)
    sweep(system.ports, system.now() + timedelta(minutes=6))
    sweep(system.ports, system.now() + timedelta(minutes=12))  # run again: nothing more
    assert _correct(system, application).status == 200  # the organiser presses again too

    [told] = told_replaced(system.deliver_emails(), number)
    assert told.to == [ACCOUNTS]

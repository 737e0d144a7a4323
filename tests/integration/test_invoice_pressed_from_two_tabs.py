"""An approved applicant's status page offers *Send the invoice to my employer* and *Pay by
card instead*. Pressed in one tab, the invoice goes; pressed again in a second tab left open
(or by a double click), either button answered "This application is “Awaiting invoice
payment” and cannot be paid now", as if something had gone wrong. It says the invoice was
sent already and nothing more was done, and nothing more is sent or charged. Through the real
handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from typing import Any

from booking.services.access import INVOICE_SENT_ALREADY
from tests.support.invoiced import BILLING
from tests.support.page_text import text_of
from tests.support.system import System

REVIEWED = "reviewed"
HTML = {"accept": "text/html"}


def _invoice_sent_from_one_tab(system: System) -> dict[str, Any]:
    definition = system.course_file() | {"invoice_allowed": True, "approval_required": True}
    system.put_course(REVIEWED, definition)
    application = dict(system.apply(REVIEWED, **BILLING).json())
    approve = f"/applications/{application['application_id']}/approve"
    assert system.admin("POST", approve).status == 200
    sent = system.api("POST", _press(application, "invoice"), headers=HTML)
    assert sent.status == 303, sent.body
    assert len(system.stored(application).invoices_issued) == 1
    return application


def _press(application: dict[str, Any], button: str) -> str:
    return f"/applications/{application['application_id']}/{button}?token={application['token']}"


def test_either_button_pressed_again_from_a_second_tab_says_the_invoice_was_sent(
    system: System,
) -> None:
    application = _invoice_sent_from_one_tab(system)
    [invoice] = system.stored(application).invoices_issued

    for button in ("invoice", "checkout"):
        page = system.api("POST", _press(application, button), headers=HTML)
        assert page.status == 409, page.body
        words = " ".join(text_of(page.body).split())
        assert "has been sent to your employer already" in words, words
        assert "nothing more was sent or charged now" in words
        assert "cannot be paid now" not in words

        answer = system.api("POST", _press(application, button))
        error = answer.refused(409, "not_payable")
        assert error["message"] == INVOICE_SENT_ALREADY

    stored = system.stored(application)
    assert stored.status.value == "awaiting_invoice_payment"
    assert stored.invoices_issued == (invoice,)  # nothing more sent
    assert stored.checkout is None  # no card payment opened
    assert system.stripe_invoice(invoice)["status"] == "open"

"""A person who chose "My employer will pay by invoice" and is offered a place reads an offer
page leading with what they chose: the invoice to their employer first, paying by card second,
in the words and in the buttons' order; a card payer's page leads with the card, as before.
Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from typing import Any

from tests.support.applications import session_id_of
from tests.support.invoiced import BILLING
from tests.support.page_text import text_of
from tests.support.system import System

COURSE = "small-invoiced"


def _offered(system: System, **fields: str) -> dict[str, Any]:
    """A one-place course paid by invoice or card: its holder's checkout expires and the first
    waiting (applied with ``fields``) is offered the place: their application's answer."""
    definition = system.one_session_file(offer_valid_hours=48, invoice_allowed=True)
    assert system.admin("PUT", f"/courses/{COURSE}", json_body=definition).status == 201
    holder = system.apply(course_id=COURSE).json()
    waiting = system.apply(course_id=COURSE, email="waiting@example.org", **fields).json()
    system.stripe_local("POST", f"/checkout/{session_id_of(holder)}/expire")
    assert system.status_of(waiting)["status"] == "offered"
    return dict(waiting)


def test_an_invoice_chooser_is_offered_the_invoice_first(system: System) -> None:
    page = system.status_page(_offered(system, **BILLING))

    words = text_of(page)
    assert "Send the invoice for £200.00 to your employer to accept the place" in words, words
    assert "(or pay by card if you prefer)" in words
    assert not words.split("A place is available for you")[1].lstrip().startswith("Pay")
    invoice = page.index("Send the invoice to my employer</button>")
    card = page.index("Pay £200.00 by card instead")
    assert invoice < card
    assert page.count("Send the invoice to my employer</button>") == 1


def test_a_card_payer_is_offered_the_card_first(system: System) -> None:
    page = system.status_page(_offered(system))

    words = text_of(page)
    assert "Pay £200.00 to accept the place we are holding for you." in words
    assert "by card instead" not in page

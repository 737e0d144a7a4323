"""Erasing a person whose booking waits on an open invoice voids that invoice at Stripe before
the erasure is saved, as every other path that ends an invoice's hold does
(``invoice_requests.voided_first``, marked as the erasure's so Stripe's ``invoice.voided``
ends nothing): the erasure's save records it void, and no second void is asked after it.
While the employer's bank debit of it is processing (read first, or begun just as the void is
asked: Stripe refuses it), the erasure is refused in words, nothing erased, the invoice open
and unmarked; once the bank has said the debit failed, the erasure goes through. Through the
real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest

from tests.support.applications import invoice_id_of
from tests.support.console import signed_in
from tests.support.groups import at_the_void
from tests.support.invoiced import BILLING, INVOICED, bank_says, debit_begun
from tests.support.page_text import text_of
from tests.support.system import System

pytestmark = pytest.mark.usefixtures("invoiced")  # every test here on the invoiced cohort

PERSON = "ada@example.org"  # the applicant application_body names
FORM = {"content-type": "application/x-www-form-urlencoded"}


def _booked(system: System) -> dict[str, Any]:
    booked = dict(system.apply(INVOICED, email=PERSON, **BILLING).json())
    assert booked["status"] == "awaiting_invoice_payment"
    return booked


def _voids_asked(system: System, invoice_id: str) -> int:
    """How many times the system asked Stripe to void ``invoice_id``."""
    return [r.path for r in system.stripe_http.requests].count(f"/v1/invoices/{invoice_id}/void")


def test_the_open_invoice_is_voided_before_the_erasure_is_saved(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    booked = _booked(system)
    invoice_id = invoice_id_of(booked)
    seen = at_the_void(
        system,
        monkeypatch,
        invoice_id,
        lambda: system.stored(booked).is_erased,
    )

    assert system.admin("DELETE", f"/people/{PERSON}").status == 200

    assert seen == [False]  # Stripe asked to void it before the erasure was saved
    assert system.stripe_invoice(invoice_id)["status"] == "void"
    stored = system.stored(booked)
    assert (stored.is_erased, stored.status.value) == (True, "cancelled")
    assert stored.invoice is not None
    assert (stored.invoice.status, stored.invoice.voiding) == ("void", None)
    assert {r.status for r in system.webhook_replies} == {200}
    assert _voids_asked(system, invoice_id) == 1  # not a second time after the save


def _refused_nothing_erased(system: System, booked: dict[str, Any]) -> None:
    refused = system.admin("DELETE", f"/people/{PERSON}").refused(409, "payment_settling")
    assert "Nothing was erased: erase this person once the bank" in refused["message"]
    stored = system.stored(booked)
    assert not stored.is_erased
    assert stored.status.value == "awaiting_invoice_payment"
    assert stored.invoice is not None
    assert stored.invoice.voiding is None
    assert system.stripe_invoice(invoice_id_of(booked))["status"] == "open"
    assert system.ports.repository.owed_customer_deletions() == []


def test_an_erasure_under_the_employers_bank_debit_is_refused_until_the_bank_says(
    system: System,
) -> None:
    booked = _booked(system)
    debit_begun(system, invoice_id_of(booked))

    _refused_nothing_erased(system, booked)
    refused = system.admin("DELETE", f"/people/{PERSON}").refused(409, "payment_settling")
    reference = system.stored(booked).reference_or_id
    assert f"£200.00 of the invoice of {reference}:" in refused["message"]  # which booking

    bank_says(system, invoice_id_of(booked), succeeded=False)
    assert system.admin("DELETE", f"/people/{PERSON}").status == 200
    assert system.stripe_invoice(invoice_id_of(booked))["status"] == "void"
    assert system.stored(booked).is_erased


def test_a_debit_begun_as_the_erasure_voids_the_invoice_refuses_the_erasure(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    booked = _booked(system)
    invoice_id = invoice_id_of(booked)
    begin: Callable[[], int] = lambda: (  # noqa: E731
        system.stripe_local("POST", f"/invoices/{invoice_id}/pay", b"async=true", FORM).status
    )
    begun = at_the_void(system, monkeypatch, invoice_id, begin)

    _refused_nothing_erased(system, booked)

    assert begun == [200]


def test_the_console_says_the_refusal_in_words(system: System) -> None:
    booked = _booked(system)
    debit_begun(system, invoice_id_of(booked))

    page = f"/console/people/erase?email={quote(PERSON)}"
    refused = signed_in(system).press(page, "/console/people/erase", confirm="on")

    assert refused.status == 409, refused.body
    assert "Nothing was erased: erase this person once the bank" in text_of(refused.body)
    assert not system.stored(booked).is_erased


def test_a_write_landing_as_stripe_voids_the_invoice_still_erases(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The application written while Stripe voids its invoice (a save changing nothing the
    erasure decides, as an email recorded does): the void is counted, the erasure goes on and
    is answered 200, the invoice recorded void and unmarked, never a 500 with the invoice void
    and nothing erased."""
    booked = _booked(system)
    invoice_id = invoice_id_of(booked)
    repo = system.ports.repository

    def a_write() -> None:
        current = repo.get_application(booked["application_id"])
        assert current is not None
        repo.save(current.model_copy(update={"updated_at": current.updated_at}), current)

    at_the_void(system, monkeypatch, invoice_id, a_write)

    answer = system.admin("DELETE", f"/people/{PERSON}")

    assert answer.status == 200, answer.body
    assert system.stripe_invoice(invoice_id)["status"] == "void"
    stored = system.stored(booked)
    assert (stored.is_erased, stored.status.value) == (True, "cancelled")
    assert stored.invoice is not None
    assert (stored.invoice.status, stored.invoice.voiding) == ("void", None)


def test_a_second_void_refused_after_the_first_says_what_was_voided(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two bookings on open invoices; Stripe voids the first, then refuses the second's (a
    bank debit of it begun just then): nothing is erased, and the refusal says the first
    invoice was cancelled and its booking ended (it ends now by its void, not half an hour
    later by the sweep, nor said as though nothing changed)."""
    first = _booked(system)
    system.put_course("invoiced-two", {**system.course_file(INVOICED), "capacity": 5})
    second = dict(system.apply("invoiced-two", email=PERSON, **BILLING).json())
    assert second["status"] == "awaiting_invoice_payment", second
    later = invoice_id_of(second)
    begin: Callable[[], int] = lambda: (  # noqa: E731
        system.stripe_local("POST", f"/invoices/{later}/pay", b"async=true", FORM).status
    )
    at_the_void(system, monkeypatch, later, begin)

    refused = system.admin("DELETE", f"/people/{PERSON}").refused(409, "payment_settling")

    assert "was already cancelled at Stripe, so that booking has ended" in refused["message"]
    assert "Nothing was erased" in refused["message"]
    assert system.stripe_invoice(invoice_id_of(first))["status"] == "void"
    ended = system.stored(first)
    assert (ended.is_erased, ended.status.value) == (False, "expired")
    assert ended.invoice is not None
    assert ended.invoice.voiding is None
    kept = system.stored(second)
    assert (kept.is_erased, kept.status.value) == (False, "awaiting_invoice_payment")

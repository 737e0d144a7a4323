"""Erasing a person a group booking names, through the real handlers, moto and the Stripe
stand-in, while the other side moves: the employer pays the invoice between the erasure's
read and its void (the erasure voids at Stripe first and ends the booking only if Stripe
voided it, as an organiser's void and a one-person erasure do), Stripe cannot be reached, and
a colleague substituted out before (nothing held about them: answered as the export is)."""

from __future__ import annotations

from typing import Any

import pytest

from booking.adapters.dynamodb.schema import group_person_key
from booking.domain.application import ERASED_EMAIL
from booking.domain.errors import DependencyUnavailable
from booking.services.provider_erasure import NOTHING_HELD
from tests.support.groups import (
    COLLEAGUES,
    MANAGER,
    group_when_stripe_voids,
    invoiced_group,
    manager_view,
    pay_link_id,
    places_left,
    substitute,
)
from tests.support.invoiced import ACCOUNTS
from tests.support.stripe_events import stripe_moved
from tests.support.system import System

pytestmark = pytest.mark.usefixtures("invoiced")  # every test here on the invoiced cohort

ENDED = "The invoice was cancelled"


def _invoice_status(system: System, group: dict[str, Any]) -> str:
    return str(system.stripe_invoice(pay_link_id(group))["status"])


def _paid_before_the_void(
    system: System, group: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The employer pays the invoice at Stripe just before the erasure asks Stripe to void it
    (after the erasure read the booking unpaid and saved what it erased)."""
    payments = system.ports.payments
    stripes_void = payments.void_invoice

    def paid_first(invoice_id: str) -> str:
        paid = system.stripe_local("POST", f"/invoices/{invoice_id}/pay")
        assert paid.status == 200, paid.body
        return stripes_void(invoice_id)

    monkeypatch.setattr(payments, "void_invoice", paid_first)


def _erased(system: System, address: str) -> dict[str, Any]:
    reply = system.admin("DELETE", f"/people/{address}")
    assert reply.status == 200, reply.body
    return dict(reply.json())


def _one_group_erased(answer: dict[str, Any]) -> dict[str, Any]:
    [line] = answer["group_bookings"]
    return dict(line)


def _kept_paid(system: System, group: dict[str, Any], seats_before: int) -> None:
    """The employer's payment confirmed the booking: paid, its seat kept, nothing refunded,
    nobody told of an end."""
    stored = system.stored_group(group)
    assert (stored.status, stored.ended_because) == ("paid", None)
    assert places_left(system) == seats_before
    assert stripe_moved(system, group["group_id"]) == (stored.total.amount, 0)
    assert _invoice_status(system, group) == "paid"
    sent = system.deliver_emails()
    assert not [e for e in sent if e.subject.startswith(ENDED)]
    assert not [e for e in sent if "given back" in e.subject.lower()]
    # The colleague is sent their place's link, as for any paid booking.
    assert [e for e in sent if e.to == [COLLEAGUES[0]["email"]]]


@pytest.mark.parametrize("event_held", [False, True])
def test_erasing_the_billing_contact_while_the_employer_pays_keeps_the_paid_booking(
    system: System, monkeypatch: pytest.MonkeyPatch, event_held: bool
) -> None:
    """Stripe says paid: only the contact's data is erased; the payment's event (handled
    inside Stripe's answer, or after the erasure answers) confirms the places."""
    group = invoiced_group(system, colleagues=COLLEAGUES[:1])
    seats = places_left(system)
    system.deliver_emails()
    _paid_before_the_void(system, group, monkeypatch)
    if event_held:
        with system.standin.webhooks_held():
            answer = _erased(system, ACCOUNTS)
    else:
        answer = _erased(system, ACCOUNTS)
    line = _one_group_erased(answer)
    assert line["as"] == ["billing contact"]
    assert (line["invoice_voided"], line["seats_released"], line["manager_told"]) == (
        False,
        0,
        False,
    )
    said = " ".join(answer["said"])
    assert "voided" not in said
    assert "went back" not in said
    assert "its invoice had been paid, so the booking stands" in said
    _kept_paid(system, group, seats)
    assert system.admin("GET", f"/people/{ACCOUNTS}").status == 404
    assert manager_view(system, group)["status"] == "paid"


def test_erasing_the_manager_while_the_employer_pays_keeps_the_paid_booking(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = invoiced_group(system, colleagues=COLLEAGUES[:1])
    seats = places_left(system)
    system.deliver_emails()
    _paid_before_the_void(system, group, monkeypatch)
    answer = _erased(system, MANAGER)
    line = _one_group_erased(answer)
    assert (line["as"], line["invoice_voided"], line["seats_released"]) == (["manager"], False, 0)
    assert line["manager_link_ended"] is True
    _kept_paid(system, group, seats)
    gone = system.api("GET", f"/groups/{group['group_id']}?token={group['token']}")
    assert gone.status == 404  # the erased manager's link died with them all the same


def test_erasing_the_billing_contact_of_an_unpaid_booking_voids_first_then_ends_it(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No race: Stripe voids, and only then does the booking end (as erased), its seat back,
    the manager told once; the erasure's ask is recorded before Stripe is asked."""
    group = invoiced_group(system, colleagues=COLLEAGUES[:1])
    seats = places_left(system)
    system.deliver_emails()
    asked = group_when_stripe_voids(system, monkeypatch, group, after=False)
    line = _one_group_erased(_erased(system, ACCOUNTS))
    [before_stripe] = asked
    assert before_stripe.status == "awaiting_invoice_payment"  # not ended before Stripe voids
    assert before_stripe.void_asked_for == pay_link_id(group)
    assert (line["invoice_voided"], line["seats_released"], line["manager_told"]) == (
        True,
        1,
        True,
    )
    assert _invoice_status(system, group) == "void"
    assert manager_view(system, group)["ended_because"] == "person_erased"
    assert places_left(system) == seats + 1
    told = [e for e in system.deliver_emails() if e.to == [MANAGER]]
    assert [e.subject.startswith(ENDED) for e in told] == [True]


def test_erasing_the_billing_contact_when_stripe_cannot_be_reached_claims_no_void(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stripe down: the contact's data is erased, the booking keeps its seats on the open
    invoice (nothing said voided); the sweep's void when Stripe is back ends it as the
    erasure's."""
    group = invoiced_group(system, colleagues=COLLEAGUES[:1])
    seats = places_left(system)

    def down(invoice_id: str) -> str:
        raise DependencyUnavailable("stripe is down")

    monkeypatch.setattr(system.ports.payments, "void_invoice", down)
    answer = _erased(system, ACCOUNTS)
    line = _one_group_erased(answer)
    assert (line["invoice_voided"], line["seats_released"], line["manager_told"]) == (
        False,
        0,
        False,
    )
    assert "voided" not in " ".join(answer["said"])
    assert places_left(system) == seats
    assert manager_view(system, group)["status"] == "awaiting_invoice_payment"
    monkeypatch.undo()  # Stripe back: the sweep's owed customer deletion voids it first
    system.scheduled_run(system.now())
    assert _invoice_status(system, group) == "void"
    assert manager_view(system, group)["ended_because"] == "person_erased"
    assert places_left(system) == seats + 1


def _ada_takes_place_one(system: System, group: dict[str, Any]) -> None:
    """The manager names Ada on place 1 instead of its colleague (a substitution)."""
    swapped = substitute(system, group, 1, {"name": "Ada Lovelace", "email": "ada@example.org"})
    assert swapped.status == 200, swapped.body


def test_a_colleague_substituted_out_is_neither_found_nor_erased(system: System) -> None:
    group = invoiced_group(system, colleagues=COLLEAGUES[:2])
    _ada_takes_place_one(system, group)
    gone = COLLEAGUES[0]["email"]
    # The substitution's own save forgot them (no digest left tying them to the booking).
    assert system.ports.groups.groups_of_person(gone) == []
    for method in ("GET", "DELETE"):
        reply = system.admin(method, f"/people/{gone}")
        assert reply.status == 404, reply.body
        assert reply.json()["error"]["message"] == NOTHING_HELD
    # The one named now is found.
    found = system.admin("GET", "/people/ada@example.org").json()
    assert [g["as"] for g in found["group_bookings"]] == ["colleague (place 1)"]


def test_an_index_left_by_a_substitution_before_this_fix_is_not_said_as_an_erasure(
    system: System,
) -> None:
    """A person index item a substitution saved before this fix left behind: the erasure finds
    nothing held about the person, answers 404 as the export does (never "as : ..."), and the
    item goes."""
    group = invoiced_group(system, colleagues=COLLEAGUES[:1])
    _ada_takes_place_one(system, group)
    gone = COLLEAGUES[0]["email"]
    # As the old save left it: the person substituted out still indexed.
    left = group_person_key(gone, group["group_id"])
    system.dynamodb.put_item(TableName=system.resources.table_name, Item=left)
    assert system.ports.groups.groups_of_person(gone) != []
    erased = system.admin("DELETE", f"/people/{gone}")
    assert erased.status == 404, erased.body
    assert erased.json()["error"]["message"] == NOTHING_HELD
    assert system.ports.groups.groups_of_person(gone) == []


def _place_given_up_before_the_void(
    system: System, group: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> list[Any]:
    """The manager gives place 2 up just before the erasure asks Stripe to void the invoice
    (after the erasure saved what it erased, and its ask): the give-up's answer, once made."""
    payments = system.ports.payments
    stripes_void = payments.void_invoice
    answers: list[Any] = []
    url = f"/groups/{group['group_id']}/places/2/cancel?token={group['token']}"

    def given_up_first(invoice_id: str) -> str:
        if not answers:
            answers.append(None)  # the give-up's own voids go straight to Stripe
            answers[0] = system.api("POST", url)
        return stripes_void(invoice_id)

    monkeypatch.setattr(payments, "void_invoice", given_up_first)
    return answers


def _invoiced_to(system: System, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The billing addresses every invoice asked of Stripe from now on is sent to."""
    payments = system.ports.payments
    stripes_create = payments.create_invoice
    sent_to: list[str] = []

    def create(request: Any, drafted: Any = None) -> Any:
        sent_to.append(request.billing.billing_email)
        return stripes_create(request, drafted)

    monkeypatch.setattr(payments, "create_invoice", create)
    return sent_to


def test_a_place_given_up_between_the_erasure_and_its_void_invoices_nobody_erased(
    invoiced: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The billing contact erased; the manager gives a place up after the erasure's save and
    before its void at Stripe. No new invoice goes to the erased contact (nor to anyone: the
    booking's invoice is being voided), no email to the placeholder, and the booking ends as
    the erasure's, every seat back."""
    system = invoiced
    group = invoiced_group(system, colleagues=COLLEAGUES[:2])
    seats = places_left(system)
    system.deliver_emails()
    sent_to = _invoiced_to(system, monkeypatch)
    answers = _place_given_up_before_the_void(system, group, monkeypatch)
    line = _one_group_erased(_erased(system, ACCOUNTS))
    [given_up] = answers
    given_up.refused(409, "invoice_being_voided")
    assert sent_to == []
    assert (line["invoice_voided"], line["seats_released"], line["manager_told"]) == (
        True,
        2,
        True,
    )
    assert _invoice_status(system, group) == "void"
    stored = system.stored_group(group)
    assert (stored.status, stored.ended_because) == ("lapsed", "person_erased")
    assert places_left(system) == seats + 2
    sent = system.deliver_emails()
    assert not [e for e in sent if ERASED_EMAIL in e.to]
    assert [e.subject.startswith(ENDED) for e in sent if e.to == [MANAGER]] == [True]

"""A group's invoice being replaced (a place given up before the employer paid: the old invoice
voided at Stripe first, then the new one made and saved: ``services.group_unpaid_give_up``,
``services.group_invoice_replacement``) is never left half done: a new invoice made but not
saved is undone whatever stopped the save; another change landing meanwhile that
leaves the seats and the price as they were is saved over; a give-up after the
invoice's due date is refused before anything is voided.

Through the real handlers, moto and the Stripe stand-in; the races made deterministic by a
hook at the in-process Stripe client (the port's HTTP seam) or at the group store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from booking.domain.errors import DependencyUnavailable
from booking.domain.group_endings import GroupEnding
from booking.domain.groups import GroupBooking
from tests.support.cli import connect
from tests.support.console import signed_in
from tests.support.groups import (
    give_up,
    group_of_three,
    group_page,
    manager_view,
    pay_link_id,
    places_left,
    replaced_for_two,
    substitute,
    three_on_an_invoice,
    three_on_an_invoice_stopped_after_the_void,
    when_stripe_is_asked,
)
from tests.support.invoiced import INVOICED
from tests.support.stripe_client import posts_fail
from tests.support.system import STRIPE_KEY, System


def test_a_new_invoice_whose_save_fails_is_voided_and_its_customer_let_go(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table unreachable for the replacement's save (not a lost race): the new invoice,
    made and sent, is voided and its customer deleted, so the employer holds nothing payable
    that the booking does not record; the manager's second try completes the change."""
    group, old, left = three_on_an_invoice(system)
    store = system.ports.groups
    real_save = store.save_group
    failed: list[str] = []

    def unreachable_for_the_replacement(new: GroupBooking, previous: GroupBooking | None) -> Any:
        replacing = previous is not None and previous.replacing_invoice == old
        if replacing and new.invoice is not None and new.invoice.invoice_id != old:
            failed.append(new.invoice.invoice_id)
            raise DependencyUnavailable("dynamodb throttled")
        return real_save(new, previous)

    monkeypatch.setattr(store, "save_group", unreachable_for_the_replacement)
    reply = give_up(system, group, 2)
    monkeypatch.undo()

    assert reply.status == 503, reply.body
    [made] = failed
    assert system.stripe_invoice(made)["status"] == "void"
    customer = system.stripe_invoice(made)["customer"]
    deleted = system.stripe_local("GET", f"/v1/customers/{customer}", headers=STRIPE_KEY)
    assert deleted.json()["deleted"] is True
    assert system.stripe_invoice(old)["status"] == "void"  # voided first, as it must be
    assert system.stored_group(group).invoice.invoice_id == old  # type: ignore[union-attr]
    assert places_left(system, INVOICED) == left

    again = give_up(system, group, 2)

    assert again.status == 200, again.body
    view = manager_view(system, group)
    assert view["places_kept"] == 2
    new = system.stripe_invoice(pay_link_id(view))
    assert (new["status"], new["amount_due"]) == ("open", 40000)
    assert system.stripe_invoice(made)["status"] == "void"
    assert system.stored_group(group).replacing_invoice is None


def test_a_colleague_named_instead_while_the_invoice_is_replaced_is_kept_on_the_new_one(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two of the manager's requests at once (two tabs): place 3 given to someone else while
    the give-up of place 2 makes its new invoice, the old one already void. The seats and their
    price are as they were, so the give-up is saved over the substitution: one payable invoice
    for the two places kept, the new colleague on place 3."""
    group, old, left = three_on_an_invoice(system)
    named = when_stripe_is_asked(
        system,
        monkeypatch,
        "/v1/invoices",
        lambda: (
            substitute(
                system, group, 3, {"name": "Nia Other", "email": "nia.other@example.org"}
            ).status
        ),
    )

    reply = give_up(system, group, 2)
    monkeypatch.undo()

    assert named == [200], reply.body
    assert reply.status == 200, reply.body
    replaced_for_two(system, group, old, left)
    stored = system.stored_group(group)
    assert stored.place(3).colleague.email == "nia.other@example.org"
    assert stored.place(2).released


def test_a_give_up_once_the_invoice_is_past_due_is_refused_before_anything_is_voided(
    system: System,
) -> None:
    """Past the invoice's due date, before the sweep releases its places: Stripe makes no
    invoice due in the past, so none replaces it; the overdue invoice stays payable."""
    group, old, left = three_on_an_invoice(system)
    due = datetime.fromtimestamp(system.stripe_invoice(old)["due_date"], tz=UTC)
    system.clock_offset = (due + timedelta(seconds=20)) - datetime.now(UTC)

    refused = give_up(system, group, 2)

    error = refused.refused(409, "invoice_past_due")
    assert "due date has passed" in error["message"]
    assert "nothing was changed" in error["message"]
    assert system.stripe_invoice(old)["status"] == "open"
    stored = system.stored_group(group)
    assert stored.replacing_invoice is None
    assert not stored.place(2).released
    assert places_left(system, INVOICED) == left


def test_a_replacement_left_half_done_is_completed_by_the_sweep(system: System) -> None:
    """Stripe voids the old invoice, then fails to make the new one, and the manager never
    tries again: a few minutes on, the sweep finds the old invoice void at Stripe and makes
    the invoice for the places kept, the place given up freed."""
    group, old, left, failed = three_on_an_invoice_stopped_after_the_void(
        system, lambda group: give_up(system, group, 2)
    )
    assert failed.status == 503, failed.body
    said = failed.json()["error"]["message"]
    assert "the old invoice is already cancelled, so it can no longer be paid" in said
    assert "trying again in a few minutes makes the new invoice" in said
    marked = system.stored_group(group)
    assert (marked.replacing_invoice, marked.replacing_place) == (old, 2)
    # Until it is done, nobody is offered the void invoice's page to pay.
    half = manager_view(system, group)
    assert half["pay_url"] is None
    assert half["status_said"].startswith("The invoice is being replaced")
    assert "Pay for the places" not in group_page(system, group)
    lines = system.admin("GET", f"/courses/{INVOICED}/group-bookings").json()["groups"]
    [line] = [line for line in lines if line["group_id"] == group["group_id"]]
    assert line["status_said"].startswith("Invoice being replaced by one for the places kept")

    system.scheduled_run(system.now() + timedelta(minutes=1))
    assert system.stored_group(group).replacing_invoice == old  # not yet left half done

    system.scheduled_run(system.now() + timedelta(minutes=6))

    replaced_for_two(system, group, old, left)
    stored = system.stored_group(group)
    assert (stored.replacing_place, stored.replacing_since) == (None, None)
    assert stored.place(2).released


def test_a_mark_whose_void_never_reached_stripe_is_cleared_by_the_sweep(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stripe unreachable for the void itself, and nobody tries again: the sweep finds the old
    invoice still open, clears the mark, and the group goes on with every place on it."""
    group, old, left = three_on_an_invoice(system)
    posts_fail(system.stripe_http, monkeypatch, f"/v1/invoices/{old}/void")
    assert give_up(system, group, 2).status == 503
    monkeypatch.undo()
    assert system.stored_group(group).replacing_invoice == old

    system.scheduled_run(system.now() + timedelta(minutes=6))

    stored = system.stored_group(group)
    assert (stored.replacing_invoice, stored.replacing_place) == (None, None)
    assert system.stripe_invoice(old)["status"] == "open"
    view = manager_view(system, group)
    assert (view["status"], view["places_kept"], pay_link_id(view)) == (
        "awaiting_invoice_payment",
        3,
        old,
    )
    assert places_left(system, INVOICED) == left


def test_a_replacement_never_made_by_the_due_date_is_not_put_on_the_employer(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stripe fails to make the new invoice until the old one's due date has passed (the
    sweep's completion is refused then): the places go back, and nobody is told the employer
    did not pay an invoice that had been cancelled."""
    group = group_of_three(system)
    old = pay_link_id(group)
    due = datetime.fromtimestamp(system.stripe_invoice(old)["due_date"], tz=UTC)
    posts_fail(system.stripe_http, monkeypatch, "/v1/invoices")
    assert give_up(system, group, 2).status == 503

    system.scheduled_run(due + timedelta(days=1))
    monkeypatch.undo()

    view = manager_view(system, group)
    assert (view["status"], view["ended_because"]) == ("lapsed", "replacement_not_made")
    emails = system.deliver_emails()
    assert emails
    for email in emails:
        assert "not paid by its due date" not in email.text
    told = " ".join(email.text for email in emails)
    assert "cancelled to be replaced by one for the places kept" in told


def test_the_managers_browser_is_told_the_old_invoice_is_cancelled(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The give-up sent from the manager's page (a form post), Stripe failing after the void:
    the page says the old invoice is cancelled, not that nothing was lost."""
    group = group_of_three(system)
    posts_fail(system.stripe_http, monkeypatch, "/v1/invoices")
    path = f"/groups/{group['group_id']}/places/2/cancel?token={group['token']}"
    reply = system.api("POST", path, form={}, headers={"accept": "text/html"})
    monkeypatch.undo()

    assert reply.status == 503, reply.body
    assert "the old invoice is already cancelled" in reply.body
    assert "Nothing you sent has been lost" not in reply.body


def test_a_retry_past_the_due_date_of_a_cancelled_invoice_does_not_ask_it_be_paid(
    system: System,
) -> None:
    """Stripe failed after the void; the manager tries again once the due date has passed:
    refused, and not told to pay an invoice that was cancelled."""
    group, old, _, failed = three_on_an_invoice_stopped_after_the_void(
        system, lambda group: give_up(system, group, 2)
    )
    assert failed.status == 503
    due = datetime.fromtimestamp(system.stripe_invoice(old)["due_date"], tz=UTC)
    system.clock_offset = (due + timedelta(seconds=20)) - datetime.now(UTC)

    refused = give_up(system, group, 2)

    error = refused.refused(409, "invoice_past_due")
    assert "already cancelled to be replaced" in error["message"]
    assert "Pay the invoice as it is" not in error["message"]


def _stopped_before_its_save(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, Any], str, str]:
    """A give-up of place 2 whose function stopped after Stripe sent the new invoice and
    before its save (a timeout: no undo runs): the group, its old invoice, and the invoice
    that try sent and nothing recorded."""
    from booking.services import group_unpaid_give_up

    group = group_of_three(system)
    old = pay_link_id(group)
    store = system.ports.groups
    real_save = store.save_group
    sent: list[str] = []

    def stopped_before_the_save(new: GroupBooking, previous: GroupBooking | None) -> Any:
        made = new.invoice.invoice_id if new.invoice is not None else old
        if previous is not None and previous.replacing_invoice == old and made != old:
            sent.append(made)
            raise DependencyUnavailable("the function ran out of time")
        return real_save(new, previous)

    monkeypatch.setattr(store, "save_group", stopped_before_the_save)
    monkeypatch.setattr(group_unpaid_give_up._ByInvoice, "undo", lambda self, new: None)
    assert give_up(system, group, 2).status == 503
    monkeypatch.undo()
    [unrecorded] = sent
    return group, old, unrecorded


def _stripe_asked(system: System, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every request to Stripe from now on, (method, url), in order."""
    answer = system.stripe_http._answer
    asked: list[tuple[str, str]] = []

    def recorded(method: str, url: str, headers: Any, post_data: Any) -> Any:
        asked.append((method, url))
        return answer(method, url, headers, post_data)

    monkeypatch.setattr(system.stripe_http, "_answer", recorded)
    return asked


def _listed_invoices(asked: list[tuple[str, str]]) -> list[str]:
    """The account-wide lists of invoices among ``asked``."""
    return [url for method, url in asked if method == "get" and "/v1/invoices?" in url]


def test_an_invoice_sent_by_a_try_stopped_before_its_save_is_voided_by_the_sweep(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The function stopped after Stripe sent the new invoice and before its save (a timeout:
    no undo runs): the sweep, completing the replacement, voids that unrecorded invoice, so
    the employer holds one payable invoice, the one the booking records. It finds it by the
    id the try recorded on the mark while it was a draft, never by listing every open invoice
    of the account."""
    group, old, unrecorded = _stopped_before_its_save(system, monkeypatch)
    assert system.stripe_invoice(unrecorded)["status"] == "open"
    assert system.stored_group(group).replacing_with == (unrecorded,)
    asked = _stripe_asked(system, monkeypatch)

    system.scheduled_run(system.now() + timedelta(minutes=6))

    assert _listed_invoices(asked) == []
    assert system.stored_group(group).replacing_with == ()

    view = manager_view(system, group)
    assert view["places_kept"] == 2
    current = pay_link_id(view)
    assert current not in (old, unrecorded)
    assert system.stripe_invoice(current)["status"] == "open"
    assert system.stripe_invoice(unrecorded)["status"] == "void"
    customer = system.stripe_invoice(unrecorded)["customer"]
    deleted = system.stripe_local("GET", f"/v1/customers/{customer}", headers=STRIPE_KEY)
    assert deleted.json()["deleted"] is True


def test_an_invoice_sent_by_a_try_stopped_before_its_save_is_voided_by_the_next_try(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As above, the manager trying again before the sweep does: that try, once saved, voids
    the invoice the stopped one sent."""
    group, old, unrecorded = _stopped_before_its_save(system, monkeypatch)
    asked = _stripe_asked(system, monkeypatch)

    again = give_up(system, group, 2)

    assert again.status == 200, again.body
    assert _listed_invoices(asked) == []
    current = pay_link_id(manager_view(system, group))
    assert current not in (old, unrecorded)
    assert system.stripe_invoice(current)["status"] == "open"
    assert system.stripe_invoice(unrecorded)["status"] == "void"


def test_an_invoice_sent_by_a_try_stopped_before_its_save_is_voided_when_the_group_lapses(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nobody tries again and no run completes the replacement before the due date: the group
    lapses (its replacement never made), and the invoice the stopped try sent is voided with
    it, so the employer is not asked to pay for a booking that has ended."""
    group, old, unrecorded = _stopped_before_its_save(system, monkeypatch)
    due = datetime.fromtimestamp(system.stripe_invoice(old)["due_date"], tz=UTC)
    asked = _stripe_asked(system, monkeypatch)

    system.scheduled_run(due + timedelta(days=1))

    assert _listed_invoices(asked) == []

    ended = system.stored_group(group)
    assert (ended.status.value, ended.ended_because) == ("lapsed", GroupEnding.REPLACEMENT_NOT_MADE)
    assert system.stripe_invoice(unrecorded)["status"] == "void"


def test_the_organisers_void_of_a_half_done_replacement_says_the_invoice_is_void_already(
    system: System, monkeypatch: pytest.MonkeyPatch, run: Any
) -> None:
    """The console offered "The employer has not paid the invoice yet.
    Voiding it at Stripe means it can no longer be paid" for an invoice already void at
    Stripe, being replaced: it now says so, and that voiding ends the booking instead."""
    group, _, _, failed = three_on_an_invoice_stopped_after_the_void(
        system, lambda group: give_up(system, group, 2)
    )
    assert failed.status == 503
    connect(system, monkeypatch)  # the CLI's requests to the system
    browser = signed_in(system)

    said = browser.words(f"/console/courses/{INVOICED}/group-bookings")

    assert "Void the invoice" in said
    assert "The employer has not paid the invoice yet" not in said
    assert "The invoice is already void at Stripe: it is being replaced" in said
    assert "Voiding it here ends the booking instead of replacing the invoice" in said
    lines = system.admin("GET", f"/courses/{INVOICED}/group-bookings").json()["groups"]
    [line] = [line for line in lines if line["group_id"] == group["group_id"]]
    assert (line["invoice_open"], line["invoice_being_replaced"]) == (True, True)
    code, listed = run("group-bookings", INVOICED)
    assert code == 0, listed
    assert "Invoice open:" not in listed
    assert (
        "Invoice already void at Stripe, being replaced: course-booking void-group-invoice"
        in listed
    )
    # Once replaced, the usual words again.
    system.scheduled_run(system.now() + timedelta(minutes=6))
    said = browser.words(f"/console/courses/{INVOICED}/group-bookings")
    assert "The employer has not paid the invoice yet" in said


def test_an_invoice_sent_by_a_try_stopped_before_its_save_is_voided_by_the_organisers_void(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The organisers void the group's invoice while its replacement is half
    done (the booking ends): the invoice the stopped try sent is voided with it, found by
    the id it recorded, so the employer is not asked to pay for a booking that has ended."""
    group, _, unrecorded = _stopped_before_its_save(system, monkeypatch)

    voided = system.admin("POST", f"/groups/{group['group_id']}/invoice/void")

    assert voided.status == 200, voided.body
    assert system.stored_group(group).status.value == "lapsed"
    assert system.stripe_invoice(unrecorded)["status"] == "void"


class _Stopped(BaseException):
    """The function stopped where it stood (a timeout): no handler of ours runs."""


def test_a_draft_left_by_a_try_stopped_before_it_was_finalized_is_voided_unsent(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The try stopped between the draft (its id recorded on the mark) and its
    line: the sweep completing the replacement finalizes the draft without sending it (a
    void one, or one of nothing), and lets its customer go, found by the recorded id alone."""
    group = group_of_three(system)
    answer = system.stripe_http._answer

    def stopped(method: str, url: str, headers: Any, post_data: Any) -> Any:
        if method == "post" and url.endswith("/v1/invoiceitems"):
            raise _Stopped()
        return answer(method, url, headers, post_data)

    monkeypatch.setattr(system.stripe_http, "_answer", stopped)
    with pytest.raises(_Stopped):
        give_up(system, group, 2)
    monkeypatch.undo()
    [draft] = system.stored_group(group).replacing_with
    assert system.stripe_invoice(draft)["status"] == "draft"
    asked = _stripe_asked(system, monkeypatch)

    system.scheduled_run(system.now() + timedelta(minutes=6))

    assert _listed_invoices(asked) == []
    left = system.stripe_invoice(draft)
    # Its line never added, it asked nothing: finalized, Stripe holds it paid at £0.00, as it
    # does any invoice of nothing; one with its line is voided.
    assert (left["status"], left["amount_due"]) == ("paid", 0)
    assert not any(url.endswith(f"/v1/invoices/{draft}/send") for _, url in asked)
    deleted = system.stripe_local("GET", f"/v1/customers/{left['customer']}", headers=STRIPE_KEY)
    assert deleted.json()["deleted"] is True
    view = manager_view(system, group)
    assert view["places_kept"] == 2
    assert system.stripe_invoice(pay_link_id(view))["status"] == "open"

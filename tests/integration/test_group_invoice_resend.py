"""A group booking's card on the console says its invoice by number and who it is billed to,
and *Resend the invoice* has Stripe email it again, as a one-person booking's invoice is
(the accounts team quotes the number; "we never got it" had no answer). The
organiser API has the same resend; a group with no open invoice is refused in words."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.console import signed_in
from tests.support.groups import invoiced_group, paid_group, pay_link_id
from tests.support.invoiced import INVOICED, invoiced_cohort
from tests.support.page_text import text_of
from tests.support.stripe_client import requests_to
from tests.support.system import System

PAGE = f"/console/courses/{INVOICED}/group-bookings"


def _sends(system: System, invoice_id: str) -> int:
    return len(requests_to(system.stripe_http, f"/v1/invoices/{invoice_id}/send"))


def test_the_card_names_the_invoice_and_its_contact_and_resends_it(system: System) -> None:
    invoiced_cohort(system)
    group = invoiced_group(system)
    invoice_id = pay_link_id(group)
    number = system.stripe_invoice(invoice_id)["number"]
    browser = signed_in(system)
    words = text_of(browser.get(PAGE).body)
    assert f"Invoice {number} for £600.00, not paid yet; falls due on" in words, words
    assert "Billed to St Elsewhere NHS Foundation Trust <accounts@example.nhs.uk>" in words
    assert "Resend the invoice" in words
    sends = _sends(system, invoice_id)

    resent = browser.act(f"/console/groups/{group['group_id']}/invoice/resend")

    assert resent.status == 303, resent.body
    assert resent.headers["location"].startswith(PAGE)
    assert "Stripe is sending the invoice to the billing contact again." in browser.words(
        resent.headers["location"]
    )
    assert _sends(system, invoice_id) == sends + 1
    stored = system.ports.groups.get_group(group["group_id"])
    assert stored is not None
    assert stored.invoice is not None
    assert stored.invoice.resent == 1
    # The organiser API's resend: the same Stripe call, the group in words back.
    answered = system.admin("POST", f"/groups/{group['group_id']}/invoice/resend")
    assert answered.status == 200, answered.body
    assert answered.json()["invoice_said"].startswith(f"{number} for £600.00")
    assert _sends(system, invoice_id) == sends + 2


@pytest.mark.usefixtures("invoiced")
def test_a_paid_group_has_no_invoice_to_resend(system: System) -> None:
    group = paid_group(system)
    browser = signed_in(system)
    assert "Resend the invoice" not in text_of(browser.get(PAGE).body)
    before = system.items()
    refused = browser.act(f"/console/groups/{group['group_id']}/invoice/resend")
    assert refused.status == 409
    assert "This group booking has no open invoice." in text_of(refused.body)
    api = system.admin("POST", f"/groups/{group['group_id']}/invoice/resend")
    assert api.status == 409
    assert api.json()["error"]["code"] == "no_open_invoice"
    assert system.items() == before


def test_an_unknown_group_is_not_found(system: System) -> None:
    browser = signed_in(system)
    assert browser.act("/console/groups/no-such-group/invoice/resend").status == 404
    assert system.admin("POST", "/groups/no-such-group/invoice/resend").status == 404


@pytest.mark.usefixtures("invoiced")
def test_the_cli_sends_a_groups_invoice_again(system: System, run: Any) -> None:
    group = invoiced_group(system)
    sends = _sends(system, pay_link_id(group))
    code, out = run("resend-group-invoice", group["group_id"])
    assert code == 0, out
    assert "Stripe is sending the invoice again. St Elsewhere NHS Trust: " in out
    assert _sends(system, pay_link_id(group)) == sends + 1


def test_a_field_the_resend_or_void_does_not_take_is_refused_by_its_name(system: System) -> None:
    """``{"x": 1}`` was taken and the invoice sent; as every organiser write,
    a field it does not take is 422 naming it, nothing sent or voided."""
    invoiced_cohort(system)
    group = invoiced_group(system)
    invoice_id = pay_link_id(group)
    sends = _sends(system, invoice_id)

    # The void takes ``seen`` alone, the resend nothing.
    takes = {"resend": "it takes no fields", "void": "the only field it takes is seen"}
    for act, said in takes.items():
        path = f"/groups/{group['group_id']}/invoice/{act}"
        error = system.admin("POST", path, json_body={"x": 1}).refused(422, "validation_failed")
        assert said in error["fields"]["x"], error

    assert _sends(system, invoice_id) == sends
    assert system.stripe_invoice(invoice_id)["status"] == "open"

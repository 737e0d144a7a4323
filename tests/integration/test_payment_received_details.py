"""What came, when and how: recording a payment received outside Stripe takes the day
it arrived, the way it came and the bank's reference (each optional, Stripe keeping none of
them), refuses them in words when they cannot be right (nothing marked at Stripe, nothing
written), records them once on the invoice it paid, and says them wherever that invoice is
shown: the application's page, the person's printable record, the group's card, the API and
the CLI. The bank's reference may carry a name: erased with the person. Through the real
handlers, moto and the Stripe stand-in (the real ``stripe`` SDK)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.support import cli
from tests.support.applications import invoice_id_of
from tests.support.console import ConsoleBrowser
from tests.support.groups import MANAGER, OTHERS, invoiced_group, pay_link_id
from tests.support.invoiced import ACCOUNTS, INVOICED, applied_by_invoice, invoiced_cohort
from tests.support.page_text import text_of
from tests.support.system import System

PERSON = "ben@example.org"


def _today(system: System) -> date:
    return system.now().astimezone(ZoneInfo("Europe/London")).date()


def _said(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _booked(system: System) -> tuple[dict[str, Any], str]:
    invoiced_cohort(system, capacity=4)
    application = applied_by_invoice(system, email=PERSON)
    system.deliver_emails()
    return application, invoice_id_of(application)


def test_the_api_records_when_how_and_the_reference_and_every_page_says_them(
    system: System, browser: ConsoleBrowser
) -> None:
    application, _ = _booked(system)
    app_id = application["application_id"]
    path = f"/applications/{app_id}/invoice/paid-outside-stripe"
    today = _today(system)
    given = {"received_on": today.isoformat(), "method": "bank_transfer", "reference": "ACME 0042"}

    done = system.admin("POST", path, json_body=given)

    assert done.status == 200, done.body
    assert done.json()["recorded"] == "now"
    received = system.stored(application).invoice.received  # type: ignore[union-attr]
    assert received is not None
    assert (received.received_on, received.method, received.reference) == (
        today,
        "bank_transfer",
        "ACME 0042",
    )
    said = f"received by bank transfer on {_said(today)}, bank's reference ACME 0042"
    assert said in browser.words(f"/console/applications/{app_id}")
    assert said in browser.words(f"/console/people/record?email={PERSON.replace('@', '%40')}")

    # Pressed again with other details: the first stay (recorded once), nothing changes.
    version = system.stored(application).version
    other = {"received_on": today.isoformat(), "method": "cash", "reference": "OTHER"}
    again = system.admin("POST", path, json_body=other)
    assert again.status == 200
    # ... and the answer says this request recorded nothing (a 200 alone read
    # as "recorded" while its details were dropped).
    assert again.json()["recorded"] == "before"
    assert system.stored(application).version == version
    assert system.stored(application).invoice.received == received  # type: ignore[union-attr]

    # Erasing the person erases the bank's reference (it may name them); the day and the way
    # stay with the rest of the payment's record.
    assert system.admin("DELETE", f"/people/{PERSON}").status == 200
    kept = system.stored(application).invoice.received  # type: ignore[union-attr]
    assert kept is not None
    assert (kept.received_on, kept.method, kept.reference) == (today, "bank_transfer", None)
    assert "ACME 0042" not in browser.words(f"/console/applications/{app_id}")


@pytest.mark.parametrize(
    ("given", "field", "words"),
    [
        ({"received_on": "tomorrow"}, "received_on", "as a date"),
        ({"received_on": "+1"}, "received_on", "cannot be in the future"),
        ({"received_on": "-1"}, "received_on", "cannot be before the invoice was sent"),
        ({"method": "card"}, "method", "bank transfer, cheque, cash or another way"),
        ({"reference": "ACME\n42"}, "reference", "one line"),
        ({"reference": "A" * 61}, "reference", "60 characters or fewer"),
        ({"amount": 100}, "amount", "amount"),
    ],
)
def test_details_that_cannot_be_right_are_refused_in_words_and_nothing_is_done(
    system: System, given: dict[str, Any], field: str, words: str
) -> None:
    application, invoice_id = _booked(system)
    version = system.stored(application).version
    path = f"/applications/{application['application_id']}/invoice/paid-outside-stripe"
    day = given.get("received_on", "")
    if day in ("+1", "-1"):  # a day after today; the day before the invoice was sent (today)
        given = {"received_on": (_today(system) + timedelta(days=int(day))).isoformat()}

    refused = system.admin("POST", path, json_body=given)

    assert refused.status == 422, refused.body
    error = refused.json()["error"]
    assert words in str(error), error
    assert field in error["fields"] or field in error["message"], error
    assert system.stripe_invoice(invoice_id)["status"] == "open"  # Stripe not asked
    assert system.stored(application).version == version
    assert system.deliver_emails() == []


def test_the_console_form_records_them_and_says_a_mistake_beside_its_field(
    system: System, browser: ConsoleBrowser
) -> None:
    application, invoice_id = _booked(system)
    page = f"/console/applications/{application['application_id']}"
    asked = browser.get(f"{page}/invoice/paid")
    words = text_of(asked.body)
    assert "The amount recorded is the invoice's whole amount, £200.00" in words
    assert "a part payment cannot be recorded here" in words
    assert 'name="received_on"' in asked.body
    assert 'name="reference"' in asked.body
    assert f"The billing contact ({ACCOUNTS}) is emailed that the payment was received" in words
    seen = browser.form(f"{page}/invoice/paid", f"{page}/invoice/paid")["seen"]
    tomorrow = (_today(system) + timedelta(days=1)).isoformat()

    wrong = browser.act(
        f"{page}/invoice/paid",
        seen=seen,
        received_on=tomorrow,
        method="cheque",
        reference="HOVE 7",
    )

    # The confirmation again, the mistake beside its field and what was typed kept, so
    # the organiser corrects the day alone: never the application's page and a sentence above.
    assert wrong.status == 422, wrong.body[:300]
    assert "Yes, record the payment" in wrong.body
    beside = re.search(r'id="received_on-error">(.*?)</span>\s*<input([^>]*)>', wrong.body, re.S)
    assert beside is not None, wrong.body
    assert "The day it arrived cannot be in the future" in text_of(beside.group(1))
    assert f'value="{tomorrow}"' in beside.group(2)
    assert 'aria-invalid="true"' in beside.group(2)
    assert '<option value="cheque" selected>' in wrong.body
    assert 'value="HOVE 7"' in wrong.body
    assert '<a href="#received_on">Day it arrived: The day it arrived' in wrong.body
    assert system.stripe_invoice(invoice_id)["status"] == "open"

    today = _today(system)
    done = browser.act(
        f"{page}/invoice/paid", seen=seen, received_on=today.isoformat(), method="cheque"
    )

    assert done.status == 303, done.body[:300]
    assert f"received by cheque on {_said(today)}" in browser.words(page)


def test_a_groups_payment_details_are_on_its_card_the_api_and_the_cli(
    system: System, browser: ConsoleBrowser, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    invoiced = invoiced_cohort(system)
    by_console = invoiced_group(invoiced)
    by_cli = invoiced_group(invoiced, organisation="Other Trust", colleagues=OTHERS)
    system.deliver_emails()
    today = _today(system)
    card = f"/console/courses/{INVOICED}/group-bookings"
    path = f"/console/groups/{by_console['group_id']}/invoice/paid"
    seen = browser.form(path, path)["seen"]
    said = f"The billing contact ({ACCOUNTS}) is emailed that the payment was received"
    assert said in browser.words(path)
    api = f"/groups/{by_console['group_id']}/invoice/paid-outside-stripe"
    assert system.admin("POST", api, json_body={"method": "card"}).status == 422
    assert system.stripe_invoice(pay_link_id(by_console))["status"] == "open"

    tomorrow = (today + timedelta(days=1)).isoformat()
    wrong = browser.act(
        path, seen=seen, received_on=tomorrow, method="bank_transfer", reference="TRUST INV 7"
    )
    # The group's confirmation again, the mistake beside its field, what was typed kept.
    assert wrong.status == 422, wrong.body[:300]
    assert "Yes, record the payment" in wrong.body
    assert 'id="received_on-error"' in wrong.body
    assert "The day it arrived cannot be in the future" in text_of(wrong.body)
    assert f'value="{tomorrow}"' in wrong.body
    assert '<option value="bank_transfer" selected>' in wrong.body
    assert 'value="TRUST INV 7"' in wrong.body
    assert system.stripe_invoice(pay_link_id(by_console))["status"] == "open"

    done = browser.act(path, seen=seen, method="bank_transfer", reference="TRUST INV 7")

    assert done.status == 303, done.body[:300]
    assert "received by bank transfer, bank's reference TRUST INV 7" in browser.words(card)
    line = system.admin("POST", api, json_body={}).json()
    assert "received by bank transfer, bank's reference TRUST INV 7" in line["invoice_said"]

    cli.connect(system, monkeypatch)
    ran = cli.run(
        capsys,
        "record-group-payment",
        by_cli["group_id"],
        "--received-on",
        today.isoformat(),
        "--method",
        "cheque",
    )
    assert ran.status == 0, ran
    received = system.stored_group(by_cli).invoice.received  # type: ignore[union-attr]
    assert received is not None
    assert (received.received_on, received.method) == (today, "cheque")

    # Erasing the manager erases the bank's reference of the group's payment.
    assert system.admin("DELETE", f"/people/{MANAGER}").status == 200
    kept = system.stored_group(by_console).invoice.received  # type: ignore[union-attr]
    assert kept is not None
    assert (kept.method, kept.reference) == ("bank_transfer", None)


def test_the_cli_records_one_persons_payment_details(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    application, _ = _booked(system)
    cli.connect(system, monkeypatch)
    today = _today(system)

    ran = cli.run(
        capsys,
        "record-payment",
        application["reference"],
        "--received-on",
        today.isoformat(),
        "--method",
        "other",
        "--reference",
        "PAID AT DESK",
    )
    refused = cli.run(capsys, "record-payment", application["reference"], "--method", "card")

    assert ran.status == 0, ran
    assert ran.out.startswith("Payment recorded: "), ran.out
    received = system.stored(application).invoice.received  # type: ignore[union-attr]
    assert received is not None
    assert (received.method, received.reference) == ("other", "PAID AT DESK")
    assert refused.status != 0

    # Run again with other details: nothing recorded, and the organiser reads so.
    again = cli.run(capsys, "record-payment", application["reference"], "--method", "cash")
    assert again.status == 0, again
    assert again.out.startswith("Nothing recorded: the invoice was recorded as paid"), again.out
    assert system.stored(application).invoice.received == received  # type: ignore[union-attr]


def _too_early(system: System) -> dict[str, str]:
    """The day before the invoice was sent (today), and a far past one."""
    return {"received_on": (_today(system) - timedelta(days=1)).isoformat(), "method": "cash"}


def test_a_later_press_cannot_record_a_day_before_the_invoice_was_sent(system: System) -> None:
    """A first press without details, then a second with a day: the second press
    records the details (none were), but its day was held only to "not in the future", so a
    day before the invoice was sent (1 January 1900 too) was recorded. Now it is held to the
    invoice's sending as Stripe holds it, as on the first press: refused, nothing recorded."""
    application, _ = _booked(system)
    path = f"/applications/{application['application_id']}/invoice/paid-outside-stripe"
    assert system.admin("POST", path, json_body={}).status == 200
    version = system.stored(application).version

    for given in (_too_early(system), {"received_on": "1900-01-01"}):
        refused = system.admin("POST", path, json_body=given)

        assert refused.status == 422, refused.body
        assert "before the invoice was sent" in refused.json()["error"]["fields"]["received_on"]
        assert system.stored(application).version == version
    # A day that can be right is still recorded by the later press.
    today = {"received_on": _today(system).isoformat(), "method": "cash"}
    assert system.admin("POST", path, json_body=today).status == 200
    received = system.stored(application).invoice.received  # type: ignore[union-attr]
    assert received is not None
    assert received.received_on == _today(system)


def test_a_later_press_on_a_groups_invoice_cannot_record_a_day_before_it_was_sent(
    system: System,
) -> None:
    """The same rule for a group's invoice."""
    group = invoiced_group(invoiced_cohort(system))
    path = f"/groups/{group['group_id']}/invoice/paid-outside-stripe"
    assert system.admin("POST", path, json_body={}).status == 200

    refused = system.admin("POST", path, json_body=_too_early(system))

    assert refused.status == 422, refused.body
    assert "before the invoice was sent" in refused.json()["error"]["fields"]["received_on"]
    assert system.stored_group(group).invoice.received is None  # type: ignore[union-attr]

"""No console page leads to an address ending in a bare ``?`` or ``&`` (an organiser saw
``/console/applications/X/invoice/paid?`` after pressing *Record a payment received*): a
form sent by GET with nothing to send leaves one, so each page's GET forms always send a
field, and its other steps are links. Read from the pages' own HTML, as a browser sends them."""

from __future__ import annotations

from urllib.parse import urlencode

from tests.support.console import ConsoleBrowser
from tests.support.groups import invoiced_group
from tests.support.html_forms import forms_on
from tests.support.invoiced import INVOICED, applied_by_invoice, invoiced_cohort
from tests.support.system import COURSE_ID, System


def _where_it_leads(page: str) -> list[str]:
    """Every address the page's links and GET forms lead to, as a browser builds it (a GET
    form's address is its action, a "?" and its fields, the "?" there even with no field)."""
    forms = [
        f"{attributes['action']}?{urlencode(fields)}"
        for attributes, fields in forms_on(page)
        if attributes.get("method", "get").lower() == "get"
    ]
    links = [part.split('"', 1)[0] for part in page.split(' href="')[1:]]
    return forms + links


def _bare(page: str) -> list[str]:
    return [address for address in _where_it_leads(page) if address.endswith(("?", "&"))]


def test_an_invoice_bookings_page_leads_to_whole_addresses(
    system: System, browser: ConsoleBrowser
) -> None:
    invoiced_cohort(system)
    application = applied_by_invoice(system, email="ben@example.org")
    path = f"/console/applications/{application['application_id']}"
    page = browser.get(path).body
    assert f'href="{path}/invoice/paid"' in page
    assert f'href="{path}/cancel"' in page
    assert _bare(page) == []


def test_a_paid_bookings_cancel_sends_its_refund_choice_either_way(
    system: System, browser: ConsoleBrowser
) -> None:
    paid = system.booked(COURSE_ID, email="paid@example.org")
    path = f"/console/applications/{paid['application_id']}"
    page = browser.get(path).body
    assert _bare(page) == []
    assert f"{path}/cancel?refund=keep" in _where_it_leads(page)
    kept = browser.get(f"{path}/cancel?refund=keep")
    assert kept.status == 200, kept.body
    assert "Nothing is refunded: the £200.00 paid is kept." in kept.body
    assert 'name="refund"' not in kept.body


def test_a_groups_card_leads_to_whole_addresses(system: System, browser: ConsoleBrowser) -> None:
    group = invoiced_group(invoiced_cohort(system))
    page = browser.get(f"/console/courses/{INVOICED}/group-bookings").body
    assert f'href="/console/groups/{group["group_id"]}/invoice/paid"' in page
    assert _bare(page) == []

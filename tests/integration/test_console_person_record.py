"""Everything held about one person, in words, on one printable page (the
only export was JSON "for a program to read"): every application with its answers, money in
pounds and history (the emails sent among it) in UK time; signed-in organisers only, never
cached, and nothing of it logged."""

from __future__ import annotations

import logging

import pytest

from tests.support.console import ConsoleBrowser
from tests.support.page_text import text_of
from tests.support.system import System

RECORD = "/console/people/record?email=ada%40example.org"


def test_the_record_says_every_application_in_words(
    system: System, browser: ConsoleBrowser, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # as deployed
    booked = system.booked(
        motivation="To lead the night shift with kindness.", accessibility_needs="A hearing loop"
    )
    system.deliver_emails()
    system.apply(system.approval_course(), motivation="A second, reviewed application.")

    record = browser.get(RECORD)

    assert record.status == 200, record.body
    assert record.headers["cache-control"] == "no-store"
    said = text_of(record.body)
    assert "Everything we hold about this person ada@example.org" in said
    assert said.count("Their answers") == 2
    assert "To lead the night shift with kindness." in said
    assert "A hearing loop" in said
    assert "A second, reviewed application." in said
    assert booked["reference"] in said
    assert "Paid £200.00" in said
    assert "20000" not in said  # pounds, never pence
    assert "Email sent to the applicant: Booking confirmed" in said  # the emails, in words
    assert " GMT" in said or " BST" in said  # times said in UK time, the zone named
    assert "+00:00" not in said  # never an ISO instant
    for held in ("ada@example.org", "Ada Lovelace", "night shift", "hearing loop"):
        assert not [r for r in caplog.records if held in r.getMessage()], held


def test_the_person_page_says_what_it_is_for_and_links_the_record(
    system: System, browser: ConsoleBrowser
) -> None:
    blank = text_of(browser.get("/console/people").body)
    assert "See, print, export or erase what we hold about one person" in blank
    system.apply()
    page = browser.get("/console/people?email=ada%40example.org").body
    assert f'href="{RECORD}"' in page.replace("&amp;", "&")
    assert "Everything we hold about this person (to print)" in text_of(page)


def test_nobody_and_no_address_are_said_not_shown(browser: ConsoleBrowser) -> None:
    assert browser.get(RECORD).status == 404
    assert browser.get("/console/people/record?email=not-an-address").status == 422


def test_an_application_whose_course_was_removed_is_still_said(
    system: System, browser: ConsoleBrowser
) -> None:
    from booking.adapters.dynamodb.schema import course_key

    booked = system.booked(motivation="Kept after the course went.")
    system.dynamodb.delete_item(
        TableName=system.resources.table_name, Key=course_key(booked["course_id"])
    )

    said = browser.words(RECORD)

    assert f"A course no longer listed: {booked['reference']}" in said
    assert "Kept after the course went." in said
    assert "Paid £200.00" in said


@pytest.mark.usefixtures("invoiced")
def test_a_billing_contact_is_shown_what_is_held_about_them_not_the_applicants_answers(
    system: System, browser: ConsoleBrowser
) -> None:
    from tests.support.invoiced import ACCOUNTS, BILLING, INVOICED

    applied = system.apply(INVOICED, motivation="The applicant's own words.", **BILLING)
    assert applied.status == 201, applied.body

    said = browser.words(f"/console/people/record?email={ACCOUNTS.replace('@', '%40')}")

    assert "None: they made no application themselves." in said
    assert f"Billed to St Elsewhere NHS Foundation Trust <{ACCOUNTS}>" in said
    assert "Purchase order PO-4471" in said
    assert "Invoice " in said
    assert "The applicant's own words." not in said


def test_the_record_says_who_holds_it_why_who_gets_it_how_long_and_their_rights(
    system: System, browser: ConsoleBrowser
) -> None:
    """A subject access answer carries, beside the data, who holds
    it (the centre and its address, from the course), the purposes, who it goes to, how long
    it is kept (as the code keeps it: the retention the repository's expiry is written with)
    and the person's rights."""
    import dataclasses
    from datetime import timedelta

    from booking import bootstrap

    course = system.one_session_file(
        title="Kindness Cohort",
        capacity=5,
        organisation="The Kindness Centre",
        enquiries_email="hello@kindness.example.org",
        facilitators=[{"name": "Ann Facilitator", "email": "ann@example.org"}],
    )
    assert system.admin("PUT", "/courses/kind-cohort", json_body=course).status == 201
    system.apply("kind-cohort")
    bootstrap.use(dataclasses.replace(system.ports, unpaid_retention=timedelta(days=45)))
    try:
        said = text_of(browser.get(RECORD).body)
    finally:
        bootstrap.use(system.ports)

    about = said[said.index("About this data") :]
    assert "The Kindness Centre, who can be written to at hello@kindness.example.org" in about
    assert "To take payment for the place" in about  # the purposes
    assert "Kindness Cohort" in about
    assert "Ann Facilitator" in about  # the facilitators, by their public names
    assert "ann@example.org" not in about
    assert "Stripe" in about
    assert "email provider" in about
    assert "deleted automatically 45 days after it last changed" in about
    assert "until it is erased on request" in about
    for right in ("corrected (rectification)", "erased", "Information Commissioner's Office"):
        assert right in about, right


def test_an_offer_turned_down_on_a_course_removed_is_said_as_every_row_says_it(
    system: System, browser: ConsoleBrowser
) -> None:
    """The person's row for a course removed since said an offer its person turned down as
    "Expired", where every other list says "Offer turned down": its row now says a status as
    every row does."""
    from booking.adapters.dynamodb.schema import course_key
    from tests.support.offers import first_offered

    first, _ = first_offered(system)
    path = f"/applications/{first['application_id']}/decline-offer?token={first['token']}"
    assert system.api("POST", path).status == 200
    system.dynamodb.delete_item(TableName=system.resources.table_name, Key=course_key("small"))

    said = browser.words("/console/people?email=first%40example.org")

    assert "A course no longer listed" in said
    assert "Offer turned down" in said

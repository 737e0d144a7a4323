"""The joining link is promised only where the course has one (a course saved
with no joining link told its paid applicant "We have emailed you the dates, the joining link
and a calendar file", and its public page promised the link to every online course): the
status page, the public page and the invoice email, by one rule (``domain.joining_words``)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.invoiced import BILLING
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System

LINK = "https://example.org/join/small"


def _course(system: System, *, link: bool) -> str:
    course_id = "with-link" if link else "no-link"
    definition: dict[str, Any] = system.one_session_file(
        capacity=3, location="Online", invoice_allowed=True
    )
    if link:
        definition["joining_url"] = LINK
    system.put_course(course_id, definition)
    return course_id


@pytest.mark.parametrize("link", [True, False])
def test_the_status_page_names_the_link_only_when_there_is_one(system: System, link: bool) -> None:
    course_id = _course(system, link=link)
    booked = system.booked(course_id, email="paid@example.org")
    words = text_of(system.status_page(booked))
    if link:
        assert "We have emailed you the dates, the joining link and a calendar file." in words
    else:
        assert "We have emailed you the dates and a calendar file." in words
        assert "joining link" not in words


@pytest.mark.parametrize("link", [True, False])
def test_the_public_page_names_the_link_only_when_there_is_one(system: System, link: bool) -> None:
    course_id = _course(system, link=link)
    page = system.api("GET", f"/courses/{course_id}/apply", headers={"accept": "text/html"})
    words = text_of(page.body)
    assert "Every session is online" in words
    assert ("confirmed participants get the joining link by email" in words) is link
    assert "joining link" in words if link else "joining link" not in words


@pytest.mark.parametrize("link", [True, False])
def test_the_invoice_email_names_the_link_only_when_there_is_one(
    system: System, link: bool
) -> None:
    course_id = _course(system, link=link)
    system.deliver_emails()
    assert system.apply(course_id, email="invoiced@example.org", **BILLING).status == 201
    sent_to = [e for e in system.deliver_emails() if "invoiced@example.org" in e.to]
    [sent] = [e for e in sent_to if "As soon as it is paid" in e.text]
    for body in (sent.text, text_of(sent.html)):
        if link:
            assert "we will confirm your place and send you the dates and the joining link" in body
        else:
            assert "we will confirm your place and send you the dates." in body
            assert "joining link" not in body


def test_the_sample_course_still_promises_its_link(system: System) -> None:
    booked = system.booked(COURSE_ID, email="sample@example.org")
    assert "the dates, the joining link and a calendar file" in text_of(system.status_page(booked))

"""Every plain-text email keeps a blank line between its paragraphs: a
sentence that ends a paragraph never runs into the next paragraph's first line.

The text templates are rendered with ``trim_blocks``, which eats the line break after a tag
that ends a line: a paragraph whose last sentence comes from an ``{% if %}`` lost one of its
two line breaks, so in a mail client "...joined the list." and "You do not need to do
anything now." read as one block (the waiting list's, the confirmation's, the offer's and the
cancellation's emails, among others)."""

from __future__ import annotations

from itertools import pairwise

import pytest

from booking.domain.application import Application, ApplicationStatus
from booking.domain.emails import EmailJob, EmailKind
from tests.support.applications import answers_of
from tests.support.cohort_2025 import COHORT_2025_ID
from tests.support.composed_emails import composed, course_2025
from tests.unit.test_email_rendering import APPLICATION_KINDS, application, fit_for, job_for

S = ApplicationStatus
# Answers written as a person would, without a full stop, so that only our own sentences end
# a line with one.
PLAIN = answers_of(
    name="Ada Lovelace",
    job_title="Ward manager",
    organisation="St Elsewhere NHS Trust",
    leadership_role="A ward team",
    motivation="To lead with more compassion",
    accessibility_needs="Captions",
)
SENTENCE_ENDS = (".", "!", "?")


def _plain(status: ApplicationStatus) -> Application:
    return application(status).model_copy(update={"answers": PLAIN, "reference": "CL-7K3Q9"})


def glued_paragraphs(text: str) -> list[str]:
    """Each place in the body (above the ``--`` signature) where a line ending a sentence is
    followed at once by a line of new words, not by a blank line (a list item, indented
    detail or a link under its words is no new paragraph)."""
    body = text.split("\n--\n", 1)[0]
    lines = body.splitlines()
    return [
        f"{before!r} / {after!r}"
        for before, after in pairwise(lines)
        if before.rstrip().endswith(SENTENCE_ENDS)
        and after.strip()
        and not after.startswith((" ", "-", "http"))
    ]


def _jobs(kind: EmailKind) -> list[EmailJob]:
    """The kind's job, and the ones whose wording turns on a reason."""
    jobs = [job_for(kind)]
    if kind in (EmailKind.WAITLISTED, EmailKind.OFFER):
        jobs += [
            EmailJob.about(kind, "app1", COHORT_2025_ID, reason=reason)
            for reason in ("approved", "place_freed")
        ]
    return jobs


@pytest.mark.parametrize("kind", APPLICATION_KINDS)
def test_no_paragraph_runs_into_the_next(kind: EmailKind) -> None:
    for status in (S.CONFIRMED, S.AWAITING_PAYMENT, S.WAITLISTED, S.OFFERED, S.REFUNDED):
        for job in _jobs(kind):
            message = composed(
                job, fit_for(kind, _plain(status)), course_2025(), ["ada@example.org"]
            )
            glued = glued_paragraphs(message.text)
            assert glued == [], f"{kind} ({status}, {job.reason}): {glued}"
            # ... and never two blank lines where one parts them.
            assert "\n\n\n" not in message.text.split("\n--\n", 1)[0], f"{kind} ({status})"

"""An email job carries what occasion it is of as fields (``EmailJob.occasion``, ``move``), set
where jobs are made and read by the rules of what a queued message still says; its id still
names them (the idempotency key, unchanged). A job queued before the fields were kept (in a
queue or an outbox when the code was deployed) has them read from its id as it is loaded."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from booking.domain.email_ids import kind_in_id
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.emails_as_queued import move_undone
from booking.domain.facilitators_told import is_withdrawal, moved_in_copy
from booking.domain.transfers import _move_emails
from tests.support.moved_bookings import moved_through

NOW = datetime(2027, 1, 5, tzinfo=UTC)


def _queued_before_the_fields(job: EmailJob) -> EmailJob:
    """``job`` as a queue written by the code before would hold it: no occasion, no move."""
    body = json.loads(job.model_dump_json())
    del body["occasion"], body["move"]
    return EmailJob.model_validate_json(json.dumps(body))


MADE = [
    (EmailJob.transferred("app1", "spring", "summer", 3, 0), "move-3", 3),
    (moved_in_copy("app1", "summer", 2), "moved-in-2", 2),
    (
        EmailJob.about(
            EmailKind.MOVE_PAYMENT_DUE, "app1", "winter", occasion="move-4", move=4, amount=5000
        ),
        "move-4",
        4,
    ),
    (
        EmailJob.about(EmailKind.FACILITATOR_COPY, "app1", "c", occasion="withdrawn"),
        "withdrawn",
        None,
    ),
    (EmailJob.about(EmailKind.CERTIFICATE, "app1", "c", occasion="held"), "held", None),
    (
        EmailJob.about(EmailKind.CERTIFICATE, "app1", "c", occasion="reissued:20270101T1000"),
        "reissued:20270101T1000",
        None,
    ),
    (EmailJob.about(EmailKind.CERTIFICATE, "app1", "c"), None, None),
    (EmailJob.about(EmailKind.INVOICE_SENT, "app1", "c", occasion="in_9"), "in_9", None),
    (
        EmailJob.for_group(EmailKind.GROUP_PLACE_LINK, "grp1", "c", occasion="v2", place=1),
        "v2",
        None,
    ),
]


@pytest.mark.parametrize(("job", "occasion", "move"), MADE)
def test_a_job_carries_its_occasion_and_move_as_made(
    job: EmailJob, occasion: str | None, move: int | None
) -> None:
    assert (job.occasion, job.move) == (occasion, move)


@pytest.mark.parametrize(("job", "occasion", "move"), MADE)
def test_a_job_queued_before_the_fields_were_kept_reads_them_from_its_id(
    job: EmailJob, occasion: str | None, move: int | None
) -> None:
    old = _queued_before_the_fields(job)
    assert (old.job_id, old.occasion, old.move) == (job.job_id, occasion, move)


def test_the_moves_copies_carry_its_number() -> None:
    moves = {job.job_id: job.move for job in _move_emails("app1", "spring", "summer", 5, 0)}
    assert moves == {
        "booking_transferred:app1:move-5": 5,
        "facilitator_copy:app1:moved-in-5": 5,
        "facilitator_copy:app1:moved-out-5": 5,
    }


def test_the_rules_read_the_fields_of_an_old_job_as_of_a_new_one() -> None:
    withdrawn = EmailJob.about(EmailKind.FACILITATOR_COPY, "app1", "c", occasion="withdrawn")
    assert is_withdrawal(withdrawn)
    assert is_withdrawal(_queued_before_the_fields(withdrawn))
    # Another occasion whose id merely ends alike is not a withdrawal.
    assert not is_withdrawal(EmailJob.about(EmailKind.FACILITATOR_COPY, "app1", "c"))


def test_an_old_move_email_is_known_undone_by_its_number() -> None:
    """``move_undone`` reads the move's number from the job (its id, for an old one)."""
    application = moved_through("a", "b", "c", at=NOW, last_undone=True)
    first = _queued_before_the_fields(EmailJob.transferred("app1", "a", "b", 1, 0))
    second = _queued_before_the_fields(EmailJob.transferred("app1", "b", "c", 2, 0))
    copy = _queued_before_the_fields(moved_in_copy("app1", "c", 2))
    assert not move_undone(application, first)
    assert move_undone(application, second)
    assert move_undone(application, copy)


@pytest.mark.parametrize(
    "job",
    [
        EmailJob.about(EmailKind.WAIT_ENDED, "app1", "spring", occasion="closing-20270601T1400Z"),
        EmailJob.about(EmailKind.WAIT_REOPENED, "app1", "spring", occasion="v2"),
        EmailJob.about(EmailKind.REVIEW_ENDED, "app1", "spring"),
        EmailJob.for_group(EmailKind.GROUP_PLACE_LINK, "g1", "spring", occasion="first", place=2),
        EmailJob.session_reminder("app1", "spring", "s1", NOW, 24),
        EmailJob.transferred("app1", "spring", "summer", 3, 0),
    ],
    ids=lambda job: job.kind.value,
)
def test_the_kind_a_job_id_names_is_read_by_one_reader(job: EmailJob) -> None:
    """What keeps only a job's id (a claim's closing news) reads its kind through
    ``email_ids.kind_in_id``, the reader of the id ``EmailJob`` builds."""
    assert kind_in_id(job.job_id) is job.kind


def test_an_id_naming_no_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="no-such-kind"):
        kind_in_id("no-such-kind:app1")

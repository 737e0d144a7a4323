"""References people can say on the phone, and the history organisers read: the domain rules
and the use cases on the fakes."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from booking.domain.application import ApplicationStatus as S
from booking.domain.course import Course
from booking.domain.emails import EmailKind
from booking.domain.errors import DependencyUnavailable
from booking.domain.references import (
    ALPHABET,
    REFERENCE_PATTERN,
    new_reference,
    normalised_reference,
    reference_prefix,
)
from booking.domain.timeline import EntryKind
from booking.services import applications, courses, lifecycle
from booking.services.mailer import SendOutcome, send_email_job
from booking.services.ports import Ports
from tests.fakes import Clock, fake_ports
from tests.fakes.held import repo
from tests.support.use_case_steps import answers, course_definition, paid


def test_the_alphabet_has_no_look_alikes() -> None:
    assert not set("01OIL") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 31


@pytest.mark.parametrize(
    ("name", "prefix"),
    [
        ("compassionate-leadership", "CL"),
        ("Compassionate Leadership Training", "CLT"),
        ("The Art of Leading and Following", "ALF"),
        ("mindfulness", "MIN"),
        ("coaching-for-clinical-educators-and-mentors", "CCE"),
        ("", "BK"),
        ("2027 ✨", "BK"),
    ],
)
def test_the_prefix_comes_from_the_programme_name(name: str, prefix: str) -> None:
    assert reference_prefix(name) == prefix


def test_codes_are_drawn_from_the_alphabet() -> None:
    draw = random.Random(7)
    references = {new_reference("CL", draw.choice) for _ in range(500)}
    assert all(REFERENCE_PATTERN.match(r) for r in references)
    assert len(references) == 500
    assert {ch for r in references for ch in r[3:]} <= set(ALPHABET)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("CL-7K3Q9", "CL-7K3Q9"),
        ("cl-7k3q9", "CL-7K3Q9"),
        (" cl 7k3q9 ", "CL-7K3Q9"),
        ("CL7K3Q9", "CL-7K3Q9"),
        ("clt-22zzz", "CLT-22ZZZ"),
        ("CL-7K3Q0", None),  # 0 is never in a code: not guessed at
        ("CL-7K3Q", None),
        ("ada@example.org", None),
        ("0123456789abcdef01234567", None),  # an application id is not a reference
        ("", None),
    ],
)
def test_what_someone_types_is_read_as_a_reference_or_not_at_all(
    typed: str, meant: str | None
) -> None:
    assert normalised_reference(typed) == meant


@pytest.fixture
def ports() -> Ports:
    return fake_ports(Clock(), course=course_definition())


def test_each_application_gets_a_reference_that_finds_it(ports: Ports) -> None:
    first = applications.submit_application(ports, "c1", answers("p0@example.org"))
    second = applications.submit_application(ports, "c1", answers("p1@example.org"))
    assert first.reference is not None
    assert REFERENCE_PATTERN.match(first.reference)
    assert first.reference.startswith("CL-")  # the course is titled Compassionate Leadership
    assert first.reference != second.reference
    found = ports.repository.application_by_reference(first.reference)
    assert found is not None
    assert found.application_id == first.application_id


def test_a_reference_already_taken_is_drawn_again(
    ports: Ports, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = applications.submit_application(ports, "c1", answers("p0@example.org"))
    assert first.reference is not None
    draws: Iterator[str] = iter([first.reference, first.reference, "CL-99999"])
    monkeypatch.setattr(applications, "reference_for", lambda course: next(draws))
    second = applications.submit_application(ports, "c1", answers("p1@example.org"))
    assert second.reference == "CL-99999"
    assert repo(ports).courses["c1"].seats_taken == 2


def test_when_no_free_reference_can_be_drawn_nothing_is_kept(
    ports: Ports, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = applications.submit_application(ports, "c1", answers("p0@example.org"))
    taken = first.reference

    def always_taken(course: Course) -> str:
        assert taken is not None
        return taken

    monkeypatch.setattr(applications, "reference_for", always_taken)
    with pytest.raises(DependencyUnavailable):
        applications.submit_application(ports, "c1", answers("p1@example.org"))
    assert len(repo(ports).applications) == 1
    assert repo(ports).enrolled_application_id("c1", "p1@example.org") is None


def test_the_history_shows_status_changes_payments_refunds_and_emails(ports: Ports) -> None:
    view = applications.submit_application(ports, "c1", answers())
    paid(ports, view.application_id)
    for job in list(repo(ports).written_emails):
        assert send_email_job(ports, job) is SendOutcome.SENT
    lifecycle.cancel(ports, view.application_id, refund=False)
    stored, entries = ports.repository.application_with_timeline(view.application_id)
    assert stored is not None
    statuses = [(e.previous_status, e.status) for e in entries if e.kind is EntryKind.STATUS]
    assert statuses == [
        (None, S.AWAITING_PAYMENT),
        (S.AWAITING_PAYMENT, S.CONFIRMED),
        (S.CONFIRMED, S.CANCELLED),
    ]
    assert [e.amount for e in entries if e.kind is EntryKind.PAYMENT] == [20000]
    sent = [(e.email, e.recipients) for e in entries if e.kind is EntryKind.EMAIL]
    assert sent == [
        (EmailKind.APPLICATION_RECEIVED, 1),
        (EmailKind.BOOKING_CONFIRMED, 1),
        (EmailKind.FACILITATOR_COPY, 1),
    ]
    assert all(e.at.tzinfo is not None for e in entries)


def test_an_email_is_sent_even_when_its_history_cannot_be_written(ports: Ports) -> None:
    view = applications.submit_application(ports, "c1", answers())
    [job] = repo(ports).written_emails

    def unavailable(application_id: str, entry: object) -> None:
        raise DependencyUnavailable("busy")

    repo(ports).add_to_timeline = unavailable  # type: ignore[method-assign]
    assert send_email_job(ports, job) is SendOutcome.SENT
    # Sent once and recorded as sent: a redelivery of the job does not send it again.
    assert send_email_job(ports, job) is SendOutcome.DUPLICATE
    _, entries = ports.repository.application_with_timeline(view.application_id)
    assert [e.kind for e in entries] == [EntryKind.STATUS]


def test_emails_quote_the_reference_and_the_facilitators_copy_links_to_the_console(
    ports: Ports,
) -> None:
    courses.put_course(ports, "c2", course_definition(approval=True))
    view = applications.submit_application(ports, "c2", answers())
    for job in list(repo(ports).written_emails):
        send_email_job(ports, job)
    sent = ports.sender.sent  # type: ignore[attr-defined]
    assert len(sent) == 2
    for message in sent:
        assert view.reference in message.text
        assert view.reference in message.html
    [copy] = [m for m in sent if "facilitator@example.org" in m.to]
    console = f"{ports.public_base_url}/console/applications/{view.application_id}"
    assert console in copy.text
    assert f'href="{console}"' in copy.html
    assert view.reference in copy.subject


def test_history_times_are_the_moments_of_the_changes() -> None:
    clock = Clock(datetime(2027, 5, 1, 9, 0, tzinfo=UTC))
    the_ports = fake_ports(clock, course=course_definition())
    view = applications.submit_application(the_ports, "c1", answers())
    clock.advance(minutes=10)
    paid(the_ports, view.application_id)
    _, entries = the_ports.repository.application_with_timeline(view.application_id)
    assert [e.at for e in entries] == [
        datetime(2027, 5, 1, 9, 0, tzinfo=UTC),
        datetime(2027, 5, 1, 9, 10, tzinfo=UTC),
        datetime(2027, 5, 1, 9, 10, tzinfo=UTC),
    ]

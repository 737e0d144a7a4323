"""Words a person reads: one formatter for each of money, UK time, statuses, course names, the
fields of an application and its history, each said the way a person would say it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from booking.domain import wording
from booking.domain.application import Answers, ApplicationStatus
from booking.domain.application import ApplicationStatus as S
from booking.domain.billing import InvoiceRef
from booking.domain.billing_notices import INVOICE_REASON_WORDS
from booking.domain.covered import PAID_WHEN_COVERED
from booking.domain.email_words import EMAIL_WORDS, reminder_key
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.recipients import Recipient
from booking.domain.timeline import EntryKind, TimelineEntry
from tests.support.applications import answers_of

AT = datetime(2027, 5, 1, 9, 0, tzinfo=UTC)
LONDON = "Europe/London"
TEMPLATES = Path(__file__).resolve().parents[2] / "functions" / "booking" / "templates"


@pytest.mark.parametrize(
    ("amount", "currency", "said"),
    [
        (20000, "gbp", "£200.00"),
        (0, "gbp", "£0.00"),
        (5, "gbp", "£0.05"),
        (-5000, "gbp", "-£50.00"),
        (123456789, "gbp", "£1,234,567.89"),
        (20000, "EUR", "€200.00"),
        (20000, "chf", "200.00 CHF"),
    ],
)
def test_money_is_pounds_and_pence(amount: int, currency: str, said: str) -> None:
    assert wording.money_words(amount, currency) == said


def test_times_are_uk_time_to_the_minute_in_summer_and_winter() -> None:
    summer = datetime(2027, 6, 7, 14, 4, 59, 467489, tzinfo=UTC)
    winter = datetime(2027, 12, 13, 16, 0, tzinfo=UTC)
    assert wording.moment_when(summer, LONDON) == "Monday 7 June 2027 at 15:04 BST"
    assert wording.moment_when(winter, LONDON) == "Monday 13 December 2027 at 16:00 GMT"
    # A moment late on a summer evening in UTC is already the next day in the UK.
    assert (
        wording.day_when(datetime(2027, 7, 8, 23, 30, tzinfo=UTC), LONDON) == "Friday 9 July 2027"
    )


@pytest.mark.parametrize(
    ("moment", "said"),
    [
        # Midnight UK time is the end of the day before, in winter and in summer.
        (
            datetime(2027, 1, 7, 0, 0, tzinfo=UTC),
            "the end of Wednesday 6 January 2027 (midnight GMT)",
        ),
        (datetime(2027, 7, 8, 23, 0, tzinfo=UTC), "the end of Thursday 8 July 2027 (midnight BST)"),
        # Any other moment as moment_when says it.
        (datetime(2027, 12, 9, 14, 56, tzinfo=UTC), "Thursday 9 December 2027 at 14:56 GMT"),
    ],
)
def test_a_hold_ending_at_midnight_ends_with_the_day_before(moment: datetime, said: str) -> None:
    assert wording.until_when(moment, LONDON) == said


def test_a_course_is_named_with_its_first_day() -> None:
    first = datetime(2027, 6, 7, 14, 0, tzinfo=UTC)
    assert wording.course_name("Compassionate Leadership Training", first, LONDON) == (
        "Compassionate Leadership Training, from Monday 7 June 2027"
    )
    later = wording.course_name(
        "Compassionate Leadership Training", first + timedelta(weeks=52), LONDON
    )
    assert later != wording.course_name("Compassionate Leadership Training", first, LONDON)


def test_every_status_has_words_a_person_says() -> None:
    for status in ApplicationStatus:
        said = wording.status_words(status.value)
        assert said == wording.STATUS_WORDS[status.value]
        assert "_" not in said
        assert said[0].isupper()
    assert wording.status_words("awaiting_payment") == "Awaiting payment"


@pytest.mark.parametrize("status", list(ApplicationStatus))
@pytest.mark.parametrize("reason", [None, *wording.REASON_WORDS])
def test_a_status_and_its_reason_never_say_the_same_thing_twice(
    status: ApplicationStatus, reason: str | None
) -> None:
    said = wording.status_with_reason(status.value, reason)
    shown = wording.status_shown(status.value, reason)  # a lapsed offer's own words
    assert said.startswith(shown)
    assert "_" not in said
    why = said.removeprefix(shown)
    assert shown.lower() not in why.lower()


def test_a_lapsed_offer_is_said_as_an_offer_not_taken_up() -> None:
    """Not "Payment not completed", the words of a checkout left."""
    assert wording.status_shown("expired", "offer_lapsed") == "Offer not taken up"
    said = wording.status_with_reason("expired", "offer_lapsed")
    assert said == "Offer not taken up (it lapsed unpaid)"
    assert wording.status_shown("expired", "expired") == "Payment not completed"


@pytest.mark.parametrize("reason", sorted(INVOICE_REASON_WORDS))
def test_each_reason_a_payment_goes_back_for_has_its_own_timeline_words(reason: str) -> None:
    # The reasons a payment's refund is explained by to the person and the billing contact
    # (once, a payment a bursary made unnecessary read "not needed" in the console).
    assert wording.REASON_WORDS.get(reason) is not None


def test_a_payment_not_needed_after_a_bursary_says_why_in_the_history() -> None:
    entry = an_entry(
        EntryKind.STATUS, status=S.REFUNDED, previous_status=S.CONFIRMED, reason=PAID_WHEN_COVERED
    )
    assert wording.timeline_text(entry, "gbp", LONDON) == (
        "Status: Confirmed → Refunded (a payment not needed: a bursary or a code had already "
        "covered the price)"
    )


def test_refunded_is_said_once() -> None:
    assert wording.status_with_reason("refunded", "refunded") == "Refunded"
    assert wording.status_with_reason("cancelled", "refund_requested") == (
        "Cancelled (refund on its way)"
    )


def test_an_open_invoice_says_the_day_it_falls_due_and_a_paid_one_does_not() -> None:
    due = datetime(2027, 7, 9, 22, 59, tzinfo=UTC)  # 23:59 BST
    assert wording.invoice_words("INV-0042", 20000, "gbp", "open", due, LONDON) == (
        "INV-0042 for £200.00, not paid yet; falls due on Friday 9 July 2027"
    )
    assert wording.invoice_words("INV-0042", 20000, "gbp", "paid", due, LONDON) == (
        "INV-0042 for £200.00, paid"
    )


def test_an_invoice_is_named_by_its_number_or_before_it_has_one_by_its_id() -> None:
    due = datetime(2027, 7, 9, 22, 59, tzinfo=UTC)
    numbered = InvoiceRef(
        invoice_id="in_1", url="https://invoice", number="INV-0042", due_at=due, amount_due=20000
    )
    assert wording.invoice_said(numbered, LONDON) == (
        "INV-0042 for £200.00, not paid yet; falls due on Friday 9 July 2027"
    )
    unnumbered = numbered.model_copy(update={"number": None, "status": "void"})
    assert wording.invoice_said(unnumbered, LONDON) == "in_1 for £200.00, voided"


def an_entry(kind: EntryKind, **fields: object) -> TimelineEntry:
    """A history entry of ``kind`` written at ``AT``; ``fields``: what it records."""
    return TimelineEntry.model_validate({"at": AT, "kind": kind, **fields})


def an_email(email: EmailKind, recipients: int = 1, **fields: object) -> TimelineEntry:
    """An email of kind ``email`` in the history, sent to ``recipients`` addresses;
    ``fields``: what else it records (its job's id, the role it went to)."""
    return an_entry(EntryKind.EMAIL, email=email, recipients=recipients, **fields)


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        (
            an_entry(EntryKind.STATUS, status=S.PENDING_REVIEW),
            "Application received: awaiting review",
        ),
        (
            an_entry(
                EntryKind.STATUS,
                status=S.EXPIRED,
                previous_status=S.AWAITING_PAYMENT,
                reason="expired",
            ),
            "Status: Awaiting payment → Payment not completed (the time to pay ran out)",
        ),
        (
            an_entry(
                EntryKind.STATUS, status=S.REFUNDED, previous_status=S.CONFIRMED, reason="refunded"
            ),
            "Status: Confirmed → Refunded",
        ),
        (an_entry(EntryKind.PAYMENT, amount=20000), "Payment received: £200.00"),
        (an_entry(EntryKind.REFUND, amount=5000), "Refunded: £50.00"),
        (an_entry(EntryKind.BURSARY, amount=5000), "Bursary granted: £50.00 of the price"),
        (
            an_entry(EntryKind.DISCOUNT, code="HALF", amount=10000),
            "Discount code HALF given: £100.00 off",
        ),
        (
            an_entry(
                EntryKind.INVOICE,
                invoice="INV-0042",
                amount=20000,
                due_at=datetime(2027, 7, 9, 22, 59, tzinfo=UTC),
            ),
            "Invoice INV-0042 for £200.00 sent to the billing contact, due Friday 9 July 2027",
        ),
        (
            an_email(EmailKind.FACILITATOR_COPY),
            # Counted by address: two facilitators sharing an inbox got one copy.
            "Email sent to the facilitators (1 address): Facilitators' copy of the application",
        ),
        (
            an_email(EmailKind.FACILITATOR_COPY, recipients=2),
            "Email sent to the facilitators (2 addresses): Facilitators' copy of the application",
        ),
        (
            # The "Participant withdrawn" is named as what it is, by its occasion.
            an_email(EmailKind.FACILITATOR_COPY, job_id="facilitator_copy:app1:withdrawn"),
            "Email sent to the facilitators (1 address): Participant withdrawn: no longer on "
            "the cohort's roster",
        ),
        (
            an_email(EmailKind.FACILITATOR_COPY, job_id="facilitator_copy:app1:moved-out-2"),
            "Email sent to the facilitators (1 address): Booking moved away from the "
            "facilitators' cohort",
        ),
        (
            an_email(EmailKind.FACILITATOR_COPY, job_id="facilitator_copy:app1:moved-in-1"),
            "Email sent to the facilitators (1 address): Booking moved to the facilitators' "
            "cohort, with the application",
        ),
        (
            an_email(EmailKind.FACILITATOR_COPY, job_id="facilitator_copy:app1:booked"),
            "Email sent to the facilitators (1 address): New booking, with the application",
        ),
        (
            an_email(EmailKind.FACILITATOR_COPY, job_id="facilitator_copy:app1:disputed-dp_1"),
            "Email sent to the facilitators (1 address): Payment disputed by the payer's bank",
        ),
        (
            an_email(EmailKind.DELETE_YOUR_COPY, recipients=2),
            "Email sent to the facilitators (2 addresses): Asked to delete the application: "
            "the person's data was erased",
        ),
        (
            an_email(EmailKind.OFFER),
            "Email sent to the applicant: A place is offered, with a link to pay",
        ),
        (
            an_email(EmailKind.CANCELLED, to=Recipient.BILLING_CONTACT),
            "Email sent to the billing contact: Cancellation",
        ),
        (
            # Recorded before the timeline kept the role: the billing contact's job id says it.
            an_email(EmailKind.CANCELLED, job_id="cancelled:a:billing"),
            "Email sent to the billing contact: Cancellation",
        ),
        (an_entry(EntryKind.ERASED), "Personal data erased on request"),
    ],
)
def test_each_history_entry_reads_as_a_sentence(entry: TimelineEntry, words: str) -> None:
    assert wording.timeline_text(entry, "gbp", LONDON) == words


def test_every_email_kind_has_words() -> None:
    assert set(EMAIL_WORDS) == set(EmailKind)


def test_a_reminder_in_the_history_names_its_session() -> None:
    """Two reminders sent at once (a late booking) read apart: each names its session as the
    register does, from the cohort, key and start its job's id carries."""
    named = {"s1": "Session 1 of 2, Sunday 6 December 2026", "s2": "Session 2 of 2, Sunday"}
    sessions = {reminder_key("c1", key, AT): words for key, words in named.items()}
    for key, words in named.items():
        job = EmailJob.session_reminder("app1", "c1", key, AT, 24)
        entry = an_email(EmailKind.SESSION_REMINDER, job_id=job.job_id)
        assert wording.timeline_text(entry, "gbp", LONDON, sessions) == (
            f"Email sent to the applicant: Session reminder: {words}"
        )
    # A session moved since, or of a cohort the booking left: the day it was for, and that
    # cohort's name when it is known.
    moved = EmailJob.session_reminder("app1", "c1", "s1", AT + timedelta(days=1), 24)
    entry = an_email(EmailKind.SESSION_REMINDER, job_id=moved.job_id)
    assert wording.timeline_text(entry, "gbp", LONDON, sessions, {"c1": "Spring"}) == (
        "Email sent to the applicant: Session reminder: the session of Sunday 2 May 2027 on Spring"
    )
    # A job id of another shape: the kind alone.
    gone = an_entry(EntryKind.EMAIL, email=EmailKind.SESSION_REMINDER, job_id="x:y")
    assert wording.timeline_text(gone, "gbp", LONDON, sessions) == (
        "Email sent to the applicant: Session reminder"
    )


def test_one_glossary_names_every_answer() -> None:
    said = wording.answers_said(answers_of(accessibility_needs=""))
    assert [a["label"] for a in said] == [wording.FIELD_NAMES[k] for k in Answers.model_fields]
    assert said[-1] == {"label": "Access needs", "value": "(not given)"}


def test_no_template_names_a_field_outside_the_glossary() -> None:
    # The words the glossary replaced, anywhere a person reads: pages, console and emails.
    retired = re.compile(r"Accessibility needs|What they lead|Why they are applying", re.I)
    for path in TEMPLATES.rglob("*.*"):
        assert not retired.search(path.read_text(encoding="utf-8")), path


def test_a_number_of_places_is_said_one_way_in_code_emails_and_pages() -> None:
    from booking.adapters.email_templates import _environment
    from booking.domain.wording import places_words
    from booking.handlers.pages.templates import environment

    assert [places_words(n) for n in (0, 1, 2, 12)] == [
        "0 places",
        "1 place",
        "2 places",
        "12 places",
    ]
    for jinja in (_environment(False), _environment(True), environment()):
        said = jinja.from_string("{{ 1 | places }}; {{ 3 | places }}").render()
        assert said == "1 place; 3 places"


def test_a_full_course_with_places_not_taken_says_so_and_why() -> None:
    """Full for newcomers with places no seat holds is never said "Full" beside
    the views' "1 left": the places not taken, and why nobody new can take them."""
    said = wording.course_state_said
    assert said("full", ended=False, waiting=1, free=1, too_late_to_offer=True) == (
        "1 place not taken (too late to offer it from the waiting list; nobody new can take "
        "it), 1 waiting"
    )
    assert said("full", ended=False, waiting=3, free=2) == (
        "2 places not taken (offered to those waiting first; nobody new can take them), 3 waiting"
    )
    assert said("full", ended=False, waiting=1, free=0, too_late_to_offer=True) == (
        "Full, 1 waiting"
    )
    assert said("closed", ended=False, free=1, too_late_to_offer=True) == "Closed"
    assert said("full", ended=True, free=1, too_late_to_offer=True) == "Ended"

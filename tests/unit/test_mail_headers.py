"""From carries the course's name; subjects read back exactly as written, local outbox too."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP

import pytest

from booking.adapters.ses_sender import build_mime
from booking.domain.emails import OutgoingEmail
from infra.local.mail import _as_contract
from tests.support.mail_checks import check_message

NOW = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
# Long enough to need folding at 78 characters, with a dash just where Python's folder broke.
SUBJECT = (
    "Booking confirmed: Compassionate Leadership Training (June 2027) \u2013 Mondays 3pm\u20135pm "
    "UK time, six sessions"
)


def message(
    subject: str = SUBJECT, sender_name: str | None = "Compassionate Leadership Training"
) -> bytes:
    return build_mime(
        OutgoingEmail(
            to=["ada@example.org"],
            reply_to=["enquiries@example.org"],
            subject=subject,
            text="Hello",
            html="<p>Hello</p>",
            sender_name=sender_name,
        ),
        "courses@example.org",
        NOW,
    )


def test_from_shows_the_course_name_with_the_address() -> None:
    parsed = check_message(message())
    assert str(parsed["From"]) == "Compassionate Leadership Training <courses@example.org>"


def test_a_name_with_specials_and_accents_is_encoded_and_reads_back() -> None:
    parsed = check_message(message(sender_name="\u00c9quipe \u201cLeadership\u201d, Cymru"))
    [sender] = parsed["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (
        "\u00c9quipe \u201cLeadership\u201d, Cymru",
        "courses@example.org",
    )
    assert message(sender_name="\u00c9quipe \u201cLeadership\u201d, Cymru").isascii()


@pytest.mark.parametrize(
    "subject",
    [
        SUBJECT,
        "\u201cAttending\u201d \u2013 session 3 of 6 starts tomorrow at 3pm, "
        "Compassionate Leadership",
    ],
)
def test_subjects_read_back_exactly_in_the_local_outbox(subject: str) -> None:
    raw = message(subject)
    assert _as_contract(raw)["subject"] == subject
    assert str(check_message(raw)["Subject"]) == subject


def test_the_check_refuses_a_subject_folded_into_stray_spaces() -> None:
    """What SMTP-policy folding used to produce: the check can fail."""
    folded = EmailMessage(policy=SMTP)
    folded["Subject"] = SUBJECT
    folded["From"] = "Course <courses@example.org>"
    folded["To"] = "ada@example.org"
    folded.set_content("Hello")
    with pytest.raises(AssertionError, match="stray spaces"):
        check_message(folded.as_bytes())


def test_the_check_refuses_a_bare_from_address() -> None:
    with pytest.raises(AssertionError, match="From without a name"):
        check_message(message(sender_name=None))

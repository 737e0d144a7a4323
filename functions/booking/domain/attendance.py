"""What a register records on a booking: a mark per core session and, once the register is
closed, the booking's completion (``domain.register`` has the rules). Apart from the rules so
that ``domain.application`` can hold them without importing the rules that read applications."""

from datetime import datetime
from enum import StrEnum

from pydantic import ConfigDict

from booking.domain.model import Model


class Mark(StrEnum):
    ATTENDED = "attended"
    ABSENT = "absent"
    APOLOGIES = "apologies"  # sent apologies


# What may be said of a session before it begins: that someone sent their apologies. Whether
# they attended or were absent is known only once it has begun.
MARKS_BEFORE_A_SESSION = frozenset({Mark.APOLOGIES})

MARK_WORDS = {
    Mark.ATTENDED: "Attended",
    Mark.ABSENT: "Absent",
    Mark.APOLOGIES: "Sent apologies",
}


def mark_named(given: str) -> Mark | None:
    """The mark ``given`` names, by its value or its words in any case ("apologies", "Sent
    apologies"); None if it names none."""
    said = " ".join(given.replace("-", " ").replace("_", " ").lower().split())
    for mark, words in MARK_WORDS.items():
        if said in (mark.value, words.lower()):
            return mark
    return None


def clear_refusal(current: Mark | None, shown: str) -> str | None:
    """Why a Clear mark pressed on a page that showed ``shown`` (or an API or CLI clear naming
    the mark read) must not take away ``current``: another mark was given since it was shown
    (clearing it would take away a mark the organiser never saw). None when it may: the mark
    shown is the one held, or none is held any more (pressed twice, a retry), or the page said
    nothing of what it showed (the API and the CLI always say)."""
    if current is None or not shown or shown == current.value:
        return None
    return (
        f"this mark changed since you last looked at it (it is now {MARK_WORDS[current]}): "
        "nothing was cleared; look at the register again and clear it if it is still a mistake"
    )


# The marks as a person may type them, for a sentence that lists them.
MARKS_SAID = "attended, absent, or apologies (sent apologies)"


class CertificateTerms(Model):
    """What a completer's certificate says, frozen when the register closed: the PDF and the
    verification page read these words, never the course as it is now (a course edited
    later does not rewrite a certificate already given)."""

    model_config = ConfigDict(frozen=True)

    name: str  # as the person gave it, or as an organiser gave it to print (a held one)
    course_title: str
    dates: str  # the core sessions' first and last days, in words
    # The core sessions the person attended, added up; a certificate
    # recorded before ``course_hours`` was kept says the course's length here instead.
    hours: str
    facilitators: tuple[str, ...]  # names of those who may be named publicly
    issued: str  # the day the register was closed, in words
    organisation: str = ""  # who runs the course (the PDF's author); "" when not given
    course_hours: str = ""  # the course's core sessions added up; "" when recorded before


class Completion(Model):
    """What closing the register decided for one booking."""

    model_config = ConfigDict(frozen=True)

    completed: bool
    attended: int  # core sessions marked attended
    required: int  # the course's completion_min_sessions when it was closed
    closed_at: datetime
    certificate: str | None = None  # the verification code, for a completer
    # A completer's certificate as closing worded it (None: recorded before the words were
    # kept, or erased since).
    terms: CertificateTerms | None = None
    # When an organiser last reissued the certificate with a spelling of the name to print (it
    # may be reissued again, to correct that spelling); None: printed as closing worded it.
    reissued_at: datetime | None = None


def training_words(hours: str, course_hours: str) -> str:
    """What a certificate says of its training: the hours the person
    attended, and the course's length beside them when they attended less ("10 hours of
    training attended, of a course of 12 hours"); a certificate recorded before attendance
    was counted (no ``course_hours``) says the course's length, as it did then."""
    if not course_hours:
        return f"{hours} of training"
    if hours == course_hours:
        return f"{hours} of training attended"
    return f"{hours} of training attended, of a course of {course_hours}"

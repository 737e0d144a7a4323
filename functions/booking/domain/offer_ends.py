"""When an offer of a place ends, and what its end means. Pure rules, no I/O.

An offer is held for the course's offer period, never past the moment applications close
(``Course.applications_close_at``, ``domain.paying.held_until``). Held until then, its end is the
closing's: nobody can book the place after it (no payment is taken once applications close), so
the email, the 409, the page and the JSON say that, never that the place goes on to the next
person on the waiting list (:func:`held_until_closing`).

Its end is read as it is reached (:func:`lapsed_as_read`): an offer whose deadline has passed
is shown lapsed before the sweep ends it, as the sweep will leave it, unless a checkout opened
within it is still open (Stripe may still take that payment, and one paid within its hold
stands: ``domain.paying.paid_in_its_hold``) or a payment on it is settling.

No offer is made with less than :data:`LEAST_TIME_TO_ACT` left before applications close
(:func:`may_offer`): an email read a few minutes late would promise a place that could no longer
be paid for. Those waiting stay on the list; once applications close their wait has ended
(:func:`waiting_list_ended`, read so at once) and the sweep tells each of them once
(:func:`wait_ended_by_closing`, ``services.wait_closed``). So too an application still
awaiting review when applications close: it can no longer be approved
(:func:`refuse_offering`), so its review has ended (:func:`review_ended`), read so at once and
told once by the same sweep.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from booking.domain.course import Course
from booking.domain.emails import EmailJob, EmailKind, instant_of, instant_token
from booking.domain.errors import Conflict
from booking.domain.statuses import ON_THE_WAY, ApplicationStatus
from booking.domain.wording import moment_when

if TYPE_CHECKING:
    from booking.domain.application import Application

# The least time an offer leaves to act on it: one run of the sweep's schedule, so an offer
# emailed at once is not outlived by one the sweep would make.
LEAST_TIME_TO_ACT = timedelta(minutes=15)
LEAST_TIME_TO_ACT_SAID = f"{int(LEAST_TIME_TO_ACT.total_seconds() // 60)} minutes"
# Recorded on a waiting-list application told that applications closed (its wait ended):
# told once, never again by a later run of the sweep.
APPLICATIONS_CLOSED = "applications_closed"
# Recorded on an application still awaiting review when applications closed, told so: its
# review ended before it was made (JSON ``review_ended``), told once, as a waiting list is.
REVIEW_ENDED = "review_ended"
# The reason on a reopened wait's email (``EmailKind.WAIT_REOPENED``) when it tells of a closing
# brought earlier than the one the person was last told (:func:`closing_retold`).
CLOSING_EARLIER = "closing_earlier"
# Between a closing and the application's version in the occasion of an email telling it.
_AT_VERSION = "-v"
# The reason an offer ended with (``Application.status_reason``), lapsed or read as lapsed.
OFFER_LAPSED = "offer_lapsed"
# The reason an offer ended with when its person turned it down (``domain.offer_declines``).
OFFER_DECLINED = "offer_declined"


def may_offer(course: Course, now: datetime) -> bool:
    """Whether a place may be offered now: applications are open and close no sooner than
    :data:`LEAST_TIME_TO_ACT` from ``now``."""
    return (
        course.accepts_applications(now)
        and now + LEAST_TIME_TO_ACT <= course.applications_close_at()
    )


def no_more_offers(course: Course, now: datetime) -> bool:
    """Whether applications are still open but close too soon for any place to be offered
    (:func:`may_offer`): a seat that frees stays free, and nobody joining the list now can be
    offered one before the closing ("we will email you straight away")."""
    return course.accepts_applications(now) and not may_offer(course, now)


def held_until_closing(application: Application, course: Course) -> bool:
    """Whether ``application``'s offer is (or was) held until applications close: after its
    deadline nobody can book the place, so nobody is offered it next."""
    deadline = application.offer_expires_at
    offer = application.status is ApplicationStatus.OFFERED or (
        application.status_reason == OFFER_LAPSED
    )
    return offer and deadline is not None and deadline >= course.applications_close_at()


def lapsed_as_read(application: Application, now: datetime) -> bool:
    """Whether ``application`` is an offer whose deadline has passed by ``now``, with no
    checkout still open on it and no payment settling: lapsed, though the sweep has not yet
    ended it."""
    deadline = application.offer_expires_at
    return (
        application.status is ApplicationStatus.OFFERED
        and deadline is not None
        and deadline <= now
        and not application.payment_pending
        and not application.has_open_checkout(now)
    )


def place_refusal(application: Application, course: Course, now: datetime) -> Conflict | None:
    """Why no organiser's write may take or confirm a place on ``application`` now (a bursary), said
    to the organiser; None when one may. Writes act on what every read says
    (:func:`as_read`): an offer read as lapsed is lapsed, before the sweep ends it and after
    applications close (``offer_lapsed``); a wait ended as they closed has ended
    (``course_closed``). (A place left with nothing to pay may still be booked on an application
    under review after the closing, as its approval books it: ``refuse_offering``.)"""
    unchanged = "nothing was changed and nobody was emailed"
    ended = application.status_reason == OFFER_LAPSED and not course.accepts_applications(now)
    if lapsed_as_read(application, now) or (application.status in ON_THE_WAY and ended):
        deadline = moment_when(application.offer_expires_at or now, course.definition.timezone)
        return Conflict(
            f"this offer lapsed on {deadline} and its place cannot be booked now: {unchanged}",
            code=OFFER_LAPSED,
        )
    if waiting_list_ended(application, course, now):
        closed = moment_when(course.applications_close_at(), course.definition.timezone)
        return Conflict(
            f"applications for this course closed on {closed}, and its waiting list with them, "
            f"so no place can be booked on this application now: {unchanged}",
            code="course_closed",
        )
    return None


def as_read(application: Application, course: Course | None, now: datetime) -> Application:
    """``application`` as a person and an organiser read it at ``now``, in every view (through
    ``services.reading``): an offer lapsed as read (:func:`lapsed_as_read`) is shown as the
    sweep will leave it (expired, ``offer_lapsed``, its seat no longer held), and so is a wait
    ended as ``course``'s applications closed (:func:`closing_ended`: still waiting,
    ``applications_closed``; still in review, ``review_ended``); anything else as stored. For
    reading only, never saved."""
    ended = closing_ended(application, course, now) if course is not None else None
    if ended is not None:
        return application.model_copy(update={"status_reason": ended})
    if not lapsed_as_read(application, now):
        return application
    return application.model_copy(
        update={
            "status": ApplicationStatus.EXPIRED,
            "status_reason": OFFER_LAPSED,
            "seat_held": False,
            "hold_expires_at": None,
        }
    )


def refuse_offering(course: Course, now: datetime) -> None:
    """Raise the 409 that says, to an organiser approving an application, why no place (nor a
    waiting place) can be offered now: applications have closed, or close in less than
    :data:`LEAST_TIME_TO_ACT` (:func:`may_offer`). An approval then would email an offer that
    had lapsed already, or one nobody could act on."""
    if may_offer(course, now):
        return
    closes = moment_when(course.applications_close_at(), course.definition.timezone)
    unchanged = "nothing was changed and nobody was emailed; decline it to tell the applicant"
    if course.definition.closed:
        raise Conflict(
            "applications for this course are closed, so a place offered now could not be paid "
            f"for: {unchanged}, or open applications again to approve it",
            code="course_closed",
        )
    if not course.accepts_applications(now):
        raise Conflict(
            f"applications for this course closed on {closes}, so a place offered now could "
            f"not be paid for before it begins: {unchanged}",
            code="course_closed",
        )
    raise Conflict(
        f"applications for this course close on {closes}, in less than "
        f"{LEAST_TIME_TO_ACT_SAID}: too soon for an offered place to be paid for, so {unchanged}",
        code="too_late_to_offer",
    )


def waiting_list_closed(course: Course, now: datetime) -> bool:
    """Whether ``course``'s waiting list has closed for good at ``now``: applications have
    closed by its dates (its organisers' closing may be undone), so nobody on it can be offered
    a place (:func:`may_offer`)."""
    return now >= course.applications_close_at()


def open_closing(course: Course, now: datetime) -> str | None:
    """The closing (its token) ``course``'s waiting list waits to while its applications are
    open; None once they have closed. The one rule of what a reopen or a retold closing may
    name: what the save decides from (:func:`wait_reopened`, :func:`closing_retold`) and what
    the mailer checks each such email against when it goes (:func:`closing_news_stale`)."""
    if waiting_list_closed(course, now):
        return None
    return instant_token(course.applications_close_at())


def waiting_list_ended(application: Application, course: Course, now: datetime) -> bool:
    """Whether ``application`` is on ``course``'s waiting list and its wait has ended: what
    its page and JSON say from the moment applications close, before the sweep tells it."""
    return application.status is ApplicationStatus.WAITLISTED and waiting_list_closed(course, now)


def waiting_list_to_tell(course: Course, now: datetime) -> bool:
    """Whether the sweep is to tell ``course``'s waiting list its wait ended: applications have
    closed and the course has not begun (told in the half hour from its closing; never months
    later of a course long over)."""
    return waiting_list_closed(course, now) and now < course.first_start()


def review_ended(application: Application, course: Course, now: datetime) -> bool:
    """Whether ``application`` still awaits review on ``course`` and applications have closed:
    it can no longer be approved, so nobody will review it (what its page and JSON say from the
    moment applications close, before the sweep tells it)."""
    return application.status is ApplicationStatus.PENDING_REVIEW and waiting_list_closed(
        course, now
    )


def closing_ended(application: Application, course: Course, now: datetime) -> str | None:
    """The reason recorded on ``application`` once told that applications closed on it:
    :data:`APPLICATIONS_CLOSED` for a wait on the list, :data:`REVIEW_ENDED` for a review never
    made; None when the closing ended nothing of it."""
    if waiting_list_ended(application, course, now):
        return APPLICATIONS_CLOSED
    if review_ended(application, course, now):
        return REVIEW_ENDED
    return None


# The message each ended wait is told by, once per closing.
_TOLD_BY = {APPLICATIONS_CLOSED: EmailKind.WAIT_ENDED, REVIEW_ENDED: EmailKind.REVIEW_ENDED}
# Those told of the closing their list waits to: on it, or awaiting review.
_WAITING = (ApplicationStatus.WAITLISTED, ApplicationStatus.PENDING_REVIEW)


def to_tell_wait_ended(application: Application, course: Course, now: datetime) -> bool:
    """Whether the sweep is to tell ``application`` that its wait (on the list, or for a
    review) ended: so once applications closed, not marked told, and the course not begun
    (told in the half hour from its closing; never months later of a course long over). The
    mark is cleared when the dates move later and applications open again
    (:func:`wait_reopened`), so each closing that follows a reopening is told; a mark made
    before the closing was kept beside it (its email's job id then ``wait_ended:<id>``)
    counts as told, never twice."""
    ended = closing_ended(application, course, now)
    return (
        ended is not None
        and application.status_reason != ended
        and waiting_list_to_tell(course, now)
    )


def wait_ended_by_closing(application: Application, course: Course, now: datetime) -> Application:
    """``application`` told that applications closed with no place come free for it, or before
    it was reviewed: still on the list or in review (a course whose dates move later opens
    again, and its list with it: :func:`wait_reopened`), recorded as told, with its one email
    for this closing (the same job id however often it is made from one read, sent once; a
    later closing's, or this one's told again after a reopening, is another). Unchanged when
    the closing ended nothing of it."""
    ended = closing_ended(application, course, now)
    if ended is None:
        return application
    closing = instant_token(course.applications_close_at())
    told = {"status_reason": ended, "told_closing": closing, "updated_at": now}
    job = application.email(_TOLD_BY[ended], occasion=_telling(application, closing))
    return _with_news(application, told, job)


def wait_reopened(application: Application, course: Course, now: datetime) -> Application | None:
    """``application`` no longer told its wait ended, when it was told so of an earlier
    closing (``told_closing``; a mark from before it was kept: an earlier one, the dates
    having moved later): its course's dates moved later and applications are open again, so
    it waits on (or awaits review again) and is told at the new closing; told once that it
    waits again, with the new closing named in the email's job id (one told
    'you will not hear from us' and then offered a place had not been told the list
    reopened; one told by a run ahead of the clock stayed marked, and the new closing told
    nobody). None when there is nothing to undo."""
    waiting = application.status in (ApplicationStatus.WAITLISTED, ApplicationStatus.PENDING_REVIEW)
    closing = open_closing(course, now)
    told = application.status_reason in _TOLD_BY and application.told_closing != closing
    if not waiting or not told or closing is None:
        return None
    again = {"status_reason": None, "told_closing": closing, "updated_at": now}
    job = application.email(EmailKind.WAIT_REOPENED, occasion=_telling(application, closing))
    return _with_news(application, again, job)


def may_be_retold(application: Application) -> bool:
    """Whether ``application`` is one :func:`closing_retold` may tell: waiting (or awaiting
    review) on a list open again since it was told "closed", not marked told since."""
    marked = application.status_reason in _TOLD_BY
    return application.status in _WAITING and not marked and application.told_closing is not None


def closing_retold(
    application: Application, course: Course, now: datetime, said: str | None
) -> Application | None:
    """``application``, waiting (or awaiting review) and not marked told its wait ended, on a
    list open again since it was told "closed", with the news of the closing its course's dates
    set now queued once, from what its last news of the list open that went said (``said``:
    its closing; None: none went since the "closed", so it still reads the list closed); its
    ``told_closing`` then the closing that news names. So whatever the order of the saves and
    the sends, the last news each person has names the closing that holds, or a later one they
    were never told:

    * ``said`` None: the reopen queued names a closing the course no longer has (the mailer
      drops it): a reopen naming the one it has now;
    * earlier than ``said``: told once, "close earlier";
    * no earlier than ``said``: nothing said ("later" is not written about); its record the
      closing they hold, so a later move is told from it.

    None: nothing to tell or record (what is queued or said holds; the list closed, the
    sweep tells)."""
    told = application.told_closing
    closing = open_closing(course, now)
    if not may_be_retold(application) or told is None or closing is None:
        return None
    # Tokens are UTC to the minute, fixed width: their order is the moments'.
    if said is not None and closing >= said:
        kept = application.model_copy(update={"told_closing": said, "updated_at": now})
        return None if told == said else kept
    if told == closing:
        return None  # its news queued, or gone
    reason = None if said is None else CLOSING_EARLIER
    job = application.email(
        EmailKind.WAIT_REOPENED, occasion=_telling(application, closing), reason=reason
    )
    return _with_news(application, {"told_closing": closing, "updated_at": now}, job)


def earlier_than_said(
    application: Application, course: Course, now: datetime, said: str
) -> Application | None:
    """``application`` after news naming ``said`` went (the mailer's step after the send):
    with one "close earlier" queued when the closing its course has now is earlier, as a save
    meanwhile decided from what was said before; the mailer sends it only while
    it is earlier than the last news gone (:func:`closing_news_stale`). None: nothing to tell."""
    waiting = application.status in _WAITING
    closing = open_closing(course, now)
    if not waiting or application.status_reason in _TOLD_BY or closing is None or closing >= said:
        return None
    job = application.email(
        EmailKind.WAIT_REOPENED, occasion=_telling(application, closing), reason=CLOSING_EARLIER
    )
    return _with_news(application, {"told_closing": closing, "updated_at": now}, job)


def _with_news(application: Application, update: dict[str, Any], job: EmailJob) -> Application:
    """``application`` changed by ``update``, with ``job``, news of a closing, queued and its
    id kept (``Application.closing_news``): the mailer reads whether each went from its claim
    as well as the history, which is written after the send, as best effort."""
    kept = application.closing_news
    news = kept if job.job_id in kept else (*kept, job.job_id)
    return application.model_copy(update={**update, "closing_news": news}).with_emails(job)


def _telling(application: Application, closing: str) -> str:
    """The occasion of an email telling ``application`` of ``closing``: the closing and the
    application's version as the telling is saved (the same closing told again
    after the dates moved later and back is a telling of its own, never swallowed by the
    mailer's claim of the first; a redelivery of the one job is still one email)."""
    return f"{closing}{_AT_VERSION}{application.version}"


def closing_named(job: EmailJob) -> datetime | None:
    """The closing an email about one names (its occasion's; None: an occasion naming none,
    as one queued before the closing was named)."""
    return closing_of(job.occasion)


def telling_order(occasion: str | None) -> int:
    """The application's version an email about a closing was queued at (its occasion's,
    :func:`_telling`; 0 for one queued before): which of two sent at one moment came last."""
    version = (occasion or "").partition(_AT_VERSION)[2]
    return int(version) if version.isdigit() else 0


def closing_of(occasion: str | None) -> datetime | None:
    """The closing an occasion of an email about one names (:func:`closing_named`)."""
    return instant_of((occasion or "").partition(_AT_VERSION)[0])


# The emails that tell a person of a closing: that it ended their wait (or review), or that
# their list reopened to a new one, or a closing brought earlier.
CLOSED_NEWS = frozenset(_TOLD_BY.values())
CLOSING_NEWS = CLOSED_NEWS | {EmailKind.WAIT_REOPENED}


def closing_news_stale(
    job: EmailJob,
    application: Application,
    course: Course,
    now: datetime,
    last_told: EmailKind | None,
    said: str | None = None,
) -> bool:
    """Whether ``job``, news of a closing to ``application``, no longer says what holds as it
    goes (saves racing the sweep's marks); ``last_told``: the kind of the last
    closing news that went to the person before it (None: none went); ``said``: the closing
    that news named, when it was of the list open (a reopen or a retold closing).

    * A reopen or a retold closing names a closing (``closing_named``): it goes only while the
      course as it is now waits to that very closing (:func:`open_closing`) and it is the one
      recorded as told (``told_closing``; not marked closed since). A later save that closed
      the list again, or moved the closing elsewhere, drops it: "open again ... close on" a
      closing passed, or "later" of dates brought earlier, is never said; the save's own news
      (or the sweep's) says what holds, as ``group_notices.apply_by_moved_since`` does for a
      group's apply-by date.
    * A reopen begins "We wrote to say that applications had closed": it goes only after such
      an email went, and before any news of the list open again went (the person still reads
      it closed). One that overtook the "closed" it answers drops, and so does that "closed".
    * A retold closing says "close earlier": it goes only when its closing is earlier than
      the one the last news gone named (``said``: never "earlier" of a later).
    * A "closed" goes only while the person is marked told of that very closing (not reopened
      since), and not to one whose last news went was a "closed" already (a reopen dropped in
      between): told "closed" once per closing they heard of, never twice in a row."""
    named = closing_named(job)
    if job.kind not in CLOSING_NEWS or named is None:
        return False
    token = instant_token(named)
    marked = application.status_reason in _TOLD_BY
    if job.kind is EmailKind.WAIT_REOPENED:
        holds = token == open_closing(course, now) == application.told_closing and not marked
        if job.reason == CLOSING_EARLIER:
            return not (holds and said is not None and token < said)
        answered = last_told in CLOSED_NEWS
        return not (holds and answered)
    told_here = marked and application.told_closing == token
    return not told_here or last_told in CLOSED_NEWS

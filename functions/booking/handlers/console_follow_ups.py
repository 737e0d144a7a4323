"""The console's page of a programme's follow-up invitations, and the press that sends one
graduate's invitation again (registered on the console's resolver,
``handlers/console_app.py``). Who is invited is ``services.follow_up_invitations``'s, by the
rule the scheduled run invites with; this module says it in words."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any
from urllib.parse import quote

from booking.bootstrap import ports
from booking.domain.course import Course
from booking.domain.errors import Conflict, InvalidInput
from booking.domain.joining_words import in_a_list
from booking.domain.programme import programme_title
from booking.domain.reminders import invitation_days_ahead
from booking.domain.wording import cohort_name, day_when, moment_when, session_when
from booking.handlers import http
from booking.handlers.console_app import (
    after_action,
    chrome,
    html_page,
    notice_here,
    press_issued,
    press_required,
    press_row,
    served,
)
from booking.handlers.console_pages import console_page
from booking.handlers.resolver import Response
from booking.handlers.sentences import sentence
from booking.services.follow_up_invitations import (
    EventInvitations,
    Invited,
    ProgrammeInvitations,
    invite_now,
    programme_invitations,
    send_invitation_again,
)
from booking.services.organisers import spreadsheet_safe

SENT_AGAIN = "invitation_sent_again"
INVITED_NOW = "invited_now"
INVITED_ALREADY = "invited_already"


def _page_of(programme: str) -> str:
    return f"/console/programmes/{quote(programme)}/follow-ups"


def _invited_said(
    invited: Invited, zone: str, goes: str | None, row: str, *, started: bool = False
) -> dict[str, Any]:
    """``goes``: the day the invitations go, while it is ahead; ``row``: what its *Send the
    invitation again* acts on (its press is bound to it); ``started``: the follow-up has
    begun, so an invitation not decided by then never goes (the row promised
    "the next scheduled run", which sends nothing once it has begun)."""
    application = invited.application
    if invited.sent_at is not None:
        sent = f"Sent {moment_when(invited.sent_at, zone)}"
    elif invited.decided_at is not None:
        sent = f"Decided {moment_when(invited.decided_at, zone)}, waiting to be sent"
    elif started:
        sent = "Never sent: the follow-up began before it went, and nothing is sent once it has"
    elif goes is not None:
        sent = f"Not sent yet: it goes on {goes}"
    else:
        sent = "Not sent yet: it goes with the next scheduled run (every 15 minutes)"
    return {
        "name": application.answers.name,
        "reference": application.reference_or_id,
        "application_id": application.application_id,
        "cohort": cohort_name(invited.course),
        "sent": sent,
        "may_send_again": invited.decided_at is not None,
        "press": press_issued(row),  # bound to the session and this row: any other refused
        # Not invited yet: an organiser may invite them before the day.
        "may_invite_now": invited.decided_at is None and not started,
    }


def _host_uses(host: Course) -> str:
    """Which cohort's enquiries address and joining link the follow-up's messages use
    ("carries the details of" said neither): its host's
    (``domain.programme``)."""
    definition = host.definition
    uses = [f"its enquiries address ({definition.enquiries_email}) for replies"]
    if not definition.enquiries_email:
        uses = ["no enquiries address (replies go to the address it is sent from)"]
    uses.append("its joining link" if definition.joining_url else "no joining link (it has none)")
    return (
        f"Its invitation and other messages use the details of {cohort_name(host)}: "
        f"{in_a_list(*uses)}."
    )


def _invitation_row(programme: str, event_key: str, application_id: str) -> str:
    """The row of one graduate's invitation to one follow-up, as its press is bound to it."""
    return press_row("invitation", programme, event_key, application_id)


def _event_said(programme: str, item: EventInvitations, now: datetime, zone: str) -> dict[str, Any]:
    event = item.event
    started, ahead = event.session.start <= now, now < item.goes_at
    ended = event.session.end <= now  # listed with those taken place (``follow_ups_page``)
    goes = day_when(item.goes_at, zone)
    lead = f"{invitation_days_ahead(event.session, zone)} days"
    if ended:
        when = "This follow-up has taken place."
    elif started:
        when = f"This follow-up has begun: it ends at {event.session.local_end(zone):%H:%M}."
    elif not ahead:
        when = (
            f"The invitations went on {goes}, {lead} ahead; a graduate who completes later "
            "is invited when they do."
        )
    else:
        when = (
            f"Invitations go {lead} ahead, on {goes}, to everyone who is a graduate then "
            f"(as of {day_when(now, zone)}, the people listed here)."
        )
    return {
        "key": event.key,
        "ended": ended,
        "title": event.session.title,
        "day": day_when(event.session.start, zone),
        "when": session_when(event.session, zone),
        "host_uses": _host_uses(event.host),
        "goes": when,
        "started": started,
        "invited": [
            _invited_said(
                i,
                zone,
                goes if ahead else None,
                _invitation_row(programme, event.key, i.application.application_id),
                started=started,
            )
            for i in item.invited
        ],
        "later": [
            {"name": a.answers.name, "reference": a.reference_or_id, "cohort": cohort_name(c)}
            for c, a in item.later
        ],
    }


def _graduates_said(invitations: ProgrammeInvitations, zone: str) -> list[dict[str, Any]]:
    """The programme's graduates, each with the follow-ups they were invited to, in words."""
    named = {
        item.event.key: f"Follow-up {n} ({day_when(item.event.session.start, zone)})"
        for n, item in enumerate(invitations.events, start=1)
    }
    return [
        {
            "name": g.application.answers.name,
            "reference": g.application.reference_or_id,
            "application_id": g.application.application_id,
            "cohort": cohort_name(g.course),
            "completed": day_when(g.graduated_at, zone),
            "invited": ", ".join(named[key] for key in g.invited_to if key in named)
            or "Not invited to any yet",
        }
        for g in invitations.graduates
    ]


GRADUATES_CSV_COLUMNS = (
    "Reference",
    "Full name",
    "Email address",
    "Organisation",
    "Cohort",
    "Completed",
    "Invited to",
)


def _graduates_csv(invitations: ProgrammeInvitations) -> str:
    """The graduates list as a spreadsheet opens it: UTF-8 with a byte-order mark, every cell
    safe from formula injection (as the roster CSV)."""
    zone = invitations.cohorts[0].definition.timezone
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(GRADUATES_CSV_COLUMNS)
    for g, said in zip(invitations.graduates, _graduates_said(invitations, zone), strict=True):
        cells = (
            said["reference"],
            said["name"],
            g.application.answers.email,
            g.application.answers.organisation,
            said["cohort"],
            said["completed"],
            said["invited"],
        )
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return "\ufeff" + buffer.getvalue()


def follow_ups_page(
    invitations: ProgrammeInvitations, *, done: str = "", problem: str = "", status: int = 200
) -> Response[str]:
    zone = invitations.cohorts[0].definition.timezone
    now = invitations.now
    # Numbered in date order, as the programme has them ("Follow-up 2 of 4").
    events = [
        {**_event_said(invitations.programme, item, now, zone), "number": number}
        for number, item in enumerate(invitations.events, start=1)
    ]
    page = console_page(
        "follow_ups.html",
        chrome(),
        programme=programme_title(
            invitations.programme, (c.definition.title for c in invitations.cohorts)
        ),
        programme_slug=invitations.programme,
        # What is coming up first, the soonest at the top (one under way among them), then
        # those that have taken place, the latest first: an organiser looks for the next one.
        coming=[e for e in events if not e["ended"]],
        taken_place=[e for e in reversed(events) if e["ended"]],
        count=len(events),
        graduates=_graduates_said(invitations, zone),
        done=done,
        problem=problem,
    )
    return html_page(status, page)


def _whom(invitations: ProgrammeInvitations, code: str) -> str:
    """Whom an action on the list was done to, as the organisers know them: the person's name
    and their booking's reference (the console is the organisers' own screen), or the bare
    booking when the person is no longer listed (erased or cancelled meanwhile)."""
    listed = [g.application for g in invitations.graduates] + [
        i.application for item in invitations.events for i in item.invited
    ]
    for application in listed:
        if application.reference_or_id == code:
            return f"{application.answers.name} (booking {code})"
    return f"the booking {code}"


@served("consoleFollowUpInvitations")
def follow_up_invitations(programme: str) -> Response[str]:
    invitations = programme_invitations(ports(), programme)
    notice = notice_here()
    whom = _whom(invitations, notice.code)
    lead = whom[0].upper() + whom[1:]
    done = ""
    if notice.done == SENT_AGAIN:
        done = f"The invitation was sent again to {whom}."
    elif notice.done == INVITED_NOW:
        done = (
            f"{lead} was invited now; the invitations sent on their day will not invite them again."
        )
    elif notice.done == INVITED_ALREADY:
        done = f"{lead} was invited already: nothing more was sent."
    return follow_ups_page(invitations, done=done)


@served("consoleSendFollowUpInvitationAgain")
def send_again(programme: str, event_key: str, application_id: str) -> Response[str]:
    try:
        # Only a press this session's page issued for this row.
        press = press_required(_invitation_row(programme, event_key, application_id))
        sent = send_invitation_again(ports(), programme, event_key, application_id, press)
    except (Conflict, InvalidInput) as refused:
        return _refused_on_the_list(programme, refused)
    return after_action(_page_of(programme), SENT_AGAIN, sent.reference_or_id)


@served("consoleInviteToFollowUpNow")
def invite_graduate_now(programme: str, event_key: str, application_id: str) -> Response[str]:
    try:
        invited = invite_now(ports(), programme, event_key, application_id)
    except Conflict as refused:
        return _refused_on_the_list(programme, refused)
    application = ports().repository.get_application(application_id)
    code = application.reference_or_id if application is not None else application_id
    return after_action(_page_of(programme), INVITED_NOW if invited else INVITED_ALREADY, code)


@served("consoleGraduatesCsv")
def graduates_csv(programme: str) -> Response[str]:
    body = _graduates_csv(programme_invitations(ports(), programme))
    return http.csv_download(f"{programme}-graduates.csv", body)


def _refused_on_the_list(programme: str, refused: Conflict | InvalidInput) -> Response[str]:
    """A button on a programme's follow-ups page refused: that page again, saying why not."""
    invitations = programme_invitations(ports(), programme)
    return follow_ups_page(
        invitations, problem=sentence(refused.message), status=http.status_for(refused)
    )

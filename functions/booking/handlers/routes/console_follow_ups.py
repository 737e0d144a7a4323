"""The console's page of a programme's follow-up invitations (the ``console`` function): who
is invited to each follow-up, whom it was sent to and when, when the rest go; and the form that
sends one graduate's invitation again."""

from __future__ import annotations

from booking.handlers.routes import Function, Route
from booking.handlers.routes.answers import (
    NOTICE_ONCE,
    PROGRAMME,
    console_form,
    console_read,
    console_text_download,
    page,
    path_parameter,
    see_other,
)

CONSOLE = Function.CONSOLE
TAGS = ("console",)
_EVENT = path_parameter("event_key", "The follow-up's id, as the programme's page links it")
_APPLICATION = path_parameter("application_id")
FOLLOW_UPS_PAGE = "/console/programmes/{programme}/follow-ups"

FOLLOW_UPS: tuple[Route, ...] = (
    console_read(
        FOLLOW_UPS_PAGE,
        "consoleFollowUpInvitations",
        "A programme's graduates (who completed which cohort, when, invited to which "
        "follow-ups) and its follow-ups: for each, who is invited (its graduates), whom the "
        "invitation was sent to and when, and when the rest go",
        {"200": page("The follow-ups and their invitations"), "404": page("No such programme")},
        PROGRAMME,
        description=NOTICE_ONCE,
    ),
    console_text_download(
        "/console/programmes/{programme}/graduates.csv",
        "consoleGraduatesCsv",
        "The programme's graduates to download: who completed which cohort, "
        "when, and the follow-ups they were invited to",
        (
            "text/csv",
            "<programme>-graduates.csv",
            "UTF-8 with a byte-order mark, one graduate's booking a row, in people's words: "
            "reference, name, email address, organisation, cohort, the day they completed "
            "it, the follow-ups they were invited to",
        ),
        PROGRAMME,
        page("No such programme"),
    ),
    Route(
        CONSOLE,
        "POST",
        FOLLOW_UPS_PAGE + "/{event_key}/invitations/{application_id}/send-again",
        "consoleSendFollowUpInvitationAgain",
        "Email one graduate's invitation to a follow-up again (once per press of the button)",
        {
            "303": see_other("Sent: to the follow-ups page, which says so once", notice=True),
            "404": page("No such programme, follow-up or application"),
            "409": page(
                "The follow-ups page again, saying why not (the follow-up has taken place, the "
                "booking is not a graduate's, or their invitation has not gone yet)"
            ),
            "422": page("The follow-ups page again: the form was not the page's"),
        },
        body=console_form(
            {
                "press": {
                    "type": "string",
                    "description": "The page's value for this press, exactly as the page "
                    "issued it in this session (signed with the session's key): the same press "
                    "sent twice is one email; any other value (made up, altered, another "
                    "session's) is refused on the page (422), nothing sent",
                    "minLength": 8,
                    "maxLength": 64,
                }
            },
            "press",
        ),
        parameters=(PROGRAMME, _EVENT, _APPLICATION),
        tags=TAGS,
    ),
    Route(
        CONSOLE,
        "POST",
        FOLLOW_UPS_PAGE + "/{event_key}/invitations/{application_id}/invite-now",
        "consoleInviteToFollowUpNow",
        "Invite one graduate to a follow-up now, before the invitations' own day: the "
        "invitation the scheduled run would send, sent once (a graduate invited already is "
        "not emailed again, then or when the day comes)",
        {
            "303": see_other(
                "Invited (or invited already): the follow-ups page says so once", notice=True
            ),
            "404": page("No such programme, follow-up or application"),
            "409": page(
                "The follow-ups page again, saying why not (the follow-up has taken place, or "
                "the booking is not a graduate's)"
            ),
            "422": page("The follow-ups page again: the form was not the page's"),
        },
        body=console_form(),
        parameters=(PROGRAMME, _EVENT, _APPLICATION),
        tags=TAGS,
    ),
)

"""RFC 5546's required properties per METHOD, as the calendar check applies them (vobject).

Each row is a calendar and whether the table accepts it: the check passes what we send and
refuses each way of breaking the rules calendars rely on to add or remove events.
"""

from __future__ import annotations

import pytest

from tests.support.mail_checks import ITIP, check_calendar

EVENT = {
    "UID": "c-s1@example.org",
    "DTSTAMP": "20270601T120000Z",
    "DTSTART": "20270607T140000Z",
    "DTEND": "20270607T160000Z",
    "SUMMARY": "Course: Session 1",
    "ORGANIZER;CN=Course": "mailto:enquiries@example.org",
    "ATTENDEE;ROLE=REQ-PARTICIPANT": "mailto:ada@example.org",
    "SEQUENCE": "2",
    "STATUS": "CONFIRMED",
}


def calendar(method: str, drop: tuple[str, ...] = (), **changes: str) -> str:
    lines = {**EVENT, **changes}
    body = [f"{key}:{value}" for key, value in lines.items() if key.split(";")[0] not in drop]
    return "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//test//EN",
            f"METHOD:{method}",
            "BEGIN:VEVENT",
            *body,
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )


CASES = [
    ("REQUEST as we send it", calendar("REQUEST"), None),
    ("CANCEL as we send it", calendar("CANCEL", STATUS="CANCELLED", SEQUENCE="3"), None),
    ("REQUEST without ORGANIZER", calendar("REQUEST", drop=("ORGANIZER",)), "ORGANIZER"),
    ("REQUEST without ATTENDEE", calendar("REQUEST", drop=("ATTENDEE",)), "ATTENDEE"),
    ("REQUEST without DTSTART", calendar("REQUEST", drop=("DTSTART",)), "DTSTART"),
    ("REQUEST without UID", calendar("REQUEST", drop=("UID",)), "UID"),
    ("CANCEL without ORGANIZER", calendar("CANCEL", drop=("ORGANIZER",)), "ORGANIZER"),
    ("CANCEL without ATTENDEE", calendar("CANCEL", drop=("ATTENDEE",)), "ATTENDEE"),
    ("CANCEL without SEQUENCE", calendar("CANCEL", drop=("SEQUENCE",)), "SEQUENCE"),
    ("CANCEL still CONFIRMED", calendar("CANCEL"), "CANCEL with"),
    ("PUBLISH with an ATTENDEE", calendar("PUBLISH"), "ATTENDEE"),
    (
        "ATTENDEE not the recipient",
        calendar("REQUEST", (), **{"ATTENDEE;ROLE=REQ-PARTICIPANT": "mailto:someone@example.org"}),
        "someone",
    ),
]


@pytest.mark.parametrize(("case", "ics", "refusal"), CASES, ids=[c[0] for c in CASES])
def test_rfc_5546_table(case: str, ics: str, refusal: str | None) -> None:
    method = ics.split("METHOD:", 1)[1].split("\r\n", 1)[0]
    if refusal is None:
        assert check_calendar(ics, recipients=["ada@example.org"], method_param=method) == method
    else:
        with pytest.raises(AssertionError, match=refusal):
            check_calendar(ics, recipients=["ada@example.org"], method_param=method)


def test_the_method_parameter_must_match_the_calendar() -> None:
    with pytest.raises(AssertionError, match="method="):
        check_calendar(calendar("REQUEST"), recipients=["ada@example.org"], method_param="PUBLISH")


def test_the_table_covers_the_methods_we_send() -> None:
    assert {"REQUEST", "CANCEL"} <= set(ITIP)
    for method in ("REQUEST", "CANCEL"):
        assert ITIP[method]["ORGANIZER"] == "1"
        assert ITIP[method]["ATTENDEE"] == "1+"
        assert ITIP[method]["UID"] == "1"

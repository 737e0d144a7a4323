"""Every email and calendar file the tests produce, read back by parsers we did not write.

* The MIME message is parsed with Python's ``email`` package (``policy.default``): no part may
  carry a defect, the From header has a display name, and the Subject reads back exactly as
  written (no folding artefacts).
* Each ``text/calendar`` part is parsed by ``vobject`` (not ``icalendar``, which wrote it) and
  held to RFC 5546's table of properties per METHOD (``ITIP`` below), its ATTENDEEs to the
  message's recipients, and its ``method`` parameter to the calendar's METHOD. Across the
  messages of one test, as a calendar would read them in the order they were sent, every
  message about a UID names the ORGANIZER the first did, and its SEQUENCE never goes down: a
  CANCEL outranks the REQUEST before it, and anything after a CANCEL outranks the CANCEL
  (a calendar ignores whatever does not).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import vobject

from booking.domain.emails import OutgoingEmail

# RFC 5546 section 3.2 (VEVENT): how many times each property may appear, per METHOD.
# "1": exactly once, "1+": at least once, "0-1": at most once, "0": never.
ITIP: dict[str, dict[str, str]] = {
    "PUBLISH": {
        "DTSTAMP": "1",
        "DTSTART": "1",
        "ORGANIZER": "1",
        "SUMMARY": "1",
        "UID": "1",
        "SEQUENCE": "0-1",
        "ATTENDEE": "0",
    },
    "REQUEST": {
        "ATTENDEE": "1+",
        "DTSTAMP": "1",
        "DTSTART": "1",
        "ORGANIZER": "1",
        "SEQUENCE": "0-1",
        "SUMMARY": "1",
        "UID": "1",
        "STATUS": "0-1",
    },
    "CANCEL": {
        "ATTENDEE": "1+",  # "MUST include all [attendees] if the entire event is cancelled"
        "DTSTAMP": "1",
        "ORGANIZER": "1",
        "SEQUENCE": "1",
        "UID": "1",
        "STATUS": "0-1",
    },
}
# STATUS values each METHOD allows (RFC 5546 3.2.2, 3.2.5).
ITIP_STATUS = {"REQUEST": {"TENTATIVE", "CONFIRMED"}, "CANCEL": {"CANCELLED"}}
_COUNTS = {"1": (1, 1), "1+": (1, 10_000), "0-1": (0, 1), "0": (0, 0)}


@dataclass
class Seen:
    """UID -> (organizer, sequence, method) of the last message about it in one test."""

    last: dict[str, tuple[str, int, str]] = field(default_factory=dict)


def check_calendar(
    data: bytes | str, *, recipients: list[str], method_param: str | None, seen: Seen | None = None
) -> str:
    """Raise AssertionError unless ``data`` is a valid iTIP message; return its METHOD."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    calendar = vobject.readOne(text)
    assert calendar.name == "VCALENDAR"
    assert calendar.version.value == "2.0"
    assert calendar.prodid.value
    method = str(calendar.method.value).upper()
    assert method in ITIP, f"METHOD {method} is not one we check"
    if method_param is not None:
        assert method_param.upper() == method, "Content-Type method= differs from METHOD"
    events = calendar.contents.get("vevent", [])
    assert events, "no VEVENT"
    for event in events:
        for name, count in ITIP[method].items():
            low, high = _COUNTS[count]
            found = len(event.contents.get(name.lower(), []))
            assert low <= found <= high, f"{method}: {name} appears {found} times, want {count}"
        status = event.contents.get("status")
        if status and method in ITIP_STATUS:
            assert status[0].value.upper() in ITIP_STATUS[method], f"{method} with {status[0]}"
        organizer = str(event.organizer.value).lower()
        assert organizer.startswith("mailto:"), organizer
        assert "@" in organizer, organizer
        attendees = {str(a.value).lower() for a in event.contents.get("attendee", [])}
        if method != "PUBLISH":
            assert attendees == {f"mailto:{r.lower()}" for r in recipients}, attendees
        _across_messages(seen, method, event, organizer)
    return method


def _across_messages(seen: Seen | None, method: str, event: Any, organizer: str) -> None:
    if seen is None:
        return
    uid = str(event.uid.value)
    sequence = int(event.sequence.value) if "sequence" in event.contents else 0
    if uid in seen.last:
        first_organizer, last_sequence, last_method = seen.last[uid]
        assert organizer == first_organizer, f"{method} from another ORGANIZER is ignored"
        assert sequence >= last_sequence, f"{uid}: SEQUENCE went down after a {last_method}"
        if method == "CANCEL" and last_method == "REQUEST":
            assert sequence > last_sequence, "a CANCEL whose SEQUENCE did not grow is ignored"
        if last_method == "CANCEL" and method != "CANCEL":
            assert sequence > last_sequence, f"{uid}: a {method} outranked by the CANCEL before"
        organizer = first_organizer
    seen.last[uid] = (organizer, sequence, method)


def check_message(raw: bytes, seen: Seen | None = None) -> EmailMessage:
    """Raise AssertionError unless ``raw`` parses back cleanly; return the parsed message."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    for part in message.walk():
        assert not part.defects, f"{part.get_content_type()}: {part.defects}"
        for name, value in part.items():
            assert not getattr(value, "defects", ()), f"{name}: {value.defects}"
    sender = message["From"].addresses
    assert len(sender) == 1, f"From names {len(sender)} addresses"
    assert sender[0].display_name, f"From without a name: {message['From']}"
    subject = str(message["Subject"])
    assert subject == " ".join(subject.split()), f"Subject with stray spaces: {subject!r}"
    recipients = [address.addr_spec for address in message["To"].addresses]
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            method = part.get_param("method")
            assert method is None or isinstance(method, str), f"METHOD not a word: {method!r}"
            check_calendar(payload, recipients=recipients, method_param=method, seen=seen)
    return message


def the_one(sent: Iterable[OutgoingEmail], subject_has: str) -> OutgoingEmail:
    """The one message of ``sent`` whose subject has ``subject_has`` in it (exactly one)."""
    sent = list(sent)
    found = [m for m in sent if subject_has in m.subject]
    assert len(found) == 1, (subject_has, [m.subject for m in sent])
    return found[0]


def check_sent(outbox: Path) -> int:
    """Each email a local stack wrote to ``outbox`` checked as :func:`check_message` checks
    one, in the order sent (a file's name starts with its time): how many there were."""
    seen = Seen()
    sent = sorted(outbox.glob("*.eml"))
    for path in sent:
        check_message(path.read_bytes(), seen)
    return len(sent)

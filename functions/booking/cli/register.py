"""The register from a terminal: show it, mark it, import a meeting's attendance, close it.

    course-booking register compassionate-leadership-2027-06
    course-booking mark compassionate-leadership-2027-06 CL-7K3Q9 1 attended
    course-booking clear-mark compassionate-leadership-2027-06 CL-7K3Q9 1 attended
    course-booking import-attendance compassionate-leadership-2027-06 1 zoom-participants.csv
    course-booking close-register compassionate-leadership-2027-06
    course-booking reissue-certificate compassionate-leadership-2027-06 CL-7K3Q9 "Wang Xiaoming"

A session is named by its number among the core sessions (1, 2, ...) or by its key; a person
by their reference or id. ``--json`` gives what the API answered.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from booking.cli.client import course_path, get_json, post_json, read_json, send
from booking.cli.errors import CliError, UsageError
from booking.cli.said import answered, session_said
from booking.domain.attendance import MARK_WORDS, MARKS_SAID, Mark, mark_named
from booking.domain.attendance_import import EXPORT_LIMIT_WORDS, MAX_EXPORT_BYTES
from booking.domain.course import DEFAULT_TIMEZONE
from booking.domain.wording import day_when, moment_when


def add_commands(commands: Any) -> None:
    shown = commands.add_parser("register", help="a course's register: marks and completion")
    shown.add_argument("course_id")
    mark = commands.add_parser("mark", help="mark a person at a core session")
    mark.add_argument("course_id")
    mark.add_argument("application", help="the application's reference or id")
    mark.add_argument("session", help="the core session's number (1, 2, ...) or key")
    mark.add_argument("mark", help=MARKS_SAID)
    cleared = commands.add_parser(
        "clear-mark", help="clear a mark given by mistake, naming the mark it has now"
    )
    cleared.add_argument("course_id")
    cleared.add_argument("application", help="the application's reference or id")
    cleared.add_argument("session", help="the core session's number (1, 2, ...) or key")
    cleared.add_argument(
        "mark", help=f"the mark it has now, as `register` shows it, only it cleared: {MARKS_SAID}"
    )
    imported = commands.add_parser(
        "import-attendance", help="mark attended from a meeting's attendance export (CSV)"
    )
    imported.add_argument("course_id")
    imported.add_argument("session", help="the core session's number (1, 2, ...) or key")
    imported.add_argument("file", type=Path)
    close = commands.add_parser("close-register", help="close the register: certificates go out")
    close.add_argument("course_id")
    reissue = commands.add_parser(
        "reissue-certificate",
        help="reissue a held certificate with the name as it should be printed, and email it",
    )
    reissue.add_argument("course_id")
    reissue.add_argument("application", help="the application's reference or id")
    reissue.add_argument("printed_name", help="the name as the certificate should print it")
    for command in (shown, mark, cleared, imported, close, reissue):
        command.add_argument("--json", action="store_true", help="the API's answer")


def _path(url: str, course_id: str) -> str:
    return f"{course_path(url, course_id)}/register"


def _session_key(register: dict[str, Any], given: str, url: str) -> str:
    """The key of the core session ``given`` by its number or key; an unknown one is refused
    naming the sessions as ``register`` lists them, each with its day in the course's clock."""
    keys = [s["key"] for s in register["sessions"]]
    if given.strip().isdigit() and 1 <= int(given) <= len(keys):
        return str(keys[int(given) - 1])
    if given in keys:
        return given
    zone = _course_zone(url, register)
    named = "; ".join(
        f"{n}. {s['title']}, {day_when(_instant(s['start']), zone)}"
        for n, s in enumerate(register["sessions"], start=1)
    )
    raise UsageError(f"no core session {given!r}: give its number, 1 to {len(keys)} ({named})")


def _instant(stamp: object) -> datetime:
    return datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))


def _said(register: dict[str, Any], zone: str) -> str:
    """The register in words; when it closed, in the course's clock (``zone``), to the minute."""
    sessions = register["sessions"]
    lines = [
        f"Completion: {register['completion_min_sessions']} of {len(sessions)} core sessions",
        *(f"  {n}. {s['title']}: {session_said(s, zone)}" for n, s in enumerate(sessions, 1)),
        "",
    ]
    lines += [_row_said(row) for row in register["rows"]]
    if not register["rows"]:
        lines.append("Nobody is booked on this course yet.")
    lines += _unprintable(register["rows"], register.get("unprintable_names", []))
    closed = register["closed_at"]
    lines.append("")
    if closed:
        lines.append(f"Closed on {moment_when(_instant(closed), zone)}.")
    elif register["can_close"]:
        lines.append("Open: it can be closed now (close-register).")
    else:
        lines.append(f"Open: {register['closing_refusal']}.")
    return "\n".join(lines)


def _row_said(row: dict[str, Any]) -> str:
    """One person's line: each mark beside its session's number (listed above), in words."""
    marks = ", ".join(
        f"{n} {MARK_WORDS[Mark(m)].lower() if m else 'not marked'}"
        for n, m in enumerate(row["marks"].values(), start=1)
    )
    done = row["completion"]
    state = ("completed" if done["completed"] else "not completed") if done else "open"
    if row.get("printed_name"):
        state += f", certificate reissued printing the name as {row['printed_name']!r}"
    return f"{row['reference'] or row['application_id']}  {row['name']}: {marks} ({state})"


def show(args: argparse.Namespace, url: str, token: str | None) -> str:
    register = get_json(_path(url, args.course_id), token)
    return answered(register) if args.json else _said(register, _course_zone(url, register))


def _course_zone(url: str, register: dict[str, Any]) -> str:
    """The course's clock; the UK's when the course cannot be read."""
    status, payload = send("GET", f"{url}/courses/{quote(register['course_id'])}", None)
    course = read_json(payload) if status < 400 else None
    return str(course["timezone"]) if isinstance(course, dict) else DEFAULT_TIMEZONE


def mark(args: argparse.Namespace, url: str, token: str | None) -> str:
    given = mark_named(args.mark)
    if given is None:
        raise UsageError(f"no mark {args.mark!r}: give {MARKS_SAID}")
    register = get_json(_path(url, args.course_id), token)
    body = {
        "application_id": args.application,
        "session": _session_key(register, args.session, url),
        "mark": given.value,
    }
    row = post_json(f"{_path(url, args.course_id)}/marks", token, body)
    if args.json:
        return answered(row)
    said = MARK_WORDS[given].lower()
    return f"{row['reference'] or row['application_id']} {row['name']}: {said}"


def clear_mark(args: argparse.Namespace, url: str, token: str | None) -> str:
    """The mark given by mistake taken away, only while it is the one named (the console's
    Clear mark's rule, held by the API: another mark given since is refused in words)."""
    shown = mark_named(args.mark)
    if shown is None:
        raise UsageError(f"no mark {args.mark!r}: give the mark it has now, {MARKS_SAID}")
    register = get_json(_path(url, args.course_id), token)
    key = _session_key(register, args.session, url)
    body = {"application_id": args.application, "session": key, "shown": shown.value}
    row = post_json(f"{_path(url, args.course_id)}/marks/clear", token, body)
    if args.json:
        return answered(row)
    keys = [s["key"] for s in register["sessions"]]
    where = f"session {keys.index(key) + 1} of {len(keys)}"
    return f"{row['reference'] or row['application_id']} {row['name']}: not marked for {where}"


def import_attendance(args: argparse.Namespace, url: str, token: str | None) -> str:
    try:
        export = args.file.read_bytes()
    except OSError as error:
        raise CliError(f"cannot read {args.file}: {error.strerror}") from None
    text = (
        export.decode("utf-16")
        if export[:2] in (b"\xff\xfe", b"\xfe\xff")
        else export.decode("utf-8-sig", "replace")
    )
    if len(text.encode("utf-8", "surrogatepass")) > MAX_EXPORT_BYTES:
        # Said before sending: the API would refuse it (or cut the connection mid-way).
        raise CliError(f"{args.file} is too large: an attendance export is {EXPORT_LIMIT_WORDS}")
    register = get_json(_path(url, args.course_id), token)
    body = {"session": _session_key(register, args.session, url), "export": text}
    done = post_json(f"{_path(url, args.course_id)}/import", token, body)
    if args.json:
        return answered(done)
    lines = [f"Marked attended: {len(done['marked'])}"]
    lines += [f"  {r['reference'] or r['application_id']} {r['name']}" for r in done["marked"]]
    if done["unmatched"]:
        lines.append(
            f"Matching nobody on the register ({len(done['unmatched'])}): mark them with `mark`"
        )
        lines += [
            f"  line {r['line']}: {r['name']} {r['email']}".rstrip() for r in done["unmatched"]
        ]
    return "\n".join(lines)


def close(args: argparse.Namespace, url: str, token: str | None) -> str:
    closed = post_json(f"{_path(url, args.course_id)}/close", token, {})
    if args.json:
        return answered(closed)
    register = get_json(_path(url, args.course_id), token)
    # The answer is what the register holds, whether closed now or before.
    completers, others = len(closed["completed"]), len(closed["not_completed"])
    when = moment_when(_instant(closed["closed_at"]), _course_zone(url, register))
    if closed.get("closed_already"):
        lines = [
            f"The register was closed already, on {when}: {completers} completed, {others} did not"
        ]
    else:
        lines = [
            f"Register closed on {when}: {completers} completed "
            f"(certificates on their way), {others} did not"
        ]
    return "\n".join(lines + _unprintable(register["rows"], closed.get("unprintable_names", [])))


def _unprintable(rows: list[dict[str, Any]], ids: list[str]) -> list[str]:
    named = [r for r in rows if r["application_id"] in set(ids)]
    if not named:
        return []
    return [
        "Certificates held, not emailed, because the font cannot print the name fully (ask how "
        "the name should be printed in Latin letters and reissue it with reissue-certificate, "
        "or send a certificate made by hand):",
        *(f"  {r['reference'] or r['application_id']}  {r['name']}" for r in named),
    ]


def reissue_certificate(args: argparse.Namespace, url: str, token: str | None) -> str:
    body = {"application_id": args.application, "printed_name": args.printed_name}
    done = post_json(f"{_path(url, args.course_id)}/certificate", token, body)
    if args.json:
        return answered(done)
    said = "and on its way" if done["emailed"] else "already: nobody emailed again"
    return (
        f"{done['reference'] or done['application_id']}: certificate reissued as "
        f"{done['printed_name']!r} {said} (the name on the booking is unchanged)"
    )


COMMANDS = {
    "register": show,
    "mark": mark,
    "clear-mark": clear_mark,
    "import-attendance": import_attendance,
    "close-register": close,
    "reissue-certificate": reissue_certificate,
}

"""A cohort's register kept and closed through the real handlers (organiser API, console, public
pages), moto and the Stripe stand-in: marks, an attendance export, closing, the certificate
email with its PDF, the download, the verification page, erasure."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest

from tests.support.console import signed_in
from tests.support.page_text import pdf_text, text_of
from tests.support.register_cohort import (
    COURSE,
    REGISTER,
    after_the_course,
    booked_on_it,
    pdf_got,
    register_cohort_file,
    register_read,
    while_the_course_runs,
)
from tests.support.system import Reply, System


@pytest.fixture
def cohort(system: System) -> tuple[dict[str, Any], dict[str, Any]]:
    first = datetime.now(UTC).date() + timedelta(days=10)
    system.put_course(COURSE, register_cohort_file(first))
    ada = booked_on_it(system, "Zoë Ἀθηνᾶ Мария", "ada@example.org")
    bo = booked_on_it(system, "Bo Absent", "bo@example.org")
    return ada, bo


def test_a_register_is_kept_closed_and_certified_over_the_organiser_api(
    system: System, cohort: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    ada, bo = cohort
    kept = register_read(system)
    first, second, third = (s["key"] for s in kept["sessions"])
    assert [r["name"] for r in kept["rows"]] == ["Bo Absent", "Zoë Ἀθηνᾶ Мария"]
    assert kept["can_close"] is False
    reply = system.admin("POST", f"{REGISTER}/close")
    reply.refused(409, "register_not_over")
    reply = system.admin(  # before the session: only apologies
        "POST",
        f"{REGISTER}/marks",
        json_body={"application_id": ada["reference"], "session": first, "mark": "attended"},
    )
    assert reply.status == 422, reply.body
    assert "until it begins" in reply.json()["error"]["fields"]["mark"]

    after_the_course(system)  # the organiser fills the register in once the sessions are held
    # By reference, as an organiser reads it out; the mark comes back on the booking's line.
    reply = system.admin(
        "POST",
        f"{REGISTER}/marks",
        json_body={"application_id": ada["reference"], "session": first, "mark": "attended"},
    )
    assert reply.status == 200, reply.body
    assert reply.json()["marks"][first] == "attended"
    # A meeting's export (Zoom's shape, under its meeting block), matched by address.
    export = (
        "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants,\n"
        "123,Leadership,2027,2027,host@example.org,121,4,\n\n"
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
        "Zoë,  ADA@Example.org ,10:00,12:30,150,No\n"
        "Zoë,ada@example.org,12:31,12:35,4,No\n"
        "Phone caller,,10:02,12:30,148,Yes\n"
        "Stranger,someone@else.example,10:00,10:05,5,Yes\n"
    )
    reply = system.admin(
        "POST", f"{REGISTER}/import", json_body={"session": second, "export": export}
    )
    assert reply.status == 200, reply.body
    imported = reply.json()
    assert [r["application_id"] for r in imported["marked"]] == [ada["application_id"]]
    assert [(r["name"], r["email"]) for r in imported["unmatched"]] == [
        ("Phone caller", ""),
        ("Stranger", "someone@else.example"),
    ]
    for session, mark in ((first, "attended"), (second, "apologies"), (third, "absent")):
        reply = system.admin(
            "POST",
            f"{REGISTER}/marks",
            json_body={"application_id": bo["application_id"], "session": session, "mark": mark},
        )
        assert reply.status == 200, reply.body
    # Bad input: each a clear error, nothing written.
    for body, status in (
        ({"application_id": ada["application_id"], "session": first, "mark": "late"}, 422),
        ({"application_id": ada["application_id"], "session": "nope", "mark": "absent"}, 422),
        ({"application_id": "nobody", "session": first, "mark": "absent"}, 404),
        ({"application_id": ada["application_id"], "session": first}, 422),
    ):
        reply = system.admin("POST", f"{REGISTER}/marks", json_body=body)
        assert reply.status == status, (body, reply.body)
        assert "error" in reply.json()
    reply = system.admin("POST", f"{REGISTER}/close")
    assert reply.status == 200, reply.body
    closed = reply.json()
    assert (closed["completed"], closed["not_completed"]) == (
        [ada["application_id"]],
        [bo["application_id"]],
    )
    again = system.admin("POST", f"{REGISTER}/close").json()
    # Closing again answers what the register holds, and says it was closed already.
    assert (again["completed"], again["not_completed"]) == (
        closed["completed"],
        [bo["application_id"]],
    )
    assert (again["closed_already"], closed["closed_already"]) == (True, False)
    reply = system.admin(
        "POST",
        f"{REGISTER}/marks",
        json_body={"application_id": bo["application_id"], "session": third, "mark": "attended"},
    )
    reply.refused(409, "register_closed")

    sent = system.deliver_emails()
    [email] = [m for m in sent if "certificate" in m.subject.lower()]
    assert email.to == ["ada@example.org"]
    [attachment] = [a for a in email.attachments if a.content_type == "application/pdf"]
    text = pdf_text(attachment.content)
    found = re.search(r"/certificates/([A-Za-z0-9_-]{43})", text)
    assert found, text
    code = found.group(1)
    # The hours she attended (2 of 3 sessions), beside the course's.
    attended = "5 hours of training attended, of a course of 7 hours 30 minutes"
    for said in ("Zoë Ἀθηνᾶ Мария", ada["reference"], attended):
        assert said in text

    page = system.api("GET", f"/certificates/{code}", headers={"accept": "text/html"})
    assert page.status == 200
    assert "Zoë Ἀθηνᾶ Мария" in html.unescape(page.body)
    assert system.api("GET", f"/certificates/{code[:-1]}x").status == 404
    assert system.api("GET", "/certificates/nothing").status == 404

    token = ada["token"]
    assert "Download your certificate (PDF)" in system.status_page(ada)
    status, content = pdf_got(
        system, f"/applications/{ada['application_id']}/certificate.pdf?token={token}"
    )
    assert status == 200
    assert ada["reference"] in pdf_text(content)
    assert (
        pdf_got(
            system, f"/applications/{ada['application_id']}/certificate.pdf?token={bo['token']}"
        )[0]
        == 404
    )
    assert (
        pdf_got(
            system, f"/applications/{bo['application_id']}/certificate.pdf?token={bo['token']}"
        )[0]
        == 404
    )

    # Inside the follow-up's invitation window: the completer is invited, once; Bo is not.
    follow_up = datetime.fromisoformat(
        next(s["start"] for s in system.course(COURSE)["sessions"] if s["kind"] == "follow_up")
    )
    system.scheduled_run(follow_up - timedelta(days=10))
    system.scheduled_run(follow_up - timedelta(days=9))
    invited = [m.to for m in system.deliver_emails() if "follow-up" in m.subject.lower()]
    assert invited == [["ada@example.org"]]

    assert system.admin("DELETE", f"/people/{quote('ada@example.org')}").status == 200
    assert system.api("GET", f"/certificates/{code}").status == 404
    assert (
        pdf_got(system, f"/applications/{ada['application_id']}/certificate.pdf?token={token}")[0]
        == 404
    )


def test_a_course_without_a_register_says_so(system: System) -> None:
    reply = system.admin("GET", "/courses/compassionate-leadership-test/register")
    reply.refused(409, "no_register")
    assert system.admin("GET", "/courses/no-such-course/register").status == 404


def test_the_console_register_marks_imports_and_closes_with_forms(
    system: System, cohort: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    ada, _bo = cohort
    while_the_course_runs(system)  # the first session has been held, the last has not
    browser = signed_in(system)
    page = f"/console{REGISTER}"
    course_page = browser.get(f"/console/courses/{COURSE}")
    assert f'href="{page}"' in course_page.body
    shown = browser.get(page)
    assert shown.status == 200
    assert "Each mark is saved as you give it" in text_of(shown.body)
    first = register_read(system)["sessions"][0]["key"]
    # Without the CSRF token: refused, nothing marked.
    refused = browser.post(
        f"{page}/marks", application_id=ada["application_id"], session=first, mark="attended"
    )
    assert refused.status == 403
    token = browser.csrf(page)

    def marked(mark: str) -> Any:
        """Ada's mark for the first session, given with the form."""
        return browser.post(
            f"{page}/marks",
            csrf_token=token,
            application_id=ada["application_id"],
            session=first,
            mark=mark,
        )

    def pasted(export: str) -> Any:
        """The first session's attendance export, pasted into the import form."""
        return browser.post(f"{page}/import", csrf_token=token, session=first, export=export)

    reply = marked("attended")
    assert reply.status == 303
    assert reply.headers["location"] == f"{page}#row-{ada['application_id']}"
    # The page it leads to names whose mark and which session, not a bare "Mark saved."
    assert "Zoë Ἀθηνᾶ Мария: attended session 1 of 3." in browser.words(page)
    row = register_read(system)["rows"][1]
    assert row["marks"][first] == "attended"
    wrong = marked("late")
    assert wrong.status == 422
    assert (
        "Attended, absent or apologies" in text_of(wrong.body) or "attended, absent" in wrong.body
    )
    imported = pasted(
        "Name,Email,In-Meeting Duration\nBo,bo@example.org,2h\nGuest,guest@x.example,1m\n"
    )
    assert imported.status == 200
    said = text_of(imported.body)
    assert "1 person was marked attended: Bo Absent" in said
    assert "guest@x.example" in said
    # Zoom's minutes, a bare number in its export, are said with their unit.
    zoom = pasted("Name (Original Name),User Email,Duration (Minutes)\nGuest,guest@x.example,8\n")
    assert zoom.status == 200
    assert "<td>8 minutes</td>" in zoom.body
    # The file itself, as Teams saves it (UTF-16, tabs), chosen instead of pasted text.
    boundary = "register-upload-boundary"
    teams = "Name\tEmail\tIn-Meeting Duration\nBo\tbo@example.org\t2h\n".encode("utf-16")
    fields = {"csrf_token": token, "session": first, "export": ""}
    upload = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ) + (
        f'--{boundary}\r\nContent-Disposition: form-data; name="export_file"; '
        'filename="teams.csv"\r\nContent-Type: text/csv\r\n\r\n'.encode()
        + teams
        + f"\r\n--{boundary}--\r\n".encode()
    )
    uploaded = browser.request(
        "POST",
        f"{page}/import",
        raw=upload,
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert uploaded.status == 200, text_of(uploaded.body)
    assert "1 person was marked attended: Bo Absent" in text_of(uploaded.body)
    nothing = pasted("")
    assert nothing.status == 422
    assert "paste the export, or choose its file" in text_of(nothing.body)
    # Resolving a row: the select starts on "Choose a person", which must be changed.
    assert '<option value="" selected>Choose a person</option>' in imported.body
    carried = re.search(r'name="unmatched" value="([^"]*)"', imported.body)
    assert carried is not None
    more = json.dumps(
        [
            *json.loads(html.unescape(carried.group(1))),
            {"line": 9, "name": "Dial-in", "email": "", "duration": "5", "joined": ""},
        ]
    )

    def attended_for_line_3(application_id: str) -> Reply:
        return browser.post(
            f"{page}/marks",
            csrf_token=token,
            session=first,
            mark="attended",
            line="3",
            unmatched=more,
            application_id=application_id,
        )

    unchosen = attended_for_line_3("")
    assert unchosen.status == 422
    assert "choose who line 3 is" in text_of(unchosen.body)
    assert "guest@x.example" in text_of(unchosen.body)
    resolved = attended_for_line_3(ada["application_id"])
    assert resolved.status == 200  # re-shown: the rows still to resolve stay in view
    still = text_of(resolved.body)
    assert "Zoë Ἀθηνᾶ Мария: attended session 1 of 3." in still
    assert "Dial-in" in still
    assert "guest@x.example" not in still
    closing = browser.post(f"{page}/close", csrf_token=token)
    assert closing.status == 409
    assert "once the last core session has ended" in text_of(closing.body)
    after_the_course(system)
    browser.sign_in()  # the session of weeks ago has ended
    closed = browser.post(f"{page}/close", csrf_token=browser.csrf(page))
    assert closed.status == 303
    after = browser.words(page)
    assert "The register was closed on" in after
    assert "Not completed: attended 1 session (2 needed)" in after
    # Closed: the page no longer says marks are saved as they are given.
    assert "Each mark is saved as you give it" not in after


def test_the_register_from_the_terminal(
    system: System,
    cohort: tuple[dict[str, Any], dict[str, Any]],
    run: Any,
    tmp_path: Any,
) -> None:
    ada, bo = cohort
    code, out = run("close-register", COURSE)
    assert code == 1
    assert "once the last core session has ended" in out
    code, out = run("mark", COURSE, ada["reference"], "1", "attended")
    assert code == 1
    assert "until it begins, only apologies can be recorded" in out
    after_the_course(system)  # marks are given once the sessions are held
    code, out = run("mark", COURSE, ada["reference"], "1", "attended")
    assert code == 0, out
    assert f"{ada['reference']} Zoë Ἀθηνᾶ Мария: attended" in out
    export = tmp_path / "teams.csv"
    export.write_bytes(
        "Name\tEmail\tIn-Meeting Duration\nBo\tBO@example.org\t2h\n".encode("utf-16")
    )
    code, out = run("import-attendance", COURSE, "2", str(export))
    assert code == 0, out
    assert "Marked attended: 1" in out
    huge = tmp_path / "huge.csv"
    huge.write_text("Name,Email\n" + "Someone,someone@example.org\n" * 120_000)
    code, out = run("import-attendance", COURSE, "2", str(huge))
    assert code == 1, out
    assert "too large" in out
    assert "48 KiB" in out
    code, out = run("mark", COURSE, bo["reference"], "3", "apologies")
    assert code == 0, out
    code, out = run("register", COURSE)
    assert code == 0, out
    assert "Completion: 2 of 3 core sessions" in out
    assert f"{bo['reference']}  Bo Absent: 1 not marked, 2 attended, 3 sent apologies (open)" in out
    code, out = run("mark", COURSE, ada["reference"], "9", "attended")
    assert code == 2
    assert "no core session '9'" in out
    # The sessions as `register` lists them, each by number, title and day: never a list of keys.
    day = r"(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day \d{1,2} [A-Z][a-z]+ \d{4}"
    listed = rf"give its number, 1 to 3 \(1\. [^,;]+, {day}; 2\. [^,;]+, {day}; 3\. [^,;]+, {day}\)"
    assert re.search(listed, out), out
    assert "['" not in out
    code, out = run("close-register", COURSE)
    assert code == 0, out
    assert "0 completed (certificates on their way), 2 did not" in out
    code, out = run("close-register", COURSE)  # again: says what the register holds
    assert code == 0, out
    assert "The register was closed already, on " in out
    assert ": 0 completed, 2 did not" in out

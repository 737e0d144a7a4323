"""A held certificate (its holder's name unprintable in the certificate's font) reissued with the
name as it should be printed, through the real handlers (organiser API and console), moto and
the Stripe stand-in (it could once only be sent by hand). The spelling is the
certificate's: the name on the booking is unchanged, and the name is never logged."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from typing import Any

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
)
from tests.support.system import System

WANG, ANIL = "王小明", "अनिल कुमार"
REISSUE = f"{REGISTER}/certificate"


@pytest.fixture
def closed(system: System) -> dict[str, dict[str, Any]]:
    """A closed register: Wang and Anil completed with names the font cannot print, Ada with
    one it prints, Bo did not complete."""
    system.put_course(COURSE, register_cohort_file(datetime.now(UTC).date() + timedelta(days=10)))
    people = {
        "wang": booked_on_it(system, WANG, "wang@example.org"),
        "anil": booked_on_it(system, ANIL, "anil@example.org"),
        "ada": booked_on_it(system, "Ada Lovelace", "ada@example.org"),
        "bo": booked_on_it(system, "Bo Absent", "bo@example.org"),
    }
    after_the_course(system)
    # Before closing, nothing is held yet, and the console says so.
    browser = signed_in(system)
    before = browser.words(f"/console{REGISTER}")
    assert "when the register is closed, the certificates of those who completed" in before
    assert "Certificates held, not emailed" not in before
    for who in ("wang", "anil", "ada"):
        for session in register_read(system)["sessions"][:2]:
            reply = system.admin(
                "POST",
                f"{REGISTER}/marks",
                json_body={
                    "application_id": people[who]["application_id"],
                    "session": session["key"],
                    "mark": "attended",
                },
            )
            assert reply.status == 200, reply.body
    reply = system.admin("POST", f"{REGISTER}/close")
    assert reply.status == 200, reply.body
    held = {people["wang"]["application_id"], people["anil"]["application_id"]}
    assert set(reply.json()["unprintable_names"]) == held
    sent = system.deliver_emails()
    with_pdf = [m for m in sent if any(a.content_type == "application/pdf" for a in m.attachments)]
    assert [m.to for m in with_pdf] == [["ada@example.org"]]
    # The holders of held ones are told they completed and that it follows.
    told = sorted(m.to[0] for m in sent if "your certificate will follow" in m.subject)
    assert told == ["anil@example.org", "wang@example.org"]
    [wang_told] = [m for m in sent if m.to == ["wang@example.org"] and "follow" in m.subject]
    assert "once the organisers have confirmed how your name should be printed" in wang_told.text
    return people


def _reissue(system: System, application: dict[str, Any], printed: str) -> Any:
    return system.admin(
        "POST",
        REISSUE,
        json_body={"application_id": application["reference"], "printed_name": printed},
    )


def test_a_held_certificate_is_reissued_with_the_spelling_given_over_the_organiser_api(
    system: System, closed: dict[str, dict[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    wang = closed["wang"]
    app_id, token = wang["application_id"], wang["token"]
    # Held: the status page says it will follow, and offers no download.
    page = system.status_page(wang)
    assert "Your certificate will follow by email once the organisers have confirmed" in page
    assert "Download your certificate (PDF)" not in page
    # A spelling the font cannot print either: refused in words, naming what it lacks.
    refused = _reissue(system, wang, "Wang 小明")
    assert refused.status == 422, refused.body
    why = refused.json()["error"]["fields"]["printed_name"]
    assert "has no letter for 小 明" in why
    assert "Latin letters" in why
    for bad in ("", "Wang\nXiaoming"):
        assert _reissue(system, wang, bad).status == 422
    # Nothing that shows: refused, or the certificate would print no name.
    for invisible in ("\u200b", "\u2800", "\u2060\u2060"):
        blank = _reissue(system, wang, invisible)
        assert blank.status == 422, blank.body
        assert "letters that show" in blank.json()["error"]["fields"]["printed_name"]
    assert system.deliver_emails() == []

    reply = _reissue(system, wang, "  Wang Xiaoming ")
    assert reply.status == 200, reply.body
    assert reply.json() == {
        "application_id": app_id,
        "reference": wang["reference"],
        "printed_name": "Wang Xiaoming",
        "emailed": True,
    }

    [email] = system.deliver_emails()
    assert email.to == ["wang@example.org"]
    [pdf] = [a for a in email.attachments if a.content_type == "application/pdf"]
    assert "Wang Xiaoming" in pdf_text(pdf.content)
    # The booking keeps the name as the person gave it; the certificate prints the spelling.
    assert system.admin("GET", f"/applications/{app_id}").json()["name"] == WANG
    status, content = pdf_got(system, f"/applications/{app_id}/certificate.pdf?token={token}")
    assert status == 200
    assert "Wang Xiaoming" in pdf_text(content)
    assert wang["reference"] in pdf_text(content)
    held = register_read(system)["unprintable_names"]
    assert held == [closed["anil"]["application_id"]]

    # Not held: printed in full and sent, or not completed: 409 in words.
    for who in ("ada", "bo"):
        again = _reissue(system, closed[who], "Someone Else")
        assert again.status == 409, (who, again.body)
        assert again.json()["error"]["code"] == "certificate_not_held"
        assert "no certificate held" in again.json()["error"]["message"]
    assert system.deliver_emails() == []
    # The same spelling again (a double click, a retry): a quiet repeat, nobody emailed again.
    repeat = _reissue(system, wang, "Wang Xiaoming")
    assert repeat.status == 200, repeat.body
    assert repeat.json()["emailed"] is False
    assert system.deliver_emails() == []
    # A reissued certificate's spelling can be corrected: made and sent again.
    corrected = _reissue(system, wang, "  Wang   Xiao-Ming ")  # runs of spaces: one
    assert corrected.status == 200, corrected.body
    assert corrected.json()["printed_name"] == "Wang Xiao-Ming"
    assert corrected.json()["emailed"] is True
    [email] = system.deliver_emails()
    [pdf] = [a for a in email.attachments if a.content_type == "application/pdf"]
    assert "Wang Xiao-Ming" in pdf_text(pdf.content)
    # In the person's export: the spelling is their personal data.
    export = system.admin("GET", "/people/wang@example.org")
    assert export.status == 200, export.body
    [booking] = export.json()["applications"]
    assert booking["certificate_printed_name"] == "Wang Xiao-Ming"
    schemas = system.api("GET", "/openapi.json").json()["components"]["schemas"]
    assert any("certificate_printed_name" in s.get("properties", {}) for s in schemas.values())
    unknown = system.admin(
        "POST", REISSUE, json_body={"application_id": "nobody", "printed_name": "A"}
    )
    assert unknown.status == 404
    # Never logged (INFO and up, as deployed): neither the spelling nor the name.
    assert "Xiaoming" not in caplog.text
    assert WANG not in caplog.text


def test_the_console_register_reissues_a_held_certificate_from_a_form_beside_it(
    system: System, closed: dict[str, dict[str, Any]]
) -> None:
    anil = closed["anil"]
    browser = signed_in(system)
    page = f"/console{REGISTER}"
    shown = browser.get(page)
    assert f'action="{page}/certificate"' in shown.body
    # A form for each held certificate, none for the ones sent.
    assert shown.body.count("Reissue the certificate") == 2
    fields = {"application_id": anil["application_id"], "printed_name": "Anil Kumar"}
    assert browser.post(f"{page}/certificate", **fields).status == 403  # no CSRF token
    refused = browser.post(
        f"{page}/certificate",
        csrf_token=browser.csrf(page),
        application_id=anil["application_id"],
        printed_name="अनिल Kumar",
    )
    assert refused.status == 422
    assert "has no letter for" in html.unescape(text_of(refused.body))
    assert 'value="अनिल Kumar"' in refused.body  # given back to correct
    done = browser.post(f"{page}/certificate", csrf_token=browser.csrf(page), **fields)
    assert done.status == 303
    after = browser.words(page)
    assert "The certificate was reissued with the name as it should be printed" in after
    assert after.count("Reissue the certificate") == 1  # Wang's is still held
    [email] = system.deliver_emails()
    assert email.to == ["anil@example.org"]
    # Shown on its row, with a form to correct it.
    assert "Certificate reissued, printed as “Anil Kumar”" in after
    assert "Reissue again" in after
    # The same spelling again (a double click): the same answer, nobody emailed.
    again = browser.post(f"{page}/certificate", csrf_token=browser.csrf(page), **fields)
    assert again.status == 303
    assert "reissued with this spelling already: nobody was emailed again" in browser.words(page)
    assert system.deliver_emails() == []
    fields["printed_name"] = "Anil Kumaar"
    corrected = browser.post(f"{page}/certificate", csrf_token=browser.csrf(page), **fields)
    assert corrected.status == 303
    assert "printed as “Anil Kumaar”" in browser.words(page)
    [email] = system.deliver_emails()
    assert email.to == ["anil@example.org"]
    application_page = browser.get(f"/console/applications/{anil['application_id']}").body
    timeline = text_of(application_page[application_page.index('<ol class="timeline"') :])
    assert timeline.count("Certificate reissued with a spelling to print") == 2
    assert "completed, the certificate to follow (held)" in timeline  # the held one's email
    assert "Kumaar" not in timeline  # the spelling is personal data: never in the history
    # The certificate on the application's page says the spelling it prints.
    # And on the API's register rows (the CLI's register reads them), on Anil's row only.
    rows = {r["application_id"]: r for r in register_read(system)["rows"]}
    assert rows[anil["application_id"]]["printed_name"] == "Anil Kumaar"
    assert rows[closed["wang"]["application_id"]]["printed_name"] is None
    above_timeline = application_page[: application_page.index("Timeline")]
    assert "printed as “Anil Kumaar”" in html.unescape(text_of(above_timeline))


def test_a_held_certificate_is_reissued_from_the_terminal(
    system: System, closed: dict[str, dict[str, Any]], run: Any
) -> None:
    wang = closed["wang"]
    code, out = run("register", COURSE)
    assert code == 0, out
    assert "reissue it with reissue-certificate" in out
    code, out = run("reissue-certificate", COURSE, wang["reference"], "Wang 小明")
    assert code == 1
    assert "has no letter for 小 明" in out
    code, out = run("reissue-certificate", COURSE, wang["reference"], "Wang Xiaoming")
    assert code == 0, out
    assert f"{wang['reference']}: certificate reissued as 'Wang Xiaoming'" in out
    [email] = system.deliver_emails()
    assert email.to == ["wang@example.org"]
    code, out = run("reissue-certificate", COURSE, wang["reference"], "Wang Xiaoming")
    assert code == 0, out
    assert "reissued as 'Wang Xiaoming' already: nobody emailed again" in out
    assert system.deliver_emails() == []
    code, out = run("reissue-certificate", COURSE, closed["ada"]["reference"], "Ada")
    assert code == 1
    assert "no certificate held" in out

"""A browser's part in the console tests: a cookie jar, form posts, and the CSRF token that a
page's forms carry, over the in-process system (``tests/support/system.py``)."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie
from typing import Any, NamedTuple
from urllib.parse import quote_plus

from booking.handlers.console_session import SESSION_COOKIE, CookieSigner
from booking.handlers.course_form import CourseForm, form_of
from tests.support.html_forms import form_posting_to
from tests.support.page_text import text_of
from tests.support.system import ADMIN_TOKEN, COURSE_ID, Reply, System

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"')


class Shown(NamedTuple):
    """A console page that answered 200: its HTML, and its words as a person reads them."""

    body: str
    words: str


class ConsoleBrowser:
    def __init__(self, system: System) -> None:
        self.system = system
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        sent = {"accept": "text/html", **(headers or {})}
        if self.cookies:
            sent["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        reply = self.system.api(method, path, form=form, raw=raw, headers=sent)
        for header in reply.cookies:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return reply

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def shown(self, path: str) -> Shown:
        """The page at ``path``, which must answer 200: its HTML and its words."""
        reply = self.get(path)
        assert reply.status == 200, (path, reply.status, reply.body[:300])
        return Shown(reply.body, text_of(reply.body))

    def words(self, path: str) -> str:
        """The words of the page at ``path``, which must answer 200, as a person reads them."""
        return self.shown(path).words

    def found(self, typed: str, *applications: dict[str, Any], not_listed: str = "") -> str:
        """The words of Find's page for ``typed`` (as the front page's form sends it), which must
        answer 200, link to each of ``applications``' pages and say nothing of ``not_listed``."""
        found = self.get(f"/console/search?q={quote_plus(typed)}")
        assert found.status == 200, found.body
        for application in applications:
            assert f'href="/console/applications/{application["application_id"]}"' in found.body
        said = text_of(found.body)
        assert not not_listed or not_listed not in said
        return said

    def post(self, path: str, **form: Any) -> Reply:
        return self.request("POST", path, form={k: str(v) for k, v in form.items()})

    def sign_in(self, token: str = ADMIN_TOKEN) -> Reply:
        reply = self.post("/console/sign-in", token=token)
        assert reply.status == 303, reply.body
        return reply

    def upload(self, course_id: str, content: bytes, **fields: str) -> Reply:
        """The console's *From a definition file* form posted with ``content`` as the file."""
        sent = {"csrf_token": self.csrf(), "upload_course_id": course_id, **fields}
        body, boundary = _multipart(sent, "course.json", content)
        return self.request(
            "POST",
            "/console/courses",
            raw=body,
            headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        )

    def csrf(self, page: str = "/console") -> str:
        """The CSRF token the forms of ``page`` carry."""
        reply = self.get(page)
        assert reply.status == 200, reply.body
        found = CSRF_FIELD.search(reply.body)
        assert found, "the page has no form with a CSRF token"
        return found.group(1)

    def act(self, path: str, **form: Any) -> Reply:
        """A form post from the console, carrying the session's CSRF token."""
        return self.post(path, csrf_token=self.csrf(), **form)

    def form(self, page: str, action: str, which: dict[str, str] | None = None) -> dict[str, str]:
        """What the form of ``page`` posting to ``action`` sends as the page shows it now (the
        first such form holding ``which``): its hidden fields, the CSRF token and what the page
        showed (``seen``) among them. Read before a change, it is the older tab's form."""
        reply = self.get(page)
        assert reply.status == 200, (page, reply.status, reply.body[:300])
        return form_posting_to(reply.body, action, **(which or {}))

    def press(
        self, page: str, action: str, which: dict[str, str] | None = None, /, **typed: Any
    ) -> Reply:
        """A person's press on a confirm form, as a browser sends it: ``page`` opened, its form
        posting to ``action`` (:meth:`form`) filled in with ``typed``, posted with every hidden
        field the page gave it (a confirm form acts only on what its page showed). ``page``,
        ``action`` and ``which`` are positional only, so that no field typed can be taken for
        one of them (a form of fields unpacked into ``typed`` is never its ``which``)."""
        return self.post(action, **{**self.form(page, action, which), **typed})


def _multipart(
    fields: dict[str, str], filename: str, content: bytes, file_field: str = "definition"
) -> tuple[bytes, str]:
    boundary = "----console-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{filename}"\r\nContent-Type: application/json\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), boundary


def multipart_post(
    browser: ConsoleBrowser, path: str, fields: dict[str, str], file: tuple[str, str]
) -> Reply:
    """``fields`` posted as a multipart form with ``file`` (its field's name, its content) sent
    as a file part, not as a text field (not the field, so not the page's)."""
    body, boundary = _multipart(fields, "seen.txt", file[1].encode(), file[0])
    return browser.request(
        "POST",
        path,
        raw=body,
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )


def error_beside(page: str, field: str) -> re.Match[str] | None:
    """The error message the page shows beside ``field`` (its words in group 1), if any."""
    return re.search(
        rf'id="{field}-error"><span class="visually-hidden">Error:</span>(.*?)</span>', page, re.S
    )


def po_box(page: str) -> str:
    """The purchase order number's box as ``page`` shows it (its input tag), which it must."""
    box = re.search(r'<input type="text" id="po_number"[^>]*>', page)
    assert box is not None, text_of(page)[:900]
    return box.group(0)


def refused_beside(reply: Reply, field: str) -> str:
    """``reply``, which must be its form refused (422) with an error beside ``field``: the
    error's words."""
    assert reply.status == 422, reply.status
    said = error_beside(reply.body, field)
    assert said is not None, text_of(reply.body)[:900]
    return text_of(said.group(1))


def posted_fields(form: CourseForm) -> dict[str, str]:
    """The fields a browser posts for this course form as the page shows it (checkboxes only
    when ticked, rows numbered from 0)."""
    fields = {k: v for k, v in form.values.items() if v}
    for prefix, rows in (("session", form.sessions), ("facilitator", form.facilitators)):
        for n, row in enumerate(rows):
            fields.update({f"{prefix}-{n}-{name}": value for name, value in row.items()})
    return fields


def stored_course_fields(system: System, course_id: str = COURSE_ID) -> dict[str, str]:
    """What the console's form changing ``course_id`` posts as it shows the course stored now
    (:func:`posted_fields`)."""
    course = system.stored_course(course_id)
    return posted_fields(form_of(course_id, course.definition))


def course_saved_said(browser: ConsoleBrowser, fields: dict[str, Any]) -> str:
    """The console's course form posted with ``fields``, which must save (303): the words of
    the page it leads to, which says once what the save did."""
    saved = browser.act("/console/courses", **fields)
    assert saved.status == 303, saved.body[:300]
    return browser.words(saved.headers["location"])


def signed_in(system: System) -> ConsoleBrowser:
    """A browser signed in to the console with the organiser token."""
    browser = ConsoleBrowser(system)
    browser.sign_in()
    return browser


def press_issued(system: System, browser: ConsoleBrowser, row: str) -> str:
    """A press as a page of ``browser``'s session issues it for ``row``
    (``CookieSigner.press``, ``console_app.press_row``)."""
    signer = CookieSigner(system.ports.session_key(), secure=False)
    named = signer.session_name(browser.cookies[SESSION_COOKIE], system.now())
    assert named is not None
    return signer.press(named.session_id, row)


def asked_first(
    system: System, browser: ConsoleBrowser, application: dict[str, Any], act: str
) -> Shown:
    """The application page's link to ``act`` (``invoice/void``, ``invoice/paid``) leads to a
    page that asks first: it answers, says the act cannot be undone, and changes nothing (the
    booking as it was, no email sent). Emails sent before are to be delivered already."""
    path = f"/console/applications/{application['application_id']}"
    assert f'href="{path}/{act}"' in browser.get(path).body
    version = system.stored(application).version
    asked = browser.shown(f"{path}/{act}")
    assert "This cannot be undone." in asked.words
    assert system.stored(application).version == version  # asking changed nothing
    assert system.deliver_emails() == []
    return asked

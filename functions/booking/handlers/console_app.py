"""The console's resolver and what every page of it shares: its routes bound from the table,
the settings it needs at init, the security headers on every page, and the request's form,
query, session and page chrome (``handlers/console.py`` and its areas register on ``app``)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Collection
from typing import Any
from urllib.parse import unquote, urlsplit

from aws_lambda_powertools import Logger
from aws_lambda_powertools.shared.cookies import Cookie

from booking import bootstrap
from booking.bootstrap import ports
from booking.domain.errors import BookingError, Conflict, InvalidInput
from booking.domain.organisers import ConsoleSession
from booking.domain.page_seen import CHANGED, SEEN_FIELD, Seen, seen_digests
from booking.handlers import console_access as access
from booking.handlers import http
from booking.handlers.console_pages import CHANGE_LOST_SAID, Chrome, render_confirmation
from booking.handlers.console_session import (
    CHANGE_LOST,
    NOTICE_COOKIE,
    CookieSigner,
    Notice,
    cookie_value,
)
from booking.handlers.resolver import APIGatewayHttpResolver, Response
from booking.handlers.routes import Function, Served
from booking.handlers.sentences import beside_fields
from booking.services.console import ApplicationDetail

logger = Logger(service="booking-console")
app = APIGatewayHttpResolver()
served = Served(app, Function.CONSOLE)
# Without its sign-in, its sessions or the key that signs their cookies, the console fails its
# init: it never runs with a sign-in anyone passes or a key anyone knows.
bootstrap.at_cold_start("sign_in", "console_sessions", "session_key")
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
SIGNED_OUT = "/console/signed-out"


# -- plumbing ---------------------------------------------------------------------------------


def posted_form() -> dict[str, Any]:
    return access.posted_form(app)


def chrome() -> Chrome:
    """The page's frame, with the notice of a change lost to a session's end when the sign-in
    after it led here (said once, as every notice)."""
    frame = access.chrome(app)
    if frame.signed_in and notice_here().done == CHANGE_LOST:
        return dataclasses.replace(frame, said=CHANGE_LOST_SAID)
    return frame


def cookie_signer() -> CookieSigner:
    return access.signer()


def current_session() -> ConsoleSession | None:
    return access.current_session(app)


def typed_value(name: str) -> str:
    value = posted_form().get(name)
    return value.strip() if isinstance(value, str) else ""


def changed_since_shown(refused: BookingError) -> bool:
    """A press refused because what its page showed changed since it was opened
    (``domain.page_seen``): a confirmation with fields is shown again as things are now, with
    what was typed kept, rather than lost with the page."""
    return isinstance(refused, Conflict) and refused.code == CHANGED


def form_again_on(
    confirmation: Callable[[str, dict[str, str], dict[str, str]], Response[str]],
    fields: Collection[str],
) -> Callable[[str, BookingError], Response[str] | None]:
    """A confirmation's form shown again after its press was refused: the ``confirmation`` (of
    the application or group whose id it is given) with each mistake beside the form's
    ``fields`` it names, and what was typed in them kept, nothing done; None for a refusal that
    names none of them, said above the page it returns to."""

    def again(subject_id: str, mistaken: BookingError) -> Response[str] | None:
        if not isinstance(mistaken, InvalidInput):
            return None
        errors = beside_fields(mistaken, fields)
        if not errors:
            return None
        posted = posted_form()
        typed = {name: str(posted.get(name) or "") for name in fields}
        return confirmation(subject_id, errors, typed)

    return again


FORM_OUT_OF_DATE = (
    "this form is out of date (what it last saw of the application is unclear): open the "
    "application again"
)


def form_out_of_date(page: str) -> str:
    """A form whose ``seen`` is unclear, in the words of its ``page`` (a person's or a
    group's)."""
    if page == "the application":
        return FORM_OUT_OF_DATE
    return f"this form is out of date (what it last saw is unclear): open {page} again"


def not_the_pages(page: str = "the application") -> str:
    return f"this form was not the page's: open {page} again"


def form_seen(older: Seen | None = None, page: str = "the application") -> Seen:
    """What the page showed (``domain.page_seen``): its form's ``seen``, with the single facts
    an older page's hidden fields carried (``older``), compared too when sent beside it. Every
    confirm form the console serves carries ``seen``, so a post without it (or with it as a
    file), the older fields alone included, is not the page's and acts on nothing: 422, open
    ``page`` again (``/admin`` keeps it optional, CONTRACT).
    Unclear: the form is out of date. Both said above the page (hidden fields have no box)."""
    posted = posted_form().get(SEEN_FIELD)
    if posted is not None and not isinstance(posted, str):
        raise InvalidInput(not_the_pages(page))
    try:
        digests = seen_digests((posted or "").strip())
    except InvalidInput as unclear:
        raise InvalidInput(form_out_of_date(page)) from unclear
    if not digests:
        # An older page's single facts (``older``: status and pence paid, the cohort, the
        # bursary) no longer stand in for it: two facts alone would act on a page
        # whose price, bursary, invoice or move changed since, the very thing ``seen`` stops;
        # every page the console has served for several releases carries ``seen``, and a
        # console session ends long before a page that old could be posted.
        raise InvalidInput(not_the_pages(page))
    return (older or Seen()).with_digests(digests)


def typed_pence_seen(name: str, *, beside: str, what: str, page: str) -> int | None:
    """A hidden field holding an amount the page showed, in pence (None: a form made before
    it was added); one that is not a whole number is an out-of-date form, said beside
    ``beside`` (``what`` needs attention: open ``page`` again)."""
    seen = typed_value(name)
    if seen and not seen.isdigit():
        raise InvalidInput(
            f"{what} needs attention", {beside: f"This form is out of date: open {page} again"}
        )
    return int(seen) if seen else None


def query_value(name: str) -> str:
    return (app.current_event.query_string_parameters or {}).get(name, "")


def form_confirmation(
    template: str, detail: ApplicationDetail, lines: list[str], form: dict[str, Any]
) -> Response[str]:
    """An application's page asking to confirm an act with a form: ``lines``, what it will do;
    what the press then acts on, or refuses, is what it shows (``domain.page_seen``); 422 when
    ``form`` shows a press's mistakes beside their fields."""
    page = render_confirmation(template, chrome(), detail, lines=lines, seen=detail.seen, **form)
    return html_page(422 if form["errors"] else 200, page)


def html_page(status: int, page: str, cookies: list[Cookie] | None = None) -> Response[str]:
    # No scripts at all; forms post to the console, and signing out (a form) is redirected on
    # to the identity provider's logout, which form-action must allow.
    policy = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
        f"form-action 'self' {ports().sign_in.origin}; frame-ancestors 'none'; base-uri 'none'"
    )
    headers = {**SECURITY_HEADERS, "Content-Security-Policy": policy}
    if _notice_value():
        # Whatever page it reached, a notice is read once: the next page, or a reload, has none.
        cookies = [*(cookies or []), cookie_signer().end_notice()]
    return Response(status, http.HTML, page, headers, cookies)


# -- what an action did, said once ------------------------------------------------------------


def after_action(location: str, done: str, code: str = "") -> Response[str]:
    """On to ``location`` (a console page), which then says once what the action did: ``done``
    (and the ``code`` it was done to) ride in a one-time cookie, never in the address, so a
    reload, Back or a bookmark never says it again."""
    notice = Notice(done=done, code=code, path=unquote(urlsplit(location).path))
    cookie = cookie_signer().notice_cookie(notice, access.session_of(app), ports().clock())
    return http.see_other(location, [cookie])


def notice_here() -> Notice:
    """What the action that led to this page did, if it led here and in this session (empty
    otherwise, a forged or stale cookie included); the page answered clears it (html_page).
    Each page says it in its own words, from what it holds now where the words depend on it."""
    session = _session_here()
    found = (
        cookie_signer().read_notice(_notice_value(), session, ports().clock())
        if session is not None
        else None
    )
    if found is None or found.path != unquote(app.current_event.path):
        return Notice()
    return found


def press_row(kind: str, *ids: str) -> str:
    """The row a "send again" button acts on, as its press is bound to it: the act (``kind``)
    and the ids of the row (the follow-up and the person; the booking), so a press issued for
    one row's form is refused on another's (one helper for the invitation's and the
    certificate's)."""
    return json.dumps([kind, *ids])


def press_issued(row: str) -> str:
    """A value for one press of the button of ``row`` (:func:`press_row`) that must act once,
    bound to the session and to that row (``CookieSigner.press``)."""
    return cookie_signer().press(access.session_of(app).session_id, row)


def press_posted(row: str, name: str = "press") -> str | None:
    """The press the form posted in ``name``, exactly as this session's page issued it for
    ``row`` (no space trimmed); None for any other value: made up, another session's, another
    row's, altered."""
    value = posted_form().get(name)
    session_id = access.session_of(app).session_id
    valid = isinstance(value, str) and cookie_signer().press_valid(session_id, value, row)
    return value if valid and isinstance(value, str) else None


def press_required(row: str, name: str = "press") -> str:
    """:func:`press_posted`, which every "send again" form's act requires (the invitation's and
    the certificate's): any other value is 422 "Press the button
    on the page again", nothing done."""
    press = press_posted(row, name)
    if press is None:
        raise InvalidInput("Press the button on the page again.", {name: "not the page's"})
    return press


def _notice_value() -> str | None:
    return cookie_value(app.current_event.cookies or [], NOTICE_COOKIE)


def _session_here() -> ConsoleSession | None:
    """The session the middleware found for this request (None on the pages open to all)."""
    session = app.context.get("session")
    return session if isinstance(session, ConsoleSession) else None


def callback_url() -> str:
    return f"{ports().public_base_url}/console/callback"


def bursary_form_seen() -> Seen:
    """What the bursary's form showed: its ``seen``, and the bursary an older page carried."""
    shown = typed_pence_seen(
        "bursary_seen", beside="amount", what="the bursary", page="the application"
    )
    return form_seen(None if shown is None else Seen(given=(("bursary", str(shown)),)))

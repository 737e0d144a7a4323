"""Who may use the console, checked before any page runs: a live session, and on every form
the session's CSRF token.

A session cookie names a session kept on the server (``services/console_sessions.py``); only
the pages open to all (the route table's ``open_to_all``: signing in, where signing out lands)
are served without one, and a page asked for without one answers 303 to the sign-in page,
which brings the organiser back to it afterwards.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from booking.bootstrap import ports
from booking.domain.links import with_query
from booking.domain.organisers import ConsoleSession
from booking.handlers import http
from booking.handlers.console_pages import Chrome
from booking.handlers.console_session import SESSION_COOKIE, CookieSigner, cookie_value
from booking.handlers.resolver import APIGatewayHttpResolver, NextMiddleware, Response
from booking.handlers.routes import SAFE_METHODS, Function, route_at
from booking.handlers.routes.console import OPEN_PATHS
from booking.services import console_sessions


def signer() -> CookieSigner:
    the_ports = ports()
    return CookieSigner(the_ports.session_key(), secure=the_ports.serves_https)


def current_session(resolver: APIGatewayHttpResolver) -> ConsoleSession | None:
    """The live session the request's cookie names, if any."""
    cookie = cookie_value(resolver.current_event.cookies or [], SESSION_COOKIE)
    named = signer().session_name(cookie, ports().clock())
    if named is None:
        return None
    return console_sessions.current(ports(), named.subject, named.session_id)


def session_of(resolver: APIGatewayHttpResolver) -> ConsoleSession:
    session = resolver.context.get("session")
    assert isinstance(session, ConsoleSession), "the session middleware runs first"
    return session


def chrome(resolver: APIGatewayHttpResolver) -> Chrome:
    """The page's frame: the menu and the CSRF token its forms carry, when signed in."""
    session = resolver.context.get("session")
    if isinstance(session, ConsoleSession):
        return Chrome(True, signer().csrf_token(session))
    return Chrome(False)


def posted_form(resolver: APIGatewayHttpResolver) -> dict[str, Any]:
    """The posted form (a file upload's text fields and files too), read once per request."""
    cached = resolver.context.get("form")
    if isinstance(cached, dict):
        return cached
    event = resolver.current_event
    content_type = event.headers.get("content-type") or http.FORM
    form = http.read_body(http.raw_body(event), content_type, files=True)
    resolver.context["form"] = form
    return form


def is_open(path: str) -> bool:
    return (path.rstrip("/") or "/") in OPEN_PATHS


def require_session(
    resolver: APIGatewayHttpResolver, next_middleware: NextMiddleware
) -> Response[str]:
    """Middleware: a live session for every page but the open ones; CSRF for every POST the
    console serves (a method the route table does not serve on a path goes on to its 405)."""
    if is_open(resolver.current_event.path):
        return next_middleware(resolver)
    session = current_session(resolver)
    if session is None:
        after = {"next": _come_back_to(resolver)}
        if resolver.current_event.http_method != "GET":  # a form's change, not saved
            after["lost"] = "1"
        return http.see_other(with_query("/console/sign-in", after))
    resolver.context["session"] = session
    event = resolver.current_event
    if event.http_method not in SAFE_METHODS and route_at(
        event.http_method, event.path, Function.CONSOLE
    ):
        presented = posted_form(resolver).get("csrf_token")
        if not signer().csrf_valid(session, presented if isinstance(presented, str) else None):
            raise http.Forbidden("this form has expired or did not come from the console")
    return next_middleware(resolver)


def _come_back_to(resolver: APIGatewayHttpResolver) -> str:
    """Where to return after signing in: the page asked for; after a form post (its change not
    saved), the page the form was on (its Referer, a console page), else the
    application's page or the console's first page."""
    event = resolver.current_event
    if event.http_method in SAFE_METHODS:
        return with_query(event.path, event.raw_event.get("rawQueryString") or "")
    form_page = urlsplit(event.headers.get("referer") or "")
    if not is_open(form_page.path) and route_at("GET", form_page.path, Function.CONSOLE):
        return with_query(form_page.path, form_page.query)
    if event.path.startswith("/console/applications/"):
        return event.path.rsplit("/", 1)[0]
    return "/console"

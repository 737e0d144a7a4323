"""``GET /_local/outbox`` for a person in a browser: every email sent, newest first, readable.

JSON clients (the tests, curl) keep the contract's list; a browser (``Accept: text/html``) gets
this page of the same messages. Only under ``make run``: nothing deployed serves it. Every value
is escaped; an email's own HTML is shown in a sandboxed frame (no scripts, no same origin), so a
message cannot act on the page that lists it.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from booking.handlers.http import wants_html

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:52rem;margin:1.5rem auto;padding:0 1rem;"
    "line-height:1.5;color:#212b32}"
    "article{border:1px solid #d8dde0;padding:.75rem 1rem;margin:0 0 1.25rem;background:#fff}"
    "h2{font-size:1.15rem;margin:.25rem 0 .5rem}dl{margin:0 0 .5rem}"
    "dl div{display:flex;gap:.75rem}dt{font-weight:600;min-width:6rem}dd{margin:0}"
    "pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f0f4f5;padding:.75rem;"
    "margin:.5rem 0}"
    "iframe{width:100%;height:32rem;border:1px solid #d8dde0;background:#fff}"
    ":focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}"
)


def wants_page(headers: Mapping[str, str]) -> bool:
    """Negotiated as the functions negotiate (``booking.handlers.http.wants_html``)."""
    accept = next((v for k, v in headers.items() if k.lower() == "accept"), "")
    return wants_html(accept)


def outbox_page(messages: Sequence[Mapping[str, Any]]) -> bytes:
    count = len(messages)
    parts = [
        "<!doctype html>",
        '<html lang="en-GB">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Local outbox: every email sent</title>",
        f"<style>{_STYLE}</style></head>",
        "<body><main>",
        "<h1>Local outbox</h1>",
        f"<p>{count} email{'s' if count != 1 else ''} sent by the local stack, newest first. "
        "Nothing here leaves this machine; each is also an <code>.eml</code> file in the "
        "outbox folder. Programs get this list as JSON.</p>",
    ]
    for number, message in enumerate(messages, start=1):
        parts.append(_message(number, message))
    if not messages:
        parts.append("<p>No email has been sent yet.</p>")
    parts.append("</main></body></html>")
    return "\n".join(parts).encode("utf-8")


def _message(number: int, message: Mapping[str, Any]) -> str:
    esc = html.escape
    heading = f"email-{number}"
    people = [("To", message.get("to") or []), ("Reply-To", message.get("reply_to") or [])]
    facts = "".join(
        f"<div><dt>{label}</dt><dd>{esc(', '.join(addresses))}</dd></div>"
        for label, addresses in people
        if addresses
    )
    attachments = [str(a.get("filename") or "") for a in message.get("attachments") or []]
    if attachments:
        facts += f"<div><dt>Attached</dt><dd>{esc(', '.join(attachments))}</dd></div>"
    subject = str(message.get("subject") or "(no subject)")
    as_html = str(message.get("html") or "")
    shown_html = (
        "<details><summary>As the HTML part shows it</summary>"
        f'<iframe sandbox="" title="{esc(subject)}, as HTML" srcdoc="{esc(as_html)}"></iframe>'
        "</details>"
        if as_html
        else ""
    )
    return (
        f'<article aria-labelledby="{heading}">'
        f'<h2 id="{heading}">{esc(subject)}</h2>'
        f"<dl>{facts}</dl>"
        f"<pre>{esc(str(message.get('text') or ''))}</pre>"
        f"{shown_html}</article>"
    )

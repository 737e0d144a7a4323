"""The local outbox as a page for a person: every message readable, nothing from a message able
to act on the page (its values escaped, its HTML in a sandboxed frame)."""

from __future__ import annotations

from infra.local.outbox_page import outbox_page, wants_page
from tests.support.page_text import says_all

HOSTILE = '<script>alert("x")</script>'


def test_browsers_get_the_page_and_programs_the_json() -> None:
    assert wants_page({"Accept": "text/html,application/xhtml+xml"})
    assert wants_page({"accept": "text/html"})
    assert not wants_page({"Accept": "application/json"})
    assert not wants_page({})


def test_each_message_is_shown_escaped_with_its_html_sandboxed() -> None:
    page = outbox_page(
        [
            {
                "to": ["ada@example.org"],
                "reply_to": ["spft.smc@nhs.net"],
                "subject": f"Your place is confirmed {HOSTILE} (CL-7K3Q9)",
                "text": f"Dear {HOSTILE},\nhttps://example.org/join",
                "html": f"<p>Dear {HOSTILE.replace('<', '&lt;')}</p>",
                "attachments": [{"filename": "invite.ics", "content_type": "text/calendar"}],
            }
        ]
    ).decode("utf-8")
    assert "<script>" not in page
    says_all(
        page,
        "1 email sent by the local stack",
        "(CL-7K3Q9)</h2>",
        "ada@example.org",
        "invite.ics",
        '<iframe sandbox="" title=',
        'srcdoc="&lt;p&gt;Dear &amp;lt;script&gt;',
    )


def test_an_empty_outbox_says_so() -> None:
    assert "No email has been sent yet." in outbox_page([]).decode("utf-8")

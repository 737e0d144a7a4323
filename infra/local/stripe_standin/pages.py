"""The stand-in's hosted pages: plain HTML forms in place of Stripe's own payment pages.

Nothing here renders a value as HTML without escaping it, and only http(s) URLs (checked when
the object was created) become links.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from infra.local.stripe_standin.store import Store
from infra.local.stripe_standin.wire import format_amount


def page(title: str, body: str, *, kind: str = "checkout") -> bytes:
    document = (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)} | Local Stripe {html.escape(kind)}</title>\n"
        "<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;"
        "padding:0 1rem;line-height:1.5}dt{font-weight:600}dd{margin:0 0 .5rem}"
        "button{font-size:1rem;padding:.6rem 1.2rem}"
        ":focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}</style>\n"
        "</head>\n<body>\n<main>\n"
        f"<h1>{html.escape(title)}</h1>\n"
        f"<p><small>Local stand-in for Stripe {html.escape(kind)}. No real payment is taken."
        "</small></p>\n"
        f"{body}\n</main>\n</body>\n</html>\n"
    )
    return document.encode("utf-8")


def checkout_page(store: Store, session: Mapping[str, Any]) -> bytes:
    """The page for one Checkout Session; call with the lock held."""
    esc = html.escape
    session_id = session["id"]
    amount = format_amount(session["amount_total"], session["currency"])
    action_base = f"/_local/stripe/checkout/{esc(session_id)}"
    summary = _checkout_summary(store.line_items.get(session_id, []), session, amount)
    if session["status"] == "open":
        cancel = session.get("cancel_url")
        cancel_link = f'<p><a href="{esc(cancel)}">Cancel</a></p>' if cancel else ""
        body = (
            f"{summary}"
            f'<form method="post" action="{action_base}/pay">'
            '<p><label><input type="checkbox" name="async" value="true"> '
            "Simulate a delayed payment method (settles later)</label></p>"
            f'<p><button type="submit">Pay {esc(amount)}</button></p>'
            "</form>"
            f"{cancel_link}"
            f'<form method="post" action="{action_base}/expire">'
            '<p><button type="submit">Expire this session (test only)</button></p>'
            "</form>"
        )
        return page(f"Pay {amount}", body)
    message, extra = _closed_checkout(store, session, action_base)
    success = str(session["success_url"]).replace("{CHECKOUT_SESSION_ID}", session_id)
    body = (
        f'<p role="status">{esc(message)}</p>{summary}'
        f'<p><a href="{esc(success)}">Return to the site</a></p>{extra}'
    )
    return page("Checkout closed", body)


def _checkout_summary(names: list[str], session: Mapping[str, Any], amount: str) -> str:
    """What is paid for, how much, and by whom (the address given, if any)."""
    esc = html.escape
    details = [
        f"<dt>Item</dt><dd>{esc(', '.join(names) or 'Payment')}</dd>",
        f"<dt>Total</dt><dd>{esc(amount)}</dd>",
    ]
    email = session.get("customer_email")
    if email:
        details.append(f"<dt>Email</dt><dd>{esc(email)}</dd>")
    return f"<dl>{''.join(details)}</dl>"


def _closed_checkout(store: Store, session: Mapping[str, Any], action_base: str) -> tuple[str, str]:
    """What a session no longer open says (paid, processing, failed or expired), and the test
    buttons that still apply to it."""
    if session["status"] != "complete":
        return "This checkout session has expired.", ""
    if session["payment_status"] == "paid":
        return "This checkout session has been paid.", (
            f'<form method="post" action="{action_base}/refund">'
            '<p><button type="submit">Refund in full (test only)</button></p></form>'
        )
    intent = store.payment_intents.get(session.get("payment_intent") or "")
    if intent is not None and intent["status"] != "processing":
        return "The delayed payment failed.", ""
    return "The payment is processing; the bank has not settled it yet.", (
        f'<form method="post" action="{action_base}/async">'
        '<input type="hidden" name="result" value="succeeded">'
        '<p><button type="submit">Payment settles</button></p></form>'
        f'<form method="post" action="{action_base}/async">'
        '<input type="hidden" name="result" value="failed">'
        '<p><button type="submit">Payment fails</button></p></form>'
    )


def refused_page(store: Store, where: str, object_id: str, message: str) -> bytes:
    """A button on a hosted page pressed when it no longer applies (Pay on a checkout already
    paid or expired, say, after going Back): what the object is now, in words, and the way back
    to its page, as Stripe's hosted page shows it (its API's JSON error is for API clients);
    ``where``: ``checkout`` or ``invoices``, as the page's path names it. Call with the lock
    held."""
    esc = html.escape
    session = store.sessions.get(object_id) if where == "checkout" else None
    if session is not None and session["status"] != "open":
        message = _closed_checkout(store, session, "")[0]
    kind = "checkout" if where == "checkout" else "invoice"
    body = (
        f'<p role="alert">{esc(message)} Nothing was done: that button no longer applies.</p>'
        f'<p><a href="/_local/stripe/{esc(where)}/{esc(object_id)}">Back to the {kind} page</a>'
        "</p>"
    )
    return page("Nothing was done", body, kind=kind)


def not_found_page(title: str, message: str, *, kind: str = "checkout") -> bytes:
    return page(title, f"<p>{html.escape(message)}</p>", kind=kind)


def invoice_page(store: Store, invoice: Mapping[str, Any], *, left_unpaid: bool) -> bytes:
    """Stripe's hosted invoice page, as the billing contact sees it; call with the lock held."""
    esc = html.escape
    amount = format_amount(invoice["amount_remaining"], invoice["currency"])
    summary = _invoice_summary(invoice)
    status = invoice["status"]
    if status not in ("open", "uncollectible"):
        message = {
            "paid": "This invoice has been paid. Thank you.",
            "void": "This invoice has been voided: nothing is owed on it.",
        }.get(status, f"This invoice is {status}.")
        return page(
            f"Invoice {invoice['number']}",
            f'<p role="status">{esc(message)}</p>{summary}',
            kind="invoice",
        )
    action_base = f"/_local/stripe/invoices/{esc(invoice['id'])}"
    due = invoice["due_date"]
    note = (
        f'<p role="status">Left unpaid: this invoice stays open, due '
        f"{esc(_day(due) if due else 'on receipt')}.</p>"
        if left_unpaid
        else ""
    )
    sends = store.invoice_sends.get(invoice["id"], [])
    sent = f"<p>Emailed to the billing contact on {esc(_day(sends[-1]))}.</p>" if sends else ""
    body = (
        f"{note}{sent}{summary}"
        f'<form method="post" action="{action_base}/pay">'
        f'<p><button type="submit">Pay {esc(amount)}</button></p></form>'
        f'<p><a href="{action_base}?left=1">Leave unpaid for now</a></p>'
        f'<form method="post" action="{action_base}/void">'
        '<p><button type="submit">Void this invoice (test only)</button></p></form>'
    )
    if status == "open":
        body += (
            f'<form method="post" action="{action_base}/mark_uncollectible">'
            '<p><button type="submit">Mark uncollectible (test only)</button></p></form>'
        )
    return page(f"Invoice {invoice['number']}: {amount} due", body, kind="invoice")


def _invoice_summary(invoice: Mapping[str, Any]) -> str:
    """Whom the invoice bills and when it is due, then its items, discounts and amount due."""
    esc = html.escape
    currency = invoice["currency"]
    address = invoice.get("customer_address") or {}
    lines = [
        f"<dt>{esc(line['description'] or 'Item')}</dt>"
        f"<dd>{esc(format_amount(line['amount'], currency))}</dd>"
        for line in invoice["lines"]["data"]
    ]
    lines += [
        f"<dt>Discount</dt><dd>-{esc(format_amount(entry['amount'], currency))}</dd>"
        for entry in invoice.get("total_discount_amounts") or []
    ]
    due = invoice["due_date"]
    facts = [
        f"<dt>Invoice number</dt><dd>{esc(invoice['number'] or '')}</dd>",
        f"<dt>Billed to</dt><dd>{esc(invoice['customer_name'] or '')}</dd>",
        f"<dt>Billing email</dt><dd>{esc(invoice['customer_email'] or '')}</dd>",
        "<dt>Billing address</dt><dd>"
        + esc(", ".join(str(part) for part in address.values() if part))
        + "</dd>",
        *(
            f"<dt>{esc(field['name'])}</dt><dd>{esc(field['value'])}</dd>"
            for field in invoice.get("custom_fields") or []
        ),
        f"<dt>Due</dt><dd>{esc(_day(due)) if due else 'on receipt'}</dd>",
    ]
    return (
        f"<dl>{''.join(facts)}</dl><h2>Items</h2><dl>{''.join(lines)}"
        f"<dt>Amount due</dt><dd>{esc(format_amount(invoice['amount_due'], currency))}</dd></dl>"
    )


def _day(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%-d %B %Y")

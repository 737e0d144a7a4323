"""A form answered again with its mistakes, its answers kept (a POST's answer): kept in the
person's own browser alone (``private``: no shared cache), revalidated on any ordinary load
(``no-cache``), so that Back and Forward show it from there rather than asking to send the form
again (``no-store`` made Chromium say "Confirm form resubmission"). Redirecting
instead (post/redirect/get) would carry the answers in the address, or keep them on our side
for a form nobody finished."""

from __future__ import annotations

from typing import Any

from booking.handlers.http import FORM_AGAIN_CACHE, HTML
from booking.handlers.resolver import Response


def form_again(status: int, page: str) -> Response[str]:
    """``page``, a form answering a POST with ``status``, its answers kept."""
    return Response(
        status_code=status,
        content_type=HTML,
        body=page,
        headers={"Cache-Control": FORM_AGAIN_CACHE},
    )


def typed_again(payload: dict[str, Any]) -> dict[str, Any]:
    """What a browser posted, to put back in its form shown again: all but the honeypot
    (``website``), which only a robot fills in."""
    return {k: v for k, v in payload.items() if k != "website"}

"""An applicant's own links against the running stack (tests/e2e): their application's status
as their page reads it, a press of one of its buttons sent again, and the one email it told."""

from __future__ import annotations

from typing import Any

import requests

from tests.support.local_stack import RunningStack


def status_of(stack: RunningStack, application: dict[str, Any]) -> str:
    """``application``'s status, read with its token as its status page reads it."""
    path = f"/applications/{application['application_id']}?token={application['token']}"
    return str(stack.get(path).json()["status"])


def pressed_again(stack: RunningStack, application: dict[str, Any], action: str) -> dict[str, Any]:
    """The applicant's press of ``action`` (``decline-offer``) sent again, as a page kept open
    sends it, which must answer 200: the answer."""
    again = requests.post(
        f"{stack.url}/applications/{application['application_id']}/{action}",
        params={"token": application["token"]},
        timeout=30,
    )
    assert again.status_code == 200, again.text
    return dict(again.json())


def told_once(stack: RunningStack, address: str, subject: str) -> None:
    """``address`` was sent exactly one email whose subject holds ``subject``."""

    def to_them(sent: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [m for m in sent if address in m["to"] and subject in m["subject"]]

    assert len(to_them(stack.outbox_until(lambda sent: bool(to_them(sent))))) == 1

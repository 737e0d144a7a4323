"""A colleague's link that no longer opens a place (given up by the manager, or the place gone to
someone else) is refused in words true for a person who never applied: they have no
application page, and no email of ours leads to one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support.groups import (
    COLLEAGUES,
    OTHERS,
    give_up,
    manager_view,
    paid_card_group,
    substitute,
)
from tests.support.system import System, application_body

HTML = {"accept": "text/html"}
# What the pages for an applicant say next: untrue for a colleague who has not applied.
APPLICANTS_NEXT_STEPS = ("Your application", "leads to your application")


def _given_up(system: System, group: dict[str, Any]) -> None:
    assert give_up(system, group, 2).status == 200


def _sent_to_another(system: System, group: dict[str, Any]) -> None:
    assert substitute(system, group, 2, OTHERS[0]).status == 200


@pytest.mark.parametrize(
    ("change", "status", "heading"),
    [
        (_given_up, 409, "This place is no longer booked for you"),
        (_sent_to_another, 404, "We could not find that page"),
    ],
    ids=["given up by the manager", "given to someone else"],
)
def test_a_colleagues_old_link_says_what_to_do_in_their_words(
    system: System,
    change: Callable[[System, dict[str, Any]], None],
    status: int,
    heading: str,
) -> None:
    group = manager_view(system, paid_card_group(system))
    link = urlsplit(group["places"][1]["apply_url"])
    change(system, group)
    form = system.api("GET", f"{link.path}?{link.query}", headers=HTML)
    sent = system.api(
        "POST",
        f"{link.path.removesuffix('/apply')}/applications?{link.query}",
        form={**application_body(**COLLEAGUES[1]), "consent": "on"},
        headers=HTML,
    )
    for page in (form, sent):
        assert page.status == status, page.body
        assert heading in page.body
        assert "the person who booked the places can tell you more" in page.body.lower()
        for untrue in APPLICANTS_NEXT_STEPS:
            assert untrue not in page.body

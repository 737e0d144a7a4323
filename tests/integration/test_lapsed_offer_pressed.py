"""A confirmation on an offer that lapsed, the sweep not there yet, acts on what its page
showed: the page says the application as read (``offer_ends.as_read``: the offer lapsed), and
the act's decision digests the same view of the application it reads as stored
(``page_seen.application_facts``, one function for both), so the press is not refused for a
change nobody made."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from tests.support.console import signed_in
from tests.support.offers import seat_offered
from tests.support.page_text import text_of
from tests.support.system import System


def test_a_lapsed_offers_cancel_pressed_before_the_sweep_acts(system: System) -> None:
    offered = seat_offered(system)
    ends = system.stored(offered).offer_expires_at
    assert ends is not None
    path = f"/console/applications/{offered['application_id']}"

    with time_machine.travel(ends + timedelta(hours=1), tick=False):
        browser = signed_in(system)
        shown = browser.get(f"{path}/cancel")
        assert shown.status == 200, text_of(shown.body)[:500]
        assert system.stored(offered).status.value == "offered"  # not swept yet
        pressed = browser.press(f"{path}/cancel", f"{path}/cancel")

    assert pressed.status == 303, text_of(pressed.body)[:600]
    assert system.stored(offered).status.value == "cancelled"

"""A group booking whose cohort's currency changed while its payment was asked for ends, its
seats back and its checkout expired at Stripe; the clean-up that ends it losing a race (a
sweep or the manager's page writing the group meanwhile) decides again from a fresh read, and
the manager is answered the booking's 409 in words, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from booking.domain.errors import PriceChanged
from booking.domain.groups import GroupBooking
from tests.support.groups import COLLEAGUES, book
from tests.support.stripe_client import requests_to
from tests.support.system import COURSE_ID, System


def test_a_groups_clean_up_after_a_price_change_that_loses_a_race_answers_in_words(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    left = int(system.course(COURSE_ID)["places_left"])
    groups = system.ports.groups
    real_save = groups.save_group
    saves: list[GroupBooking] = []

    def save(new: GroupBooking, previous: GroupBooking | None) -> Any:
        saves.append(new)
        if len(saves) == 2:
            # The save that records the checkout: the cohort's currency changed meanwhile.
            raise PriceChanged()
        if len(saves) == 3:
            # The clean-up's save: someone else wrote the group just before it.
            current = groups.get_group(new.group_id)
            assert current is not None
            real_save(current.model_copy(update={"updated_at": current.updated_at}), current)
        return real_save(new, previous)

    monkeypatch.setattr(groups, "save_group", save)
    reply = book(system, course=COURSE_ID, colleagues=COLLEAGUES[:2])

    error = reply.refused(409, "concurrent_update")
    assert "nothing was saved or charged" in error["message"]
    [group_id] = {g.group_id for g in saves}
    ended = system.stored_group(group_id)
    assert (ended.status.value, ended.checkout) == ("lapsed", None)
    assert int(system.course(COURSE_ID)["places_left"]) == left
    opened = requests_to(system.stripe_http, "/v1/checkout/sessions")
    assert len(opened) == 1
    expired = [r for r in system.stripe_http.requests if r.path.endswith("/expire")]
    assert len(expired) == 1

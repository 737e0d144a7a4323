"""The console's *Group bookings* table says of a place with no application whether one may
still come: "None yet" while its colleague can apply, "None" once the place is released (at
the apply-by date, given up, or with a booking that ended), where "None yet" promised an
application nobody can make any more. Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

import pytest

from tests.support.console import signed_in
from tests.support.groups import (
    colleague_applies,
    paid_group_with_an_apply_by,
    the_apply_by_passes,
)
from tests.support.invoiced import INVOICED
from tests.support.page_text import text_of
from tests.support.system import System

pytestmark = pytest.mark.usefixtures("invoiced")  # the group bookings' cohort


def _places_table(system: System) -> str:
    page = signed_in(system).get(f"/console/courses/{INVOICED}/group-bookings")
    assert page.status == 200, page.body
    said = text_of(page.body)
    return said[said.index("Place Colleague Email State Application") :]


def test_a_place_released_unfilled_says_no_application_not_none_yet(system: System) -> None:
    group = paid_group_with_an_apply_by(system)
    colleague_applies(system, group)  # the first place; the other two wait for theirs
    assert _places_table(system).count("not applied yet None yet") == 2

    the_apply_by_passes(system, group)

    table = _places_table(system)
    assert "None yet" not in table, table
    assert table.count("Released at the apply-by date: nobody applied None") == 2, table

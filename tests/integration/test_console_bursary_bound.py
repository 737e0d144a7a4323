"""An organiser types a bursary out of range on the console: whatever they typed (nothing
above zero, or more than the place could take), the page says the true bound, the place's
price or what is left to pay, in pounds, and nothing is granted. Through the real handlers
and moto."""

from __future__ import annotations

import pytest

from tests.support.applications import application_body
from tests.support.console import refused_beside, signed_in
from tests.support.system import COURSE_ID, System


@pytest.mark.parametrize("typed", ["0", "0.00", "1000", "100001", "-5"])
def test_a_bursary_out_of_range_is_told_the_places_price(system: System, typed: str) -> None:
    applied = system.api("POST", f"/courses/{COURSE_ID}/applications", json_body=application_body())
    assert applied.status == 201, applied.body
    app_id = applied.json()["application_id"]
    browser = signed_in(system)
    page = f"/console/applications/{app_id}"

    refused = browser.press(page, f"{page}/bursary", amount=typed)

    assert refused.status == 422, refused.body
    said = refused_beside(refused, "amount")
    assert "£200.00" in said, said
    assert "100,000" not in said, said
    assert "pence" not in said, said
    assert system.stored(app_id).bursary == 0

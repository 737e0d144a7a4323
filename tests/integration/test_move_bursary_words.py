"""A move's email says what happened to the money: a bursary larger than
the cheaper cohort's price funds that whole price and no more, and the card's payment comes
back; "everything you paid stays with it" is not said beside a refund of all of it."""

from __future__ import annotations

from tests.support.cohorts import ADA, Cohorts
from tests.support.system import System


def test_a_bursary_beyond_the_cheaper_price_is_said_to_fund_it_whole(system: System) -> None:
    cohorts = Cohorts(system)
    app_id = cohorts.book_with_bursary("move-spring", ADA, 18000)["application_id"]

    assert cohorts.move(app_id, "move-autumn").status == 200  # £150: the bursary covers it
    [moved] = [m for m in cohorts.emails_to(ADA) if "Your booking has moved" in m.subject]

    assert "your bursary of £180.00 pays its whole price (£150.00)" in moved.text, moved.text
    assert "we are refunding £20.00" in moved.text
    assert "everything you paid stays with it" not in moved.text
    assert cohorts.refunded_at_stripe() == [2000]


def test_a_cheaper_move_says_the_payment_stays_less_the_difference(system: System) -> None:
    cohorts = Cohorts(system)
    app_id = cohorts.book("move-spring", ADA)["application_id"]

    assert cohorts.move(app_id, "move-autumn").status == 200
    [moved] = [m for m in cohorts.emails_to(ADA) if "Your booking has moved" in m.subject]

    assert "what you paid stays with it, less the difference below" in moved.text, moved.text
    assert "we are refunding £50.00" in moved.text

"""Every reason a discount code is refused has words beside the field: a 422 with an empty
``discount_code`` would tell the applicant nothing."""

from __future__ import annotations

from typing import get_args

import pytest

from booking.domain.billing import OTHER_CURRENCY, CodeRefusal
from booking.services.discounts import refuse_code
from tests.support.discount_codes import a_discount_code


@pytest.mark.parametrize("reason", get_args(CodeRefusal))
def test_every_reason_a_code_is_refused_has_words(reason: CodeRefusal) -> None:
    for code in (None, a_discount_code(percent_off=None, amount_off=1000, currency="gbp")):
        said = refuse_code(reason, code).fields["discount_code"]
        assert said.strip(), (reason, code)
        assert "()" not in said


def test_a_code_of_another_currency_is_said_with_its_currency() -> None:
    code = a_discount_code(percent_off=None, amount_off=1000, currency="gbp")

    said = refuse_code(OTHER_CURRENCY, code).fields["discount_code"]

    assert said == (
        "this discount code is for courses priced in pounds sterling (£), not this one; check "
        "it, or leave it empty"
    )

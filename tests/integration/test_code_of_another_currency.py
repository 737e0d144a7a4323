"""A discount code taking an amount off in the currency a course was priced in before its price
changed currency is said as such to whoever gives it, in words beside the field, never as a code
nobody made ("we do not recognise this discount code")."""

from __future__ import annotations

from tests.support.system import System


def test_a_code_in_the_old_currency_is_said_to_be_for_courses_priced_in_it(system: System) -> None:
    course = system.course()["course_id"]
    system.made_code(course, code="FIFTY", amount_off=5000)
    assert system.admin("POST", f"/courses/{course}/discount-codes/FIFTY/expire").status == 200
    file = {**system.course_file(course), "price": {"amount": 20000, "currency": "usd"}}
    assert system.admin("PUT", f"/courses/{course}", json_body=file).status == 200

    refused = system.apply(course, discount_code="fifty")

    assert refused.status == 422, refused.body
    said = refused.json()["error"]["fields"]["discount_code"]
    assert said == (
        "this discount code is for courses priced in pounds sterling (£), not this one; check "
        "it, or leave it empty"
    )
    assert system.admin("GET", f"/courses/{course}/applications").json() == []  # nothing saved

"""A discount code taking an amount off in the currency a course was priced in before its price
changed currency is refused in words beside the field, never as a code nobody made ("we do not
recognise this discount code"). A currency change is refused while such a code is usable, so
afterwards it is nearly always expired or used up, and that is what the applicant reads, not
"for courses priced in pounds sterling", which would send them looking for a course it no
longer works on (the words for a code still usable in its old currency are held
in tests/unit/test_code_refusal_words.py)."""

from __future__ import annotations

from tests.support.system import System


def test_an_expired_code_in_the_old_currency_is_said_to_be_expired(system: System) -> None:
    course = system.course()["course_id"]
    system.made_code(course, code="FIFTY", amount_off=5000)
    assert system.admin("POST", f"/courses/{course}/discount-codes/FIFTY/expire").status == 200
    file = {**system.course_file(course), "price": {"amount": 20000, "currency": "usd"}}
    assert system.admin("PUT", f"/courses/{course}", json_body=file).status == 200

    refused = system.apply(course, discount_code="fifty")

    assert refused.status == 422, refused.body
    said = refused.json()["error"]["fields"]["discount_code"]
    assert said == "this discount code has been used up or has expired"
    assert system.admin("GET", f"/courses/{course}/applications").json() == []  # nothing saved


def test_a_percentage_code_reads_in_the_course_currency_after_it_changed(system: System) -> None:
    """A percent-off code kept ``currency: "gbp"`` after its cohort moved to EUR,
    though a percentage has none and its checkouts are in EUR; an amount off keeps its own."""
    course = system.course()["course_id"]
    system.made_code(course, code="PCTTEN", percent_off=10)
    system.made_code(course, code="GBPTEN", amount_off=1000)
    assert system.admin("POST", f"/courses/{course}/discount-codes/GBPTEN/expire").status == 200
    file = {**system.course_file(course), "price": {"amount": 20000, "currency": "eur"}}
    assert system.admin("PUT", f"/courses/{course}", json_body=file).status == 200

    listed = system.admin("GET", f"/courses/{course}/discount-codes").json()
    currencies = {code["code"]: code["currency"] for code in listed}
    assert currencies == {"PCTTEN": "eur", "GBPTEN": "gbp"}
    expired = system.admin("POST", f"/courses/{course}/discount-codes/PCTTEN/expire").json()
    assert expired["currency"] == "eur"

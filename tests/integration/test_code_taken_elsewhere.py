"""A code whose letters another course's code holds (Stripe keeps one namespace, whatever the
case) is refused naming that course, as the console lists it, not as if it were on this
course's page (hostile12a NEW-10). Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from tests.support.invoiced import INVOICED, invoiced_cohort
from tests.support.system import COURSE_ID, System


def _make(system: System, course: str, code: str) -> tuple[int, str]:
    made = system.admin(
        "POST", f"/courses/{course}/discount-codes", json_body={"code": code, "percent_off": 10}
    )
    return made.status, made.body


def test_a_code_taken_on_another_course_is_refused_naming_it(system: System) -> None:
    invoiced_cohort(system)
    assert _make(system, INVOICED, "dupa")[0] == 201
    status, body = _make(system, COURSE_ID, "DUPA")
    assert status == 409, body
    name = system.course(INVOICED)["title"]
    assert f"already in use on {name}" in body
    assert "(as 'DUPA')" in body or "(as 'dupa')" in body

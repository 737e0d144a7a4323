"""The *Money* page names whose money each line is (it listed references
only, so "has Priya Patel paid?" meant opening each one): the person's name beside the
reference, on the organisers' own screen; an erased person reads "[erased]"; no name is
logged."""

from __future__ import annotations

import logging

import pytest

from tests.support.console import signed_in
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System


def test_each_line_names_its_person(system: System, caplog: pytest.LogCaptureFixture) -> None:
    priya = system.booked(name="Priya Patel", email="priya@example.org")
    tom = system.booked(name="Tom Hughes", email="tom@example.org")
    caplog.set_level(logging.INFO)

    page = signed_in(system).get(f"/console/courses/{COURSE_ID}/money")

    assert page.status == 200
    said = text_of(page.body)
    assert "Reference Name Status" in said
    assert f"{priya['reference']} Priya Patel Confirmed £200.00" in said
    assert f"{tom['reference']} Tom Hughes Confirmed" in said
    assert not [r for r in caplog.records if "Priya" in r.getMessage()]


def test_an_erased_person_is_named_as_erased(system: System) -> None:
    ada = system.booked(name="Ada Gone", email="gone@example.org")
    assert system.admin("DELETE", "/people/gone@example.org").status == 200
    said = text_of(signed_in(system).get(f"/console/courses/{COURSE_ID}/money").body)
    assert f"{ada['reference']} [erased]" in said
    assert "Ada Gone" not in said

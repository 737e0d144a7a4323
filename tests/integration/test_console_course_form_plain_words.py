"""The organisers' *Add a course* page speaks plain words (its file hint read
"The same format as the files in courses/ and PUT /admin/courses/{id}", a developer's words on
a page every deployed organiser reads), and says the file's price is in pence. The token
sign-in, which names `make run`, is the local stack's own page (``infra/local``): a deployed
console signs in through the identity provider."""

from __future__ import annotations

from pathlib import Path

from tests.support.console import signed_in
from tests.support.page_text import text_of
from tests.support.system import System

ROOT = Path(__file__).resolve().parents[2]
LOCAL_SIGN_IN = ROOT / "infra/local/templates/local/sign_in.html"


def test_the_definition_file_hint_is_in_plain_words(system: System) -> None:
    page = signed_in(system).get("/console/courses/new")
    assert page.status == 200
    said = text_of(page.body)
    assert "A course definition file, written as the sample cohorts" in said
    assert "its price is in pence (20000 for £200.00)" in said
    for developer_words in ("PUT /admin", "courses/ and", "ADMIN_TOKEN", "make run"):
        assert developer_words not in said, developer_words


def test_only_the_local_stacks_sign_in_names_make_run() -> None:
    templates = ROOT / "functions/booking/templates"
    naming = [p for p in templates.rglob("*.html") if "make run" in p.read_text(encoding="utf-8")]
    assert naming == []
    assert "make run" in LOCAL_SIGN_IN.read_text(encoding="utf-8")


def test_the_follow_ups_offered_name_their_programme_by_its_title(system: System) -> None:
    """The list of follow-ups to join ended each line with the programme's slug
    ("..., compassionate-leadership"), an id on a page organisers read."""
    page = signed_in(system).get("/console/courses/new")
    said = text_of(page.body)
    assert "BST, Compassionate Leadership Training" in said
    assert "BST, compassionate-leadership" not in said

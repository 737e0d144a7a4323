"""The real course, by name: who runs it, who designed it, and every sentence in our own words."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from booking.domain.course import CourseDefinition
from tests.conftest import COURSES_DIR

COURSE_FILES = [COURSES_DIR / "compassionate-leadership.json", *COURSES_DIR.glob("past/*.json")]
PAGE_RUNS = Path(__file__).resolve().parents[1] / "support" / "course_page_runs.txt"
RUN = 8  # words: long enough that only a copied sentence matches, not a name or a fact


def _data(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _runs(text: str) -> set[str]:
    """Every run of RUN words, hashed as the published page's runs are."""
    words = re.findall(r"[a-z0-9&]+", text.lower().replace("\u2019", "").replace("'", ""))
    return {
        hashlib.sha256(" ".join(words[i : i + RUN]).encode()).hexdigest()[:16]
        for i in range(len(words) - RUN + 1)
    }


def _published_runs() -> set[str]:
    lines = PAGE_RUNS.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


@pytest.mark.parametrize("path", COURSE_FILES, ids=lambda p: p.name)
def test_the_facilitators_are_ruth_sequeira_and_catherine_cameron(path: Path) -> None:
    definition = CourseDefinition.model_validate(_data(path))
    named = dict(definition.public_facilitators())
    assert list(named) == ["Ruth Sequeira", "Catherine Cameron"]
    assert all(bio and len(bio) > 200 for bio in named.values())
    # Their copy goes to the address the file names: the centre's enquiries inbox.
    assert definition.facilitator_addresses() == [str(definition.enquiries_email)]
    assert "Sussex Mindfulness Centre" in (definition.organisation or "")


@pytest.mark.parametrize("path", COURSE_FILES, ids=lambda p: p.name)
def test_the_designers_and_the_research_stay_in_the_overview(path: Path) -> None:
    data = _data(path)
    overview = data["overview"]
    assert "Dr Robert Marx and Professor Clara Strauss designed this programme" in overview
    # He points to the research; the course page never says he led it.
    assert "Professor Michael West has given his career" in overview
    assert "points to research" in overview
    assert "Research led by" not in overview
    # Who runs it, as the course page says: the centre (it never says the Trust runs it).
    assert data["organisation"] == "Sussex Mindfulness Centre"
    bios = " ".join(f["bio"] for f in data["facilitators"])
    for designer in ("Marx", "Strauss", "West"):
        assert designer not in bios


@pytest.mark.parametrize("path", COURSE_FILES, ids=lambda p: p.name)
def test_no_sentence_of_the_published_page_is_copied(path: Path) -> None:
    data = _data(path)
    prose = [data["overview"], data["audience"], *(f["bio"] for f in data["facilitators"])]
    copied = set().union(*(_runs(text) for text in prose)) & _published_runs()
    assert not copied, "a run of 8 words matches the published page: say it in our own words"


def test_the_check_would_see_a_copied_sentence() -> None:
    # The follow-up dates as the page lists them (facts, not prose): the same run of words.
    as_listed = "Thursday 18 September 4.00 - 5.00pm, Wednesday 15 October 4.00 - 5.00pm"
    assert _runs(as_listed) & _published_runs()

"""The project stands alone: its README and docs link only to files in the repository, and
each link leads to a file that is there (a link to a moved page would leave a reader at a
dead end; one to a path outside the repository, to nothing on a reader's clone)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _documents() -> list[Path]:
    tracked = subprocess.run(
        ["git", "ls-files", "*.md"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [ROOT / name for name in tracked]


def test_the_readme_and_the_docs_are_among_the_documents_read() -> None:
    read = {path.relative_to(ROOT).as_posix() for path in _documents()}
    assert {
        "README.md",
        "docs/README.md",
        "docs/API.md",
        "docs/cold-start.md",
        "docs/console.md",
        "docs/features/courses-and-applying.md",
        "infra/DEPLOY.md",
    } <= read


def _wrong_links(text: str, folder: Path) -> list[str]:
    """Links of ``text`` (a document in ``folder``) that leave the repository or lead nowhere."""
    wrong = []
    for target in LINK.findall(text):
        if target.startswith("#"):
            continue
        found = (folder / target.split("#", 1)[0]).resolve()
        if "://" in target or not found.is_relative_to(ROOT) or not found.exists():
            wrong.append(target)
    return wrong


def test_the_index_of_the_docs_lists_every_document_in_docs() -> None:
    """docs/README.md is where a reader finds every document: one added without a line there is
    found by nobody who does not already know its name."""
    index = ROOT / "docs" / "README.md"
    linked = {
        (index.parent / target.split("#", 1)[0]).resolve()
        for target in LINK.findall(index.read_text(encoding="utf-8"))
    }
    documents = {path.resolve() for path in _documents() if path.is_relative_to(ROOT / "docs")}
    assert sorted(str(p.relative_to(ROOT)) for p in documents - linked - {index.resolve()}) == []


def _anchor(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(document: Path) -> set[str]:
    text = document.read_text(encoding="utf-8")
    return {_anchor(heading) for heading in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)}


def _wrong_anchors(text: str, document: Path) -> list[str]:
    """Links of ``text`` (``document``'s) to a section that no heading of its document makes:
    a section moved to another file leaves its old links leading to the top of a page."""
    wrong = []
    for target in LINK.findall(text):
        path, _, anchor = target.partition("#")
        if not anchor or "://" in target:
            continue
        linked = (document.parent / path).resolve() if path else document
        if linked.suffix == ".md" and linked.exists() and anchor not in _anchors(linked):
            wrong.append(target)
    return wrong


@pytest.mark.parametrize("document", _documents(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_link_to_a_section_finds_its_heading(document: Path) -> None:
    assert _wrong_anchors(document.read_text(encoding="utf-8"), document) == []


def test_a_link_to_a_section_no_longer_there_is_caught() -> None:
    readme = ROOT / "README.md"
    text = "[here](#deployment) [moved](#refunds) [there](docs/features/refunds.md#refunds)"
    assert _wrong_anchors(text, readme) == ["#refunds"]


@pytest.mark.parametrize("document", _documents(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_link_leads_to_a_file_in_the_repository(document: Path) -> None:
    text = document.read_text(encoding="utf-8")
    assert _wrong_links(text, document.parent) == []


def test_a_link_outside_the_repository_or_to_nothing_is_caught() -> None:
    text = (
        "[ours](docs/API.md) [a section](#deployment) [theirs](../shared/CONTRACT.md) "
        "[the web](https://example.org/) [gone](docs/no-such-page.md#top)"
    )
    assert _wrong_links(text, ROOT) == [
        "../shared/CONTRACT.md",
        "https://example.org/",
        "docs/no-such-page.md#top",
    ]

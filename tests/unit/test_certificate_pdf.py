"""The certificate PDF writer: what it lays out, and what it never says to the logs."""

from __future__ import annotations

import io
import itertools
import logging
import warnings

import pypdf
import pytest

from booking.adapters.certificate_pdf import FpdfCertificateWriter
from booking.domain.register import CertificateDetails


def details(name: str, title: str = "Compassionate Leadership") -> CertificateDetails:
    return CertificateDetails(
        name=name,
        course_title=title,
        dates="1 to 3 November 2026",
        hours="6 hours",
        facilitators=("Grace Hopper",),
        reference="ABC123",
        verification_url="https://example.org/certificates/" + "x" * 43,
        issued="4 November 2026",
    )


NAMES_THE_FONT_LACKS = ["王小明 Refund", "अनिल कुमार", "สมชาย ใจดี", "Ada 🎓 Byron"]


@pytest.mark.parametrize("name", NAMES_THE_FONT_LACKS)
def test_a_name_the_font_lacks_leaves_no_trace_in_logs_warnings_or_output(
    name: str, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        content = FpdfCertificateWriter().certificate(details(name))
    assert content.startswith(b"%PDF")
    out, err = capsys.readouterr()
    said = caplog.text + out + err + "".join(str(w.message) for w in warned)
    for word in name.split():
        assert word not in said
    assert "missing" not in said


def text_lines(content: bytes) -> list[tuple[float, float, str]]:
    """Each line of text on the page: (baseline y in points from the foot, font size, text)."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    [page] = reader.pages
    found: list[tuple[float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            found.append((tm[5] * cm[3] + cm[5], size * tm[3] * cm[3], text.strip()))

    page.extract_text(visitor_text=visit)
    return found


LONGEST_NAME = "W" * 200  # the longest accepted (ShortText), one word, the widest letter
LONGEST_TITLE = ("Compassionate leadership " * 8)[:200]


@pytest.mark.parametrize(
    ("name", "title", "facilitators"),
    [
        (LONGEST_NAME, LONGEST_TITLE, ("Grace Hopper",)),
        (
            "W" * 164,
            "Compassionate Leadership",
            tuple(f"Facilitator {n} " + "X" * 180 for n in range(20)),
        ),
        ("Ada Lovelace", "Compassionate Leadership", ("Grace Hopper",)),
    ],
)
def test_long_names_and_titles_shrink_to_fit_between_the_top_and_the_footer(
    name: str, title: str, facilitators: tuple[str, ...]
) -> None:
    said = CertificateDetails(**{**details(name, title).__dict__, "facilitators": facilitators})
    lines = text_lines(FpdfCertificateWriter().certificate(said))
    page_height = 595.28  # A4 landscape, points
    border = 10 / 25.4 * 72
    assert all(border < y < page_height - border for y, _, _ in lines), lines
    # No two lines overlap: each baseline is at least the lower line's type size apart.
    ordered = sorted(lines, key=lambda line: -line[0])
    for (upper, _, a), (lower, size, b) in itertools.pairwise(ordered):
        assert upper - lower >= size * 0.9, (a, b)
    text = "".join(t for _, _, t in lines)
    assert name in text.replace("\n", "")
    assert "genuine" in text


@pytest.mark.parametrize(
    ("name", "missing"),
    [
        ("王小明 Refund", "王小明"),
        ("अनिल", "अनिल"),
        ("สมชาย", "สมชาย"),
        ("Ada 🎓 Byron", "🎓"),
        ("Zoë Ἀθηνᾶ Мария", ""),
        ("José Müller-Łukasz", ""),
    ],
)
def test_the_characters_the_font_cannot_print_are_found_before_the_pdf_is_made(
    name: str, missing: str
) -> None:
    assert FpdfCertificateWriter().unprintable(name) == missing


def test_the_pdfs_author_is_who_runs_the_course_never_the_title() -> None:
    said = CertificateDetails(**{**details("Ada").__dict__, "organisation": "The Centre"})
    reader = pypdf.PdfReader(io.BytesIO(FpdfCertificateWriter().certificate(said)))
    assert reader.metadata is not None
    assert reader.metadata.author == "The Centre"
    untold = pypdf.PdfReader(io.BytesIO(FpdfCertificateWriter().certificate(details("Ada"))))
    assert untold.metadata is None or untold.metadata.author != "Compassionate Leadership"

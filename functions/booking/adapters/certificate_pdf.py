"""Certificates of completion as PDF, laid out with fpdf2.

Lambda has no system fonts, and a name may be written in any script, so the text is set in
DejaVu Sans (Unicode TrueType, free licence: ``fonts/LICENSE-DejaVu.txt``), shipped in the
package. fpdf2 (and Pillow beneath it) is imported when the first certificate is made, never
at a function's cold start.

fpdf2 reports what it cannot print by quoting it (``Font ... is missing the following glyphs:
'王' ...``): the characters of a person's name. Nothing fpdf2 (or its libraries) says may reach
the logs, so its loggers are cut off from the application's handlers and its warnings are
swallowed while a certificate is made.
"""

from __future__ import annotations

import functools
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from booking.domain.register import CertificateDetails

if TYPE_CHECKING:
    from fpdf import FPDF

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FAMILY = "DejaVuSans"
# The loggers of the libraries that lay the PDF out; each may quote the text it is given.
PDF_LIBRARY_LOGGERS = ("fpdf", "fontTools", "PIL")


def _silence_pdf_libraries() -> None:
    """Cut the PDF libraries' loggers off from every handler (idempotent: run before each
    certificate, so a later logging set-up cannot reconnect them)."""
    for name in PDF_LIBRARY_LOGGERS:
        library_logger = logging.getLogger(name)
        library_logger.propagate = False
        library_logger.setLevel(logging.CRITICAL + 1)
        if not any(isinstance(h, logging.NullHandler) for h in library_logger.handlers):
            library_logger.addHandler(logging.NullHandler())


@functools.cache
def _printable_characters() -> frozenset[int]:
    """The code points both faces of the font have a glyph for (the name is set in bold, the
    rest in regular), read from their character maps."""
    from fontTools.ttLib import TTFont

    faces = []
    for file in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        with TTFont(str(FONTS / file), lazy=True) as font:
            faces.append(frozenset(font.getBestCmap()))
    return faces[0] & faces[1]


class FpdfCertificateWriter:
    def unprintable(self, text: str) -> str:
        _silence_pdf_libraries()
        printable = _printable_characters()
        missing = (c for c in text if not c.isspace() and ord(c) not in printable)
        return "".join(dict.fromkeys(missing))

    def certificate(self, details: CertificateDetails) -> bytes:
        _silence_pdf_libraries()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self._laid_out(details)

    def _laid_out(self, details: CertificateDetails) -> bytes:
        from fpdf import FPDF

        pdf = FPDF(orientation="landscape", format="A4")
        pdf.set_title(f"Certificate of completion: {details.course_title}")
        if details.organisation:
            pdf.set_author(details.organisation)
        pdf.set_auto_page_break(auto=False)
        pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        pdf.add_page()
        pdf.set_draw_color(60, 90, 120)
        pdf.set_line_width(1.2)
        pdf.rect(BORDER, BORDER, pdf.w - 2 * BORDER, pdf.h - 2 * BORDER)
        body = _body(details)
        scale = _fitting_scale(pdf, body)
        pdf.set_y(BODY_TOP)
        for block in body:
            pdf.ln(block.space_before * scale)
            _block(pdf, block, scale)
        pdf.set_y(pdf.h - FOOTER_HEIGHT)
        for block in _footer(details):
            _block(pdf, block, 1.0)
        return bytes(pdf.output())


# Page layout, in mm (A4 landscape, 297 x 210): the body sits between its top and the footer,
# which holds the reference and the verification address at the foot of the border.
BORDER = 10.0
BODY_TOP = 28.0
FOOTER_HEIGHT = 48.0
FOOTER_GAP = 4.0  # between the body's last line and the footer's first
LINE_HEIGHT = 0.55  # mm of line per point of type
SMALLEST_SCALE = 0.25  # how far a long name, title or list of facilitators shrinks the body


@dataclass(frozen=True)
class _Block:
    """One paragraph of the certificate: its text and how it is set."""

    text: str
    size: float  # points, before shrinking
    bold: bool = False
    space_before: float = 0.0  # mm, before shrinking


def _body(details: CertificateDetails) -> list[_Block]:
    blocks = [
        _Block("Certificate of completion", 28, bold=True),
        _Block("This certifies that", 14, space_before=6),
        _Block(details.name, 26, bold=True, space_before=2),
        _Block("completed", 14, space_before=2),
        _Block(details.course_title, 20, bold=True, space_before=2),
        _Block(details.dates, 13, space_before=4),
        _Block(details.training, 13),
    ]
    if details.facilitators:
        blocks.append(_Block("Facilitated by " + _listed(details.facilitators), 13))
    return blocks


def _footer(details: CertificateDetails) -> list[_Block]:
    return [
        _Block(f"Reference {details.reference} · issued {details.issued}", 10),
        _Block("Check that this certificate is genuine at", 10),
        _Block(details.verification_url, 9),
    ]


def _fitting_scale(pdf: FPDF, body: list[_Block]) -> float:
    """The largest scale (1 down to SMALLEST_SCALE) at which the body, long names and titles
    wrapped onto as many lines as they need, ends above the footer."""
    room = pdf.h - FOOTER_HEIGHT - FOOTER_GAP - BODY_TOP
    scale = 1.0
    while scale > SMALLEST_SCALE:
        if _height(pdf, body, scale) <= room:
            return scale
        scale -= 0.05
    return SMALLEST_SCALE


def _height(pdf: FPDF, body: list[_Block], scale: float) -> float:
    height = 0.0
    for block in body:
        _font(pdf, block, scale)
        lines = pdf.multi_cell(
            0, block.size * scale * LINE_HEIGHT, block.text, align="C", dry_run=True, output="LINES"
        )
        assert isinstance(lines, list)  # output="LINES": the lines the text wraps onto
        height += block.space_before * scale + len(lines) * block.size * scale * LINE_HEIGHT
    return height


def _font(pdf: FPDF, block: _Block, scale: float) -> None:
    pdf.set_font(FAMILY, "B" if block.bold else "", block.size * scale)


def _block(pdf: FPDF, block: _Block, scale: float) -> None:
    _font(pdf, block, scale)
    # Centred across the page, wrapping a long name or title onto further lines.
    pdf.multi_cell(
        0,
        block.size * scale * LINE_HEIGHT,
        block.text,
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )


def _listed(names: tuple[str, ...]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]

"""Certificates of completion as PDF, laid out with fpdf2.

Lambda has no system fonts, and a name may be written in any script, so the text is set in
DejaVu Sans (Unicode TrueType, free licence: ``fonts/LICENSE-DejaVu.txt``), shipped in the
package. fpdf2 (and Pillow beneath it) is imported when the first certificate is made, never
at a function's cold start.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from booking.domain.register import CertificateDetails

if TYPE_CHECKING:
    from fpdf import FPDF

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FAMILY = "DejaVuSans"


class FpdfCertificateWriter:
    def certificate(self, details: CertificateDetails) -> bytes:
        from fpdf import FPDF

        pdf = FPDF(orientation="landscape", format="A4")
        pdf.set_title(f"Certificate of completion: {details.course_title}")
        pdf.set_author(details.course_title)
        pdf.set_auto_page_break(auto=False)
        pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        pdf.add_page()
        pdf.set_draw_color(60, 90, 120)
        pdf.set_line_width(1.2)
        pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
        pdf.set_y(28)
        _line(pdf, "Certificate of completion", 28, bold=True)
        pdf.ln(6)
        _line(pdf, "This certifies that", 14)
        pdf.ln(2)
        _line(pdf, details.name, 26, bold=True)
        pdf.ln(2)
        _line(pdf, "completed", 14)
        pdf.ln(2)
        _line(pdf, details.course_title, 20, bold=True)
        pdf.ln(4)
        _line(pdf, details.dates, 13)
        _line(pdf, f"{details.hours} of training", 13)
        if details.facilitators:
            _line(pdf, "Facilitated by " + _listed(details.facilitators), 13)
        pdf.set_y(pdf.h - 48)
        _line(pdf, f"Reference {details.reference} · issued {details.issued}", 10)
        _line(pdf, "Check that this certificate is genuine at", 10)
        _line(pdf, details.verification_url, 9)
        return bytes(pdf.output())


def _line(pdf: FPDF, text: str, size: float, *, bold: bool = False) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", size)
    # Centred across the page, wrapping a long name or title onto a second line.
    pdf.multi_cell(0, size * 0.55, text, align="C", new_x="LMARGIN", new_y="NEXT")


def _listed(names: tuple[str, ...]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]

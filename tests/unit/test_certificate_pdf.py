"""The certificate PDF writer: what it lays out, and what it never says to the logs."""

from __future__ import annotations

import logging
import warnings

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

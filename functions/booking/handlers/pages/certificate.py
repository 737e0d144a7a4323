"""The public page that confirms a certificate of completion is genuine."""

from __future__ import annotations

from booking.domain.attendance import training_words
from booking.handlers.pages.templates import environment
from booking.services.register import VerifiedCertificate


def certificate_page(verified: VerifiedCertificate) -> str:
    return (
        environment()
        .get_template("pages/certificate.html")
        .render(
            name=verified.name,
            course_title=verified.course_title,
            dates=verified.dates,
            hours=training_words(verified.hours, verified.course_hours),
            reference=verified.reference,
        )
    )

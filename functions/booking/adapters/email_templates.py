"""Render an email (subject, plain text, HTML) from the Jinja2 templates of its kind.

Each :class:`EmailKind` has ``<kind>.txt`` and ``<kind>.html`` under ``templates/emails``. The
subject is the ``subject`` block of the text template, so wording lives in one place per
message. HTML is autoescaped (every applicant-supplied value arrives escaped); plain text is not
escaped, because ``&lt;`` in a plain-text email is exactly what a reader should not see. Both use
StrictUndefined: a template naming a value the code does not provide fails the test suite (which
renders every kind) instead of sending a message with a hole in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from booking.domain.email_values import MissingEmailValue
from booking.domain.emails import EmailKind
from booking.domain.wording import places_words
from booking.services.ports import RenderedEmail


class _NonePrinted(Exception):
    """A template printed a value its context did not have (None)."""


def _never_none(value: object) -> object:
    # Every ``{{ ... }}`` passes here: None would be written to a person as "None".
    if value is None:
        raise _NonePrinted
    return value


@lru_cache(maxsize=2)
def _environment(html: bool) -> Environment:
    environment = Environment(
        loader=PackageLoader("booking", "templates/emails"),
        # Plain text is never HTML: escaping it would show readers "&amp;" and "&lt;".
        autoescape=html,  # noqa: S701
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_never_none,
        # A deployed function's templates never change: a compiled one is used as it is,
        # never checked against its file again (ten stat calls in each email job: the text
        # and HTML templates and the layouts they extend).
        auto_reload=False,
    )
    environment.filters["places"] = places_words
    return environment


def render(kind: EmailKind, context: Mapping[str, object]) -> RenderedEmail:
    """The message, refused (``MissingEmailValue``) where a value it prints is None, rather
    than sent saying "None"."""
    try:
        return _rendered(kind, context)
    except _NonePrinted:
        raise MissingEmailValue(kind, ("a value its template prints",)) from None


def _rendered(kind: EmailKind, context: Mapping[str, object]) -> RenderedEmail:
    text_template = _environment(False).get_template(f"{kind.value}.txt")
    html_template = _environment(True).get_template(f"{kind.value}.html")
    subject_block = text_template.blocks["subject"]
    subject = "".join(subject_block(text_template.new_context(dict(context))))
    return RenderedEmail(
        subject=" ".join(subject.split()),
        text=text_template.render(context),
        html=html_template.render(context),
    )


class JinjaEmailRenderer:
    """The ``EmailRenderer`` port on the package's templates."""

    def render(self, kind: EmailKind, context: Mapping[str, object]) -> RenderedEmail:
        return render(kind, context)

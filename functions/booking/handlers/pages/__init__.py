"""HTML pages for people using a browser: the courses, the application form, the status page
and the error page, one module each (``templates`` holds what they share).

Jinja2 with autoescaping: every value an applicant typed is escaped on the way out, and
``StrictUndefined`` turns a template mistake into a test failure instead of a blank.

The pages work without JavaScript: the form posts as a plain HTML form, errors come back beside
their fields with a summary at the top (focused with ``autofocus``), and the status page reads
the ``checkout=success|cancelled`` flag the system appends to Stripe's return URLs.

Each page's module loads when one of its names is first asked of this package: the console,
which renders its own pages with ``templates``' environment, loads none of the public pages
(their use cases and wording) at its init.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from booking.handlers.pages.apply import apply_form, friendly_error
    from booking.handlers.pages.courses import courses_page
    from booking.handlers.pages.error import error_page
    from booking.handlers.pages.status import status_page
    from booking.handlers.pages.templates import environment, load_templates

# Each name this package serves -> the module of its own that defines it.
_DEFINED_IN = {
    "apply_form": "apply",
    "friendly_error": "apply",
    "courses_page": "courses",
    "error_page": "error",
    "status_page": "status",
    "environment": "templates",
    "load_templates": "templates",
}

__all__ = [
    "apply_form",
    "courses_page",
    "environment",
    "error_page",
    "friendly_error",
    "load_templates",
    "status_page",
]


def __getattr__(name: str) -> Any:
    """PEP 562: a page's name, loaded from its module when first asked (then kept here)."""
    if name not in _DEFINED_IN:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_DEFINED_IN[name]}"), name)
    globals()[name] = value
    return value

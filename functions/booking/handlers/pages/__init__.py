"""HTML pages for people using a browser: the courses, the application form, the status page
and the error page, one module each (``templates`` holds what they share).

Jinja2 with autoescaping: every value an applicant typed is escaped on the way out, and
``StrictUndefined`` turns a template mistake into a test failure instead of a blank.

The pages work without JavaScript: the form posts as a plain HTML form, errors come back beside
their fields with a summary at the top (focused with ``autofocus``), and the status page reads
the ``checkout=success|cancelled`` flag the system appends to Stripe's return URLs.
"""

from booking.handlers.pages.apply import apply_form, friendly_error
from booking.handlers.pages.courses import courses_page
from booking.handlers.pages.error import error_page
from booking.handlers.pages.status import status_page
from booking.handlers.pages.templates import environment, load_templates

__all__ = [
    "apply_form",
    "courses_page",
    "environment",
    "error_page",
    "friendly_error",
    "load_templates",
    "status_page",
]

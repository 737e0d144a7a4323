"""A value as a form-encoded body posted it: ``handlers.http.read_body`` marks each one, so that
the rules reading a body can tell a form's word from a JSON client's string (a checkbox is a
word only in a form: ``domain.application_form``). Standard library only: every HTTP handler
loads it at its cold start."""

from __future__ import annotations

from collections.abc import Mapping

# What a ticked box posts in a form, exactly: a browser's "on" (the HTML forms give their boxes
# no other value), or "true" or "True" from a form written by hand or by a script (Python's
# True, urlencoded). Nothing else counts: not "yes", "1", nor "True " with a stray space; a box
# left unticked is left out (``application_form.box_ticked``).
TICKED_IN_A_FORM = frozenset({"on", "true", "True"})

# The console's choice to cancel keeping the money paid, beside the refund's "on": a choice
# sent either way, as a box left unticked sends nothing from a form sent by GET, and the next
# page's address would end in a bare "?".
REFUND_KEPT = "keep"


class FormText(str):
    """A form's value: the string as posted."""

    __slots__ = ()


def posted_as_form(body: Mapping[str, object]) -> bool:
    """Whether ``body`` came as a form (its values marked ``FormText``), not as JSON."""
    return any(isinstance(value, FormText) for value in body.values())

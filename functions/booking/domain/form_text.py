"""A value as a form-encoded body posted it: ``handlers.http.read_body`` marks each one, so that
the rules reading a body can tell a form's word from a JSON client's string (a checkbox is a
word only in a form: ``domain.application_form``). Standard library only: every HTTP handler
loads it at its cold start."""

from __future__ import annotations


class FormText(str):
    """A form's value: the string as posted."""

    __slots__ = ()

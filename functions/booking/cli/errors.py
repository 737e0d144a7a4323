"""What stops a ``course-booking`` command: a refusal (exit status 1) or a command given
wrongly (exit status 2), each said in one line on stderr by :func:`booking.cli.main`."""

from __future__ import annotations


class CliError(Exception):
    """A refusal, said in one line (or a line and its fields): exit status 1."""

    exit_status = 1


class UsageError(CliError):
    """The command was not given as it must be (argparse's own, a missing --url, a token no
    token can be): exit status 2, as argparse exits."""

    exit_status = 2

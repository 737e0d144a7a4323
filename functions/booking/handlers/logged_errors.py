"""How a handler logs an error it did not expect, without the personal data in it.

pydantic's ValidationError repeats the input it refused in its message (``input_value='...'``):
a name, an address, an answer. A model that refuses a value no earlier check caught (a
colleague built from a substitution's name) would put it in the log with the
traceback. So such an error is logged by where and why only; any other goes with its
traceback, which names no value of ours (our own errors carry no personal data)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from pydantic import ValidationError


def log_unexpected(logger: Logger, message: str, error: BaseException, **extra: Any) -> None:
    """Log ``error``, which reached a handler's last resort, under ``message``."""
    if isinstance(error, ValidationError):
        refused = [
            {"loc": list(e["loc"]), "type": e["type"]}
            for e in error.errors(include_url=False, include_context=False, include_input=False)
        ]
        logger.error(
            message,
            extra={
                **extra,
                "exception_name": "ValidationError",
                "model": error.title,
                "refused": refused,
            },
        )
        return
    logger.exception(message, extra=extra)

"""A request body's text, read strictly (``http.read_body`` answers what is refused as a 400):
bytes that are not UTF-8 (a body sent as latin-1, or a form percent-encoding latin-1: ``%E9``,
or a multipart form's text field, or a part's name or filename) and a field named twice (in a
JSON object, a urlencoded form or a multipart form) are refused in words, never read with
U+FFFD put in for the bytes or the last of two values silently kept."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from booking.domain import json_once
from booking.domain.errors import InvalidInput
from booking.domain.form_text import FormText
from booking.domain.text import UNREADABLE

if TYPE_CHECKING:  # the parser is loaded only when a multipart form comes
    from email.message import Message

# What RFC 8259 (section 8.1) lets a JSON parser ignore, and a Windows tool may put first.
BYTE_ORDER_MARK = "\ufeff"
# The one charset a body may declare (or none): every body is read as UTF-8.
UTF_8_NAMES = frozenset({"utf-8", "utf8"})
# Half of a UTF-16 pair: JSON's \u escapes can write one alone (``"\ud800"``), which no text
# holds; told beside its field in words, as U+FFFD is.
_SURROGATES = range(0xD800, 0xE000)


class UnreadBody(ValueError):
    """A body refused as it was sent, in words (the message)."""


def strict_utf8(body: bytes, what: str) -> str:
    """``body`` decoded as UTF-8, strictly (``what``: "the body", "the form")."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadBody(f"{what} is not valid UTF-8: send it encoded as UTF-8") from exc


def declared_charset(content_type: str) -> str | None:
    """The charset a Content-Type declares (``application/json; charset=latin-1``), lower-cased
    and unquoted; None when it declares none."""
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').strip().lower()
    return None


def refuse_other_charsets(content_type: str) -> None:
    """A body declared in a charset other than UTF-8 is refused by the charset it names, never
    read as UTF-8 regardless."""
    charset = declared_charset(content_type)
    if charset is not None and charset not in UTF_8_NAMES:
        raise UnreadBody(
            f"the body is declared as charset={charset}: only UTF-8 is read here, so send it "
            "encoded as UTF-8 (charset=utf-8, or no charset)"
        )


def json_text(body: bytes) -> str:
    """A JSON body's text: strictly UTF-8, a byte order mark first taken as RFC 8259 allows."""
    return strict_utf8(body, "the body").removeprefix(BYTE_ORDER_MARK)


def whole_characters(parsed: dict[str, Any]) -> dict[str, Any]:
    """``parsed`` (a JSON body's object, an uploaded file's), refused InvalidInput naming each
        field that holds half of a UTF-16 pair (:func:`half_characters`): the one check of every
        JSON read, so the console's upload says it beside the field as the API and the CLI do
    , never in the model's parser's words."""
    halves = half_characters(parsed)
    if halves:
        raise InvalidInput("some fields need attention", halves)
    return parsed


def file_json_object(content: bytes) -> dict[str, Any]:
    """An uploaded file's one JSON object, read as a JSON body is (:func:`json_text`, each key
    once, :func:`whole_characters`); UnreadBody says in the organiser's words what is wrong
    with the file, InvalidInput which of its fields holds half a character."""
    try:
        data = json_once.loads_once_each(json_text(content))
    except json_once.GivenTwice as twice:
        raise UnreadBody(f"The file has a mistake: {twice}") from None
    except UnreadBody:
        raise UnreadBody("The file is not text in UTF-8: save it as UTF-8 JSON") from None
    except (ValueError, RecursionError):
        raise UnreadBody("The file is not JSON: save the definition as a .json file") from None
    if not isinstance(data, dict):
        raise UnreadBody("The file must hold one JSON object")
    return whole_characters(data)


def half_characters(parsed: Any) -> dict[str, str]:
    """Each string in a parsed JSON body holding half of a UTF-16 pair, by its field's path
    (``name``, ``colleagues.0.name``), in words; a field's own name holding one is told under
    ``body``."""
    found: dict[str, str] = {}
    stack: list[tuple[str, Any]] = [("", parsed)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            for name, inner in value.items():
                if _half(name) is not None:
                    found.setdefault("body", "a field's name " + str(_half(name)))
                    continue
                stack.append((f"{where}.{name}" if where else name, inner))
        elif isinstance(value, list):
            stack.extend((f"{where}.{i}" if where else str(i), v) for i, v in enumerate(value))
        elif isinstance(value, str) and _half(value) is not None:
            found[where or "body"] = f"this {_half(value)}"
    return found


def _half(text: str) -> str | None:
    half = next((c for c in text if ord(c) in _SURROGATES), None)
    if half is None:
        return None
    return (
        f"has a character that could not be read (\\u{ord(half):04x}, half of a pair written "
        "alone): type it again (the program that sent it did not send the character whole)"
    )


def form_pairs(body: bytes) -> list[tuple[str, str]]:
    """A form's names and values in order, its percent-encoded bytes UTF-8 too. A form has no
    byte order mark (it is ASCII by definition): one first is refused as that, not read as the
    first name's first character."""
    text = strict_utf8(body, "the form")
    if text.startswith(BYTE_ORDER_MARK):
        raise UnreadBody("the form begins with a byte order mark (EF BB BF): send it without one")
    try:
        return parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise UnreadBody("the form is not valid UTF-8 (a percent-encoded byte is not)") from exc


def once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A body's fields, each given once: a JSON object (``json.loads``' object_pairs_hook), a
    urlencoded form's pairs, a multipart form's parts. JSON and forms allow a name twice, the
    last winning in most readers, but which of two emails was meant is not ours to guess. No
    form of ours posts a name twice (a radio group or a row of submit buttons posts the one
    chosen; each box has its own name), so a name given twice came from a script or a proxy."""
    try:
        return json_once.once_each(pairs)
    except json_once.GivenTwice as twice:
        raise UnreadBody(str(twice)) from None


@dataclass(frozen=True)
class FilePart:
    """A file posted in a ``multipart/form-data`` form."""

    filename: str
    content: bytes


def multipart_fields(body: bytes, content_type: str) -> dict[str, Any]:
    """A multipart form's fields, read as strictly as a urlencoded form's: a name given twice,
    a text field, or a part's name or filename that is not UTF-8 are refused in words
    (``UnreadBody``); text fields are marked as a form's (``FormText``)."""
    from email.parser import BytesParser
    from email.policy import HTTP

    # The parser reads a MIME message: the request's Content-Type makes its header.
    header = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=HTTP).parsebytes(header + body)
    fields: list[tuple[str, Any]] = []
    for part in message.iter_parts() if message.is_multipart() else []:
        disposition = _disposition(part)
        name = disposition.get("name")
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if name is None:
            continue  # no field: a part without a name is no form's
        filename = disposition.get("filename")
        fields.append(
            (
                name,
                FilePart(filename, data)
                if filename is not None
                else FormText(strict_utf8(data, f"the field {name}")),
            )
        )
    return once_each(fields)


def _disposition(part: Message) -> dict[str, str]:
    """A part's Content-Disposition parameters (its name, its filename), the header's bytes
    read strictly as UTF-8 (the parser's own reading put U+FFFD for any other
    byte, so a latin-1 filename reached an upload altered); one given in RFC 2231 form
    (``name*=UTF-8''f%C3%A9``) decoded, refused if its bytes are not of its charset."""
    from email.policy import HTTP

    # Parsed from bytes, a header keeps each non-ASCII byte as a surrogate escape.
    raw = next((v for k, v in part.raw_items() if k.lower() == "content-disposition"), "")
    text = strict_utf8(str(raw).encode("ascii", "surrogateescape"), "a part's header of the form")
    parsed = HTTP.header_factory("content-disposition", re.sub(r"[\r\n]", "", text))
    params = {str(k): str(v) for k, v in getattr(parsed, "params", {}).items()}
    for said in ("name", "filename"):
        if UNREADABLE in params.get(said, ""):
            raise UnreadBody(
                f"a part's {said} has a character that could not be read ({UNREADABLE}): "
                "send it encoded as UTF-8"
            )
    return params

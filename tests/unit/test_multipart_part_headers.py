"""A multipart part's name and filename are read as strictly as its text: the
part's header bytes as UTF-8 or refused in words, never read with U+FFFD put in (a filename
reaching a course's upload and an email attachment silently altered); a name in RFC 2231 form
(``name*=UTF-8''...``) is read, not dropped (a required field then read as missing), and one
whose bytes are no UTF-8 is refused."""

from __future__ import annotations

import pytest

from booking.handlers.body_text import FilePart, UnreadBody, multipart_fields

BOUNDARY = "XX"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def _body(disposition: bytes, value: bytes = b"hello") -> bytes:
    return (
        f"--{BOUNDARY}\r\nContent-Disposition: ".encode()
        + disposition
        + b"\r\n\r\n"
        + value
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


@pytest.mark.parametrize(
    "disposition",
    [
        b'form-data; name="f\xe9"',
        b'form-data; name="file"; filename="r\xe9.csv"',
    ],
)
def test_a_name_or_filename_not_in_utf_8_is_refused_in_words(disposition: bytes) -> None:
    with pytest.raises(UnreadBody, match="header of the form is not valid UTF-8"):
        multipart_fields(_body(disposition), CONTENT_TYPE)


def test_a_name_and_filename_in_utf_8_are_read_as_sent() -> None:
    disposition = 'form-data; name="fé"; filename="ré.csv"'.encode()

    fields = multipart_fields(_body(disposition), CONTENT_TYPE)

    assert fields == {"fé": FilePart("ré.csv", b"hello")}


def test_a_name_in_rfc_2231_form_is_read() -> None:
    disposition = b"form-data; name*=UTF-8''f%C3%A9"

    assert multipart_fields(_body(disposition), CONTENT_TYPE) == {"fé": "hello"}


@pytest.mark.parametrize(
    "disposition",
    [b"form-data; name*=UTF-8''f%E9", b"form-data; name=x; filename*=UTF-8''r%E9.csv"],
)
def test_an_rfc_2231_name_or_filename_whose_bytes_are_no_utf_8_is_refused(
    disposition: bytes,
) -> None:
    with pytest.raises(UnreadBody, match="could not be read"):
        multipart_fields(_body(disposition), CONTENT_TYPE)

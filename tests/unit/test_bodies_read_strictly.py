"""A body is read as what was sent: bytes that are not UTF-8 (JSON sent as
latin-1, a form percent-encoding latin-1) and a JSON field given twice are refused in words,
never stored with U+FFFD in a name or the last of two emails silently kept; a name of emoji
alone is refused as that, not as "none that show"; the local front passes a body that is not
UTF-8 on as its bytes, as API Gateway passes bytes it cannot send as text."""

from __future__ import annotations

import base64

import pytest

from booking.domain.errors import InvalidInput
from booking.domain.text import one_line, visible_name
from booking.handlers.http import FORM, JSON, BadRequest, UnsupportedMediaType, read_body
from infra.local.front import http_api_event


def test_json_sent_as_latin_1_is_refused_in_words() -> None:
    with pytest.raises(BadRequest, match="the body is not valid UTF-8"):
        read_body('{"name": "José Z"}'.encode("latin-1"), JSON)


@pytest.mark.parametrize("media_type", [JSON, FORM])
@pytest.mark.parametrize("charset", ["latin-1", "ISO-8859-1", '"utf-16"'])
def test_a_body_declared_in_another_charset_is_refused_by_it(media_type: str, charset: str) -> None:
    # ASCII bytes, read alike in every one of them: the declaration is refused, not ignored.
    with pytest.raises(UnsupportedMediaType, match="declared as charset=") as refused:
        read_body(b"{}" if media_type == JSON else b"a=1", f"{media_type}; charset={charset}")
    assert charset.strip('"').lower() in str(refused.value)


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", '"utf-8"', "utf8"])
def test_a_body_declared_utf_8_is_read(charset: str) -> None:
    assert read_body(b'{"a": 1}', f"{JSON}; charset={charset}") == {"a": 1}
    assert read_body(b"a=1", f"{FORM}; charset={charset}") == {"a": "1"}


def test_a_byte_order_mark_is_taken_before_json_and_refused_before_a_form() -> None:
    assert read_body(b'\xef\xbb\xbf{"a": 1}', JSON) == {"a": 1}
    with pytest.raises(BadRequest, match="the form begins with a byte order mark"):
        read_body(b"\xef\xbb\xbfa=1", FORM)


def test_half_of_a_pair_written_alone_is_told_beside_its_field_in_words() -> None:
    body = b'{"name": "Al \\ud800", "colleagues": [{"name": "\\udfff"}], "ok": "\\ud83d\\ude00"}'
    with pytest.raises(InvalidInput) as refused:
        read_body(body, JSON)
    assert set(refused.value.fields) == {"name", "colleagues.0.name"}
    assert "could not be read (\\ud800, half of a pair" in refused.value.fields["name"]
    # A whole pair (an emoji written as two escapes) is one character, taken.
    assert read_body(b'{"ok": "\\ud83d\\ude00"}', JSON) == {"ok": "\U0001f600"}


def test_a_form_percent_encoding_latin_1_is_refused_in_words() -> None:
    with pytest.raises(BadRequest, match="the form is not valid UTF-8"):
        read_body(b"name=Jos%E9+Zed&email=a%40example.org", FORM)
    assert read_body(b"name=Jos%C3%A9+Zed", FORM) == {"name": "José Zed"}


def test_a_json_field_given_twice_is_refused_by_its_name() -> None:
    with pytest.raises(BadRequest, match="the field email is given twice"):
        read_body(b'{"email": "x@example.org", "email": "y@example.org"}', JSON)
    with pytest.raises(BadRequest, match="the field a is given twice"):
        read_body(b'{"answers": {"a": 1, "a": 2}}', JSON)
    assert read_body(b'{"email": "x@example.org"}', JSON) == {"email": "x@example.org"}


def test_text_holding_an_unreadable_character_is_refused() -> None:
    with pytest.raises(ValueError, match="could not be read"):
        one_line("Jos\ufffd Z")
    with pytest.raises(ValueError, match="could not be read"):
        visible_name("Jos\ufffd Z")


def test_an_emoji_only_name_is_refused_as_that() -> None:
    with pytest.raises(ValueError, match="only punctuation, symbols or emoji"):
        visible_name("\U0001f600 \U0001f600")
    with pytest.raises(ValueError, match="none that show"):
        visible_name("\u200b ")
    assert visible_name("Zoë \U0001f600") == "Zoë \U0001f600"


def test_the_local_front_passes_bytes_that_are_not_utf_8_as_they_were_sent() -> None:
    sent = '{"name": "José"}'.encode("latin-1")
    event = http_api_event("POST", "/x", {"content-type": JSON}, sent, "127.0.0.1")
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == sent
    plain = http_api_event("POST", "/x", {"content-type": JSON}, b'{"a": 1}', "127.0.0.1")
    assert (plain["isBase64Encoded"], plain["body"]) == (False, '{"a": 1}')

"""Text people type, and text shown where no markup protects it. Pure rules.

Every value an applicant (or an organiser) types is held to one of two shapes:

- **one line** (a name, a job title, an organisation, a billing name, a PO number, a code):
  no line break of any kind (``\\n``, ``\\r``, the vertical tab and form feed, NEL, Unicode's
  line and paragraph separators) and no other control character, so nothing typed into it can
  start a new line in a roster, a CSV or a terminal;
- **free text** (an answer, an address, a message): line breaks and tabs allowed, no other
  control character.

Either, when given, must show something (:func:`visible_text`): a job title or a billing name
of zero-width spaces alone would print nothing where someone reads it. A person's name must
show a letter (:func:`visible_name`).

Neither may hold a bidirectional control (Unicode's ``Bidi_Control`` characters: the
embeddings, overrides, isolates and marks), which reorder what is displayed after them so that
"CL-7K3Q9 Ada" can be shown as something else ("Trojan Source"): nobody needs one to write a
name or an answer. Nor a tag character outside a flag's emoji (drawn as nothing: hidden words)
or a noncharacter (no character at all).

Stored text is shown in HTML escaped by the templates; where nothing escapes it (a terminal, a
CSV cell), :func:`shown_safely` writes every such character as a visible escape instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, ValidationInfo

from booking.domain.addresses import read_back

# Unicode's Bidi_Control property: ALM, LRM, RLM, LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Separators that start a new line without being control characters (category Zl, Zp).
LINE_SEPARATORS = frozenset("\u2028\u2029")
# Whitespace free text may hold.
FREE_TEXT_BREAKS = frozenset("\n\r\t")
# What starts a new line (or a column) where one line was asked for: the breaks Python's
# ``str.splitlines`` knows (the vertical tab, form feed, file/group/record separators, NEL),
# Unicode's separators and the tab; told as such, while another control character (NUL, escape)
# is told as a control character.
ONE_LINE_BREAKS = frozenset("\n\r\t\x0b\x0c\x1c\x1d\x1e\x85") | LINE_SEPARATORS


def _is_control(character: str) -> bool:
    """C0, DEL and C1 (category Cc), including every line break but the Unicode separators."""
    return unicodedata.category(character) == "Cc"


# What a decoder puts for bytes it could not read (a page sent as latin-1 read as UTF-8):
# never typed by a person, so never stored as their words.
UNREADABLE = "\ufffd"


def _bidi_refusal(value: str) -> None:
    if UNREADABLE in value:
        raise ValueError(
            "this has a character that could not be read (\ufffd): type it again (the page "
            "or program that sent it did not send UTF-8)"
        )
    if any(character in BIDI_CONTROLS for character in value):
        raise ValueError(
            "remove the invisible right-to-left or left-to-right control character "
            "(type the text as it reads)"
        )


# Unicode's tag characters (U+E0000 to U+E007F) are drawn as nothing, so words spelt in them are
# hidden in plain sight ("Ada" and "Ada" followed by tags look alike: ASCII smuggling); they
# belong only in an emoji's tag sequence (a subdivision's flag: the black flag, tags, the cancel
# tag), drawn as one flag and kept.
TAG_CHARACTERS = range(0xE0000, 0xE0080)
_FLAG_SEQUENCE = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")


def _is_noncharacter(character: str) -> bool:
    """Unicode's 66 noncharacters (U+FDD0 to U+FDEF, and the last two code points of each
    plane, U+FFFE, U+FFFF, ...): no character at all, never typed by a person."""
    point = ord(character)
    return 0xFDD0 <= point <= 0xFDEF or point & 0xFFFE == 0xFFFE


def _hidden_refusal(value: str) -> None:
    """Refuse a tag character outside a flag, or a noncharacter: what nobody
    types to write a name or an answer, and what shows nothing where it is read."""
    outside_flags = _FLAG_SEQUENCE.sub("", value)
    if any(ord(c) in TAG_CHARACTERS or _is_noncharacter(c) for c in outside_flags):
        raise ValueError(
            "remove the invisible character (a Unicode tag, or a code point that is no "
            "character): type the text as it reads"
        )


def one_line(value: str) -> str:
    """Refuse line breaks, control and bidirectional characters, and text given that shows
    nothing (:func:`visible_text`) (pydantic's AfterValidator)."""
    return visible_text(_one_line_shape(value))


def _one_line_shape(value: str) -> str:
    if any(character in ONE_LINE_BREAKS for character in value):
        raise ValueError("write this on one line, without line breaks or tabs")
    if any(_is_control(character) for character in value):
        # Another control character (NUL, escape, ...): not a line break, and not told as one.
        raise ValueError("remove the control characters (only letters, digits and spaces)")
    _bidi_refusal(value)
    _hidden_refusal(value)
    return value


# Letters drawn as nothing (the Hangul fillers): a name of these alone shows nothing.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
# Symbols drawn as nothing (the braille blank).
BLANK_SYMBOLS = frozenset("\u2800")


def shows_something(value: str) -> bool:
    """Whether ``value`` has a character that shows: a letter, a digit, a punctuation mark or a
    symbol, not a blank one (:data:`BLANK_LETTERS`, :data:`BLANK_SYMBOLS`); spaces, format
    characters (the zero-width space, the word joiner) and combining marks alone show nothing."""
    return any(
        unicodedata.category(c)[0] in "LNPS" and c not in BLANK_LETTERS and c not in BLANK_SYMBOLS
        for c in value
    )


def visible_text(value: str) -> str:
    """Refuse text given that shows nothing (pydantic's AfterValidator): the one rule for every
    free text a person or an organiser types and someone is shown (a job title, an answer, a
    billing name or address, a PO number, a course's title, a facilitator's name). Empty is
    left to the field (required, or left out); people's names are held to the stricter
    :func:`visible_name`."""
    if value and not shows_something(value):
        raise ValueError(
            "write it in characters that show: this has none (only spaces or invisible characters)"
        )
    return value


def shows_a_letter(value: str) -> bool:
    """Whether ``value`` has a letter or a digit that shows: not only spaces, format characters
    (the zero-width space, the word joiner: Unicode category Cf), combining marks alone, blank
    symbols (U+2800, the braille blank) or blank letters. The one rule for a name that prints
    something, on the forms and on a certificate (``domain.register.prints_in_full``)."""
    return any(unicodedata.category(c)[0] in "LN" and c not in BLANK_LETTERS for c in value)


def visible_name(value: str) -> str:
    """Refuse a name on more than one line, or with nothing that shows (pydantic's
    AfterValidator): a person's name, in the words a name is refused in."""
    _one_line_shape(value)
    if not shows_a_letter(value) and shows_something(value):
        # Emoji and other symbols show, but are not a name.
        raise ValueError(
            "write the name in letters: this has none, only punctuation, symbols or emoji "
            "(which a certificate or an email cannot address)"
        )
    if not shows_a_letter(value):
        raise ValueError(
            "write the name in letters: this has none that show (only spaces or invisible "
            "characters)"
        )
    return value


def free_text(value: str) -> str:
    """Allow line breaks and tabs; refuse other control and bidirectional characters, and text
    given that shows nothing (:func:`visible_text`). Unicode's line and paragraph separators
    become plain line breaks."""
    for separator in LINE_SEPARATORS:
        value = value.replace(separator, "\n")
    if any(_is_control(ch) and ch not in FREE_TEXT_BREAKS for ch in value):
        raise ValueError("remove the control characters (only letters, spaces and line breaks)")
    _bidi_refusal(value)
    _hidden_refusal(value)
    return visible_text(value)


def _as_typed(rule: Callable[[str], str]) -> Callable[[str, ValidationInfo], str]:
    """``rule`` for what a person types; what this system stored (validated with
    ``addresses.STORED``) was held to the rule of its day and is read back as it is."""

    def check(value: str, info: ValidationInfo) -> str:
        if read_back(info):
            return value
        return rule(value)

    return check


# The two shapes, for pydantic fields: ``Annotated[str, <constraints>, ONE_LINE]`` (after the
# length and stripping, so that a pasted name's trailing line break is stripped, not refused).
ONE_LINE = AfterValidator(_as_typed(one_line))
FREE_TEXT = AfterValidator(_as_typed(free_text))
# A person's name: one line, with a letter that shows (in its own words).
NAME_LINE = AfterValidator(_as_typed(visible_name))
# Text held to no shape but shown to someone: it shows something. (A course's texts are held to
# one of the two shapes since a title with a line break broke the calendar: its titles one line, its
# other words free text.)
VISIBLE_TEXT = AfterValidator(_as_typed(visible_text))
OneLine = Annotated[str, ONE_LINE]
FreeText = Annotated[str, FREE_TEXT]


def flattened(value: str) -> str:
    """``value`` on one line, for a place that cannot hold a line break or a control character
    (a calendar's parameter, a header): each of those, a line separator and a bidirectional
    control become a space, and runs of spaces one. Text stored before the one-line rule held
    it (or anything else this system writes there) never makes that place fail."""
    spaced = "".join(
        " "
        if _is_control(character) or character in BIDI_CONTROLS or character in LINE_SEPARATORS
        else character
        for character in value
    )
    return " ".join(spaced.split())


def _escaped(character: str) -> str:
    return f"\\u{ord(character):04x}"


def shown_safely(value: str, *, keep: frozenset[str] = frozenset()) -> str:
    """``value`` with every control, line separator and bidirectional character written as a
    visible escape (``\\u202e``), except those in ``keep``: for a terminal or a CSV cell, where
    a raw one would start a line or reorder what follows. Inside a JSON string the escape is
    JSON's own, so JSON stays JSON."""
    return "".join(
        _escaped(character)
        if character not in keep
        and (_is_control(character) or character in BIDI_CONTROLS or character in LINE_SEPARATORS)
        else character
        for character in value
    )

"""A cohort title that is another cohort's of the same programme but for a slip of the keys
(the organiser tester: "Compasionate Leadership Training" went onto the programme's
page beside its cohorts' "Compassionate Leadership Training", unwarned). The console's form
warns before the save and saves on a second press with the same title.

How alike: ``difflib.SequenceMatcher``'s ratio (twice the characters in common over both
lengths) of the two titles, case and surrounding spaces aside, at least ``LIKELY_TYPO``. At
0.9 one letter wrong, missing or doubled in a title of 10 characters or more is caught, and
two in one of 20 or more ("Compassionate Leadership Training" with two slips scores 0.97);
a title made different on purpose, by a word added, dropped or changed, is not
("Compassionate Leadership for Managers" 0.83, "Compassionate Leadership" 0.84, "Mindful
Leadership Training" 0.77). A difference in digits is never a typo here: cohorts are numbered
and dated on purpose ("... Training 2" scores 0.97). Case alone differing is a slip too
("compassionate Leadership Training"). A title equal to another cohort's is the programme's
own, never warned."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import SequenceMatcher

LIKELY_TYPO = 0.9


def likely_typo_of(title: str, others: Iterable[str]) -> str | None:
    """The other cohort's title ``title`` is most likely a mistyping of (None: none, or it is
    equal to one of them)."""
    listed = [other.strip() for other in others if other.strip()]
    typed = title.strip()
    if not typed or typed in listed:
        return None
    best: tuple[float, str] | None = None
    for other in dict.fromkeys(listed):
        score = _alike(typed, other)
        if score >= LIKELY_TYPO and (best is None or score > best[0]):
            best = (score, other)
    return best[1] if best else None


def _alike(typed: str, other: str) -> float:
    """How alike two titles are (0 to 1), case aside; 0 when they differ in a digit."""
    one, two = typed.casefold(), other.casefold()
    matcher = SequenceMatcher(None, one, two, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal" and any(c.isdigit() for c in one[i1:i2] + two[j1:j2]):
            return 0.0
    return matcher.ratio()

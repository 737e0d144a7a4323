"""What the course's page says once after a save in the console: "Course saved.", how many
people its changed dates are being emailed to (an organiser correcting a time
emailed everyone booked without a word of it), whom the save offered a place from the waiting
list (by name and reference: the console is the organiser's own screen), the follow-ups
without an id it seemed to move, and the price a place now costs, in pounds.

The one-time notice carries ids and days only (``console_app.after_action``): the page names
the people from the applications as it reads them then, so no name rides in a cookie.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from urllib.parse import quote

from booking.domain.application import Application
from booking.domain.money import money_words
from booking.domain.offered_words import MOST_NAMED, offered_said
from booking.domain.wording import moved_without_id_warning
from booking.services.console import CourseApplications
from booking.services.courses import SavedCourse

SAVED = "course_saved"


def saved_notice(saved: SavedCourse) -> tuple[str, str]:
    """Where a save leads (the course's page) and the notice's code for it: the days of the
    follow-ups it seemed to move without an id, how many it offered a place, the first of
    those (ids), how many its changes are emailed to and what they tell, and how many group
    bookings' apply-by dates it moved and how many of their managers it emailed, and the other
    cohorts whose people are emailed and how many of those emailed are booked on them, and
    the follow-ups whose replies it sends elsewhere (their keys):
    ``days|count|ids|emailed|told|groups|managers|cohorts|elsewhere|replies``."""
    days = ",".join(day.isoformat() for day in saved.moved_without_id)
    offered = saved.offered
    code = f"{days}|{len(offered)}|{','.join(offered[:MOST_NAMED])}|{saved.emailed}|{saved.told}"
    code += f"|{saved.groups_redated}|{saved.managers_told}|{','.join(saved.cohorts_told)}"
    code += f"|{saved.others_emailed}|{','.join(e.key for e in saved.replies_moved)}"
    return f"/console/courses/{quote(saved.course.course_id)}", code


def saved_said(
    code: str,
    listing: CourseApplications,
    named: Callable[[Sequence[str]], list[str]] = lambda ids: [],
    replies: Callable[[Sequence[str]], list[str]] = lambda keys: [],
    late: Callable[[], list[str]] = lambda: [],
) -> list[str]:
    """The notice's sentences: "Course saved." and whom it offered a place, then a warning per
    follow-up it seemed to move or whose replies it sends elsewhere (``replies``: said of the
    follow-ups by their keys) and per kind of invoice falling due too late (``late``, read
    now), and who is emailed (``named``: other cohorts by their names,
    from their ids). A code that is not one reads as a plain save."""
    fields = [*code.split("|"), *[""] * 10][:10]
    days, count, ids, emailed, told_of, groups, managers, cohorts, elsewhere, replied = fields
    said = ["Course saved."]
    if offered := _count(count):
        said.append(_offered_said(offered, _listed(ids)[:MOST_NAMED], listing))
    told = (
        [emailed_said(_count(emailed), told_of, named(_listed(cohorts)), _count(elsewhere))]
        if _count(emailed)
        else []
    )
    moved = _count(groups)
    regrouped = [groups_redated_said(moved, _count(managers))] if moved else []
    moved_replies = replies(_listed(replied)[:10])
    # Invoices falling due after they are needed (``late``), as they are read now.
    warned = [*_warnings(days), *moved_replies, *late()]
    return [*said, *warned, *told, *regrouped, _price_said(listing)]


def _count(field: str) -> int:
    """A count the notice's code carries (0: none, or not a count)."""
    return int(field) if field.isdigit() else 0


def _listed(field: str) -> list[str]:
    """The ids or keys the notice's code carries, comma-separated."""
    return [item for item in field.split(",") if item]


def groups_redated_said(count: int, managers: int) -> str:
    """ "2 group bookings' apply-by dates moved: ..." (said nothing), with the
    managers the save emailed (an unpaid booking's manager, or an erased one, is
    emailed nothing)."""
    groups = (
        "1 group booking's apply-by date"
        if count == 1
        else f"{count} group bookings' apply-by dates"
    )
    if managers == count:
        told = f"{'its manager is' if count == 1 else 'each manager is'} emailed the new date"
    else:
        emailed = "no manager is" if not managers else f"{managers} of their managers "
        emailed += "" if not managers else ("is" if managers == 1 else "are")
        told = (
            f"{emailed} emailed the new date (an unpaid booking's manager is given it when it "
            "is paid; an erased manager is emailed nothing)"
        )
    return (
        f"{groups} moved: {told}, and where it came earlier, each colleague not applied yet "
        "is sent their link again."
    )


def _price_said(listing: CourseApplications) -> str:
    """The price as saved, in pounds: a definition file gives it in pence, and one written in
    pounds (200 for £200.00) would open a £2.00 course without a word."""
    price = listing.course.definition.price
    return f"A place costs {money_words(price.amount, price.currency)}."


# What a save's messages tell (``domain.dates_changed.told_of``), in the notice's words.
TOLD_WORDS = {
    "dates": "the changed dates and times",
    "link": "the new joining link",
    "dates and link": "the changed dates and times and the new joining link",
}


def emailed_said(
    count: int, told: str = "dates", cohorts: Sequence[str] = (), elsewhere: int = 0
) -> str:
    """ "12 people will be emailed the new joining link, with a calendar update."; with the
    other cohorts whose people hear of it named (a follow-up they share) and how many of
    those emailed (``elsewhere``) are booked on them: "1 person, booked on ..., will be
    emailed" when they all are ("1 person ..., among them people booked on ..." said one
    person was several), "12 people ..., 3 of them booked on ..." when some are."""
    people = "1 person" if count == 1 else f"{count} people"
    what = TOLD_WORDS.get(told, TOLD_WORDS["dates"])
    said = f"will be emailed {what}, with a calendar update"
    if not cohorts:
        return f"{people} {said}."
    on = f"booked on {' and '.join(cohorts)} (a follow-up it shares)"
    if elsewhere >= count or count == 1:
        return f"{people}, {'all ' if count > 1 else ''}{on}, {said}."
    some = f"{elsewhere} of them" if elsewhere else "some of them"
    return f"{people} {said}, {some} {on}."


def _offered_said(count: int, ids: list[str], listing: CourseApplications) -> str:
    known: dict[str, Application] = {a.application_id: a for a in listing.applications}
    known.update({m.application.application_id: m.application for m in listing.moving_in})
    named = [
        f"{a.answers.name} ({a.reference or a.application_id})"
        for a in (known.get(i) for i in ids)
        if a is not None
    ]
    return offered_said(count, named)


def _warnings(listed: str) -> list[str]:
    """The warnings of the follow-ups a save seemed to move: a few ISO days; anything else is
    ignored."""
    warnings = []
    for part in [p for p in listed.split(",") if p.strip()][:10]:
        try:
            day = date.fromisoformat(part.strip())
        except ValueError:
            continue
        warnings.append(moved_without_id_warning(day))
    return warnings

"""The console's *Record money given back by hand* on a group's card: a group booking paid
outside Stripe, the shares of its places given up or released sent back to the employer the way
the payment came (``services.group_given_back``). The page that says what recording does, in
pounds, with the form, and its press, acting on what the card showed (``page_seen.group_facts``)
once per press. Registered on the console's resolver."""

from __future__ import annotations

from booking.bootstrap import ports
from booking.domain.employer_share import owed_by_hand
from booking.domain.errors import Conflict, InvalidInput
from booking.domain.given_back import FIELDS, GiveBackAsked, given_back_total
from booking.domain.group_given_back import group_holding
from booking.domain.groups import GroupBooking
from booking.domain.page_seen import Seen, group_seen
from booking.domain.payment_received import HOW_CHOICES
from booking.domain.wording import money_words
from booking.handlers import console_given_back as person_page
from booking.handlers.console_app import (
    html_page,
    posted_form,
    press_issued,
    press_required,
    served,
)
from booking.handlers.console_app import press_row as row_of
from booking.handlers.console_groups import (
    acted_on_the_card,
    group_confirmation,
    refused_on_the_card,
)
from booking.handlers.resolver import Response
from booking.handlers.routes.group_given_back import GROUP_GIVEN_BACK_BY_HAND
from booking.handlers.sentences import capitalised
from booking.services.group_given_back import record_group_given_back
from booking.services.groups import find_group

GROUP_GIVEN_BACK_ALREADY = f"{GROUP_GIVEN_BACK_BY_HAND}_already"
PRESS_KIND = "group_given_back"


def _lines(group: GroupBooking) -> list[str]:
    currency = group.price.currency
    left = money_words(owed_by_hand(group), currency)
    lines = [
        f"{left} of what {group.organisation} paid outside Stripe is owed back to the employer "
        "by hand: the share of the places given up or released."
    ]
    earlier = given_back_total(group.returned_by_hand)
    if earlier:
        lines.append(f"{money_words(earlier, currency)} of it is recorded as given back already.")
    return [
        *lines,
        "The amount below is recorded as given back by hand: the course's money counts it as "
        "refunded, and the group's card and the manager's record show it.",
        "Nothing is asked of Stripe and nobody is emailed: send the money back yourself, the "
        "way it came.",
    ]


@served("consoleGroupGiveBackConfirmation")
def group_give_back_confirmation(group_id: str) -> Response[str]:
    return _confirmation(group_id)


def _confirmation(
    group_id: str, errors: dict[str, str] | None = None, typed: dict[str, str] | None = None
) -> Response[str]:
    """The page asking to confirm, with its fields (``errors`` beside those a press got wrong,
    ``typed`` kept in them; 422 then); the card again, saying why not, when nothing is owed."""
    the_ports = ports()
    group = find_group(the_ports, group_id)
    holding = group_holding(group)
    if holding.why_not:
        return refused_on_the_card(group_id, Conflict(holding.why_not))
    left = money_words(holding.left, holding.currency)
    page = group_confirmation(
        "group_given_back_confirm.html",
        group,
        the_ports.repository.get_course(group.course_id),
        lines=_lines(group),
        seen=group_seen(group),
        # One press of this page: sent again (a double press), it records nothing more.
        press_value=press_issued(row_of(PRESS_KIND, group_id)),
        left=left,
        how_choices=[("", "Choose one"), *HOW_CHOICES],
        errors=errors or {},
        values=typed or {"amount": f"{holding.left / 100:.2f}", "given_on": "", "method": ""},
        labels=person_page.LABELS,
    )
    return html_page(422 if errors else 200, page)


@served("consoleGroupGiveBack")
def group_give_back(group_id: str) -> Response[str]:
    """The confirmation's *Yes, record it as given back*, acting on what its card showed."""

    def record(shown: Seen | None) -> tuple[GroupBooking, str]:
        press = press_required(row_of(PRESS_KIND, group_id))
        asked: GiveBackAsked = person_page.typed_asked()
        after, changed = record_group_given_back(ports(), group_id, asked, press, shown)
        return after, GROUP_GIVEN_BACK_BY_HAND if changed else GROUP_GIVEN_BACK_ALREADY

    def again(mistaken: InvalidInput) -> Response[str] | None:
        errors = {k: capitalised(v) for k, v in mistaken.fields.items() if k in FIELDS}
        if not errors:
            return None
        posted = posted_form()
        return _confirmation(group_id, errors, {k: str(posted.get(k) or "") for k in FIELDS})

    return acted_on_the_card(group_id, record, seen=True, again=again)

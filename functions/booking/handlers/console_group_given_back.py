"""The console's *Record money given back by hand* on a group's card: a group booking paid
outside Stripe, the shares of its places given up or released sent back to the employer the way
the payment came (``services.group_given_back``). The page that says what recording does, in
pounds, with the form, and its press, acting on what the card showed (``page_seen.group_facts``)
once per press. Registered on the console's resolver."""

from __future__ import annotations

from functools import partial

from booking.bootstrap import ports
from booking.domain.employer_share import owed_by_hand
from booking.domain.errors import Conflict
from booking.domain.given_back import FIELDS, GiveBackAsked, given_back_total
from booking.domain.group_given_back import group_holding
from booking.domain.groups import GroupBooking
from booking.domain.page_seen import Seen
from booking.domain.wording import money_words
from booking.handlers import console_given_back as person_page
from booking.handlers.console_app import (
    form_again_on,
    press_issued,
    press_required,
    served,
)
from booking.handlers.console_app import press_row as row_of
from booking.handlers.console_groups import (
    acted_on_the_card,
    group_form_confirmation,
    refused_on_the_card,
)
from booking.handlers.resolver import Response
from booking.handlers.routes.group_given_back import GROUP_GIVEN_BACK_BY_HAND
from booking.services.group_given_back import record_group_given_back
from booking.services.groups import find_group

GROUP_GIVEN_BACK_ALREADY = f"{GROUP_GIVEN_BACK_BY_HAND}_already"
PRESS_KIND = "group_given_back"


def _lines(group: GroupBooking) -> list[str]:
    currency = group.price.currency
    left = money_words(owed_by_hand(group), currency)
    return [
        f"{left} of what {group.organisation} paid outside Stripe is owed back to the employer "
        "by hand: the share of the places given up or released.",
        *person_page.recorded_lines(
            given_back_total(group.returned_by_hand),
            currency,
            "the group's card and the manager's record",
        ),
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
    # One press of this page: sent again (a double press), it records nothing more.
    press = press_issued(row_of(PRESS_KIND, group_id))
    form = person_page.form_values(holding.left, holding.currency, press, errors, typed)
    course = the_ports.repository.get_course(group.course_id)
    return group_form_confirmation(
        "group_given_back_confirm.html", group, course, _lines(group), form
    )


@served("consoleGroupGiveBack")
def group_give_back(group_id: str) -> Response[str]:
    """The confirmation's *Yes, record it as given back*, acting on what its card showed."""

    def record(shown: Seen | None) -> tuple[GroupBooking, str]:
        press = press_required(row_of(PRESS_KIND, group_id))
        asked: GiveBackAsked = person_page.typed_asked()
        after, changed = record_group_given_back(ports(), group_id, asked, press, shown)
        return after, GROUP_GIVEN_BACK_BY_HAND if changed else GROUP_GIVEN_BACK_ALREADY

    again = partial(form_again_on(_confirmation, FIELDS), group_id)
    return acted_on_the_card(group_id, record, seen=True, again=again)

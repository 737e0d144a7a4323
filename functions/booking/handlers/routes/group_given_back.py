"""Money given back by hand for a group (``services.group_given_back``): a group booking paid
outside Stripe, the shares of its places given up or released sent back to the employer the way
the payment came. The console's confirmation page and its press from the group's card, and the
same act for scripts on the organisers' API (the CLI's ``give-back-group``)."""

from __future__ import annotations

from booking.handlers.routes import Function, Route
from booking.handlers.routes.answers import (
    GROUP_ID,
    NO_GROUP,
    confirmation_page,
    group_card_press,
    json_answer,
)
from booking.handlers.routes.given_back import CONSOLE_BODY, admin_give_back

GROUP_GIVEN_BACK_BY_HAND = "group_given_back_by_hand"
SAID = (
    "Records that money a group booking paid outside Stripe (its invoice marked paid: the "
    "employer's bank transfer) owed back by hand, the shares of its places given up or "
    "released, was given back that way, since Stripe holds no payment to refund. Nothing is "
    "asked of Stripe and nobody is emailed. From then on it is counted as refunded: in the "
    "course's money (`refunded`, less in `net`, and `given_back_by_hand`), on the group's line "
    "(`refunded_said`, `given_back_by_hand_said`, less in `owed_by_hand_said`) and in the "
    "manager's and billing contact's export. Several records may give back part each, never "
    "more in all than is owed back by hand. 409 `nothing_to_give_back` when nothing is owed "
    "back by hand (no place given up or released, paid through Stripe, or all given back "
    "already); 409 `application_changed` when `seen` no longer holds (another record or change "
    "since the card, a second tab); 422 naming the field for an amount above what is owed, a "
    "day in the future or before the payment arrived, or an unknown way: nothing recorded."
)
GIVE_BACK_GROUP_ADMIN: tuple[Route, ...] = (
    admin_give_back(
        "/admin/groups/{group_id}/given-back",
        "recordGroupMoneyGivenBack",
        "Record that a group's money owed back by hand was given back (amount in pence)",
        json_answer("GroupGivenBackRecordedOut", "The group booking after it, and what this did"),
        SAID,
        GROUP_ID,
    ),
)
GIVE_BACK_GROUP_CONSOLE: tuple[Route, ...] = (
    confirmation_page(
        "/console/groups/{group_id}/given-back",
        "consoleGroupGiveBackConfirmation",
        "Confirm recording a group's money given back by hand: what is owed back, in pounds, "
        "and the form that records it",
        "What recording it would do, and the form to confirm it",
        "The course's group bookings page, saying nothing is owed back by hand",
        "The group card's *Record money given back by hand* leads here, while something is "
        "owed back by hand.",
        missing=NO_GROUP,
        parameters=(GROUP_ID,),
    ),
    Route(
        Function.CONSOLE,
        "POST",
        "/console/groups/{group_id}/given-back",
        "consoleGroupGiveBack",
        "Record a group's money given back by hand (its confirmation page's form)",
        group_card_press(
            GROUP_GIVEN_BACK_BY_HAND,
            "Its confirmation page again, each mistake beside its field, what was typed kept: "
            "nothing recorded",
        ),
        description=SAID + " `amount` is typed in pounds (`200` or `£200.00`); `press` is the "
        "page's one press: the same press sent again records nothing more (the group bookings "
        f"page says `{GROUP_GIVEN_BACK_BY_HAND}_already`; with another amount, day or way: 409, "
        "the group bookings page saying what it recorded).",
        parameters=(GROUP_ID,),
        body=CONSOLE_BODY,
        tags=("console",),
        done=GROUP_GIVEN_BACK_BY_HAND,
    ),
)

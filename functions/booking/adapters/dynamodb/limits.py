"""Limited things in the table: the counters and the holdings a save claims and gives back.

``booking.domain.limits`` says what an application holds; this turns a save's changes into the
transaction's actions. Each kind's counter lives where its limit does: a seat on the course item
(``seats_taken`` under ``capacity``, with the waiting list's rule), a code use on the code's item
(``uses`` under ``max_uses``). Beside each claim of what an ended application may still hold (a
code use) the application's partition gets a holding item, deleted with the give-back: when the
table's time-to-live deletes an application (no transaction runs then), the relay finds what it
held there and gives each back once. (A seat needs none: it is never held by then, and the API's
function, which moves seats, need not delete anything.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from booking.adapters.dynamodb.schema import (
    HOLDING_PREFIX,
    application_key,
    application_partition,
    course_key,
    discount_code_key,
    group_key,
    group_place_key,
    holding_key,
)
from booking.adapters.dynamodb.table import Table, translate_aws_errors
from booking.domain.application import Application
from booking.domain.errors import CourseFull, PriceChanged, StaleWrite
from booking.domain.group_place import GroupStatus
from booking.domain.limits import (
    OUTLIVES_ITS_HOLD,
    Holding,
    HoldingChanges,
    Limited,
    already_held,
    code_course,
    counter_moves,
    outliving_claims,
)

Action = tuple[str, dict[str, Any]]


def seat_update(
    table: str,
    course_id: str,
    delta: int,
    waiting_delta: int,
    priced: str | None = None,
    *,
    unpriced: bool = False,
) -> dict[str, Any]:
    """The course's counters moved by a save: seats under capacity, waiting places; and, for a
    save that newly prices something in the cohort (``priced``: its currency), the live count
    of what is priced in it, while the cohort is still priced in that currency
    (:func:`priced_in`); for one that stops something counting there (``unpriced``), that
    count lowered by one (both: it stays, under the condition)."""
    names = {"#taken": "seats_taken", "#waiting": "waiting"}
    values: dict[str, Any] = {":d": {"N": str(delta)}, ":w": {"N": str(waiting_delta)}}
    if delta > 0:
        # Capacity is read from the course item itself, so a concurrent capacity change
        # cannot be bypassed by a stale value held in memory.
        condition = "#taken < #capacity AND (attribute_not_exists(#closed) OR #closed = :f)"
        names |= {"#capacity": "capacity", "#closed": "closed"}
        values[":f"] = {"BOOL": False}
        if waiting_delta >= 0:
            # Only the waiting list's own may take a seat while anyone waits: a newcomer
            # (or a lapsed payer back) racing an offer must not get there first.
            condition += " AND (attribute_not_exists(#waiting) OR #waiting = :zero)"
            values[":zero"] = {"N": "0"}
    elif delta < 0:
        condition = "#taken >= :n"
        values[":n"] = {"N": str(-delta)}
    else:
        condition = "attribute_exists(pk)"
    update = {
        "TableName": table,
        "Key": course_key(course_id),
        "UpdateExpression": "ADD #taken :d, #waiting :w",
        "ConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }
    if priced is not None:
        return priced_in(update, priced, 0 if unpriced else 1)
    return unpriced_in(update) if unpriced else update


def unpriced_in(update: dict[str, Any]) -> dict[str, Any]:
    """``update`` of a course item, lowering by one its live count of what is priced in it
    (``Course.priced``): something counted there stopped counting (refunded whole, ended
    unpaid). Under no condition of its own: what stops holding money is never refused."""
    return update | {
        "UpdateExpression": update["UpdateExpression"] + ", #priced :minus",
        "ExpressionAttributeNames": update["ExpressionAttributeNames"] | {"#priced": "priced"},
        "ExpressionAttributeValues": update["ExpressionAttributeValues"] | {":minus": {"N": "-1"}},
    }


def priced_in(
    update: dict[str, Any], currency: str, delta: int = 1, counter: str = "priced"
) -> dict[str, Any]:
    """``update`` of a course item, holding only while the cohort is priced in ``currency``
    (an item saved before its currency was kept beside its definition: as read) and counting
    one more thing priced in it (``Course.priced``, ``delta``: a currency change, written only
    while it is 0, then fails its own condition and is checked again). An ``ADD`` under no
    version: saves pricing in the same currency never refuse each other. A discount code
    counts on its own ``counter`` (``Course.priced_codes``): its expiry is no save."""
    return update | {
        "UpdateExpression": update["UpdateExpression"] + ", #priced :pd",
        "ConditionExpression": (
            f"({update['ConditionExpression']}) AND (attribute_not_exists(#cur) OR #cur = :cur)"
        ),
        "ExpressionAttributeNames": update["ExpressionAttributeNames"]
        | {"#priced": counter, "#cur": "currency"},
        "ExpressionAttributeValues": update["ExpressionAttributeValues"]
        | {":pd": {"N": str(delta)}, ":cur": {"S": currency}},
    }


def transact_priced(table: Table, actions: list[Action], priced: Mapping[str, str]) -> None:
    """``table.transact(actions)``, where some course items' updates hold on the currency they
    priced with (:func:`priced_in`): a refusal of one (which the seat's condition shares) is
    read back, and said as ``PriceChanged`` when the cohort's currency is another now."""
    try:
        table.transact(actions)
    except CourseFull:
        # Which of the course item's conditions failed is read only after a refusal.
        for course_id, currency in priced.items():
            item = table.get(course_key(course_id))
            if item is not None and item.get("currency", {}).get("S", currency) != currency:
                raise PriceChanged() from None
        raise


def transact_giving_back(
    table: Table, actions: list[Action], priced: Mapping[str, str], giving_back: Iterable[str]
) -> None:
    """:func:`transact_priced` of a save whose updates of the courses ``giving_back`` only
    give back (seats, waiting places, a count of what is priced there; nothing claimed, nothing
    newly priced). Refused at one of those that has been removed since (its item deleted by
    hand: nothing to give back to, and an ADD would write a stub of it): made again without
    that course's updates, so a booking there can still be cancelled and its person erased.
    A claim on a removed course stays refused."""
    try:
        transact_priced(table, actions, priced)
    except (CourseFull, PriceChanged):
        removed = [
            course_key(course_id)
            for course_id in sorted(set(giving_back))
            if table.get(course_key(course_id)) is None
        ]
        if not removed:
            raise
        kept = [
            (label, action)
            for label, action in actions
            if action.get("Update", {}).get("Key") not in removed
        ]
        transact_priced(table, kept, priced)


def only_giving_back(
    moves: Mapping[str, tuple[int, int]], priced: Mapping[str, str], unpriced: Iterable[str]
) -> list[str]:
    """The courses a save's updates only give back to (:func:`transact_giving_back`): its
    counter ``moves`` (seats, waiting places) none above zero there, or only a count of what
    is priced there lowered, and nothing newly priced there."""
    return [
        course_id
        for course_id in {*moves, *unpriced}
        if course_id not in priced and max(moves.get(course_id, (0, 0))) <= 0
    ]


def code_update(table: str, course_id: str, code: str, delta: int) -> dict[str, Any]:
    """A code's uses moved by one: a claim only while a use is left, a give-back only of a
    code that exists."""
    values: dict[str, Any] = {":d": {"N": str(delta)}}
    condition = "attribute_exists(pk)"
    names = {"#uses": "uses"}
    if delta > 0:
        condition += " AND (attribute_not_exists(#max) OR #uses < #max)"
        names["#max"] = "max_uses"
    return {
        "TableName": table,
        "Key": discount_code_key(course_id, code),
        "UpdateExpression": "ADD #uses :d",
        "ConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }


def kept_claims(
    table: Table, application_id: str, changes: HoldingChanges, stored_before: bool
) -> tuple[HoldingChanges, list[Action]]:
    """``changes`` less the claims the application's holding items hold already
    (``limits.already_held``; read consistently, only for an application stored before), and
    a check for each that its item is still there when the save commits (given back meanwhile:
    the save loses the race, and is decided again)."""
    if not stored_before:
        return changes, []
    kept = frozenset(
        holding
        for holding in outliving_claims(changes)
        if table.get(holding_key(application_id, holding.key)) is not None
    )
    checks: list[Action] = [
        (
            "held already",
            {
                "ConditionCheck": {
                    "TableName": table.name,
                    "Key": holding_key(application_id, holding.key),
                    "ConditionExpression": "attribute_exists(pk)",
                }
            },
        )
        for holding in sorted(kept)
    ]
    return already_held(changes, kept), checks


def holding_actions(
    table: str,
    stored: Application,
    previous: Application | None,
    changes: HoldingChanges,
    priced: Mapping[str, str] | None = None,
    unpriced: frozenset[str] = frozenset(),
) -> list[Action]:
    """A save's actions for every limited thing it claims or gives back, on each cohort it
    newly prices something in (``priced``: ``domain.cohort_currency.newly_priced``) and on each
    it stops pricing something in (``unpriced``: ``cohort_currency.no_longer_priced``)."""
    actions: list[Action] = []
    priced = priced or {}
    # A booking moved to another cohort gives its seat back on one course and claims one on
    # the other: each course's counters move by what the change did there.
    moves = counter_moves(previous, stored, changes)
    for course_id in sorted({*moves, *priced, *unpriced}):
        seat, waiting = moves.get(course_id, (0, 0))
        currency = priced.get(course_id)
        counted = currency is not None or course_id in unpriced
        if seat or waiting or counted:
            update = seat_update(
                table, course_id, seat, waiting, currency, unpriced=course_id in unpriced
            )
            actions.append(("course" if seat or waiting else "priced", {"Update": update}))
    for holding in changes.claimed:
        if holding.thing in OUTLIVES_ITS_HOLD:
            key = holding_key(stored.application_id, holding.key)
            item = {**key, **_holding_attributes(stored)}
            actions.append(("holding", {"Put": {"TableName": table, "Item": item}}))
        if holding.thing is Limited.CODE_USE:
            actions.append(("code", {"Update": _code_of(table, stored, +1)}))
        if holding.thing is Limited.GROUP_PLACE:
            actions.extend(group_place_claim(table, stored))
    for holding in changes.released:
        if holding.thing in OUTLIVES_ITS_HOLD:
            key = holding_key(stored.application_id, holding.key)
            actions.append(("holding", {"Delete": {"TableName": table, "Key": key}}))
        if holding.thing is Limited.CODE_USE:
            before = previous or stored
            actions.append(("code_release", {"Update": _code_of(table, before, -1)}))
        if holding.thing is Limited.GROUP_PLACE:
            actions.append(("place_release", {"Delete": group_place_release(table, previous)}))
    return actions


def group_place_claim(table: str, application: Application) -> list[Action]:
    """An application takes its group place: the place's claim (one application at a time),
    and a check that the group is still as the colleague's link was checked against (paid,
    the place neither given back nor given to someone else since)."""
    place = application.group_place
    assert place is not None
    claim = {
        "TableName": table,
        "Item": {
            **group_place_key(place.group_id, place.place),
            "application_id": {"S": application.application_id},
        },
        "ConditionExpression": "attribute_not_exists(pk)",
    }
    check = {
        "TableName": table,
        "Key": group_key(place.group_id),
        "ConditionExpression": "version = :v AND #status = :paid",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": {
            ":v": {"N": str(place.group_version)},
            ":paid": {"S": GroupStatus.PAID.value},
        },
    }
    return [("place", {"Put": claim}), ("group", {"ConditionCheck": check})]


def group_place_release(table: str, application: Application | None) -> dict[str, Any]:
    """An application gives its group place back (only its own claim)."""
    assert application is not None
    assert application.group_place is not None
    place = application.group_place
    return {
        "TableName": table,
        "Key": group_place_key(place.group_id, place.place),
        "ConditionExpression": "attribute_not_exists(pk) OR application_id = :id",
        "ExpressionAttributeValues": {":id": {"S": application.application_id}},
    }


def _code_of(table: str, application: Application, delta: int) -> dict[str, Any]:
    assert application.discount is not None
    return code_update(table, code_course(application), application.discount.code, delta)


def _holding_attributes(application: Application) -> dict[str, Any]:
    attributes: dict[str, Any] = {"course_id": {"S": code_course(application)}}
    if application.discount is not None:
        attributes["code"] = {"S": application.discount.code}
    return attributes


class DynamoHoldings:
    table: Table

    @translate_aws_errors
    def give_back_holdings(self, application_id: str) -> list[Holding]:
        """What an application deleted without a transaction (the table's time-to-live) held
        goes back, each holding once; nothing while the application is still stored."""
        if self.table.get(application_key(application_id)) is not None:
            return []
        given_back: list[Holding] = []
        for item in self.table.under(application_partition(application_id), HOLDING_PREFIX):
            thing, _, of = item["sk"]["S"].removeprefix(HOLDING_PREFIX).partition("#")
            holding = Holding(Limited(thing), of)
            counter = self._counter(item, holding)
            remove = {
                "TableName": self.table.name,
                "Key": {"pk": item["pk"], "sk": item["sk"]},
                "ConditionExpression": "attribute_exists(pk)",
            }
            try:
                self.table.transact([("holding", {"Delete": remove}), ("counter", counter)])
            except StaleWrite:
                continue  # given back already (the stream delivers at least once)
            given_back.append(holding)
        return given_back

    def _counter(self, item: dict[str, Any], holding: Holding) -> dict[str, Any]:
        course_id = item["course_id"]["S"]
        if holding.thing is Limited.SEAT:
            return {"Update": seat_update(self.table.name, course_id, -1, 0)}
        return {"Update": code_update(self.table.name, course_id, item["code"]["S"], -1)}

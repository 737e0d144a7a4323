from __future__ import annotations

from tests.integration.test_disputes_groups_invoices import _card_group, _checkout_of, _opened, colleague_applies_to_place
from tests.support.groups import give_up
from tests.support.system import System


def test_probe(system: System) -> None:
    group = _card_group(system)
    colleague_applies_to_place(system, group)
    _opened(system, _checkout_of(group))
    reply = give_up(system, group, 2)
    print("STATUS", reply.status, reply.body)
    stored = system.stored_group(group)
    print("REFUNDS", stored.refunds, [p.released for p in stored.places])
    print("EVENTS", [ (e.get("type")) for e in system.stripe_local("GET", "/events").json()[:5]] if False else "")

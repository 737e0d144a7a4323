"""Who recorded a payment intent, in one read (``Repository.recorders_of_payment``), on the
fake pair and on the DynamoDB adapter: it answers what the three reads it replaces answer
(``application_for_payment``, ``GroupStore.group_of_object``, ``given_back_for_nobody``)."""

from __future__ import annotations

from booking.domain.groups import paid
from booking.services.ports import GroupStore, PaymentRecorders, Repository
from tests.contract.test_repository_contract import NOW, application, definition
from tests.support.group_bookings import group


def test_a_payment_is_answered_with_whoever_recorded_it(
    stores: tuple[Repository, GroupStore],
) -> None:
    repository, groups = stores
    repository.put_course("c1", definition(capacity=4))
    first = repository.save(application("a1"), None)
    repository.save(first.model_copy(update={"payment_intent": "pi_app"}), first)
    held = groups.save_group(group(), None)
    groups.save_group(paid(held, "pi_group", NOW), held)
    repository.record_given_back_for_nobody("pi_nobody")

    assert repository.recorders_of_payment("pi_app") == PaymentRecorders(application_id="a1")
    assert repository.recorders_of_payment("pi_group") == PaymentRecorders(group_id="g1")
    assert repository.recorders_of_payment("pi_nobody") == PaymentRecorders(
        given_back_for_nobody=True
    )
    assert repository.recorders_of_payment("pi_unknown") == PaymentRecorders()
    repository.forget_given_back_for_nobody("pi_nobody")
    assert repository.recorders_of_payment("pi_nobody") == PaymentRecorders()


def test_every_record_of_one_payment_is_answered_each_by_its_own_item(
    stores: tuple[Repository, GroupStore],
) -> None:
    """The application's record and the one given back for nobody share a partition: each is
    told apart by its own key, never taken for the other."""
    repository, groups = stores
    repository.put_course("c1", definition(capacity=4))
    first = repository.save(application("a1"), None)
    repository.save(first.model_copy(update={"payment_intent": "pi_1"}), first)
    held = groups.save_group(group(), None)
    groups.save_group(paid(held, "pi_1", NOW), held)
    assert repository.recorders_of_payment("pi_1") == PaymentRecorders(
        application_id="a1", group_id="g1"
    )
    repository.record_given_back_for_nobody("pi_1")
    recorders = repository.recorders_of_payment("pi_1")
    assert recorders == PaymentRecorders(
        application_id="a1", group_id="g1", given_back_for_nobody=True
    )
    found = repository.application_for_payment("pi_1")
    assert (found.application_id if found else None) == recorders.application_id
    assert groups.group_of_object("pi_1") == recorders.group_id

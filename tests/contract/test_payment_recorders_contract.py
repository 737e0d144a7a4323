"""Who recorded a payment intent, in one read (``Repository.recorders_of_payment``), on the
fake pair and on the DynamoDB adapter: it answers what the three reads it replaces answer
(``application_for_payment``, ``GroupStore.group_of_object``, ``given_back_for_nobody``)."""

from __future__ import annotations

from booking.domain.groups import paid
from booking.services.ports import GroupStore, PaymentRecorders, Repository
from tests.support.group_bookings import group
from tests.support.repository_records import NOW, application, definition


def _paid(
    stores: tuple[Repository, GroupStore], *, by_application: str, by_group: str
) -> tuple[Repository, GroupStore]:
    """Application a1 recorded as paid by ``by_application``, group g1 by ``by_group``."""
    repository, groups = stores
    repository.put_course("c1", definition(capacity=4))
    first = repository.save(application("a1"), None)
    repository.save(first.model_copy(update={"payment_intent": by_application}), first)
    held = groups.save_group(group(), None)
    groups.save_group(paid(held, by_group, NOW), held)
    return stores


def test_a_payment_is_answered_with_whoever_recorded_it(
    stores: tuple[Repository, GroupStore],
) -> None:
    repository, _groups = _paid(stores, by_application="pi_app", by_group="pi_group")
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
    repository, groups = _paid(stores, by_application="pi_1", by_group="pi_1")
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

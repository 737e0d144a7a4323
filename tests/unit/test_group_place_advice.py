"""What the organisers are told of a colleague's booking on a group place: the
advice names what giving the place up does, for a group paid outside Stripe too (nothing is
refunded from here then)."""

from __future__ import annotations

from booking.domain.group_place import the_place_is_the_groups


def test_a_group_paid_through_stripe_has_its_share_refunded() -> None:
    said = the_place_is_the_groups("Acme")
    assert "(Acme)" in said
    assert "its share is refunded to the employer" in said


def test_a_group_paid_outside_stripe_is_not_promised_a_refund() -> None:
    said = the_place_is_the_groups("Acme", paid_off_stripe=True)
    assert "its share is refunded to the employer" not in said
    assert "paid outside Stripe, so its share is not refunded from here" in said

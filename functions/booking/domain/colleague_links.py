"""Which email to a group place's colleague is still to go (``services.group_emails``): their
link while the place can be used, and word that the place ended only to one who was sent a
link (a substitute whose place was given up before their link went was told "The
link we sent you to apply for it no longer works", though no link was ever sent). Pure rules:
the mailer's record of the link is read by the service and passed in."""

from __future__ import annotations

from booking.domain.emails import EmailJob, EmailKind
from booking.domain.groups import APPLY_BY_MOVED, GroupBooking, GroupPlace, GroupStatus


def place_to_link(group: GroupBooking, job: EmailJob) -> GroupPlace | None:
    """The place whose colleague a link job is for, if its link is still the one it was for
    and can be used."""
    place = next((p for p in group.places if p.number == job.group_place), None)
    if place is None or place.released or place.erased or group.status is not GroupStatus.PAID:
        return None
    named, _moved, _when = (job.occasion or "").partition(APPLY_BY_MOVED)
    return place if named == f"v{place.substitutions}" else None


def place_gone_to_tell(group: GroupBooking, job: EmailJob) -> GroupPlace | None:
    """The place given up whose colleague the job is for, if it still names them."""
    place = next((p for p in group.places if p.number == job.group_place), None)
    if place is None or not place.released or place.erased:
        return None
    return place if job.occasion == f"v{place.substitutions}" else None


def first_link(group: GroupBooking, place: GroupPlace) -> EmailJob:
    """The job that sends ``place``'s colleague (as named now) their link first: the one
    whose record says whether they were sent one."""
    return EmailJob.for_group(
        EmailKind.GROUP_PLACE_LINK,
        group.group_id,
        group.course_id,
        occasion=f"v{place.substitutions}",
        place=place.number,
    )


def link_went(place: GroupPlace, first_link_reached_ses: bool | None) -> bool | None:
    """Whether ``place``'s colleague (as named now) was sent a link to apply for it, so that
    its end is theirs to be told: the mailer's record of their first link says it reached SES
    (``first_link_reached_ses``, read by ``services.email_claims.reached_ses``), or the place
    records the date a link of theirs gave (``GroupPlace.told_apply_by``, written once one
    went: a link sent again for an earlier date, or one whose claim has expired). None while
    their first link is being sent: decided once it is. False: never sent (skipped once the
    place was given up, not yet sent and never to be, as a given-up place's link is not sent,
    or left ``sending`` by a delivery that died before SES), so they are told
    nothing."""
    told = place.told_apply_by
    if first_link_reached_ses or (told is not None and told[0] == place.substitutions):
        return True
    return first_link_reached_ses

"""A course as the organiser API answers it (``GET /admin/courses``, ``PUT
/admin/courses/{course_id}``): the public Course, and its places each counted once, as the
console's pages and the CLI count them (``services.course_seats``). Apart from the public
models (``views``) so that the functions a person waits on do not build them at their cold
start."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from booking.domain.course import Course
from booking.domain.model import Model
from booking.domain.seat_counts import SeatCounts
from booking.handlers.views import CourseOut, course_out
from booking.services.courses import SavedCourse


class PlacesOut(Model):
    """A course's places, each counted once, as the console's pages count them: with free,
    they add up to its capacity."""

    booked: int = Field(description="Booked: confirmed, or a paid group's places")
    held: int = Field(
        description="Held for someone who has not paid yet: a checkout, an offer, an invoice, "
        "an unpaid group's places, a dearer move's difference"
    )
    free: int = Field(description="Taken by nobody: the Course's places_not_taken")


class OrganiserCourseOut(CourseOut):
    """A course as the organisers read it: the Course, and its places booked, held and free."""

    places: PlacesOut = Field(
        description="The course's places booked, held and free, each counted once"
    )


class SavedCourseOut(OrganiserCourseOut):
    """The answer to ``PUT /admin/courses/{course_id}``: the Course, and what to read."""

    warnings: list[str] = Field(
        default_factory=list,
        description="Sentences for the organiser about this save, e.g. a follow-up without an "
        "id that the file seems to move (it became a new event: give it an id to move it), or "
        "a shared follow-up whose invitations and reminders the save gives another Reply-To "
        "(its new host's enquiries address), or dates moved earlier than the day an open "
        "invoice falls due (the bookings by reference and due day: their places stay held "
        "until then), or a group booking's apply-by date moved earlier than the day its open "
        "invoice falls due (by organisation, and manager where two are for one "
        "organisation, and due day: paid then, no colleague could use their link)",
    )


def organiser_course_out(course: Course, seats: SeatCounts, now: datetime) -> OrganiserCourseOut:
    """``course`` with its ``seats``, as the organisers read it."""
    places = PlacesOut(booked=seats.booked, held=seats.held, free=course.places_left)
    return OrganiserCourseOut(**course_out(course, now).model_dump(), places=places)


def saved_course_out(saved: SavedCourse, seats: SeatCounts, now: datetime) -> SavedCourseOut:
    listed = organiser_course_out(saved.course, seats, now)
    return SavedCourseOut(**listed.model_dump(), warnings=saved.warnings)

"""What a certificate says of its training: the hours attended, never the
whole course's length for someone who attended part of it."""

from booking.domain.attendance import training_words


def test_part_of_the_course_is_said_beside_the_whole() -> None:
    assert training_words("10 hours", "12 hours") == (
        "10 hours of training attended, of a course of 12 hours"
    )


def test_the_whole_course_attended_is_said_once() -> None:
    assert training_words("12 hours", "12 hours") == "12 hours of training attended"


def test_a_certificate_recorded_before_attendance_was_counted_keeps_its_words() -> None:
    # Its hours were the course's length, frozen then: said as they were.
    assert training_words("12 hours", "") == "12 hours of training"

"""The one table's shape: key attributes, indexes, TTL, stream, and every key of every item.

This module is the single source of the schema: the repository builds its keys here, the CDK
construct (``infra/cdk/data.py``) and the local stack (``infra/local/aws.py``) create the table
from :data:`TABLE_DEFINITION`, and a test holds the synthesized template to it.

    item          pk                       sk          by-course index        by-time index
    course        COURSE#<course_id>       COURSE      COURSES / <course_id>  -
    session       COURSE#<course_id>       SESSION#nnn -                      SESSIONS /
                                                                              <start>#<course>#nnn
    discount code COURSE#<course_id>       CODE#<CODE> (its uses: a limited thing's counter)
    application   APP#<application_id>     APP         COURSE#<id>#APPS /     DUE / <when>#<id>
                                                       <created>#<id>         (while a hold lasts)
    its history   APP#<application_id>     LOG#<µs>#<n> -                     -
    a copy sent   APP#<application_id>     COPY#<job_id> (the facilitators' addresses one copy
                                           of it went to, as the mailer sent it)
    a holding     APP#<application_id>     HOLDS#<thing>#<of> (one per limited thing it holds:
                                           what goes back if the application is deleted)
                  (<µs>: the instant to the microsecond; <n>: the version saved, or E#<job>)
    reference     REF#<reference>          REF         (claimed once, with the application)
    email to send OUTBOX#<job_id>          OUTBOX      -                      OUTBOX / <at>#<job_id>
    payment       PAYMENT#<pi_id>          PAYMENT     -                      -
    its owner     OWNER#<cs_ or in_ id>    OWNER       (the application that recorded a
                                                        checkout session or an invoice)
    person        PERSON#<sha256 email>    APP#<id>    -                      -
    billed to     BILLING#<sha256 email>   APP#<id>    (the billing contact an application's
                                                        invoice is addressed to)
    enrolment     ENROL#<course>#<sha256>  ENROL       (the person's one place on the course:
                                           application_id, the application holding it; or
                                           group_id and place, a manager's group place that
                                           holds a seat for them, until their application
                                           through its link takes it over)
    email claim   EMAIL#<job_id>           EMAIL       -                      -
    send lease    SENDING#<application_id> <job_id>    (a send past its last check, until SES
                                                        has answered: an erasure waits for it)
    suppression   SUPPRESSED#<sha256>      SUPPRESSED  -                      -
    anomaly       ANOMALY#<event_id>       ANOMALY     -                      ANOMALIES / <at>#<id>
    reminder      REMINDER#<about>#<start>#<offset>  <recipient>  -           REMINDERS#CLAIMED /
                  (about: COURSE#<id>#<session key>                           <start>#<pk>#<sk>
                   or PROGRAMME#<name>#<event key>;                           (while claimed)
                   an invitation: EVENT for <start>: one per person per event, wherever it moves)
    last reminder REMINDED#<about>#<offset> <recipient> (when a reminder at that offset was
                  last claimed, whatever its start: one per offset while it still reminds in time)
    calendar seq  CALSEQ#<person key>      CALSEQ      -                      -
    told          TOLD#<about>             <person key> (a follow-up event, or a cohort's own
                  (about: PROGRAMME#... or session, sent to a person: held in their calendar,
                  SESSION#<course>#<key>)  when it starts and ends, or taken out)
    console       ORGANISER#<subject>      SESSION#<id> -                     -
    session       (one per signed-in browser; TTL after it ends)

Instants in keys are UTC, whole seconds (history: microseconds), ``Z``-suffixed, so they sort
lexicographically in time order. An application and its history share a partition, so one
Query reads both ("APP" sorts before "LOG#"). The table's stream (new images) carries every new
OUTBOX item to the relay function, which queues the email and deletes the item; the by-time
index lets the sweep find any the stream could not deliver.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from booking.domain.people import address_digest

PARTITION_KEY = "pk"
SORT_KEY = "sk"
BY_COURSE_INDEX = "gsi1"  # a course's applications; the list of courses
BY_TIME_INDEX = "gsi2"  # things ordered by when they are due: sessions, holds, claims, outbox
INDEXES = (BY_COURSE_INDEX, BY_TIME_INDEX)
TTL_ATTRIBUTE = "expires_at_ttl"
ERASED_ATTRIBUTE = "erased"  # on an application item: whether its person was erased
STREAM_VIEW = "NEW_IMAGE"  # the relay needs the new item only

COURSE_SK = "COURSE"
APPLICATION_SK = "APP"
OUTBOX_SK = "OUTBOX"
EMAIL_SK = "EMAIL"
SUPPRESSED_SK = "SUPPRESSED"
OUTBOX_PREFIX = "OUTBOX#"
TIMELINE_PREFIX = "LOG#"
COPY_PREFIX = "COPY#"
HOLDING_PREFIX = "HOLDS#"
CODE_PREFIX = "CODE#"
ENROLMENT_SK = "ENROL"  # the item holding a person's one place on a course
REFERENCE_SK = "REF"
CONSOLE_SESSION_PREFIX = "SESSION#"

COURSES_PARTITION = "COURSES"
SESSIONS_PARTITION = "SESSIONS"
DUE_PARTITION = "DUE"
OUTBOX_PARTITION = "OUTBOX"
CLAIMED_REMINDERS_PARTITION = "REMINDERS#CLAIMED"
ANOMALIES_PARTITION = "ANOMALIES"

# create_table's arguments (moto locally; CDK builds the same from these names).
TABLE_DEFINITION: dict[str, Any] = {
    "AttributeDefinitions": [
        {"AttributeName": name, "AttributeType": "S"}
        for name in (PARTITION_KEY, SORT_KEY, *(f"{i}{k}" for i in INDEXES for k in ("pk", "sk")))
    ],
    "KeySchema": [
        {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
        {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": index,
            "KeySchema": [
                {"AttributeName": f"{index}pk", "KeyType": "HASH"},
                {"AttributeName": f"{index}sk", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        }
        for index in INDEXES
    ],
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": STREAM_VIEW},
}

Key = dict[str, Any]


def _key(pk: str, sk: str) -> Key:
    return {PARTITION_KEY: {"S": pk}, SORT_KEY: {"S": sk}}


def key_instant(moment: datetime) -> str:
    """UTC, whole seconds, fixed width: ISO strings with optional fractions do not sort."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def course_key(course_id: str) -> Key:
    return _key(f"COURSE#{course_id}", COURSE_SK)


def session_key(course_id: str, index: int) -> Key:
    return _key(f"COURSE#{course_id}", f"SESSION#{index:03d}")


def application_key(application_id: str) -> Key:
    return _key(application_partition(application_id), APPLICATION_SK)


def application_partition(application_id: str) -> str:
    return f"APP#{application_id}"


def holding_key(application_id: str, holding_key: str) -> Key:
    """What an application holds of one limited thing (``booking.domain.limits``)."""
    return _key(application_partition(application_id), f"{HOLDING_PREFIX}{holding_key}")


def copy_key(application_id: str, job_id: str) -> Key:
    """Whom one facilitators' copy of an application went to (``domain.facilitators_told``)."""
    return _key(application_partition(application_id), f"{COPY_PREFIX}{job_id}")


def discount_code_key(course_id: str, code: str) -> Key:
    """A course's discount code, typed in any case."""
    return _key(f"COURSE#{course_id}", f"{CODE_PREFIX}{code.upper()}")


def timeline_key(application_id: str, moment: datetime, tiebreak: str) -> Key:
    """One entry of an application's history; ``tiebreak`` keeps entries of one instant apart
    and in order (the application's version for a save, ``E#<job>`` for an email)."""
    instant = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return _key(application_partition(application_id), f"{TIMELINE_PREFIX}{instant}#{tiebreak}")


def reference_key(reference: str) -> Key:
    return _key(f"REF#{reference}", REFERENCE_SK)


def course_applications_partition(course_id: str) -> str:
    return f"COURSE#{course_id}#APPS"


def outbox_key(job_id: str) -> Key:
    return _key(f"{OUTBOX_PREFIX}{job_id}", OUTBOX_SK)


def payment_key(payment_intent: str) -> Key:
    return _key(f"PAYMENT#{payment_intent}", "PAYMENT")


def owner_key(provider_object_id: str) -> Key:
    """Which application recorded a provider's object (a checkout session, an invoice)."""
    return _key(f"OWNER#{provider_object_id}", "OWNER")


def person_partition(email: str) -> str:
    return f"PERSON#{address_digest(email)}"


def person_key(email: str, application_id: str) -> Key:
    return _key(person_partition(email), f"APP#{application_id}")


def billing_contact_partition(email: str) -> str:
    return f"BILLING#{address_digest(email)}"


def billing_contact_key(email: str, application_id: str) -> Key:
    return _key(billing_contact_partition(email), f"APP#{application_id}")


def enrolment_key(course_id: str, email: str) -> Key:
    return _key(f"ENROL#{course_id}#{address_digest(email)}", ENROLMENT_SK)


def email_claim_key(job_id: str) -> Key:
    return _key(f"EMAIL#{job_id}", EMAIL_SK)


def send_lease_partition(application_id: str) -> str:
    return f"SENDING#{application_id}"


def send_lease_key(application_id: str, job_id: str) -> Key:
    return _key(send_lease_partition(application_id), job_id)


def suppression_key(address: str) -> Key:
    return _key(f"SUPPRESSED#{address_digest(address)}", SUPPRESSED_SK)


def reminder_key(about: str, occasion: datetime | None, offset: str, recipient: str) -> Key:
    return _key(reminder_partition(about, occasion, offset), recipient)


def reminder_partition(about: str, occasion: datetime | None, offset: str) -> str:
    """One claim per recipient: per start for reminders, per event for invitations (None)."""
    return f"REMINDER#{about}#{key_instant(occasion) if occasion else 'EVENT'}#{offset}"


def told_partition(about: str) -> str:
    """Everyone a programme's follow-up event was sent to, one item per person."""
    return f"TOLD#{about}"


def told_key(about: str, person: str) -> Key:
    return _key(told_partition(about), person)


def last_reminder_key(about: str, offset: str, recipient: str) -> Key:
    """The latest claim on a reminder of ``about`` at ``offset`` for ``recipient``, whatever
    start it named: a claim for a moved session's new start is refused while it still counts."""
    return _key(f"REMINDED#{about}#{offset}", recipient)


def calendar_sequence_key(person: str) -> Key:
    return _key(f"CALSEQ#{person}", "CALSEQ")


def anomaly_key(event_id: str) -> Key:
    return _key(f"ANOMALY#{event_id}", "ANOMALY")


def given_back_for_nobody_key(payment_intent: str) -> Key:
    """A payment no application or group recorded, which this system gave back whole."""
    return _key(f"PAYMENT#{payment_intent}", "GIVEN_BACK_FOR_NOBODY")


def organiser_partition(subject: str) -> str:
    return f"ORGANISER#{subject}"


def console_session_key(subject: str, session_id: str) -> Key:
    return _key(organiser_partition(subject), f"{CONSOLE_SESSION_PREFIX}{session_id}")


# -- places booked by a manager (``booking.domain.groups``) -----------------------------------
#   group         GROUP#<group_id>         GROUP       (the booking; its seats are counted on
#                                                       the course with the course's own;
#                                                       GROUPS_DUE / <when>#<id> while unpaid;
#                                                       by-course: COURSE#<id>#GROUPS /
#                                                       <created>#<id>, for the course's money)
#   a place used  GROUP#<group_id>         PLACE#nnn   (the application filling it: claimed
#                                                       with that application, one at a time)
#   its people's  ENROL#<course>#<sha256>  ENROL       (group_id, place: each colleague whose
#   enrolments                                          place holds a seat; claimed and given
#                                                       back with the group's save)
#   its objects   GROUPOWNER#<cs_/in_/pi_> GROUPOWNER  (the group that recorded a checkout
#                                                       session, an invoice or a payment)
#   its people    GROUPPERSON#<sha256>     GROUP#<id>  (each address it named, ever)
GROUP_SK = "GROUP"
# By-time index partition of unpaid groups, by when their hold lapses (the sweep's).
GROUPS_DUE_PARTITION = "GROUPS_DUE"


def course_groups_partition(course_id: str) -> str:
    """By-course index partition of a course's groups (its money counts theirs)."""
    return f"COURSE#{course_id}#GROUPS"


def group_partition(group_id: str) -> str:
    return f"GROUP#{group_id}"


def group_key(group_id: str) -> Key:
    return _key(group_partition(group_id), GROUP_SK)


def group_place_key(group_id: str, place: int) -> Key:
    return _key(group_partition(group_id), f"PLACE#{place:03d}")


def group_owner_key(provider_object_id: str) -> Key:
    """Which group recorded a provider's object (never an application's ``OWNER#``)."""
    return _key(f"GROUPOWNER#{provider_object_id}", "GROUPOWNER")


def group_person_partition(email: str) -> str:
    """A person named in group bookings (a manager or a colleague), by a digest of the
    address: erasure and export find their groups with one query; the item names no one."""
    return f"GROUPPERSON#{address_digest(email)}"


def group_person_key(email: str, group_id: str) -> Key:
    return _key(group_person_partition(email), group_partition(group_id))


# Customers at the payment provider that erasure still owes a deletion, by the invoice each
# was addressed to (``adapters.dynamodb.provider_erasure``), listed oldest first on the
# by-time index.
CUSTOMERS_OWED_PARTITION = "CUSTOMERS_OWED"


def customer_owed_key(invoice_id: str) -> Key:
    return _key(f"CUSTOMER_OWED#{invoice_id}", "CUSTOMER_OWED")


# Erasures whose search at the payment provider (the customers it finds by the address) could
# not be made when they ran, by a digest of the address (the item alone holds the address, to
# ask with, and only until the search is made or it expires): listed on the by-time index by
# when each is next due (``adapters.dynamodb.provider_erasure``).
PROVIDER_SEARCHES_OWED_PARTITION = "PROVIDER_SEARCHES_OWED"


def provider_search_key(email: str) -> Key:
    return _key(f"PROVIDER_SEARCH#{address_digest(email)}", "PROVIDER_SEARCH")

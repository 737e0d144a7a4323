"""What each Lambda function is and may do: its handler, size, timeout and exactly which
actions on which resources its role allows.

One table, ``FUNCTION_SPECS``, so that a reviewer reads every function's reach in one place;
:mod:`infra.cdk.functions` builds the functions and their roles from it, and the tests check the
recorded AWS calls of the test suite against it.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration

from infra.cdk.data import DUE_INDEX, ROSTER_INDEX
from infra.cdk.email_delivery import MAILER_TIMEOUT

GET, QUERY, PUT, UPDATE, DELETE = (
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
)
# A colleague's application checks, in the transaction that claims its group place, that the
# manager's group is still as the link was checked against; a place is given up only while
# nobody fills it (services/groups.py).
CONDITION_CHECK = "dynamodb:ConditionCheckItem"
# TransactWriteItems is no IAM action (cfn-lint W3037): each item inside a transaction is
# authorised as its own PutItem/UpdateItem/DeleteItem/ConditionCheckItem (ConditionCheck items:
# each function's reason is given with its actions below). The
# actions below are exactly the ones the recorded calls of the tests show each function needs
# (tests/infra/test_iam_recorded.py fails on a missing one and on an unused one).
# One consistent round trip for course + application on submission (adapters/dynamodb.py),
# and for who recorded a payment (adapters/dynamodb/payment_recorders.py).
BATCH_GET = "dynamodb:BatchGetItem"


@dataclass(frozen=True)
class FunctionSpec:
    key: str
    description: str
    # Memory also buys CPU: 512 MB roughly halves the cold start of boto3 + stripe + pydantic
    # (~0.5 s of imports at 128 MB, DESIGN.md "Cold start") for fractions of a cent.
    memory_mb: int
    timeout: Duration
    table_actions: tuple[str, ...]
    # Query permission on these GSIs (by name; never index/*), and on the table's own key.
    indexes: tuple[str, ...] = ()
    query_table: bool = False
    send_email: bool = False  # sqs:SendMessage on the email queue
    stripe_key: bool = False
    webhook_secret: bool = False
    console_session: bool = False  # reads the key that signs console sessions
    ses_send: bool = False
    # Someone waits on its cold start (a person's browser, Stripe's delivery): SnapStart on
    # published versions, invoked through the alias LIVE_ALIAS (infra/cdk/functions.py, SNAPSTART).
    snap_start: bool = False
    # How a failed invocation is kept (checkov CKV_AWS_116 looks only for DeadLetterConfig).
    failures: str = (
        "Invoked synchronously by API Gateway: the caller receives the error and retries "
        "(browsers, Stripe for three days); Lambda DLQs apply only to asynchronous invocations."
    )

    @property
    def handler(self) -> str:
        """Every function's code is the ``handler`` of the module named by its key."""
        return f"booking.handlers.{self.key}.handler"


# The functions behind API Gateway are given 15 s unless they say otherwise (the HTTP API's
# integrations time out at 30 s).
API_TIMEOUT = Duration.seconds(15)
API_TABLE_ACTIONS = (GET, QUERY, PUT, UPDATE, DELETE)


def _behind_the_api(
    key: str,
    description: str,
    *,
    timeout: Duration = API_TIMEOUT,
    table_actions: tuple[str, ...] = API_TABLE_ACTIONS,
    query_table: bool = False,
    webhook_secret: bool = False,
    console_session: bool = False,
    indexes: tuple[str, ...] = (ROSTER_INDEX,),
) -> FunctionSpec:
    """A function behind API Gateway: someone waits on each (SnapStart), each may call Stripe,
    reads the roster by course and writes applications; the arguments say the rest."""
    return FunctionSpec(
        key=key,
        description=description,
        snap_start=True,
        memory_mb=512,
        timeout=timeout,
        table_actions=table_actions,
        indexes=indexes,
        query_table=query_table,
        stripe_key=True,
        webhook_secret=webhook_secret,
        console_session=console_session,
    )


FUNCTION_SPECS: tuple[FunctionSpec, ...] = (
    _behind_the_api(
        "api",
        "Public HTTP API: courses, applications, checkout",
        # HTTP API integrations time out at 30 s; 10 s is enough for DynamoDB + one Stripe
        # call, and fails fast instead of holding a browser for 30 s when Stripe is slow.
        timeout=Duration.seconds(10),
        # DeleteItem and ConditionCheckItem: places booked by a manager. A colleague's
        # application claims its group place with a check on the group; a substitution or a
        # place given up withdraws the colleague's application, giving back its place claim
        # and its enrolment in the same transaction.
        table_actions=(GET, BATCH_GET, QUERY, PUT, UPDATE, DELETE, CONDITION_CHECK),
        # A manager's booking looks up, by the address's digest (a partition of the table),
        # whether a colleague is named on a place of another group already.
        query_table=True,
    ),
    # Stripe waits up to ~20 s and retries on timeout; refunds for a lapsed hold call Stripe.
    # Query on the roster index: a seat freed by an expiry or refund is offered to the waiting
    # list in the same invocation (services/waitlist.py). DeleteItem: a refund or cancellation
    # ends the person's enrolment item (and a payment refused before any booking gives back its
    # code use's holding item) inside the state-change transaction. ConditionCheckItem: a group
    # booking refunded in full at Stripe releases the places nobody holds with a check on
    # each, as a give-up does (domain/group_refunds.py); a refund that undoes a dearer move
    # not yet told saves only while the move's email is still unclaimed (services/settle.py).
    # BatchGetItem: who recorded a paid event's payment, in one read (services/believed.py).
    # Query on the table's own key: a person's erasure stopped after Stripe expired its card
    # checkout is completed by the checkout's expiry event, reading the person's applications
    # by their partition as the erasure does (services/checkout_acts.py).
    _behind_the_api(
        "webhook",
        "Stripe webhook receiver (signature-verified)",
        webhook_secret=True,
        table_actions=(*API_TABLE_ACTIONS, BATCH_GET, CONDITION_CHECK),
        query_table=True,
    ),
    # The roster by course, and the course's group bookings for its money (the same by-course
    # index); a person's applications by the table's own key (export, erase).
    # ConditionCheckItem: an organisers' cancel of a colleague's group place (its manager
    # erased) gives the place up with a check on the group, as the manager's own give-up does.
    # The by-time index: the backfill of failed refunds reads the anomalies it recorded, newest
    # first (``POST /admin/refunds-failed/backfill``). BatchGetItem: an organiser's act pressed
    # again after its earlier try's invoice was paid applies that payment as the webhook does,
    # reading who recorded it in one read (services/earlier_try_paid.py, services/believed.py).
    _behind_the_api(
        "admin",
        "Organiser API behind the Cognito JWT authorizer",
        query_table=True,
        table_actions=(*API_TABLE_ACTIONS, BATCH_GET, CONDITION_CHECK),
        indexes=(ROSTER_INDEX, DUE_INDEX),
    ),
    # As the admin function: a cancellation with refund calls Stripe, a roster reads a course's
    # applications; Jinja renders the page. The admin API's use cases, and the same reads: the
    # roster and the group bookings by course (the money page counts both), an application with
    # its history and a person's applications by the table's own key.
    _behind_the_api(
        "console",
        "Organisers' console: server-rendered pages, session cookie checked in code",
        query_table=True,
        console_session=True,
        table_actions=(*API_TABLE_ACTIONS, CONDITION_CHECK),
        # The due index: an erasure counts the searches at Stripe still pending
        # (services/provider_searches.py), as the admin function's does.
        indexes=(ROSTER_INDEX, DUE_INDEX),
    ),
    FunctionSpec(
        key="reminders",
        description="Every 15 min: due reminders and stale Checkout session sweep",
        memory_mb=512,
        # Batch job: pages through due items and expires stale Checkout sessions one Stripe
        # call at a time. 2 min leaves headroom; it is idempotent if a run is cut short.
        timeout=Duration.minutes(2),
        # DeleteItem: outbox items the stream could not relay are relayed here, then deleted.
        # ConditionCheckItem: a group place nobody filled by its deadline is given up only
        # while nobody fills it (services/groups.py). BatchGetItem: the sweep completing an act
        # whose earlier try's invoice was paid applies that payment as the webhook does
        # (services/earlier_try_paid.py).
        table_actions=(GET, BATCH_GET, QUERY, PUT, UPDATE, DELETE, CONDITION_CHECK),
        indexes=(ROSTER_INDEX, DUE_INDEX),
        # Query on the table's own key: the sweep completes a person's erasure stopped after
        # Stripe expired its card checkout, reading their applications by their partition
        # (services/checkout_acts.py).
        query_table=True,
        send_email=True,
        stripe_key=True,
        failures=(
            "Invoked asynchronously by EventBridge Scheduler: a run that fails Lambda's retries "
            "goes to the on-failure destination (EventInvokeConfig, scheduling.py), which "
            "carries the error as well as the event; a DeadLetterConfig would duplicate it."
        ),
    ),
    FunctionSpec(
        key="relay",
        description="Table stream (new outbox items) to the email queue; deleted applications' "
        "holdings given back",
        # JSON in, one SQS batch call per 10 jobs, one DeleteItem per job. An application the
        # time-to-live deleted: GetItem (is it gone), Query (its holdings, by the table's own
        # key), and per holding a transaction deleting it and moving its counter back.
        memory_mb=256,
        timeout=Duration.seconds(30),
        table_actions=(GET, QUERY, UPDATE, DELETE),
        query_table=True,
        send_email=True,
        failures=(
            "Invoked by the table's stream event source mapping, which polls synchronously: a "
            "failing batch is retried, bisected, then recorded in the mapping's on-failure "
            "queue (alarmed); the outbox items stay in the table for the sweep."
        ),
    ),
    FunctionSpec(
        key="mailer",
        description="Email queue consumer: renders and sends via SES",
        # Renders Jinja templates + .ics for up to 10 messages; no stripe import.
        memory_mb=256,
        # 10 messages x (render + SES call ~100 ms) with SES throttling retries; the queue's
        # visibility timeout is derived from this value.
        timeout=MAILER_TIMEOUT,
        # Query: the programme's cohorts (the courses index: whose follow-ups a calendar
        # carries, as their host gives them), a waiting-list position (the roster index) and a
        # person's other applications (the table's own key: is a cancelled booking's person
        # still a graduate, did an earlier application end). UpdateItem: the person's calendar
        # SEQUENCE counter, and the claim's outcome. ConditionCheckItem and DeleteItem: a send's
        # lease, taken in a transaction checking that the person is not erased, and dropped
        # once SES has answered (services/mailer.py).
        table_actions=(GET, QUERY, PUT, UPDATE, DELETE, CONDITION_CHECK),
        indexes=(ROSTER_INDEX,),
        query_table=True,
        ses_send=True,
        failures=(
            "Invoked by the SQS event source mapping, which polls synchronously: failed "
            "messages return to the email queue and, after 5 receives, its redrive DLQ (alarmed)."
        ),
    ),
    FunctionSpec(
        key="ses_events",
        description="Records SES bounces/complaints as suppression items",
        # Tiny JSON-in, one PutItem out.
        memory_mb=128,
        timeout=Duration.seconds(10),
        table_actions=(PUT,),
        failures=(
            "Invoked asynchronously by SNS: failures go to the on-failure destination "
            "(EventInvokeConfig) and undeliverable notifications to the subscription's DLQ, one "
            "alarmed queue (stack.py); checkov recognises only the older DeadLetterConfig."
        ),
    ),
)

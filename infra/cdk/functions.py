"""All Lambda functions: one code asset, one handler string each, one role each.

Each function gets its own IAM role built from explicit statements (no AWS managed policies, no
``grant_read_write_data``) so a reviewer can read exactly what every function may do from
``FUNCTION_SPECS`` below.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.cdk.checkers import ignore_cfn_lint, skip_checkov
from infra.cdk.config import REPO_ROOT, StageConfig
from infra.cdk.data import DUE_INDEX, ROSTER_INDEX
from infra.cdk.email_delivery import EMAIL_VISIBILITY_TIMEOUT, MAILER_TIMEOUT
from infra.cdk.nag import acknowledge

# Keep in lockstep with bundle.py (wheels are downloaded for exactly this runtime/arch).
RUNTIME = lambda_.Runtime.PYTHON_3_13
# Graviton: ~20% cheaper per GB-second than x86 and as fast for this I/O-bound code.
ARCHITECTURE = lambda_.Architecture.ARM_64

GET, QUERY, PUT, UPDATE, DELETE = (
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
)
# A colleague's application checks, in the transaction that claims its group place, that the
# manager's group is still as the link was checked against (services/groups.py).
CONDITION_CHECK = "dynamodb:ConditionCheckItem"
# TransactWriteItems is no IAM action (cfn-lint W3037): each item inside a transaction is
# authorised as its own PutItem/UpdateItem/DeleteItem/ConditionCheckItem (ConditionCheck items:
# only a group place's checks, by the API function and the sweep). The
# actions below are exactly the ones the recorded calls of the tests show each function needs
# (tests/infra/test_iam_recorded.py fails on a missing one and on an unused one).
# One consistent round trip for course + application on submission (adapters/dynamodb.py).
BATCH_GET = "dynamodb:BatchGetItem"


@dataclass(frozen=True)
class FunctionSpec:
    key: str
    handler: str
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
    # published versions, invoked through the alias LIVE_ALIAS (see SNAPSTART below).
    snap_start: bool = False
    # How a failed invocation is kept (checkov CKV_AWS_116 looks only for DeadLetterConfig).
    failures: str = (
        "Invoked synchronously by API Gateway: the caller receives the error and retries "
        "(browsers, Stripe for three days); Lambda DLQs apply only to asynchronous invocations."
    )


# SnapStart (Python 3.12 and later): Lambda runs a function's init when a version is
# published, snapshots the initialised environment and resumes new environments from it, so
# the person at the other end waits for the restore, not for imports and client set-up (1.8-2.5x
# the floor of Logger + boto3 + one DynamoDB client, README "Figures"). It applies only to
# published versions: API Gateway invokes the LIVE_ALIAS alias of the current version. Its
# cost, beyond invocations: each published version's snapshot is cached, charged per GB-second
# while the version exists (about $2 a month for 512 MB at the time of writing; four functions,
# and only the current version kept: older ones are deleted on deploy), and each restore is
# charged per GB restored (a fraction of a cent for 512 MB). What a snapshot must not carry is
# kept out of init: no AWS call and no secret is read there (bootstrap builds clients only),
# and nothing random is drawn from a seeded generator (the DynamoDB adapter's retry jitter
# uses the OS's entropy), so restored environments neither share connections nor retry in
# step.
SNAPSTART = lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS
LIVE_ALIAS = "live"

LOG_GROUP_KMS = (
    "Logs carry ids, never names, emails or answers (a test guard enforces it), and CloudWatch "
    "Logs encrypts every group at rest already; a customer key would add cost, not protection."
)
FUNCTION_SPECS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        key="api",
        snap_start=True,
        handler="booking.handlers.api.handler",
        description="Public HTTP API: courses, applications, checkout",
        memory_mb=512,
        # HTTP API integrations time out at 30 s; 10 s is enough for DynamoDB + one Stripe
        # call, and fails fast instead of holding a browser for 30 s when Stripe is slow.
        timeout=Duration.seconds(10),
        # DeleteItem and ConditionCheckItem: places booked by a manager. A colleague's
        # application claims its group place with a check on the group; a substitution or a
        # place given up withdraws the colleague's application, giving back its place claim
        # and its enrolment in the same transaction.
        table_actions=(GET, BATCH_GET, QUERY, PUT, UPDATE, DELETE, CONDITION_CHECK),
        indexes=(ROSTER_INDEX,),
        stripe_key=True,
    ),
    FunctionSpec(
        key="webhook",
        snap_start=True,
        handler="booking.handlers.webhook.handler",
        description="Stripe webhook receiver (signature-verified)",
        memory_mb=512,
        # Stripe waits up to ~20 s and retries on timeout; refunds for a lapsed hold call Stripe.
        timeout=Duration.seconds(15),
        # Query on the roster index: a seat freed by an expiry or refund is offered to the
        # waiting list in the same invocation (services/waitlist.py).
        # DeleteItem: a refund or cancellation ends the person's enrolment item (and a payment
        # refused before any booking gives back its code use's holding item) inside the
        # state-change transaction.
        table_actions=(GET, QUERY, PUT, UPDATE, DELETE),
        indexes=(ROSTER_INDEX,),
        stripe_key=True,
        webhook_secret=True,
    ),
    FunctionSpec(
        key="admin",
        snap_start=True,
        handler="booking.handlers.admin.handler",
        description="Organiser API behind the Cognito JWT authorizer",
        memory_mb=512,
        timeout=Duration.seconds(15),
        table_actions=(GET, QUERY, PUT, UPDATE, DELETE),
        # The roster by course; a person's applications by the table's own key (export, erase).
        indexes=(ROSTER_INDEX,),
        query_table=True,
        stripe_key=True,
    ),
    FunctionSpec(
        key="console",
        snap_start=True,
        handler="booking.handlers.console.handler",
        description="Organisers' console: server-rendered pages, session cookie checked in code",
        memory_mb=512,
        # As the admin function: a cancellation with refund calls Stripe, a roster reads a
        # course's applications; Jinja renders the page.
        timeout=Duration.seconds(15),
        # The admin API's use cases, and the same reads: the roster by course, an application
        # with its history and a person's applications by the table's own key.
        table_actions=(GET, QUERY, PUT, UPDATE, DELETE),
        indexes=(ROSTER_INDEX,),
        query_table=True,
        stripe_key=True,
        console_session=True,
    ),
    FunctionSpec(
        key="reminders",
        handler="booking.handlers.reminders.handler",
        description="Every 15 min: due reminders and stale Checkout session sweep",
        memory_mb=512,
        # Batch job: pages through due items and expires stale Checkout sessions one Stripe
        # call at a time. 2 min leaves headroom; it is idempotent if a run is cut short.
        timeout=Duration.minutes(2),
        # DeleteItem: outbox items the stream could not relay are relayed here, then deleted.
        # ConditionCheckItem: a group place nobody filled by its deadline is given up only
        # while nobody fills it (services/groups.py).
        table_actions=(GET, QUERY, PUT, UPDATE, DELETE, CONDITION_CHECK),
        indexes=(ROSTER_INDEX, DUE_INDEX),
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
        handler="booking.handlers.relay.handler",
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
        handler="booking.handlers.mailer.handler",
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
        # SEQUENCE counter, and the claim's outcome.
        table_actions=(GET, QUERY, PUT, UPDATE),
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
        handler="booking.handlers.ses_events.handler",
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


def lambda_code(config: StageConfig) -> lambda_.Code:
    """The one asset shared by every function.

    ``build/lambda`` (built by bundle.py) holds booking + its wheels. When it is absent (unit
    tests, offline CI) we fall back to ``functions/`` so synth still works; such an assembly
    lacks third-party deps and must not be deployed (``make deploy`` always builds first).
    """
    asset: Path = config.asset_dir
    if not asset.is_dir():
        if config.require_asset:
            raise FileNotFoundError(
                f"Lambda asset {asset} not built: run `python -m infra.cdk.bundle` first"
            )
        asset = REPO_ROOT / "functions"
    return lambda_.Code.from_asset(str(asset), exclude=["**/__pycache__", "**/*.pyc", "*.egg-info"])


class Functions(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        table: dynamodb.ITable,
        email_queue: sqs.IQueue,
        stripe_secret_key: secretsmanager.ISecret,
        stripe_webhook_secret: secretsmanager.ISecret,
        stripe_secret_key_name: str,
        stripe_webhook_secret_name: str,
        console_session_secret: secretsmanager.ISecret,
        console_session_secret_name: str,
        ses_identity_arn: str,
        ses_configuration_set_arn: str,
        ses_configuration_set_name: str,
    ) -> None:
        super().__init__(scope, construct_id)
        code = lambda_code(config)
        self.functions: dict[str, lambda_.Function] = {}
        # What callers invoke: the LIVE_ALIAS alias where SnapStart is on, else the function.
        self.entry_points: dict[str, lambda_.IFunction] = {}
        for spec in FUNCTION_SPECS:
            log_group = logs.LogGroup(
                self,
                f"{spec.key}-logs",
                # Explicit group: retention is ours (not "never expire") and it is deleted with
                # the stack in dev. Logs carry ids, not personal data (DESIGN.md).
                retention=config.log_retention,
                removal_policy=config.removal_policy,
            )
            role = iam.Role(
                self,
                f"{spec.key}-role",
                assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                description=f"{config.prefix} {spec.key} function",
            )
            # Instead of AWSLambdaBasicExecutionRole (logs:* on every log group): write to our
            # own group only.
            log_group.grant_write(role)
            self._grant(
                spec,
                role,
                table,
                email_queue,
                stripe_secret_key,
                stripe_webhook_secret,
                console_session_secret,
                ses_identity_arn,
                ses_configuration_set_arn,
            )

            environment = {
                "STAGE": config.stage,
                "TABLE_NAME": table.table_name,
                "POWERTOOLS_SERVICE_NAME": f"booking-{spec.key.replace('_', '-')}",
                "POWERTOOLS_LOG_LEVEL": "INFO",
                "SENDER_EMAIL": config.sender_email,
                "SES_CONFIGURATION_SET": ses_configuration_set_name,
                "EMAIL_QUEUE_URL": email_queue.queue_url,
                # Secret *names*, never values: the code fetches (and caches) them at runtime.
                "STRIPE_SECRET_KEY_PARAM": stripe_secret_key_name,
                "STRIPE_WEBHOOK_SECRET_PARAM": stripe_webhook_secret_name,
                "EMAIL_CLAIM_TIMEOUT_SECONDS": str(int(EMAIL_VISIBILITY_TIMEOUT.to_seconds())),
            }
            if spec.console_session:
                environment["CONSOLE_SESSION_SECRET_PARAM"] = console_session_secret_name
            fn = lambda_.Function(
                self,
                spec.key,
                description=spec.description,
                runtime=RUNTIME,
                architecture=ARCHITECTURE,
                handler=spec.handler,
                code=code,
                memory_size=spec.memory_mb,
                timeout=spec.timeout,
                role=role,
                log_group=log_group,
                environment=environment,
                snap_start=SNAPSTART if spec.snap_start else None,
                # A replaced version is deleted: each kept one would keep its snapshot cached.
                current_version_options=lambda_.VersionOptions(
                    removal_policy=RemovalPolicy.DESTROY
                ),
            )
            acknowledge(
                fn,
                "AwsSolutions-L1",
                "Python 3.13 is deliberate: the asset's wheels are built for cp313 "
                "(bundle.py --python-version 3.13) and the code is tested on it; the runtime is "
                "upgraded in one change together with the wheel target, not by this rule.",
            )
            self._acknowledge_checkers(spec, fn, log_group)
            self.functions[spec.key] = fn
            # current_version is derived at synth from the function's whole configuration, so
            # settings added later (PUBLIC_BASE_URL, stack.py) publish a new version too.
            self.entry_points[spec.key] = (
                lambda_.Alias(fn, "Live", alias_name=LIVE_ALIAS, version=fn.current_version)
                if spec.snap_start
                else fn
            )

    @staticmethod
    def _acknowledge_checkers(
        spec: FunctionSpec, fn: lambda_.Function, log_group: logs.LogGroup
    ) -> None:
        """cfn-lint (serverless rules) and checkov findings that are choices, with reasons."""
        skip_checkov(log_group, "CKV_AWS_158", LOG_GROUP_KMS)
        skip_checkov(fn, "CKV_AWS_116", spec.failures)
        skip_checkov(
            fn,
            "CKV_AWS_117",
            "The functions reach only AWS public endpoints and Stripe; a VPC would need a NAT "
            "gateway (~$32/month per AZ) for Stripe and adds cold-start latency, for no data "
            "that is not already behind IAM.",
        )
        skip_checkov(
            fn,
            "CKV_AWS_115",
            "Reserved concurrency would be carved out of the account's pool (10 on new "
            "accounts, so deploys would fail); the HTTP API stage throttles at 25 rps / 50 "
            "burst, which bounds every public entry point.",
        )
        skip_checkov(
            fn,
            "CKV_AWS_173",
            "The environment holds names and URLs only (table, queue, secret names); the "
            "Stripe keys live in Secrets Manager. Lambda encrypts it at rest with its own key.",
        )
        ignore_cfn_lint(
            fn,
            "WS1000",
            "No X-Ray: active tracing without the SDK shows only Lambda's own segment, and the "
            "SDK costs ~330 ms of cold start (DESIGN.md); request ids in the structured logs "
            "and the access logs tie a request together.",
        )
        ignore_cfn_lint(
            fn,
            "WS1004",
            "The function logs to its own group through LoggingConfig.LogGroup, which has a "
            "retention; the rule only recognises groups named /aws/lambda/<function name>.",
        )
        ignore_cfn_lint(
            fn,
            "W3005",
            "CDK's Function adds its role to DependsOn beside the role's default policy, so "
            "the policy exists before the first invocation; the repeat of the GetAtt's "
            "ordering is CDK's and harmless.",
        )

    @staticmethod
    def _grant(
        spec: FunctionSpec,
        role: iam.Role,
        table: dynamodb.ITable,
        email_queue: sqs.IQueue,
        stripe_secret_key: secretsmanager.ISecret,
        stripe_webhook_secret: secretsmanager.ISecret,
        console_session_secret: secretsmanager.ISecret,
        ses_identity_arn: str,
        ses_configuration_set_arn: str,
    ) -> None:
        item_actions = [a for a in spec.table_actions if a != QUERY]
        if item_actions:
            role.add_to_policy(
                iam.PolicyStatement(
                    sid="TableItems", actions=item_actions, resources=[table.table_arn]
                )
            )
        if QUERY in spec.table_actions:
            role.add_to_policy(
                iam.PolicyStatement(
                    sid="TableQuery",
                    actions=[QUERY],
                    resources=([table.table_arn] if spec.query_table else [])
                    + [f"{table.table_arn}/index/{name}" for name in spec.indexes],
                )
            )
        if spec.send_email:
            role.add_to_policy(
                iam.PolicyStatement(
                    sid="EnqueueEmail",
                    actions=["sqs:SendMessage"],
                    resources=[email_queue.queue_arn],
                )
            )
        secrets = [
            s.secret_arn
            for wanted, s in (
                (spec.stripe_key, stripe_secret_key),
                (spec.webhook_secret, stripe_webhook_secret),
                (spec.console_session, console_session_secret),
            )
            if wanted
        ]
        if secrets:
            role.add_to_policy(
                iam.PolicyStatement(
                    sid="ReadSecrets",
                    actions=["secretsmanager:GetSecretValue"],
                    resources=secrets,
                )
            )
        if spec.ses_send:
            # SES v2 SendEmail is authorised against both the sending identity and the
            # configuration set it uses; nothing else (no other identity can be spoofed).
            role.add_to_policy(
                iam.PolicyStatement(
                    sid="SendEmail",
                    actions=["ses:SendEmail"],
                    resources=[ses_identity_arn, ses_configuration_set_arn],
                )
            )

"""All Lambda functions: one code asset, one handler string each, one role each.

Each function gets its own IAM role built from explicit statements (no AWS managed policies, no
``grant_read_write_data``) so a reviewer can read exactly what every function may do from
``FUNCTION_SPECS`` (infra/cdk/function_specs.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Annotations, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.cdk.app_secrets import AppSecrets
from infra.cdk.checkers import ignore_cfn_lint, skip_checkov
from infra.cdk.config import REPO_ROOT, StageConfig
from infra.cdk.email_delivery import EMAIL_VISIBILITY_TIMEOUT, EmailDelivery
from infra.cdk.function_specs import FUNCTION_SPECS, QUERY, FunctionSpec
from infra.cdk.nag import acknowledge

# Keep in lockstep with bundle.py (wheels are downloaded for exactly this runtime/arch).
RUNTIME = lambda_.Runtime.PYTHON_3_13
# Graviton: ~20% cheaper per GB-second than x86 and as fast for this I/O-bound code.
ARCHITECTURE = lambda_.Architecture.ARM_64

# SnapStart (Python 3.12 and later): Lambda runs a function's init when a version is
# published, snapshots the initialised environment and resumes new environments from it, so
# the person at the other end waits for the restore, not for imports and client set-up (1.8-2.5x
# the floor of Logger + boto3 + one DynamoDB client, docs/figures.md). It applies only to
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


def lambda_code(config: StageConfig) -> lambda_.Code:
    """The one asset shared by every function.

    ``build/lambda`` (built by bundle.py) holds booking + its wheels. When it is absent (unit
    tests, offline CI) we fall back to ``functions/`` so synth still works; such an assembly
    lacks third-party deps and must not be deployed (``make deploy`` always builds first).
    """
    asset: Path = config.asset_dir
    if asset.is_dir():
        # The built asset's bytecode is compiled for the runtime (bundle.py) and ships with it:
        # without it every cold start compiles every module from source.
        return lambda_.Code.from_asset(str(asset), exclude=["*.egg-info"])
    if config.require_asset:
        raise FileNotFoundError(
            f"Lambda asset {asset} not built: run `python -m infra.cdk.bundle` first"
        )
    # The source tree's bytecode, if any, is the host Python's: left out.
    return lambda_.Code.from_asset(
        str(REPO_ROOT / "functions"), exclude=["**/__pycache__", "**/*.pyc", "*.egg-info"]
    )


@dataclass(frozen=True)
class Reachable:
    """The resources a function's role may be allowed to touch (which ones, its spec says)."""

    table_arn: str
    email_queue_arn: str
    stripe_secret_key_arn: str
    stripe_webhook_secret_arn: str
    console_session_secret_arn: str
    ses_identity_arn: str
    ses_configuration_set_arn: str


def policy_statements(spec: FunctionSpec, reachable: Reachable) -> list[iam.PolicyStatement]:
    """Exactly what ``spec`` says its function may do, each action on its own resources."""
    statements = _table_statements(spec, reachable.table_arn)
    if spec.send_email:
        statements.append(
            iam.PolicyStatement(
                sid="EnqueueEmail",
                actions=["sqs:SendMessage"],
                resources=[reachable.email_queue_arn],
            )
        )
    secrets = [
        arn
        for wanted, arn in (
            (spec.stripe_key, reachable.stripe_secret_key_arn),
            (spec.webhook_secret, reachable.stripe_webhook_secret_arn),
            (spec.console_session, reachable.console_session_secret_arn),
        )
        if wanted
    ]
    if secrets:
        statements.append(
            iam.PolicyStatement(
                sid="ReadSecrets", actions=["secretsmanager:GetSecretValue"], resources=secrets
            )
        )
    if spec.ses_send:
        # SES v2 SendEmail is authorised against both the sending identity and the
        # configuration set it uses; nothing else (no other identity can be spoofed).
        statements.append(
            iam.PolicyStatement(
                sid="SendEmail",
                actions=["ses:SendEmail"],
                resources=[reachable.ses_identity_arn, reachable.ses_configuration_set_arn],
            )
        )
    return statements


def _table_statements(spec: FunctionSpec, table_arn: str) -> list[iam.PolicyStatement]:
    statements = []
    item_actions = [a for a in spec.table_actions if a != QUERY]
    if item_actions:
        statements.append(
            iam.PolicyStatement(sid="TableItems", actions=item_actions, resources=[table_arn])
        )
    if QUERY in spec.table_actions:
        statements.append(
            iam.PolicyStatement(
                sid="TableQuery",
                actions=[QUERY],
                resources=([table_arn] if spec.query_table else [])
                + [f"{table_arn}/index/{name}" for name in spec.indexes],
            )
        )
    return statements


class Functions(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        table: dynamodb.ITable,
        secrets: AppSecrets,
        email: EmailDelivery,
    ) -> None:
        super().__init__(scope, construct_id)
        code = lambda_code(config)
        reachable = Reachable(
            table_arn=table.table_arn,
            email_queue_arn=email.queue.queue_arn,
            stripe_secret_key_arn=secrets.stripe_secret_key.secret_arn,
            stripe_webhook_secret_arn=secrets.stripe_webhook_secret.secret_arn,
            console_session_secret_arn=secrets.console_session_secret.secret_arn,
            ses_identity_arn=email.identity.email_identity_arn,
            ses_configuration_set_arn=email.configuration_set_arn,
        )
        self.functions: dict[str, lambda_.Function] = {}
        # What callers invoke: the LIVE_ALIAS alias where SnapStart is on, else the function.
        self.entry_points: dict[str, lambda_.IFunction] = {}
        # Every function's settings but its own name (kept in this order: the published
        # version's hash is taken over the function's configuration as written).
        stage_settings = {"STAGE": config.stage, "TABLE_NAME": table.table_name}
        shared_settings = {
            "POWERTOOLS_LOG_LEVEL": "INFO",
            "SENDER_EMAIL": config.sender_email,
            "SES_CONFIGURATION_SET": email.configuration_set_name,
            "EMAIL_QUEUE_URL": email.queue.queue_url,
            # Secret *names*, never values: the code fetches (and caches) them at runtime.
            "STRIPE_SECRET_KEY_PARAM": secrets.stripe_secret_key_name,
            "STRIPE_WEBHOOK_SECRET_PARAM": secrets.stripe_webhook_secret_name,
            "EMAIL_CLAIM_TIMEOUT_SECONDS": str(int(EMAIL_VISIBILITY_TIMEOUT.to_seconds())),
        }
        for spec in FUNCTION_SPECS:
            environment = {
                **stage_settings,
                "POWERTOOLS_SERVICE_NAME": f"booking-{spec.key.replace('_', '-')}",
                **shared_settings,
            }
            if spec.console_session:
                environment["CONSOLE_SESSION_SECRET_PARAM"] = secrets.console_session_secret_name
            self._add(spec, self._function(spec, code, config, reachable, environment))

    def _add(self, spec: FunctionSpec, fn: lambda_.Function) -> None:
        """Keep ``fn`` and what callers invoke of it."""
        self.functions[spec.key] = fn
        # current_version is derived at synth from the function's whole configuration, so
        # settings added later (PUBLIC_BASE_URL, stack.py) publish a new version too.
        self.entry_points[spec.key] = (
            lambda_.Alias(fn, "Live", alias_name=LIVE_ALIAS, version=fn.current_version)
            if spec.snap_start
            else fn
        )
        if spec.snap_start:
            # CDK warns that SnapStart needs a published version, whatever the stack does: this
            # one publishes current_version and invokes it only through the alias above.
            Annotations.of(fn).acknowledge_warning(
                "@aws-cdk/aws-lambda:snapStartRequirePublish",
                "Invoked only through the LIVE_ALIAS alias of its current_version.",
            )

    def _function(
        self,
        spec: FunctionSpec,
        code: lambda_.Code,
        config: StageConfig,
        reachable: Reachable,
        environment: dict[str, str],
    ) -> lambda_.Function:
        """One function as its spec says, with its own log group and role."""
        log_group, role = self._logs_and_role(spec, config, reachable)
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
            current_version_options=lambda_.VersionOptions(removal_policy=RemovalPolicy.DESTROY),
        )
        acknowledge(
            fn,
            "AwsSolutions-L1",
            "Python 3.13 is deliberate: the asset's wheels are built for cp313 "
            "(bundle.py --python-version 3.13) and the code is tested on it; the runtime is "
            "upgraded in one change together with the wheel target, not by this rule.",
        )
        self._acknowledge_checkers(spec, fn, log_group)
        return fn

    def _logs_and_role(
        self, spec: FunctionSpec, config: StageConfig, reachable: Reachable
    ) -> tuple[logs.LogGroup, iam.Role]:
        """The function's own log group, and a role that may write to it and do what its spec
        says, nothing more."""
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
        for statement in policy_statements(spec, reachable):
            role.add_to_policy(statement)
        return log_group, role

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

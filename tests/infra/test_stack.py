"""Template assertions for the synthesized stack (offline, asset fallback to functions/)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk.assertions import Match

from booking.adapters.dynamodb.schema import TABLE_DEFINITION
from tests.infra.conftest import Synth

pytestmark = pytest.mark.infra

HANDLERS = {
    "api": "booking.handlers.api.handler",
    "webhook": "booking.handlers.webhook.handler",
    "admin": "booking.handlers.admin.handler",
    "console": "booking.handlers.console.handler",
    "reminders": "booking.handlers.reminders.handler",
    "mailer": "booking.handlers.mailer.handler",
    "ses_events": "booking.handlers.ses_events.handler",
    "relay": "booking.handlers.relay.handler",
}
ENV_KEYS = {
    "TABLE_NAME",
    "EMAIL_QUEUE_URL",
    "STRIPE_SECRET_KEY_PARAM",
    "STRIPE_WEBHOOK_SECRET_PARAM",
    "PUBLIC_BASE_URL",
    "SENDER_EMAIL",
    "SES_CONFIGURATION_SET",
    "POWERTOOLS_SERVICE_NAME",
    "POWERTOOLS_LOG_LEVEL",
    "STAGE",
    "EMAIL_CLAIM_TIMEOUT_SECONDS",
}


# --- helpers ------------------------------------------------------------------------------------


def function_by_handler(s: Synth, handler: str) -> tuple[str, dict[str, Any]]:
    matches = [
        (k, v)
        for k, v in s.resources("AWS::Lambda::Function").items()
        if v["Properties"]["Handler"] == handler
    ]
    assert len(matches) == 1, handler
    return matches[0]


def statements_of(s: Synth, handler: str) -> list[dict[str, Any]]:
    """All IAM statements attached to the execution role of the function with ``handler``."""
    _, fn = function_by_handler(s, handler)
    role_id = fn["Properties"]["Role"]["Fn::GetAtt"][0]
    statements: list[dict[str, Any]] = []
    for policy in s.resources("AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            statements.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    role = s.raw["Resources"][role_id]["Properties"]
    for inline in role.get("Policies", []):
        statements.extend(inline["PolicyDocument"]["Statement"])
    return statements


def actions_of(s: Synth, handler: str) -> set[str]:
    actions: set[str] = set()
    for st in statements_of(s, handler):
        assert st["Effect"] == "Allow"
        a = st["Action"]
        actions.update([a] if isinstance(a, str) else a)
    return actions


def logical_id(s: Synth, type_: str, fragment: str) -> str:
    ids = [k for k in s.resources(type_) if fragment in k]
    assert len(ids) == 1, (type_, fragment, ids)
    return ids[0]


# --- inventory ----------------------------------------------------------------------------------


def test_resource_inventory(dev: Synth) -> None:
    expected = {
        "AWS::Lambda::Function": 8,
        # SnapStart: the current version and its alias of api, webhook, admin and console.
        "AWS::Lambda::Version": 4,
        "AWS::Lambda::Alias": 4,
        "AWS::DynamoDB::Table": 1,
        "AWS::SQS::Queue": 5,  # email queue + DLQ, scheduler DLQ, SES events DLQ, relay failures
        "AWS::Scheduler::Schedule": 1,
        "AWS::Lambda::EventSourceMapping": 2,  # table stream -> relay, email queue -> mailer
        "AWS::ApiGatewayV2::Api": 1,
        "AWS::ApiGatewayV2::Stage": 1,
        # 12 public (turning an offered place down and leaving the waiting list among them),
        # the webhook, admin, 2 for the console, the $default fallback (test_routes), the
        # certificates' two (its verification page, the holder's PDF), the seven of places
        # booked by a manager, and the person's calendar file
        "AWS::ApiGatewayV2::Route": 17 + 2 + 7 + 1,
        "AWS::ApiGatewayV2::Authorizer": 1,
        "AWS::Cognito::UserPool": 1,
        "AWS::Cognito::UserPoolClient": 1,
        "AWS::Cognito::UserPoolResourceServer": 1,
        "AWS::Cognito::UserPoolDomain": 1,
        "AWS::SES::EmailIdentity": 1,
        "AWS::SES::ConfigurationSet": 1,
        "AWS::SES::ConfigurationSetEventDestination": 1,
        "AWS::SNS::Topic": 2,  # SES events, alarms
        "AWS::SNS::Subscription": 1,
        "AWS::SecretsManager::Secret": 3,  # Stripe key and webhook secret, console sessions
        "AWS::KMS::Key": 1,
        "AWS::Logs::LogGroup": 9,  # 8 functions + API access logs
    }
    for type_, count in expected.items():
        dev.template.resource_count_is(type_, count)
    # No Docker-built or custom-resource helper functions sneaked in.
    assert not dev.resources("AWS::Lambda::LayerVersion")
    assert not dev.resources("Custom::LogRetention")


# --- functions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "handler"), HANDLERS.items())
def test_function_runtime_and_environment(dev: Synth, key: str, handler: str) -> None:
    _, fn = function_by_handler(dev, handler)
    props = fn["Properties"]
    assert props["Runtime"] == "python3.13"
    assert props["Architectures"] == ["arm64"]
    assert 128 <= props["MemorySize"] <= 1024
    assert 1 <= props["Timeout"] <= 120
    env = props["Environment"]["Variables"]
    console_only = {"CONSOLE_SESSION_SECRET_PARAM", "COGNITO_DOMAIN", "COGNITO_CLIENT_ID"}
    assert set(env) == ENV_KEYS | (console_only if key == "console" else set())
    assert env["STAGE"] == "dev"
    assert env["POWERTOOLS_SERVICE_NAME"].startswith("booking-")
    assert env["STRIPE_SECRET_KEY_PARAM"] == "booking-dev/stripe-secret-key"
    assert env["STRIPE_WEBHOOK_SECRET_PARAM"] == "booking-dev/stripe-webhook-secret"
    # Secrets by name only: nothing that looks like key material in plain env vars.
    flat = json.dumps(env)
    assert "sk_" not in flat
    assert "whsec_" not in flat
    # An explicit log group with retention (not the implicit never-expiring one).
    group_id = props["LoggingConfig"]["LogGroup"]["Ref"]
    assert dev.raw["Resources"][group_id]["Properties"]["RetentionInDays"] == 14


def test_one_shared_code_asset(dev: Synth) -> None:
    keys = {
        f["Properties"]["Code"]["S3Key"] for f in dev.resources("AWS::Lambda::Function").values()
    }
    assert len(keys) == 1


def test_offline_fallback_asset_is_functions_dir(dev: Synth) -> None:
    (key,) = {
        f["Properties"]["Code"]["S3Key"] for f in dev.resources("AWS::Lambda::Function").values()
    }
    staged = dev.outdir / f"asset.{key.removesuffix('.zip')}"
    assert (staged / "booking" / "__init__.py").is_file()
    assert not list(staged.rglob("__pycache__"))


def test_no_aws_managed_policies_on_function_roles(dev: Synth) -> None:
    for role in dev.resources("AWS::IAM::Role").values():
        assert "ManagedPolicyArns" not in role["Properties"]


def test_mailer_visibility_timeout_is_six_times_its_timeout(dev: Synth) -> None:
    _, mailer = function_by_handler(dev, HANDLERS["mailer"])
    queue_id = logical_id(dev, "AWS::SQS::Queue", "EmailQueue")
    queue = dev.raw["Resources"][queue_id]["Properties"]
    assert queue["VisibilityTimeout"] >= 6 * mailer["Properties"]["Timeout"]


# --- IAM: least privilege per function ----------------------------------------------------------


def test_api_function_permissions(dev: Synth) -> None:
    actions = actions_of(dev, HANDLERS["api"])
    assert {
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "secretsmanager:GetSecretValue",
    } <= actions
    # A manager's substitution or a place given up withdraws a colleague's application
    # (places booked by a manager): its enrolment and place claim are deleted with it.
    assert "dynamodb:DeleteItem" in actions
    assert "dynamodb:ConditionCheckItem" in actions  # a group place's claim checks its group
    assert not actions & {"dynamodb:Scan", "dynamodb:BatchWriteItem"}
    # Emails leave through the outbox and the stream relay: the API never calls the queue.
    assert not any(a.startswith("sqs:") for a in actions)
    assert not any(a.startswith("ses:") for a in actions)
    assert not any("*" in a for a in actions)


def test_only_mailer_can_send_email(dev: Synth) -> None:
    for key, handler in HANDLERS.items():
        has_ses = "ses:SendEmail" in actions_of(dev, handler)
        assert has_ses == (key == "mailer"), key


def test_mailer_ses_scoped_to_identity_and_configuration_set(dev: Synth) -> None:
    (st,) = [s for s in statements_of(dev, HANDLERS["mailer"]) if s["Action"] == "ses:SendEmail"]
    resources = json.dumps(st["Resources"] if "Resources" in st else st["Resource"])
    identity_id = logical_id(dev, "AWS::SES::EmailIdentity", "Identity")
    assert f'":identity/", {{"Ref": "{identity_id}"}}' in resources
    assert ":configuration-set/booking-dev-emails" in resources
    assert '"*"' not in resources


def test_mailer_table_access(dev: Synth) -> None:
    dynamo = {a for a in actions_of(dev, HANDLERS["mailer"]) if a.startswith("dynamodb:")}
    # ConditionCheckItem and DeleteItem: the send's lease, taken in one transaction with the
    # check that its person is not erased, and released once SES has answered
    # (services/send_leases.py).
    assert dynamo == {
        "dynamodb:ConditionCheckItem",
        "dynamodb:DeleteItem",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
        "dynamodb:UpdateItem",
    }


def test_ses_events_only_puts_items(dev: Synth) -> None:
    actions = actions_of(dev, HANDLERS["ses_events"])
    # sqs:SendMessage: Lambda delivers failed asynchronous invocations to its DLQ with it.
    assert actions == {
        "dynamodb:PutItem",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "sqs:SendMessage",
    }
    dlq = logical_id(dev, "AWS::SQS::Queue", "SesEventsDlq")
    [send] = [
        s for s in statements_of(dev, HANDLERS["ses_events"]) if s["Action"] == "sqs:SendMessage"
    ]
    assert send["Resource"] == {"Fn::GetAtt": [dlq, "Arn"]}


def test_only_the_refund_paths_erasure_the_outbox_relays_and_send_leases_can_delete(
    dev: Synth,
) -> None:
    # The webhook's refund transaction and an organiser's cancel end the enrolment item;
    # erasure deletes a person's items; the relays delete outbox items once queued (the stream
    # relay, and the sweep for what the stream left); a manager's change to a group's places
    # withdraws a colleague's application (the API); the mailer releases a send's lease once
    # SES has answered. Nothing else deletes.
    deleting = {"admin", "console", "webhook", "relay", "reminders", "api", "mailer"}
    for key, handler in HANDLERS.items():
        deletes = "dynamodb:DeleteItem" in actions_of(dev, handler)
        assert deletes == (key in deleting), key
    for handler in HANDLERS.values():
        assert "dynamodb:Scan" not in actions_of(dev, handler)


def test_no_policy_names_an_action_iam_does_not_have(dev: Synth) -> None:
    # cfn-lint W3037: TransactWriteItems is authorised per item, never as itself.
    for handler in HANDLERS.values():
        assert not actions_of(dev, handler) & {
            "dynamodb:TransactWriteItems",
            "dynamodb:TransactGetItems",
        }


def test_webhook_secret_only_readable_by_webhook(dev: Synth) -> None:
    webhook_secret = logical_id(dev, "AWS::SecretsManager::Secret", "StripeWebhookSecret")
    stripe_key = logical_id(dev, "AWS::SecretsManager::Secret", "StripeSecretKey")
    for key, handler in HANDLERS.items():
        reads = [
            s for s in statements_of(dev, handler) if s["Action"] == "secretsmanager:GetSecretValue"
        ]
        text = json.dumps(reads)
        assert (webhook_secret in text) == (key == "webhook"), key
        assert (stripe_key in text) == (key not in {"mailer", "ses_events", "relay"}), key
        for s in reads:  # never DescribeSecret/ListSecrets or a wildcard resource
            assert '"*"' not in json.dumps(s["Resource"])


def test_query_is_limited_to_named_indexes(dev: Synth) -> None:
    for handler in HANDLERS.values():
        for st in statements_of(dev, handler):
            if st["Action"] == "dynamodb:Query":
                text = json.dumps(st["Resource"])
                assert "/index/*" not in text
                assert "/index/gsi" in text or "index" not in text


# The reminders' run reads what is due; an erasure (the organiser API's and the console's)
# counts the searches at Stripe still pending, listed there.
@pytest.mark.parametrize("function", ["reminders", "admin", "console"])
def test_the_functions_reading_the_due_index_can_query_it(dev: Synth, function: str) -> None:
    (st,) = [s for s in statements_of(dev, HANDLERS[function]) if s["Action"] == "dynamodb:Query"]
    assert "/index/gsi2" in json.dumps(st["Resource"])


# --- data ---------------------------------------------------------------------------------------


def test_table(dev: Synth) -> None:
    dev.template.has_resource(
        "AWS::DynamoDB::Table",
        {
            "DeletionPolicy": "Delete",
            "Properties": Match.object_like(
                {
                    # Keys and indexes as the adapter's one definition gives them, which
                    # the local stack and the moto tests make their table from.
                    "KeySchema": TABLE_DEFINITION["KeySchema"],
                    "BillingMode": "PAY_PER_REQUEST",
                    "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                    "SSESpecification": {"SSEEnabled": True},
                    "TimeToLiveSpecification": {"AttributeName": "expires_at_ttl", "Enabled": True},
                    "GlobalSecondaryIndexes": TABLE_DEFINITION["GlobalSecondaryIndexes"],
                }
            ),
        },
    )


def test_prod_retains_stateful_resources(prod: Synth) -> None:
    for type_ in (
        "AWS::DynamoDB::Table",
        "AWS::Cognito::UserPool",
        "AWS::SecretsManager::Secret",
        "AWS::Logs::LogGroup",
    ):
        for logical, res in prod.resources(type_).items():
            assert res.get("DeletionPolicy") == "Retain", logical
    prod.template.has_resource_properties(
        "AWS::DynamoDB::Table", {"DeletionProtectionEnabled": True}
    )


# --- queues -------------------------------------------------------------------------------------


def test_email_queue_dlq_wiring(dev: Synth) -> None:
    dlq_id = logical_id(dev, "AWS::SQS::Queue", "EmailDlq")
    dev.template.has_resource_properties(
        "AWS::SQS::Queue",
        {
            "SqsManagedSseEnabled": True,
            "RedrivePolicy": {
                "deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
                "maxReceiveCount": 5,
            },
        },
    )
    dlq = dev.raw["Resources"][dlq_id]["Properties"]
    assert dlq["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert dlq["SqsManagedSseEnabled"] is True


def test_every_queue_enforces_tls(dev: Synth) -> None:
    queues = set(dev.resources("AWS::SQS::Queue"))
    enforced: set[str] = set()
    for policy in dev.resources("AWS::SQS::QueuePolicy").values():
        doc = json.dumps(policy["Properties"]["PolicyDocument"])
        if '"aws:SecureTransport": "false"' in doc:
            enforced.update(q["Ref"] for q in policy["Properties"]["Queues"])
    assert queues == enforced


def test_mailer_event_source(dev: Synth) -> None:
    mailer_id, _ = function_by_handler(dev, HANDLERS["mailer"])
    queue_id = logical_id(dev, "AWS::SQS::Queue", "EmailQueue")
    dev.template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "FunctionName": {"Ref": mailer_id},
            "EventSourceArn": {"Fn::GetAtt": [queue_id, "Arn"]},
            "BatchSize": 10,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
        },
    )


# --- scheduling ---------------------------------------------------------------------------------


def test_schedule(dev: Synth) -> None:
    reminders_id, _ = function_by_handler(dev, HANDLERS["reminders"])
    dlq_id = logical_id(dev, "AWS::SQS::Queue", "SchedulerDlq")
    dev.template.has_resource_properties(
        "AWS::Scheduler::Schedule",
        {
            "ScheduleExpression": "rate(15 minutes)",
            "State": "ENABLED",
            "Target": Match.object_like(
                {
                    "Arn": {"Fn::GetAtt": [reminders_id, "Arn"]},
                    "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
                    "DeadLetterConfig": {"Arn": {"Fn::GetAtt": [dlq_id, "Arn"]}},
                    "RoleArn": Match.any_value(),
                }
            ),
        },
    )
    (schedule,) = dev.resources("AWS::Scheduler::Schedule").values()
    payload = json.loads(schedule["Properties"]["Target"]["Input"])
    assert payload["time"] == "<aws.scheduler.scheduled-time>"


# --- API ----------------------------------------------------------------------------------------


def test_routes(dev: Synth) -> None:
    route_keys = {
        r["Properties"]["RouteKey"] for r in dev.resources("AWS::ApiGatewayV2::Route").values()
    }
    assert route_keys == {
        "GET /",
        "GET /courses",
        "GET /courses/{course_id}",
        "GET /courses/{course_id}/apply",
        "POST /courses/{course_id}/applications",
        "GET /applications/{application_id}",
        "POST /applications/{application_id}/checkout",
        "POST /applications/{application_id}/invoice",
        "POST /applications/{application_id}/decline-offer",
        "GET /applications/{application_id}/leave-waiting-list",
        "POST /applications/{application_id}/leave-waiting-list",
        "GET /openapi.json",
        "GET /courses/{course_id}/group-booking",
        "POST /courses/{course_id}/group-bookings",
        "GET /groups/{group_id}",
        "POST /groups/{group_id}/places/{place}/substitute",
        "POST /groups/{group_id}/places/{place}/cancel",
        "GET /groups/{group_id}/places/{place}/apply",
        "POST /groups/{group_id}/places/{place}/applications",
        "POST /webhooks/stripe",
        "ANY /admin/{proxy+}",
        "ANY /console",
        "ANY /console/{proxy+}",
        "$default",
        "GET /certificates/{code}",
        "GET /applications/{application_id}/certificate.pdf",
        "GET /applications/{application_id}/calendar.ics",
    }


def test_only_admin_route_requires_jwt_with_scope(dev: Synth) -> None:
    for route in dev.resources("AWS::ApiGatewayV2::Route").values():
        props = route["Properties"]
        if props["RouteKey"] == "ANY /admin/{proxy+}":
            assert props["AuthorizationType"] == "JWT"
            assert props["AuthorizationScopes"] == ["booking/admin"]
        else:
            assert props.get("AuthorizationType", "NONE") == "NONE"
    client_id = logical_id(dev, "AWS::Cognito::UserPoolClient", "OrganiserClient")
    dev.template.has_resource_properties(
        "AWS::ApiGatewayV2::Authorizer",
        {
            "AuthorizerType": "JWT",
            "JwtConfiguration": {"Audience": [{"Ref": client_id}], "Issuer": Match.any_value()},
        },
    )


def _invoked(dev: Synth, target: dict[str, Any]) -> str:
    """The function an integration invokes, through its alias where it has one."""
    alias = dev.resources("AWS::Lambda::Alias").get(target.get("Ref", ""))
    return json.dumps(alias["Properties"]["FunctionName"] if alias else target)


def test_routes_integrate_with_the_right_function(dev: Synth) -> None:
    fn_for_integration = {
        k: _invoked(dev, v["Properties"]["IntegrationUri"])
        for k, v in dev.resources("AWS::ApiGatewayV2::Integration").items()
    }
    api_id, _ = function_by_handler(dev, HANDLERS["api"])
    webhook_id, _ = function_by_handler(dev, HANDLERS["webhook"])
    admin_id, _ = function_by_handler(dev, HANDLERS["admin"])
    console_id, _ = function_by_handler(dev, HANDLERS["console"])
    for route in dev.resources("AWS::ApiGatewayV2::Route").values():
        key = route["Properties"]["RouteKey"]
        integration = route["Properties"]["Target"]["Fn::Join"][1][1]["Ref"]
        uri = fn_for_integration[integration]
        expected = (
            admin_id
            if "/admin/" in key
            else console_id
            if "/console" in key
            else webhook_id
            if "webhooks" in key
            else api_id
        )
        assert expected in uri, key
        assert dev.raw["Resources"][integration]["Properties"]["PayloadFormatVersion"] == "2.0"


def test_cors_limited_to_site_origin(dev: Synth) -> None:
    (api,) = dev.resources("AWS::ApiGatewayV2::Api").values()
    cors = api["Properties"]["CorsConfiguration"]
    assert cors["AllowOrigins"] == ["https://book.example.org"]
    assert "*" not in json.dumps(cors)


def test_stage_throttling_and_access_logs(dev: Synth) -> None:
    (stage,) = dev.resources("AWS::ApiGatewayV2::Stage").values()
    props = stage["Properties"]
    assert props["StageName"] == "$default"
    assert props["AutoDeploy"] is True
    assert props["DefaultRouteSettings"]["ThrottlingRateLimit"] > 0
    assert (
        props["DefaultRouteSettings"]["ThrottlingBurstLimit"]
        >= props["DefaultRouteSettings"]["ThrottlingRateLimit"]
    )
    group_id = props["AccessLogSettings"]["DestinationArn"]["Fn::GetAtt"][0]
    assert dev.raw["Resources"][group_id]["Properties"]["RetentionInDays"] > 0
    assert "$context.requestId" in props["AccessLogSettings"]["Format"]


# --- auth ---------------------------------------------------------------------------------------


def test_user_pool(dev: Synth) -> None:
    dev.template.has_resource_properties(
        "AWS::Cognito::UserPool",
        {
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
            "MfaConfiguration": "ON",
            "UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"},
        },
    )
    dev.template.has_resource_properties(
        "AWS::Cognito::UserPoolResourceServer",
        {
            "Identifier": "booking",
            "Scopes": [{"ScopeName": "admin", "ScopeDescription": Match.any_value()}],
        },
    )
    dev.template.has_resource_properties(
        "AWS::Cognito::UserPoolClient",
        {
            "GenerateSecret": False,
            "AllowedOAuthFlows": ["code"],
            "AllowedOAuthScopes": Match.array_with(["openid"]),
        },
    )


def test_the_console_signs_in_through_cognito_with_its_own_callback(dev: Synth) -> None:
    (client,) = dev.resources("AWS::Cognito::UserPoolClient").values()
    props = client["Properties"]
    callbacks = json.dumps(props["CallbackURLs"])
    assert "/console/callback" in callbacks
    assert "/admin/callback" in callbacks
    assert "/console/signed-out" in json.dumps(props["LogoutURLs"])
    assert props["GenerateSecret"] is False  # public client: PKCE protects the code
    _, console = function_by_handler(dev, HANDLERS["console"])
    environment = console["Properties"]["Environment"]["Variables"]
    client_id = logical_id(dev, "AWS::Cognito::UserPoolClient", "OrganiserClient")
    assert environment["COGNITO_CLIENT_ID"] == {"Ref": client_id}
    assert "amazoncognito.com" in json.dumps(environment["COGNITO_DOMAIN"])
    assert environment["CONSOLE_SESSION_SECRET_PARAM"] == "booking-dev/console-session-key"
    assert "ADMIN_TOKEN" not in environment  # sign-in by token exists only under `make run`


def test_the_console_session_key_is_generated_and_readable_by_the_console_only(
    dev: Synth,
) -> None:
    secret_id = logical_id(dev, "AWS::SecretsManager::Secret", "ConsoleSessionSecret")
    secret = dev.raw["Resources"][secret_id]["Properties"]
    assert secret["Name"] == "booking-dev/console-session-key"
    assert secret["GenerateSecretString"]["PasswordLength"] >= 64
    for key, handler in HANDLERS.items():
        reads = [
            s for s in statements_of(dev, handler) if s["Action"] == "secretsmanager:GetSecretValue"
        ]
        assert (secret_id in json.dumps(reads)) == (key == "console"), key
        environment = function_by_handler(dev, handler)[1]["Properties"]["Environment"]
        named = "CONSOLE_SESSION_SECRET_PARAM" in environment["Variables"]
        assert named == (key == "console"), key


# --- email --------------------------------------------------------------------------------------


def test_ses_bounce_and_complaint_events_reach_ses_events_function(dev: Synth) -> None:
    topic_id = logical_id(dev, "AWS::SNS::Topic", "SesEventsTopic")
    dev.template.has_resource_properties(
        "AWS::SES::ConfigurationSetEventDestination",
        {
            "EventDestination": Match.object_like(
                {
                    "Enabled": True,
                    "MatchingEventTypes": Match.array_equals(["bounce", "complaint"]),
                    "SnsDestination": {"TopicARN": {"Ref": topic_id}},
                }
            )
        },
    )
    ses_events_id, _ = function_by_handler(dev, HANDLERS["ses_events"])
    dev.template.has_resource_properties(
        "AWS::SNS::Subscription",
        {
            "Protocol": "lambda",
            "TopicArn": {"Ref": topic_id},
            "Endpoint": {"Fn::GetAtt": [ses_events_id, "Arn"]},
        },
    )
    dev.template.has_resource_properties(
        "AWS::SES::EmailIdentity",
        {"EmailIdentity": "example.org", "ConfigurationSetAttributes": Match.any_value()},
    )


def test_topics_are_encrypted_with_a_rotated_key_ses_and_cloudwatch_can_use(dev: Synth) -> None:
    key_id = logical_id(dev, "AWS::KMS::Key", "TopicKey")
    for topic in dev.resources("AWS::SNS::Topic").values():
        assert topic["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    key = dev.raw["Resources"][key_id]["Properties"]
    assert key["EnableKeyRotation"] is True
    services = {
        st["Principal"]["Service"]
        for st in key["KeyPolicy"]["Statement"]
        if "Service" in st.get("Principal", {})
    }
    assert services == {"ses.amazonaws.com", "cloudwatch.amazonaws.com"}


# --- monitoring ---------------------------------------------------------------------------------


def test_alarms(dev: Synth) -> None:
    alarms = dev.resources("AWS::CloudWatch::Alarm")
    alarm_topic = logical_id(dev, "AWS::SNS::Topic", "AlarmTopic")
    by_metric: dict[str, list[dict[str, Any]]] = {}
    for alarm in alarms.values():
        props = alarm["Properties"]
        assert props["AlarmActions"] == [{"Ref": alarm_topic}]
        by_metric.setdefault(props["MetricName"], []).append(props)
    assert len(by_metric["5xx"]) == 1
    assert len(by_metric["Errors"]) == len(HANDLERS)
    assert len(by_metric["Throttles"]) == len(HANDLERS)
    dlq_alarms = by_metric["ApproximateNumberOfMessagesVisible"]
    dlq_queues = {json.dumps(a["Dimensions"]) for a in dlq_alarms}
    assert len(dlq_queues) == 4
    assert any("EmailDlq" in q for q in dlq_queues)
    assert any("SchedulerDlq" in q for q in dlq_queues)
    assert any("RelayFailures" in q for q in dlq_queues)
    assert any("SesEventsDlq" in q for q in dlq_queues)
    for props in dlq_alarms:
        assert props["Threshold"] == 1
        assert props["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"


# --- outputs ------------------------------------------------------------------------------------


def test_outputs(dev: Synth) -> None:
    outputs = dev.raw["Outputs"]
    assert {
        "ApiUrl",
        "StripeWebhookUrl",
        "UserPoolId",
        "StripeSecretKeyName",
        "StripeWebhookSecretName",
    } <= set(outputs)
    assert outputs["StripeWebhookUrl"]["Value"]["Fn::Join"][1][-1] == "/webhooks/stripe"
    assert outputs["StripeSecretKeyName"]["Value"] == "booking-dev/stripe-secret-key"
    assert outputs["StripeWebhookSecretName"]["Value"] == "booking-dev/stripe-webhook-secret"


def test_mailer_claim_timeout_matches_the_queue_visibility_timeout(dev: Synth) -> None:
    [queue] = [
        q
        for q in dev.resources("AWS::SQS::Queue").values()
        if q["Properties"].get("RedrivePolicy", {}).get("maxReceiveCount") == 5
    ]
    visibility = queue["Properties"]["VisibilityTimeout"]
    timeouts = {
        f["Properties"]["Environment"]["Variables"]["EMAIL_CLAIM_TIMEOUT_SECONDS"]
        for f in dev.resources("AWS::Lambda::Function").values()
        if "Environment" in f["Properties"]
    }
    assert timeouts == {str(visibility)}


def test_the_relay_hears_only_new_outbox_items_and_deleted_applications(dev: Synth) -> None:
    relay_id, _ = function_by_handler(dev, HANDLERS["relay"])
    [mapping] = [
        m["Properties"]
        for m in dev.resources("AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["FunctionName"] == {"Ref": relay_id}
    ]
    [table] = dev.resources("AWS::DynamoDB::Table").values()
    assert table["Properties"]["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    patterns = [json.loads(f["Pattern"]) for f in mapping["FilterCriteria"]["Filters"]]
    assert patterns == [
        {"eventName": ["INSERT"], "dynamodb": {"Keys": {"pk": {"S": [{"prefix": "OUTBOX#"}]}}}},
        # What the time-to-live deleted: the holdings of the application go back.
        {
            "eventName": ["REMOVE"],
            "dynamodb": {"Keys": {"pk": {"S": [{"prefix": "APP#"}]}, "sk": {"S": ["APP"]}}},
        },
    ]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BisectBatchOnFunctionError"] is True
    assert "OnFailure" in mapping["DestinationConfig"]


@pytest.mark.parametrize("key", ["api", "webhook", "admin", "console"])
def test_what_people_wait_for_is_restored_from_a_snapshot(dev: Synth, key: str) -> None:
    """SnapStart on published versions, and API Gateway invokes the current version's alias:
    through $LATEST (or the function itself) it would initialise from scratch after all."""
    function_id, function = function_by_handler(dev, HANDLERS[key])
    assert function["Properties"]["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    assert function["Properties"]["Runtime"] >= "python3.12"  # SnapStart's Python minimum
    (alias_id, alias), *others = [
        (k, v)
        for k, v in dev.resources("AWS::Lambda::Alias").items()
        if v["Properties"]["FunctionName"] == {"Ref": function_id}
    ]
    assert not others
    version_id = alias["Properties"]["FunctionVersion"]["Fn::GetAtt"][0]
    version = dev.raw["Resources"][version_id]
    assert version["Type"] == "AWS::Lambda::Version"
    assert version["DeletionPolicy"] == "Delete"  # a replaced snapshot stops being cached
    uris = [
        v["Properties"]["IntegrationUri"]
        for v in dev.resources("AWS::ApiGatewayV2::Integration").values()
    ]
    assert {"Ref": alias_id} in uris
    assert {"Ref": function_id} not in uris
    assert not any("Fn::GetAtt" in uri and function_id in json.dumps(uri) for uri in uris)


def test_every_asynchronous_trigger_keeps_its_failures_in_an_alarmed_queue(dev: Synth) -> None:
    """SNS -> ses_events and Scheduler -> reminders are asynchronous invocations: a failure on
    every retry goes to an on-failure destination, and SNS's own undeliverable notifications to
    the subscription's DLQ; each of those queues has a depth alarm."""
    functions = {
        key: logical_id(dev, "AWS::Lambda::Function", key.replace("_", ""))
        for key in ("ses_events", "reminders")
    }
    configs = {
        c["Properties"]["FunctionName"]["Ref"]: c["Properties"]
        for c in dev.resources("AWS::Lambda::EventInvokeConfig").values()
    }
    alarmed = {
        json.dumps(a["Properties"].get("Dimensions"))
        for a in dev.resources("AWS::CloudWatch::Alarm").values()
    }
    for key, expected_queue in (("ses_events", "SesEventsDlq"), ("reminders", "SchedulerDlq")):
        destination = configs[functions[key]]["DestinationConfig"]["OnFailure"]["Destination"]
        queue = destination["Fn::GetAtt"][0]
        assert expected_queue in queue, key
        assert any(queue in dimensions for dimensions in alarmed), key
    [subscription] = [
        s["Properties"]
        for s in dev.resources("AWS::SNS::Subscription").values()
        if s["Properties"]["Protocol"] == "lambda"
    ]
    redrive = subscription["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
    assert "SesEventsDlq" in redrive


@pytest.mark.parametrize(
    ("function", "line"),
    [
        ("webhook", "payment anomaly"),
        # An erasure whose search at Stripe has waited over a day (the reminders' run says so).
        ("reminders", "erasure searches overdue at the payment provider"),
    ],
)
def test_a_logged_line_a_person_must_see_raises_an_alarm(
    dev: Synth, function: str, line: str
) -> None:
    _, logging_function = function_by_handler(dev, HANDLERS[function])
    [props] = [
        f["Properties"]
        for f in dev.resources("AWS::Logs::MetricFilter").values()
        if f["Properties"]["FilterPattern"] == f'{{ $.message = "{line}" }}'
    ]
    assert props["LogGroupName"] == {
        "Ref": logging_function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
    }
    [transformation] = props["MetricTransformations"]
    [alarm] = [
        a["Properties"]
        for a in dev.resources("AWS::CloudWatch::Alarm").values()
        if a["Properties"]["MetricName"] == transformation["MetricName"]
    ]
    assert alarm["Namespace"] == transformation["MetricNamespace"]
    assert alarm["Threshold"] == 1

"""Each function's IAM policy, read from the synthesized template, held to the recorded calls.

The template's policies reference resources through CloudFormation intrinsics (``Fn::GetAtt``,
``Ref``, ``Fn::Join``); they are resolved here into ARNs named after the resources' logical ids
(or their literal names where the template gives one), in one fixed region and account. The
recorded calls name local resources; their bindings (``table``, ``email_queue``, ...) translate
them into the same ARNs. Statements are evaluated by moto's IAM policy engine
(``moto.iam.access_control.IAMPolicy``), not by code of ours.

Two directions, both reported as findings:

* **denied**: a recorded call the function's policy does not allow on that resource;
* **unused**: an (action, resource) the policy grants that no recorded call used and no
  reasoned allowance covers (least privilege), and an allowance that no longer covers anything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from moto.iam.access_control import IAMPolicy, PermissionResult

from infra.cdk.function_specs import FUNCTION_SPECS
from infra.local.aws_calls import Binding, Call

REGION, ACCOUNT = "eu-west-2", "123456789012"
_PSEUDO = {
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT,
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
}
# The ARN CloudFormation's Fn::GetAtt [X, Arn] gives, by resource type ({name}: see _name).
_ARNS = {
    "AWS::DynamoDB::Table": "arn:aws:dynamodb:{region}:{account}:table/{name}",
    "AWS::SQS::Queue": "arn:aws:sqs:{region}:{account}:{name}",
    "AWS::SecretsManager::Secret": "arn:aws:secretsmanager:{region}:{account}:secret:{name}",
    "AWS::Logs::LogGroup": "arn:aws:logs:{region}:{account}:log-group:{name}:*",
    "AWS::Lambda::Function": "arn:aws:lambda:{region}:{account}:function:{name}",
    "AWS::SNS::Topic": "arn:aws:sns:{region}:{account}:{name}",
    "AWS::KMS::Key": "arn:aws:kms:{region}:{account}:key/{name}",
}
TABLE_TYPE = "AWS::DynamoDB::Table"
# A table's stream ARN ends in a label CloudFormation picks at deploy; one stands for it here.
STREAM_SUFFIX = "/stream/deployed"
# Properties that hold a resource's own name, where the template sets one.
_NAME_PROPERTIES = {
    "AWS::SecretsManager::Secret": "Name",
    "AWS::SES::EmailIdentity": "EmailIdentity",
    "AWS::SES::ConfigurationSet": "Name",
    "AWS::SQS::Queue": "QueueName",
    "AWS::DynamoDB::Table": "TableName",
}
# The stack's resources that local resources stand for, by construct path (under the stack).
ROLE_PATHS = {
    "table": "Data/Table/Resource",
    "email_queue": "Email/EmailQueue/Resource",
    "email_dlq": "Email/EmailDlq/Resource",
    "ses_events_dlq": "Email/SesEventsDlq/Resource",
    "scheduler_dlq": "Scheduling/SchedulerDlq/Resource",
    "relay_failures": "RelayFailures/Resource",
    "ses_identity": "Email/Identity/Resource",
    "ses_configuration_set": "Email/ConfigurationSet/Resource",
    "stripe_secret_key": "Secrets/StripeSecretKey/Resource",
    "stripe_webhook_secret": "Secrets/StripeWebhookSecret/Resource",
    "console_session_secret": "Secrets/ConsoleSessionSecret/Resource",
}
_ROLE_ARNS = {
    "AWS::SES::EmailIdentity": "arn:aws:ses:{region}:{account}:identity/{name}",
    "AWS::SES::ConfigurationSet": "arn:aws:ses:{region}:{account}:configuration-set/{name}",
}


@dataclass(frozen=True)
class Allowance:
    """A grant no test can exercise, with the reason it is still needed."""

    functions: tuple[str, ...]
    action: str
    resource: str  # a role of ROLE_PATHS, or "own_log_group"
    reason: str


@dataclass(frozen=True)
class Finding:
    kind: str  # "denied" | "unused" | "stale allowance" | "unknown function"
    function: str
    action: str
    resource: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.kind}: {self.function} {self.action} on {self.resource} {self.detail}"


class Template:
    """The parts of a synthesized template the check reads."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.resources: dict[str, dict[str, Any]] = raw["Resources"]

    def _name(self, logical_id: str) -> str:
        resource = self.resources[logical_id]
        prop = _NAME_PROPERTIES.get(resource["Type"])
        name = resource.get("Properties", {}).get(prop) if prop else None
        return name if isinstance(name, str) else logical_id

    def arn(self, logical_id: str) -> str:
        kind = self.resources[logical_id]["Type"]
        pattern = _ARNS.get(kind) or _ROLE_ARNS.get(kind)
        if pattern is None:
            raise ValueError(f"no ARN format for {kind} ({logical_id})")
        return pattern.format(region=REGION, account=ACCOUNT, name=self._name(logical_id))

    def resolve(self, value: Any) -> Any:
        """Evaluate the intrinsics IAM policies use; anything else is an error, not a guess."""
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) != 1 or not next(iter(value)).startswith(("Fn::", "Ref")):
            return {key: self.resolve(item) for key, item in value.items()}  # a plain object
        if set(value) == {"Ref"}:
            target = value["Ref"]
            if target in _PSEUDO:
                return _PSEUDO[target]
            kind = self.resources[target]["Type"]
            # Ref gives the ARN for secrets, the name for tables and SES resources.
            return self.arn(target) if kind == "AWS::SecretsManager::Secret" else self._name(target)
        if set(value) == {"Fn::GetAtt"}:
            target, attribute = value["Fn::GetAtt"]
            if attribute == "StreamArn" and self.resources[target]["Type"] == TABLE_TYPE:
                return self.arn(target) + STREAM_SUFFIX
            if attribute != "Arn":
                raise ValueError(f"unsupported Fn::GetAtt attribute {attribute}")
            return self.arn(target)
        if set(value) == {"Fn::Join"}:
            separator, parts = value["Fn::Join"]
            return str(separator).join(str(self.resolve(p)) for p in parts)
        raise ValueError(f"unsupported intrinsic in a policy: {json.dumps(value)}")

    def logical_id(self, path: str) -> str:
        """The resource a construct path names: CDK's logical id is the path's parts, joined,
        then an 8-digit hash (the template carries no path metadata here)."""
        prefix = re.sub(r"[^A-Za-z0-9]", "", "".join(path.split("/")[:-1]))
        pattern = re.compile(f"^{prefix}[0-9A-F]{{8}}$")
        found = [logical_id for logical_id in self.resources if pattern.match(logical_id)]
        if len(found) != 1:
            raise LookupError(f"{len(found)} resources for {path}")
        return found[0]

    def role_arn(self, role: str) -> str:
        return self.arn(self.logical_id(ROLE_PATHS[role]))

    def functions(self) -> dict[str, str]:
        """Function key (FUNCTION_SPECS) -> logical id of its Lambda function."""
        by_handler = {spec.handler: spec.key for spec in FUNCTION_SPECS}
        return {
            by_handler[r["Properties"]["Handler"]]: logical_id
            for logical_id, r in self.resources.items()
            if r["Type"] == "AWS::Lambda::Function" and r["Properties"].get("Handler") in by_handler
        }

    def policy(self, function_id: str) -> dict[str, Any]:
        """Every statement attached to the function's role, resolved, as one document."""
        role = self.resources[function_id]["Properties"]["Role"]["Fn::GetAtt"][0]
        role_props = self.resources[role]["Properties"]
        if role_props.get("ManagedPolicyArns"):
            raise ValueError(f"{role} has managed policies; the check reads inline ones only")
        statements = [
            s for p in role_props.get("Policies", []) for s in p["PolicyDocument"]["Statement"]
        ]
        for resource in self.resources.values():
            if resource["Type"] == "AWS::IAM::Policy" and {"Ref": role} in resource[
                "Properties"
            ].get("Roles", []):
                statements += resource["Properties"]["PolicyDocument"]["Statement"]
        return {"Version": "2012-10-17", "Statement": self.resolve(statements)}

    def own_log_group(self, function_id: str) -> str:
        group = self.resources[function_id]["Properties"]["LoggingConfig"]["LogGroup"]
        return self.arn(group["Ref"])


def translate(calls: Iterable[Call], bindings: Iterable[Binding], template: Template) -> list[Call]:
    """Recorded calls with each bound local resource replaced by the template's own ARN."""
    prefixes = [(b.arn, template.role_arn(b.role)) for b in bindings]
    translated = []
    for call in calls:
        resource = call.resource
        for local, deployed in prefixes:
            if resource == local or resource.startswith(local + "/"):
                resource = deployed + resource[len(local) :]
                break
        translated.append(Call(call.function, call.action, resource, call.operation, call.origin))
    return translated


def _allows(document: dict[str, Any], action: str, resource: str) -> bool:
    verdict = IAMPolicy(json.dumps(document)).is_action_permitted(action, resource)
    return bool(verdict == PermissionResult.PERMITTED)


def _grants(document: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = []
    for statement in document["Statement"]:
        if statement.get("Effect") != "Allow":
            continue
        actions = statement["Action"]
        resources = statement["Resource"]
        for action in [actions] if isinstance(actions, str) else actions:
            for resource in [resources] if isinstance(resources, str) else resources:
                pairs.append((action, resource))
    return pairs


def check(
    template: Template,
    calls: Sequence[Call],
    bindings: Sequence[Binding],
    allowances: Sequence[Allowance] = (),
) -> list[Finding]:
    functions = template.functions()
    findings: list[Finding] = []
    translated = translate(calls, bindings, template)
    used_allowances: set[tuple[Allowance, str]] = set()
    for call in translated:
        if call.function not in functions:
            findings.append(Finding("unknown function", call.function, call.action, call.resource))
    for key, function_id in sorted(functions.items()):
        document = template.policy(function_id)
        mine = [c for c in translated if c.function == key]
        for action, resource, operation in sorted(
            {(c.action, c.resource, c.operation) for c in mine}
        ):
            if not _allows(document, action, resource):
                findings.append(Finding("denied", key, action, resource, f"(in {operation})"))
        for action, granted in _grants(document):
            one = {"Statement": [{"Effect": "Allow", "Action": action, "Resource": granted}]}
            if any(_allows(one, c.action, c.resource) for c in mine):
                continue
            covering = [
                a
                for a in allowances
                if key in a.functions
                and a.action == action
                and granted == _allowance_arn(template, function_id, a.resource)
            ]
            if covering:
                used_allowances.update((a, key) for a in covering)
                continue
            findings.append(Finding("unused", key, action, granted, "(no recorded call)"))
    for allowance in allowances:
        for key in allowance.functions:
            if (allowance, key) not in used_allowances:
                findings.append(
                    Finding("stale allowance", key, allowance.action, allowance.resource)
                )
    return findings


def _allowance_arn(template: Template, function_id: str, resource: str) -> str:
    if resource == "own_log_group":
        return template.own_log_group(function_id)
    if resource == "table_stream":
        return template.role_arn("table") + STREAM_SUFFIX
    if resource == "*":
        return "*"
    return template.role_arn(resource)

"""Stripe credentials in Secrets Manager.

CDK creates the secrets with a random placeholder; the operator writes the real values after
deploy (infra/DEPLOY.md), so key material never appears in the template, the repo or env vars.
Functions get the secret *name* in an env var and read it with Powertools parameters.
"""

from __future__ import annotations

from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra.cdk.checkers import skip_checkov
from infra.cdk.config import StageConfig
from infra.cdk.nag import acknowledge


class AppSecrets(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        # Literal names (not secret.secret_name, which CDK derives from the ARN with a chain of
        # Fn::Split): readable env vars/outputs and stable for the operator's CLI commands.
        self.stripe_secret_key_name = f"{config.prefix}/stripe-secret-key"
        self.stripe_webhook_secret_name = f"{config.prefix}/stripe-webhook-secret"
        removal = config.removal_policy
        self.stripe_secret_key = secretsmanager.Secret(
            self,
            "StripeSecretKey",
            secret_name=self.stripe_secret_key_name,
            description="Stripe secret API key (sk_ or restricted rk_); set by the operator",
            removal_policy=removal,
        )
        self.stripe_webhook_secret = secretsmanager.Secret(
            self,
            "StripeWebhookSecret",
            secret_name=self.stripe_webhook_secret_name,
            description="Stripe webhook endpoint signing secret (whsec_); set by operator",
            removal_policy=removal,
        )
        for secret in (self.stripe_secret_key, self.stripe_webhook_secret):
            skip_checkov(
                secret,
                "CKV_AWS_149",
                "Encrypted with the AWS-managed key (aws/secretsmanager); reading a secret "
                "still needs GetSecretValue on its exact ARN, which only the functions that "
                "call Stripe have. A customer key would add a key policy, not a barrier.",
            )
            acknowledge(
                secret,
                "AwsSolutions-SMG4",
                "Stripe keys can only be rolled in the Stripe Dashboard/API, so a Secrets "
                "Manager rotation Lambda cannot create a new valid value. Rotation is a "
                "documented manual runbook (infra/DEPLOY.md: roll key in Stripe, "
                "put-secret-value).",
            )

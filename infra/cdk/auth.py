"""Organiser authentication: Cognito user pool, resource server scope ``booking/admin``, and the
app client whose access tokens the HTTP API's JWT authorizer accepts on ``/admin/*``, and
through which organisers sign in to the console (``/console/callback``)."""

from __future__ import annotations

from aws_cdk import Duration, Stack, Token
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from booking.domain.organisers import ORGANISER_SCOPE, ORGANISER_SCOPE_NAME, RESOURCE_SERVER
from infra.cdk.config import StageConfig

# The scope that makes an organiser, as the functions check it (one definition).
ADMIN_SCOPE_NAME = ORGANISER_SCOPE_NAME
RESOURCE_SERVER_ID = RESOURCE_SERVER
ADMIN_SCOPE = ORGANISER_SCOPE


class Auth(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self.user_pool = self._user_pool(config)
        admin = cognito.ResourceServerScope(
            scope_name=ADMIN_SCOPE_NAME, scope_description="Manage courses and bookings"
        )
        self.resource_server = self.user_pool.add_resource_server(
            "ResourceServer", identifier=RESOURCE_SERVER_ID, scopes=[admin]
        )
        self._logouts = [config.site_origin]
        # Custom scopes only appear in access tokens issued by the OAuth endpoints (not by
        # InitiateAuth), so organisers sign in through managed login: authorization code + PKCE.
        prefix = config.auth_domain_prefix or f"{config.prefix}-{Stack.of(self).account}"
        if not Token.is_unresolved(prefix) and len(prefix) > 63:
            raise ValueError("auth_domain_prefix must be at most 63 characters")
        self.domain = self.user_pool.add_domain(
            "Domain",
            cognito_domain=cognito.CognitoDomainOptions(domain_prefix=prefix),
            managed_login_version=cognito.ManagedLoginVersion.CLASSIC_HOSTED_UI,
        )
        self._callbacks = callbacks = [f"{config.site_origin}/admin/callback"]
        if not config.is_prod:
            # Local helper for getting a token from a terminal (DEPLOY.md).
            callbacks.append("http://localhost:8765/callback")
        self.client = self.user_pool.add_client(
            "OrganiserClient",
            user_pool_client_name=f"{config.prefix}-organiser",
            # Public client (browser/CLI): a client secret could not be kept secret there; PKCE
            # protects the code exchange instead.
            generate_secret=False,
            auth_flows=cognito.AuthFlow(user_srp=True),
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True),
                scopes=[
                    cognito.OAuthScope.OPENID,
                    cognito.OAuthScope.EMAIL,
                    cognito.OAuthScope.resource_server(self.resource_server, admin),
                ],
                callback_urls=callbacks,
                logout_urls=self._logouts,
            ),
            supported_identity_providers=[cognito.UserPoolClientIdentityProvider.COGNITO],
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            # Short-lived access tokens bound the damage of a leaked token; refresh is 12 h so
            # an organiser signs in (with MFA) about once per working day.
            access_token_validity=Duration.minutes(30),
            id_token_validity=Duration.minutes(30),
            refresh_token_validity=Duration.hours(12),
        )

    def _user_pool(self, config: StageConfig) -> cognito.UserPool:
        """The organisers' accounts: invited only, strong passwords, MFA, threat protection."""
        return cognito.UserPool(
            self,
            "UserPool",
            user_pool_name=f"{config.prefix}-organisers",
            # Organisers are invited by an operator (DEPLOY.md); nobody can sign themselves up
            # and thereby gain the admin scope.
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(email=True),
            sign_in_case_sensitive=False,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            # Admins can refund and cancel bookings: a stolen password alone must not be enough.
            mfa=cognito.Mfa.REQUIRED,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            # Plus tier = threat protection (compromised-credential and adaptive auth checks) in
            # enforcement mode. Billed per active organiser per month (a few cents total).
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            deletion_protection=config.is_prod,
            removal_policy=config.removal_policy,
        )

    def allow_console(self, base_url: str) -> None:
        """Let the console at ``base_url`` (the API's own address unless the stage names one,
        so known only once the API exists) receive sign-ins and land after signing out."""
        client = self.client.node.default_child
        assert isinstance(client, cognito.CfnUserPoolClient)
        client.callback_ur_ls = [*self._callbacks, f"{base_url}/console/callback"]
        client.logout_ur_ls = [*self._logouts, f"{base_url}/console/signed-out"]

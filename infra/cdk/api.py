"""The HTTP API: public booking routes, the Stripe webhook and the organiser routes."""

from __future__ import annotations

import json

import jsii
from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from booking.handlers.routes import Function, routes_of
from infra.cdk.auth import ADMIN_SCOPE
from infra.cdk.checkers import skip_checkov
from infra.cdk.config import StageConfig
from infra.cdk.nag import acknowledge

POST = apigwv2.HttpMethod.POST

# The public function's routes and the webhook's, from the route table the functions serve.
PUBLIC_ROUTES: tuple[tuple[str, apigwv2.HttpMethod], ...] = tuple(
    (route.path, apigwv2.HttpMethod(route.method)) for route in routes_of(Function.API)
)
(WEBHOOK_PATH,) = {route.path for route in routes_of(Function.WEBHOOK)}
ADMIN_PATH = "/admin/{proxy+}"
# The console's pages: no authorizer (a browser sends a cookie, not a bearer token); the console
# function checks the signed session cookie and the CSRF token itself.
CONSOLE_PATHS = ("/console", "/console/{proxy+}")

# Fields that identify a request without personal data (no query strings, no bodies).
_ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "requestTime": "$context.requestTime",
        "ip": "$context.identity.sourceIp",
        "method": "$context.httpMethod",
        "routeKey": "$context.routeKey",
        "status": "$context.status",
        "protocol": "$context.protocol",
        "responseLength": "$context.responseLength",
        "integrationLatency": "$context.integrationLatency",
        "integrationError": "$context.integrationErrorMessage",
        "authorizerError": "$context.authorizer.error",
    }
)


@jsii.implements(apigwv2.IAccessLogSettings)
class _AccessLogSettings:
    def __init__(self, log_group: logs.ILogGroup) -> None:
        self._destination = apigwv2.LogGroupLogDestination(log_group)

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigw.AccessLogFormat:
        return apigw.AccessLogFormat.custom(_ACCESS_LOG_FORMAT)


class Api(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        api_function: lambda_.IFunction,
        webhook_function: lambda_.IFunction,
        admin_function: lambda_.IFunction,
        console_function: lambda_.IFunction,
        user_pool: cognito.IUserPool,
        user_pool_client: cognito.IUserPoolClient,
    ) -> None:
        super().__init__(scope, construct_id)
        self.http_api = apigwv2.HttpApi(
            self,
            "HttpApi",
            api_name=f"{config.prefix}-api",
            # Only the booking site may call the API from a browser. The Stripe webhook is
            # server-to-server and ignores CORS.
            cors_preflight=apigwv2.CorsPreflightOptions(
                allow_origins=[config.site_origin],
                allow_methods=[
                    apigwv2.CorsHttpMethod.GET,
                    apigwv2.CorsHttpMethod.POST,
                    apigwv2.CorsHttpMethod.PUT,
                    apigwv2.CorsHttpMethod.PATCH,
                    apigwv2.CorsHttpMethod.DELETE,
                ],
                allow_headers=["authorization", "content-type", "idempotency-key"],
                max_age=Duration.hours(1),
            ),
            # We create the $default stage ourselves to attach throttling and access logs.
            create_default_stage=False,
        )
        self.stage = self._default_stage(config)
        self.endpoint = self.http_api.api_endpoint

        self._public_routes(api_function)
        self._webhook_route(webhook_function)
        self._console_routes(console_function)
        self.http_api.add_routes(
            path=ADMIN_PATH,
            methods=[apigwv2.HttpMethod.ANY],
            integration=integrations.HttpLambdaIntegration("Admin", admin_function),
            authorizer=authorizers.HttpUserPoolAuthorizer(
                "Organisers", user_pool, user_pool_clients=[user_pool_client]
            ),
            # Only access tokens carrying the resource-server scope are accepted.
            authorization_scopes=[ADMIN_SCOPE],
        )

    def _default_stage(self, config: StageConfig) -> apigwv2.HttpStage:
        """The $default stage, throttled, with access logs."""
        access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=config.log_retention,
            removal_policy=config.removal_policy,
        )
        skip_checkov(
            access_logs,
            "CKV_AWS_158",
            "Access log lines name the route, status and source IP only (no query strings, "
            "no bodies), and CloudWatch Logs encrypts every group at rest already.",
        )
        return apigwv2.HttpStage(
            self,
            "DefaultStage",
            http_api=self.http_api,
            stage_name="$default",
            auto_deploy=True,
            # A course has tens of applicants: 25 rps sustained / 50 burst is far above real
            # traffic but caps the bill and the Stripe API usage under a flood or a loop.
            throttle=apigwv2.ThrottleSettings(rate_limit=25, burst_limit=50),
            access_log_settings=_AccessLogSettings(access_logs),
        )

    def _public_routes(self, api_function: lambda_.IFunction) -> None:
        """The public API's routes, and every request no route matches."""
        api_integration = integrations.HttpLambdaIntegration("Public", api_function)
        for path, method in PUBLIC_ROUTES:
            for route in self.http_api.add_routes(
                path=path, methods=[method], integration=api_integration
            ):
                acknowledge(
                    route,
                    "AwsSolutions-APIG4",
                    "Public booking route by design: anonymous applicants browse courses and "
                    "apply. Abuse is bounded by stage throttling, input validation in the "
                    "handler, and seat holds that expire; no organiser data is reachable.",
                )
        # Everything no route matches (a wrong method, an unknown path) also goes to the public
        # function, so clients get the contract's error shape (404, or 405 with Allow) instead
        # of API Gateway's own body, exactly as under `make run`.
        fallback = apigwv2.HttpRoute(
            self,
            "Fallback",
            http_api=self.http_api,
            route_key=apigwv2.HttpRouteKey.DEFAULT,
            integration=api_integration,
        )
        acknowledge(
            fallback,
            "AwsSolutions-APIG4",
            "Catch-all for unmatched requests, answered by the public function with 404/405 in "
            "the contract's error shape; it reaches no route that needs authorisation.",
        )

    def _webhook_route(self, webhook_function: lambda_.IFunction) -> None:
        for route in self.http_api.add_routes(
            path=WEBHOOK_PATH,
            methods=[POST],
            integration=integrations.HttpLambdaIntegration("StripeWebhook", webhook_function),
        ):
            acknowledge(
                route,
                "AwsSolutions-APIG4",
                "Stripe cannot send AWS/JWT credentials. Every request is authenticated by the "
                "handler verifying the Stripe-Signature HMAC over the raw body with the webhook "
                "signing secret (400 and nothing written on failure).",
            )

    def _console_routes(self, console_function: lambda_.IFunction) -> None:
        console = integrations.HttpLambdaIntegration("Console", console_function)
        for path in CONSOLE_PATHS:
            for route in self.http_api.add_routes(
                path=path, methods=[apigwv2.HttpMethod.ANY], integration=console
            ):
                acknowledge(
                    route,
                    "AwsSolutions-APIG4",
                    "The organisers' console is a set of browser pages: a browser cannot send a "
                    "bearer token on a link or a form post, so no JWT authorizer can stand in "
                    "front. The console function requires a session cookie signed with a key "
                    "from Secrets Manager (issued only after Cognito's sign-in with PKCE and "
                    "the booking/admin scope) on every page, and the session's CSRF token on "
                    "every POST; without them it answers 303 to sign-in or 403.",
                )

"""Who is an organiser: whoever holds the organiser scope.

One rule for every way in: the ``/admin`` API (a Cognito access token that API Gateway's JWT
authorizer checked, or the local stack's stand-in for it), the console's sign-in (the token
Cognito's hosted sign-in issued) and the CDK app that defines the scope on the user pool.
"""

from __future__ import annotations

from collections.abc import Iterable

RESOURCE_SERVER = "booking"
ORGANISER_SCOPE_NAME = "admin"
ORGANISER_SCOPE = f"{RESOURCE_SERVER}/{ORGANISER_SCOPE_NAME}"
# What the console asks Cognito's hosted sign-in for.
SIGN_IN_SCOPES = ("openid", "email", ORGANISER_SCOPE)


def is_organiser(scopes: Iterable[str]) -> bool:
    return ORGANISER_SCOPE in set(scopes)

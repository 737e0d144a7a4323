"""The console's signing in and out (the ``console`` function): the pages open to all, and the
two ways to end sessions."""

from __future__ import annotations

from booking.handlers.console_session import SESSION_COOKIE, SIGN_IN_COOKIE
from booking.handlers.routes import Function, Route
from booking.handlers.routes.answers import console_form, form, page, posted, query, see_other

CONSOLE = Function.CONSOLE
TAGS = ("console",)
_ENDED = (
    f"Signed out (the `{SESSION_COOKIE}` cookie cleared, the session ended on the server): to "
    "the identity provider's logout (Cognito's, which ends its own session too), and on to "
    "`/console/signed-out`"
)
SIGNING_IN: tuple[Route, ...] = (
    Route(
        CONSOLE,
        "GET",
        "/console/sign-in",
        "consoleSignInPage",
        "Sign in to the console",
        {
            "200": page(
                "Under `make run`: the form for the organiser token (the local stack's page, "
                "standing in for Cognito's)"
            ),
            "303": see_other(
                "Signed in already: on to `next`. Else to the identity provider's sign-in "
                f"(Cognito's hosted sign-in, with PKCE), with the `{SIGN_IN_COOKIE}` cookie to "
                "come back with",
                cookies=True,
            ),
        },
        parameters=(
            query("next", "The console page to go on to (anything but a console page: `/console`)"),
            query(
                "lost",
                "`1`: sent here by a form posted after the session ended, its change not saved; "
                "once signed in, the page `next` (the form's own) says so, once",
            ),
        ),
        tags=TAGS,
        open_to_all=True,
    ),
    Route(
        CONSOLE,
        "POST",
        "/console/sign-in",
        "consoleSignIn",
        "Sign in with the organiser token (under `make run`)",
        {
            "303": see_other(
                "Under `make run`, the right token: on to `next` with the "
                f"`{SESSION_COOKIE}` cookie (the local stack signs in through the same "
                "code and PKCE exchange as Cognito's). In AWS: to the sign-in page",
                cookies=True,
            ),
            "401": page("Under `make run`: no token, or not the organiser token: the form again"),
        },
        body=posted(
            form(
                {
                    "token": {"type": "string", "description": "The organiser token"},
                    "next": {"type": "string", "description": "Where to go on to"},
                },
                ("token",),
            )
        ),
        tags=TAGS,
        open_to_all=True,
    ),
    Route(
        CONSOLE,
        "GET",
        "/console/callback",
        "consoleCallback",
        "Where the identity provider's sign-in returns",
        {
            "303": see_other(
                f"Signed in: on to the page asked for, with the `{SESSION_COOKIE}` "
                f"cookie (and `{SIGN_IN_COOKIE}` cleared)",
                cookies=True,
            ),
            "401": page(
                "No sign-in under way, a state that is not its own, the provider's "
                "refusal (`?error=...`) or a code the provider does not redeem"
            ),
            "403": page("The account lacks the `booking/admin` scope"),
        },
        parameters=(
            query("code", "The authorization code to redeem (with PKCE's verifier)"),
            query("state", "The sign-in's own state, as sent to the provider"),
            {
                "name": SIGN_IN_COOKIE,
                "in": "cookie",
                "required": False,
                "description": "The signed state of the sign-in under way",
                "schema": {"type": "string"},
            },
        ),
        tags=TAGS,
        open_to_all=True,
    ),
    Route(
        CONSOLE,
        "POST",
        "/console/sign-out",
        "consoleSignOut",
        "Sign out of this browser",
        {"303": see_other(_ENDED, cookies=True)},
        body=console_form(),
        tags=TAGS,
    ),
    Route(
        CONSOLE,
        "POST",
        "/console/sign-out-everywhere",
        "consoleSignOutEverywhere",
        "Sign out everywhere: every session of this organiser ends, on every browser",
        {
            "303": see_other(
                _ENDED.replace("the session ended", "every session of theirs ended"), cookies=True
            )
        },
        body=console_form(),
        tags=TAGS,
    ),
    Route(
        CONSOLE,
        "GET",
        "/console/signed-out",
        "consoleSignedOut",
        "Where signing out lands",
        {"200": page("Signed out, with a link to sign in again")},
        tags=TAGS,
        open_to_all=True,
    ),
)

"""An in-memory stand-in for the parts of Stripe this system uses, for the local stack only.

The real ``stripe.StripeClient`` is pointed at ``/_local/stripe`` so the production code path runs
offline; this package answers it, serves small pages in place of Stripe's hosted ones and sends
webhooks signed exactly as Stripe signs them. Objects are deep copies of Stripe's published
fixtures with our values written over them, so consumers see Stripe's full shape, not a subset.

    wire.py      Stripe's wire format: bracket-encoded forms, parameter checks, errors, ids
    store.py     every object and event in memory, under one lock
    events.py    webhooks: signing and delivering recorded events; listing them
    payments.py  payment intents, charges, refunds
    checkout.py  Checkout Sessions
    api.py       the /v1 API: authentication, routes, idempotency keys
    pages.py     the hosted pages (HTML)
    local.py     /_local/stripe/... routes: the buttons on those pages
    outage.py    /_local/stripe/outage: the API made to hang or fail on demand
    standin.py   StripeStandIn: all of the above, wired

It is never deployed, and nothing here is meant to be secure beyond not rendering user input as
HTML: anyone who can reach the local server can pay, refund and read every event.
"""

from __future__ import annotations

from infra.local.stripe_standin.outage import Unanswered
from infra.local.stripe_standin.standin import StripeStandIn
from infra.local.stripe_standin.wire import LocalResponse, decode_form

__all__ = ["LocalResponse", "StripeStandIn", "Unanswered", "decode_form"]

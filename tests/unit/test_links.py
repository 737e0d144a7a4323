"""Addresses with a query never end in a bare "?" or "&" (``domain.links``)."""

from __future__ import annotations

import pytest

from booking.domain.links import with_query


@pytest.mark.parametrize(
    ("address", "query", "built"),
    [
        ("/console/applications/a1/invoice/paid", {}, "/console/applications/a1/invoice/paid"),
        ("/console/people", {"email": ""}, "/console/people"),
        ("/console/courses/c1", "", "/console/courses/c1"),
        ("/console/courses/c1?", "", "/console/courses/c1"),
        ("/applications/a1?token=t", {"cancelled": "1"}, "/applications/a1?token=t&cancelled=1"),
        ("/applications/a1?token=t&", {"left": ""}, "/applications/a1?token=t"),
        (
            "/console/sign-in",
            {"next": "/console?q=a b"},
            "/console/sign-in?next=%2Fconsole%3Fq%3Da+b",
        ),
        ("/console/courses/c1", "status=confirmed&&", "/console/courses/c1?status=confirmed"),
        ("/register#row-a1", {"x": "1"}, "/register?x=1#row-a1"),
    ],
)
def test_an_address_with_its_query_is_whole(
    address: str, query: dict[str, str] | str, built: str
) -> None:
    assert with_query(address, query) == built

"""The local stack's moto server answers a client's AWS calls on the connection it keeps open.

AWS keeps a client's connection open between calls. Werkzeug's development server, which moto
serves with, closed it after every answer, so each AWS call a function made locally opened a
new connection and the server started a new thread for it (infra/local/moto_connections.py)."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator

import pytest

from infra.local.aws import SerialMotoServer
from infra.local.server import free_port

LIST_TABLES = {
    "Content-Type": "application/x-amz-json-1.0",
    "X-Amz-Target": "DynamoDB_20120810.ListTables",
    "Authorization": (
        "AWS4-HMAC-SHA256 Credential=testing/20260101/eu-west-2/dynamodb/aws4_request, "
        "SignedHeaders=host, Signature=0"
    ),
}


@pytest.fixture
def moto_server() -> Iterator[SerialMotoServer]:
    server = SerialMotoServer(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_aws_calls_share_one_connection(moto_server: SerialMotoServer) -> None:
    host, port = moto_server.endpoint.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        for _ in range(3):
            connection.request("POST", "/", body=b"{}", headers=LIST_TABLES)
            answer = connection.getresponse()
            assert answer.status == 200
            assert "TableNames" in json.loads(answer.read())
            assert (answer.getheader("Connection") or "").lower() != "close"
            # http.client opens a new connection for a request after one it saw closed.
            assert connection.sock is not None, "the server closed the connection"
    finally:
        connection.close()


def test_a_request_without_a_length_is_answered_and_its_connection_closed(
    moto_server: SerialMotoServer,
) -> None:
    host, port = moto_server.endpoint.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        # A chunked body (no Content-Length): answered as Werkzeug answers it, then closed.
        connection.request("POST", "/", body=iter([b"{}"]), headers=LIST_TABLES)
        answer = connection.getresponse()
        assert answer.status == 200
        assert "TableNames" in json.loads(answer.read())
    finally:
        connection.close()

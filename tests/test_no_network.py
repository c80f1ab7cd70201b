"""No test leaves the machine: pytest-socket refuses every connection but loopback."""

from __future__ import annotations

import socket

import pytest
from aiohttp import ClientSession
from pytest_socket import SocketConnectBlockedError


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_outside_connections_are_refused():
    with pytest.raises(SocketConnectBlockedError):
        socket.create_connection(("93.184.216.34", 443), timeout=1)


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
async def test_an_http_client_cannot_reach_out_either():
    async with ClientSession() as http:
        with pytest.raises(Exception) as exc:
            await http.get("http://93.184.216.34/")
    chain = [exc.value, exc.value.__cause__, exc.value.__context__]
    assert any(isinstance(e, SocketConnectBlockedError) for e in chain), repr(exc.value)

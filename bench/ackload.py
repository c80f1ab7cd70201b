"""Fire N signed /namnd requests at once from this (second) process; print each one's time to ack.

    python -m bench.ackload URL SECRET N TEXT RESPONSE_URL USER [USER ...]

Opens N connections first, then sends every request at the same moment and
times each from the write to the end of the response. Prints JSON:
{"latencies_ms": [...], "statuses": {...}}.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from urllib.parse import urlencode, urlsplit

from slack_sdk.signature import SignatureVerifier

from bench.loadgen import read_response


def request(host: str, path: str, secret: str, user: str, text: str, response_url: str) -> bytes:
    body = urlencode(
        {
            "token": "legacy",
            "team_id": "T0NAMNDBOT",
            "channel_id": "C0GENERAL",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/namnd",
            "text": text,
            "api_app_id": "A0NAMND",
            "response_url": f"{response_url}/{uuid.uuid4().hex}",
            "trigger_id": f"{uuid.uuid4().int % 10**12}.bench",
        }
    )
    ts = str(int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body.encode())}\r\nX-Slack-Request-Timestamp: {ts}\r\n"
        f"X-Slack-Signature: {signature}\r\n\r\n"
    )
    return head.encode() + body.encode()


async def one(reader, writer, payload: bytes, start: asyncio.Event, out: list, statuses: dict) -> None:
    await start.wait()
    t0 = time.perf_counter()
    writer.write(payload)
    status = await read_response(reader)
    out.append((time.perf_counter() - t0) * 1000)
    statuses[status] = statuses.get(status, 0) + 1
    writer.close()


async def main() -> None:
    url, secret, n, text, response_url = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
    users = sys.argv[6:]
    parts = urlsplit(url)
    conns = [await asyncio.open_connection(parts.hostname, parts.port) for _ in range(n)]
    payloads = [
        request(f"{parts.hostname}:{parts.port}", parts.path, secret, users[i % len(users)], text, response_url)
        for i in range(n)
    ]
    start = asyncio.Event()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    tasks = [
        asyncio.create_task(one(r, w, p, start, latencies, statuses)) for (r, w), p in zip(conns, payloads, strict=True)
    ]
    await asyncio.sleep(0.05)
    start.set()
    await asyncio.gather(*tasks)
    print(json.dumps({"latencies_ms": latencies, "statuses": {str(k): v for k, v in statuses.items()}}))


if __name__ == "__main__":
    asyncio.run(main())

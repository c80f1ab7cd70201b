"""A small HTTP/1.1 keep-alive load generator (run as a separate process).

    python -m bench.loadgen HOST PORT PATH SECONDS CONNECTIONS [HEADER: VALUE ...]

Prints one line of JSON: {"requests": n, "seconds": s, "statuses": {...}}.
It speaks just enough HTTP for the benchmark (Content-Length bodies, 304s)
and costs far less per request than a general client, so the server, not the
client, is what gets measured.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time


async def read_response(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 response with a Content-Length body (or none); return its status."""
    status = int((await reader.readline()).split(b" ", 2)[1])
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value.strip())
    if length:
        await reader.readexactly(length)
    return status


async def worker(host: str, port: int, request: bytes, deadline: float, counts: dict[int, int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            writer.write(request)
            status = await read_response(reader)
            counts[status] = counts.get(status, 0) + 1
    finally:
        writer.close()


async def main() -> None:
    host, port, path, seconds, conns = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
    headers = "".join(f"{h}\r\n" for h in sys.argv[6:])
    request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{headers}\r\n".encode()
    counts: dict[int, int] = {}
    start = time.perf_counter()
    deadline = start + seconds
    await asyncio.gather(*(worker(host, port, request, deadline, counts) for _ in range(conns)))
    elapsed = time.perf_counter() - start
    print(
        json.dumps(
            {"requests": sum(counts.values()), "seconds": elapsed, "statuses": {str(k): v for k, v in counts.items()}}
        )
    )


if __name__ == "__main__":
    asyncio.run(main())

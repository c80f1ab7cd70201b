"""What an operator watches: ``/metrics`` in the Prometheus text format, and JSON log lines.

Each :class:`Metrics` has its own registry (not prometheus-client's global
one), so two bots in one process (the tests) don't share counts. Counters
count what happened in this process since it started; the gauges are read
from the database when ``/metrics`` is asked (the outbox, the jobs, the
reports waiting), so they are right across restarts and other processes.
No label carries personal data: kinds, Slack method names, error codes.
"""

from __future__ import annotations

import json
import logging
import traceback
from datetime import datetime, timedelta
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from ..storage import Database
from .outbox import slack_error

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATE_AFTER = timedelta(minutes=1)  # a due job not done within this is late


class Metrics:
    def __init__(self) -> None:
        r = self.registry = CollectorRegistry(auto_describe=True)
        self.reports = Counter(
            "namndbot_reports",
            "Reports from Slack by outcome: received (stored), duplicate (a retry), applied, refused",
            ["outcome", "kind"],
            registry=r,
        )
        self.messages = Counter(
            "namndbot_messages",
            "Outbox messages by outcome: sent, retried, failed (for good)",
            ["outcome", "kind"],
            registry=r,
        )
        self.slack_calls = Counter("namndbot_slack_api_calls", "Slack Web API calls", ["method"], registry=r)
        self.slack_errors = Counter(
            "namndbot_slack_api_errors", "Slack Web API calls that failed, by error", ["method", "error"], registry=r
        )
        self.slack_429 = Counter(
            "namndbot_slack_api_rate_limited",
            "Slack Web API answers 429 (waited out and retried)",
            ["method"],
            registry=r,
        )
        self.feed_requests = Counter(
            "namndbot_feed_requests",
            "Calendar feed requests by feed kind and HTTP status",
            ["feed", "status"],
            registry=r,
        )
        self.outbox = Gauge("namndbot_outbox_messages", "Outbox rows by status", ["status"], registry=r)
        self.oldest_unsent = Gauge(
            "namndbot_outbox_oldest_unsent_seconds", "Age of the oldest message not yet sent (0 if none)", registry=r
        )
        self.intake_waiting = Gauge("namndbot_reports_waiting", "Reports stored but not yet applied", registry=r)
        self.jobs_due = Gauge("namndbot_jobs_due", "Scheduled jobs (reminders, gallring) due and not done", registry=r)
        self.jobs_late = Gauge("namndbot_jobs_late", "Jobs due more than a minute ago and not yet done", registry=r)
        self.jobs_pending = Gauge("namndbot_jobs_pending", "Scheduled jobs waiting for their time", registry=r)
        for status in ("pending", "sending", "sent", "failed"):
            self.outbox.labels(status)
        self.queued = 0  # the outbox's highest id: every message ever queued in this database
        r.register(_Queued(self))

    def report(self, outcome: str, kind: str) -> None:
        self.reports.labels(outcome, kind).inc()

    def message(self, outcome: str, kind: str) -> None:
        self.messages.labels(outcome, kind).inc()

    async def refresh(self, db: Database, now: datetime) -> None:
        """The gauges, from the database."""
        from ..storage.repository import iso

        async with db.read() as repo:
            async with repo.conn.execute("SELECT status, count(*), min(created_at) FROM outbox GROUP BY status") as cur:
                rows = list(await cur.fetchall())
            async with repo.conn.execute(
                "SELECT count(*), count(CASE WHEN due_at <= ? THEN 1 END), count(CASE WHEN due_at <= ? THEN 1 END)"
                " FROM job WHERE status = 'pending'",
                (iso(now), iso(now - LATE_AFTER)),
            ) as cur:
                jobs = await cur.fetchone()
            async with repo.conn.execute("SELECT count(*) FROM intake WHERE status = 'ny'") as cur:
                waiting = await cur.fetchone()
            async with repo.conn.execute("SELECT coalesce(max(id), 0) FROM outbox") as cur:
                queued = await cur.fetchone()
        counts = {status: 0 for status in ("pending", "sending", "sent", "failed")}
        oldest: datetime | None = None
        for status, n, first in rows:
            counts[status] = n
            if status in ("pending", "sending") and first:
                t = datetime.fromisoformat(first)
                oldest = t if oldest is None else min(oldest, t)
        for status, n in counts.items():
            self.outbox.labels(status).set(n)
        self.oldest_unsent.set(max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
        assert jobs is not None and waiting is not None and queued is not None
        self.queued = max(self.queued, int(queued[0]))
        self.jobs_pending.set(jobs[0])
        self.jobs_due.set(jobs[1])
        self.jobs_late.set(jobs[2])
        self.intake_waiting.set(waiting[0])

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _Queued(Collector):
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def collect(self) -> Any:
        yield CounterMetricFamily(
            "namndbot_messages_queued", "Messages ever put in the outbox (by anyone: bot or CLI)", self.metrics.queued
        )


# -- Slack's Web API, counted ------------------------------------------------------------------
def _method(request: HttpRequest) -> str:
    return request.url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]


class CountedRateLimitHandler(AsyncRateLimitErrorRetryHandler):
    """slack_sdk's own 429 handling (it waits Retry-After and tries again), with every 429 counted."""

    def __init__(self, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metrics = metrics

    async def can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is not None and response.status_code == 429:
            self.metrics.slack_429.labels(_method(request)).inc()
        return await super().can_retry_async(state=state, request=request, response=response, error=error)


class CountedWebClient(AsyncWebClient):
    """Every Web API call counted by method, and every failure by method and Slack's error code."""

    def __init__(self, metrics: Metrics, retry_handlers: list[AsyncRetryHandler], **kwargs: Any) -> None:
        super().__init__(retry_handlers=retry_handlers, **kwargs)
        self.metrics = metrics

    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:
        self.metrics.slack_calls.labels(api_method).inc()
        try:
            return await super().api_call(api_method, **kwargs)
        except SlackApiError as exc:
            self.metrics.slack_errors.labels(api_method, slack_error(exc) or "unknown").inc()
            raise
        except Exception as exc:
            self.metrics.slack_errors.labels(api_method, type(exc).__name__).inc()
            raise


# -- logs ---------------------------------------------------------------------------------------
class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(fmt: str, *, verbose: bool = False) -> None:
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)

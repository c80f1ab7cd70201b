"""The repository: all SQL of a unit of work, one object the services receive.

Methods take and return the domain's types. ``Repository`` is composed of one part per use case
(each its own module here); every part runs on the same connection (:class:`.base.Sql`).
"""

from __future__ import annotations

from .audit import AuditEntry, AuditStore
from .base import Sql, iso
from .committees import CommitteeStore, StoredCommittee, StoredMember
from .epost import EpostStore
from .events import EventRow, EventStore
from .feeds import FeedStore
from .forhinder import ForhinderStore
from .intake import INTAKE_CHUNK, IntakeRow, IntakeStore
from .jobs import JobRow, JobStore
from .justering import JusteringRow, JusteringStore
from .meetings import MeetingStore
from .outbox import OutboxRow, OutboxStore
from .plan import Inkallelse, PlanStore
from .slack import SlackStore


class Repository(
    CommitteeStore,
    JusteringStore,  # before MeetingStore: it builds on it (justeringar lists the meetings)
    MeetingStore,
    ForhinderStore,
    PlanStore,
    AuditStore,
    FeedStore,
    IntakeStore,
    EventStore,
    OutboxStore,
    SlackStore,
    JobStore,
    EpostStore,
):
    """Committees, members, meetings, förhinder, the plan, the audit log, the bot's queues (intake,
    events, outbox), Slack bookkeeping, jobs, justering, feeds and e-mail."""


__all__ = [
    "INTAKE_CHUNK",
    "AuditEntry",
    "EventRow",
    "Inkallelse",
    "IntakeRow",
    "JobRow",
    "JusteringRow",
    "OutboxRow",
    "Repository",
    "Sql",
    "StoredCommittee",
    "StoredMember",
    "iso",
]

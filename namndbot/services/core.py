"""The service layer: what a secretary or a member can ask namndbot to do.

Each method is one unit of work: it validates, writes, re-plans the meeting
with the turordning engine, stores the plan's changes and audits them, all in
one transaction. The CLI and the Slack handlers are thin layers over this.

The use cases live in their own modules (roster, meetings, forhinder, svar,
narvaro, planering); ``NamndService`` puts them together, and this module
re-exports the names callers have always imported from here.
"""

from __future__ import annotations

from .base import Clock, utcnow
from .forhinder import ForhinderResult, ForhinderTjanst
from .meetings import MeetingResult, SammantradeTjanst
from .narvaro import NarvaroResult, NarvaroTjanst, narvaro_dict
from .planering import Call, PlanChange, diff
from .roster import ImportReport, RosterTjanst
from .svar import CallNoLongerValid, SvarTjanst


class NamndService(RosterTjanst, SammantradeTjanst, ForhinderTjanst, SvarTjanst, NarvaroTjanst):
    """Every use case exists twice: ``x(...)`` runs in its own transaction, ``x_in(repo, now, ...)``
    inside the caller's (the Slack intake applies a report and marks it done atomically)."""


__all__ = [
    "NamndService",
    "PlanChange",
    "Call",
    "CallNoLongerValid",
    "Clock",
    "ImportReport",
    "MeetingResult",
    "ForhinderResult",
    "NarvaroResult",
    "diff",
    "narvaro_dict",
    "utcnow",
]

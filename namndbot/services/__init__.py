"""The service layer: use cases over the domain and storage."""

from .core import (
    Call,
    ForhinderResult,
    ImportReport,
    MeetingResult,
    NamndService,
    NarvaroResult,
    PlanChange,
    utcnow,
)

__all__ = [
    "Call",
    "ForhinderResult",
    "ImportReport",
    "MeetingResult",
    "NamndService",
    "NarvaroResult",
    "PlanChange",
    "utcnow",
]

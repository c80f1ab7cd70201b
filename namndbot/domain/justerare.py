"""Who may justera a protocol, and a justering day that is no working day. Pure.

A justerare is one who took part in the meeting's decisions: a ledamot who was there, or an
ersättare who served. One with förhinder for the whole meeting, or an ersättare who did not
serve, can't vouch for what was decided.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .dates import svensk_datum
from .deadlines import is_working_day
from .meeting import Anmalan
from .model import Member


def hinder(member: Member, anmalningar: Iterable[Anmalan], serving: set[str]) -> str | None:
    """Why ``member`` can't be a justerare of the meeting (a Swedish sentence), or None."""
    if any(a.member == member.key and a.whole and not a.jav for a in anmalningar):
        return f"{member.label} har anmält förhinder till sammanträdet och kan inte justera protokollet."
    if not member.is_ledamot and member.key not in serving:
        return (
            f"{member.label} är ersättare och tjänstgör inte vid sammanträdet, och kan därför inte justera protokollet."
        )
    return None


def dag_varning(day: date | None) -> str | None:
    """A warning when the justering is planned for a Saturday, a Sunday or a holiday."""
    if day is None or is_working_day(day):
        return None
    kind = {5: "en lördag", 6: "en söndag"}.get(day.weekday(), "en helgdag")
    return f"Justeringsdagen {svensk_datum(day)} är {kind}; stämmer det?"

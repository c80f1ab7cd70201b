"""When reminders are due. Pure: the meeting, the committee's settings and the justering in,
``(key, kind, due)`` out. The service stores them as jobs; the bot sends them.

- Meeting reminders: at 09:00 local time, ``paminnelser_dagar`` days before (default 7 and 1).
- Justering: the justerare on the working day before the justering date (09:00) and on its
  morning (08:00); if it is not justerat by then, the secretaries every following working day
  (09:00); and a warning when the legal limit (14 days after the meeting) is two days away.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .deadlines import justering_senast, next_working_day, previous_working_day
from .meeting import Meeting
from .model import Committee

MORNING = time(9, 0)
EARLY = time(8, 0)

PAMINNELSE = "paminnelse"
JUSTERING = "justering_paminnelse"
JUSTERING_FORSENAD = "justering_forsenad"
JUSTERING_FRIST = "justering_frist"
SVARSTID = "svarstid"
SHORT_NOTICE = timedelta(minutes=30)


@dataclass(frozen=True)
class Due:
    key: str
    kind: str
    at: datetime  # UTC
    payload: dict


def _at(committee: Committee, day: date, t: time) -> datetime:
    return datetime.combine(day, t, tzinfo=ZoneInfo(committee.timezone)).astimezone(UTC)


def meeting_reminders(committee: Committee, m: Meeting) -> list[Due]:
    """Reminders before a meeting: never after it has started."""
    start = m.starts_at(committee.timezone).astimezone(UTC)
    out = []
    for days in committee.settings.paminnelser_dagar:
        at = _at(committee, m.date - timedelta(days=days), MORNING)
        if days == 0:
            at = min(at, start - timedelta(hours=2))
        if at < start:
            out.append(Due(f"{PAMINNELSE}:{m.id}:{days}", PAMINNELSE, at, {"days": days}))
    return out


def justering_reminders(committee: Committee, m: Meeting, justering: date) -> list[Due]:
    """The justerare's two reminders, the first overdue reminder, and the legal limit's warning."""
    before = previous_working_day(justering)
    out = [
        Due(f"{JUSTERING}:{m.id}:dagen-fore", JUSTERING, _at(committee, before, MORNING), {"when": "dagen före"}),
        Due(f"{JUSTERING}:{m.id}:morgon", JUSTERING, _at(committee, justering, EARLY), {"when": "i dag"}),
        overdue(committee, m, next_working_day(justering + timedelta(days=1))),
    ]
    limit = justering_senast(m.date)
    warn_on = limit - timedelta(days=2)
    if warn_on > justering:
        out.append(
            Due(
                f"{JUSTERING_FRIST}:{m.id}",
                JUSTERING_FRIST,
                _at(committee, warn_on, MORNING),
                {"limit": limit.isoformat()},
            )
        )
    return out


def overdue(committee: Committee, m: Meeting, day: date) -> Due:
    """The secretaries' reminder on a working day after the justering date passed."""
    return Due(
        f"{JUSTERING_FORSENAD}:{m.id}:{day.isoformat()}",
        JUSTERING_FORSENAD,
        _at(committee, day, MORNING),
        {"day": day.isoformat()},
    )


def answer_deadline(committee: Committee, m: Meeting, called_at: datetime) -> datetime:
    """When a called-in ersättare who has not answered is passed over: ``svarstid_timmar`` after the
    call, and never later than two hours before the meeting. A call that leaves less than half an
    hour before that has until the meeting starts (then presence decides)."""
    start = m.starts_at(committee.timezone).astimezone(UTC)
    deadline = min(called_at + timedelta(hours=committee.settings.svarstid_timmar), start - timedelta(hours=2))
    if deadline < called_at + SHORT_NOTICE:
        deadline = start
    return deadline


def answer_job(committee: Committee, m: Meeting, member_id: int, called_at: datetime) -> Due:
    return Due(
        f"{SVARSTID}:{m.id}:{member_id}:{called_at.isoformat()}",
        SVARSTID,
        answer_deadline(committee, m, called_at),
        {"member_id": member_id, "called_at": called_at.isoformat()},
    )

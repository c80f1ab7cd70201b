"""Reports received from chat: written first, applied after, answered exactly once.

``submit`` commits the report before the member is told it is received.
Concurrent submissions share one transaction (group commit), so two hundred
members pressing the button at once cost a handful of commits, not two
hundred. A repeated key (a retry, a double click) counts once.

``process`` applies new reports in order. Each is one transaction that does
the change, marks the report done and records an ``intake_klar`` event with
the answer; a refused report is marked ``fel`` with its Swedish reason, and
its answer goes out the same way. Nothing is dropped silently.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..domain.errors import NamndbotError, RuleError
from ..domain.meeting import CHAT_ORD, Anmalan
from ..domain.names import obs
from ..domain.svarslank import moment
from ..storage import shared
from ..storage.repository import INTAKE_CHUNK, IntakeRow, Repository
from .core import NamndService
from .forhinder import ForhinderResult

log = logging.getLogger(__name__)

EPOST_ACTOR = "epost:"  # an answer from the e-mail's answer page: "epost:<member id>"


def _actor(row: IntakeRow) -> str:
    """Who did it, for the audit log: a Slack user, or a member through their mail's link."""
    return row.actor if row.actor.startswith(EPOST_ACTOR) else f"slack:{row.actor}"


@dataclass(frozen=True)
class Submitted:
    id: int | None
    duplicate: bool


class Intake:
    def __init__(self, namnd: NamndService) -> None:
        self.namnd = namnd
        self.db = namnd.db
        self._queue: list[tuple[tuple[str, str, str, dict[str, Any]], asyncio.Future]] = []
        self._writer: asyncio.Task | None = None
        self.received = asyncio.Event()  # set after every commit of new reports
        # Told of every report's outcome (received, duplicate, applied, refused) and kind: the bot's metrics.
        self.observe: Callable[[str, str], None] = lambda outcome, kind: None
        self.handlers: dict[str, Any] = {
            "forhinder_add": self._forhinder_add,
            "forhinder_remove": self._forhinder_remove,
            "svar_kommer": self._svar_kommer,
            "svar_kan_inte": self._svar_kan_inte,
            "justering_set": self._justering_set,
            "justering_klar": self._justering_klar,
            "meeting_start": self._meeting_start,
            "meeting_present": self._meeting_present,
            "meeting_paragraph": self._meeting_paragraph,
        }
        from .justering import JusteringService

        self.justering = JusteringService(namnd)

    # -- receiving -----------------------------------------------------------------
    async def submit(self, dedupe_key: str, kind: str, actor: str, payload: dict[str, Any]) -> Submitted:
        """Commit one report (batched with whatever else arrives meanwhile)."""
        if kind not in self.handlers:
            raise ValueError(f"unknown intake kind {kind}")
        fut: asyncio.Future = asyncio.get_running_loop().create_future()
        self._queue.append(((dedupe_key, kind, actor, payload), fut))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        return await fut

    async def _write(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            try:
                rows = [row for row, _ in batch]
                if len(rows) <= INTAKE_CHUNK:  # one INSERT … RETURNING: atomic on its own
                    async with self.db.statement() as repo:
                        ids = await repo.add_intake(rows, self.namnd.clock())
                else:
                    async with self.db.transaction() as repo:
                        ids = await repo.add_intake(rows, self.namnd.clock())
            except BaseException as exc:
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)
                if not isinstance(exc, Exception):
                    raise
                continue
            for (row, fut), new_id in zip(batch, ids, strict=True):
                self.observe("duplicate" if new_id is None else "received", row[1])
                if not fut.done():
                    fut.set_result(Submitted(new_id, new_id is None))
            self.received.set()

    # -- applying --------------------------------------------------------------------
    async def process(self, limit: int = 100, pause: Any = None) -> int:
        """Apply every new report; returns how many were handled. ``pause`` is awaited before each
        (the bot lets the requests in flight be answered first)."""
        rows = await shared.claim_intake(self.db, limit)
        for row in rows:
            if pause is not None:
                await pause()
            await self.apply(row)
        return len(rows)

    async def apply(self, row: IntakeRow) -> None:
        now = self.namnd.clock()
        async with self.db.transaction() as repo:
            current = await repo.intake(row.id)
            if current is None or current.status != "ny":
                return  # someone else got there first
            ok, text, extra = True, "", {}
            try:
                async with repo.savepoint("intake_op"):
                    text, extra = await self.handlers[row.kind](repo, now, row)
            except NamndbotError as exc:
                ok, text = False, exc.full()
            except Exception:
                log.exception("intake %s (%s) failed", row.id, row.kind)
                ok, text = False, await self._report_failure(repo, now, row)
            result = {"ok": ok, "text": text, **extra}
            await repo.finish_intake(row.id, "klar" if ok else "fel", result, now)
            self.observe("applied" if ok else "refused", row.kind)
            await repo.add_event(
                now,
                "intake_klar",
                intake_id=row.id,
                intake_kind=row.kind,
                actor=row.actor,
                reply=row.payload.get("reply"),
                **result,
            )

    async def _report_failure(self, repo: Repository, now: datetime, row: IntakeRow) -> str:
        """A bug, not bad input: the secretaries are told (the member's words are kept in the intake row)."""
        stored = await repo.committee(str(row.payload.get("committee", "")))
        if stored is None or not (stored.committee.secretaries_channel or stored.committee.secretaries):
            return (
                "Något gick fel när ditt besked skulle registreras. Felet är loggat; försök gärna igen om en "
                "stund, eller hör av dig till nämndens sekreterare."
            )
        await repo.add_event(
            now, "intake_fel", committee_id=stored.id, intake_id=row.id, intake_kind=row.kind, actor=row.actor
        )
        return (
            "Något gick fel när ditt besked skulle registreras. Sekreterarna har fått veta; försök gärna igen "
            "om en stund."
        )

    # -- the reports -------------------------------------------------------------------
    def _where(self, row: IntakeRow) -> tuple[str, date, str]:
        p = row.payload
        return p["committee"], date.fromisoformat(p["date"]), p["member"]

    async def _check_actor(self, repo: Repository, row: IntakeRow) -> None:
        """Only for oneself, unless a secretary (or the party's contact)."""
        short, _, name = self._where(row)
        stored = await self.namnd.committee_in(repo, short)
        roster = await repo.roster(stored.id)
        member = next((m for m in roster.members if m.name == name), None)
        if member is None:
            raise RuleError(f"{name} finns inte längre i {short}:s roster.")
        if row.actor.startswith(EPOST_ACTOR):
            # From the answer page: the signed link named this member (services/svar_epost.py).
            if row.actor == f"{EPOST_ACTOR}{(await repo.member_ids(stored.id)).get(member.key)}":
                return
            raise RuleError("Länken gäller någon annan.")
        slack_of = await repo.slack_ids(stored.id)
        if roster.may_act_for(row.actor, member, member if slack_of.get(member.key) == row.actor else None):
            return
        raise RuleError("Du kan bara anmäla för dig själv; sekreteraren kan anmäla för andra.")

    async def _forhinder_add(self, repo: Repository, now, row: IntakeRow) -> tuple[str, dict]:
        await self._check_actor(repo, row)
        short, day, name = self._where(row)
        p = row.payload
        span = tuple(p["span"]) if p.get("span") else None
        result = await self.namnd.add_forhinder_in(
            repo,
            now,
            short,
            day,
            name,
            until_paragraph=p.get("until"),
            from_paragraph=p.get("from"),
            span=span,
            jav=bool(p.get("jav")),
            tid=p.get("tid"),
            actor=f"slack:{row.actor}",
            ord=CHAT_ORD,
        )
        a = result.anmalan
        undo: dict[str, Any] = {"committee": short, "date": day.isoformat(), "member": name}
        if a is not None:
            undo["only"] = {"first": a.first, "last": a.last, "jav": a.jav, "tid": a.tid}
        return _forhinder_text(result), {"undo": undo}

    async def _forhinder_remove(self, repo: Repository, now, row: IntakeRow) -> tuple[str, dict]:
        await self._check_actor(repo, row)
        short, day, name = self._where(row)
        only = row.payload.get("only")
        anmalan = Anmalan("", only["first"], only["last"], bool(only["jav"]), only.get("tid")) if only else None
        result = await self.namnd.remove_forhinder_in(
            repo, now, short, day, name, actor=f"slack:{row.actor}", only=anmalan
        )
        who = "Ditt förhinder" if _self(row, result) else f"Förhindret för {result.member.label}"
        return " ".join([f"{who} till sammanträdet {_dag(result)} är återkallat.", *map(obs, result.warnings)]), {}

    async def _same_call(self, repo: Repository, row: IntakeRow) -> None:
        """An answer from a mailed link or a Slack button is for the call-in it was made for: if that
        call was withdrawn and made again, it answers nothing (a button sent without the call's
        moment, before buttons carried it, answers the current call-in as it always did)."""
        called = row.payload.get("called")
        if called is None:
            return
        try:
            called = int(called)
        except (TypeError, ValueError):
            raise RuleError("Knappen går inte att läsa. Använd knapparna i det senaste meddelandet.") from None
        short, day, name = self._where(row)
        stored = await self.namnd.committee_in(repo, short)
        meeting = await self.namnd.meeting_in(repo, stored, day)
        member = next((m for m in (await repo.roster(stored.id)).members if m.name == name), None)
        call = (await repo.inkallelser(meeting.id)).get(member.key) if member else None
        if call is not None and moment(call.called_at) != called:
            if row.payload.get("via") == "epost":
                raise RuleError(
                    "Länken gäller en tidigare inkallelse, så svaret registrerades inte. "
                    "Använd länkarna i det senaste e-postmeddelandet."
                )
            raise RuleError(
                "Knappen hör till en tidigare inkallelse, som har återkallats eller ersatts av en ny, "
                "så svaret registrerades inte och inget har ändrats. "
                "Använd knapparna i det senaste meddelandet om inkallelsen."
            )

    async def _svar_kommer(self, repo: Repository, now, row: IntakeRow) -> tuple[str, dict]:
        await self._check_actor(repo, row)
        await self._same_call(repo, row)
        short, day, name = self._where(row)
        result = await self.namnd.answer_in(repo, now, short, day, name, actor=_actor(row))
        if not row.payload.get("self", True):  # a secretary records a yes given by phone
            return f"{result.member.label} är anmäld att tjänstgöra vid sammanträdet {_dag(result)}.", {}
        if result.already:
            return f"Du var redan anmäld att tjänstgöra vid sammanträdet {_dag(result)}.", {}
        return f"Tack! Du är anmäld att tjänstgöra vid sammanträdet {_dag(result)}.", {}

    async def _svar_kan_inte(self, repo: Repository, now, row: IntakeRow) -> tuple[str, dict]:
        await self._check_actor(repo, row)
        await self._same_call(repo, row)
        short, day, name = self._where(row)
        result = await self.namnd.decline_in(repo, now, short, day, name, actor=_actor(row))
        text = f"Tack för beskedet. Du kallas inte till sammanträdet {_dag(result)}."
        if result.change.called:
            text += " Nästa ersättare i turordningen har kallats in."
        for w in result.warnings:
            text += f" {obs(w)}"
        return text, {}

    async def _secretary(self, repo: Repository, row: IntakeRow, *, or_justerare: bool = False) -> None:
        p = row.payload
        stored = await self.namnd.committee_in(repo, p["committee"])
        if row.actor in stored.committee.secretaries:
            return
        if or_justerare:
            meeting = await self.namnd.meeting_in(repo, stored, date.fromisoformat(p["date"]))
            j = await repo.justering(meeting.id)
            slack_of = await repo.slack_ids(stored.id)
            if j is not None and any(slack_of.get(k) == row.actor for k in j.justerare):
                return
            raise RuleError("Bara nämndens sekreterare och justerarna kan markera protokollet som justerat.")
        raise RuleError("Det är nämndens sekreterare som anger justerare och justeringsdag.")

    async def _justering_set(self, repo: Repository, now, row: IntakeRow) -> tuple[str, dict]:
        await self._secretary(repo, row)
        p = row.payload
        view = await self.justering.set_in(
            repo,
            now,
            p["committee"],
            date.fromisoformat(p["date"]),
            p.get("justerare", []),
            date.fromisoformat(p["when"]),
            actor=f"slack:{row.actor}",
        )
        from ..domain.dates import svensk_datum
        from ..domain.names import join_names

        text = (
            f"Protokollet från sammanträdet {svensk_datum(view.meeting.date)} justeras "
            f"{svensk_datum(view.row.date or view.meeting.date)} av {join_names(m.label for m in view.justerare)}. "
            "Justerarna påminns dagen före och på morgonen."
        )
        if view.late:
            text += " " + obs("Det är senare än lagens gräns, 14 dagar efter sammanträdet (KL 6 kap. 35 §).")
        for w in view.warnings:
            text += f" {obs(w)}"
        return text, {}

    async def _justering_klar(self, repo: Repository, now, row: IntakeRow) -> tuple[str, dict]:
        await self._secretary(repo, row, or_justerare=True)
        p = row.payload
        view = await self.justering.done_in(
            repo, now, p["committee"], date.fromisoformat(p["date"]), actor=f"slack:{row.actor}"
        )
        from ..domain.dates import svensk_datum

        d = view.as_dict()
        return (
            f"Protokollet från sammanträdet {svensk_datum(view.meeting.date)} är markerat som justerat. "
            f"Sista dag att överklaga: {svensk_datum(date.fromisoformat(d['overklagande_sista_dag']))}."
        ), {}

    async def _chair(self, repo: Repository, row: IntakeRow) -> None:
        stored = await self.namnd.committee_in(repo, row.payload["committee"])
        if row.actor not in stored.committee.secretaries:
            raise RuleError("Det är nämndens sekreterare som sköter sammanträdet här.")

    async def _meeting_start(self, repo: Repository, now, row: IntakeRow) -> tuple[str, dict]:
        await self._chair(repo, row)
        p = row.payload
        change = await self.namnd.start_meeting_in(
            repo, now, p["committee"], date.fromisoformat(p["date"]), p.get("present", []), actor=f"slack:{row.actor}"
        )
        from ..domain.names import join_names

        present = join_names(p.get("present", [])) or "inga ersättare"
        return f"Sammanträdet är öppnat. Närvarande ersättare: {present}.", {"meeting": change.meeting.id}

    async def _meeting_present(self, repo: Repository, now, row: IntakeRow) -> tuple[str, dict]:
        await self._chair(repo, row)
        p = row.payload
        change = await self.namnd.present_in(
            repo, now, p["committee"], date.fromisoformat(p["date"]), p["member"], actor=f"slack:{row.actor}"
        )
        m = change.meeting
        return f"{p['member']} är närvarande från § {m.nr(m.current_paragraph + 1)}.", {}

    async def _meeting_paragraph(self, repo: Repository, now, row: IntakeRow) -> tuple[str, dict]:
        await self._chair(repo, row)
        p = row.payload
        day = date.fromisoformat(p["date"])
        number = p.get("number")
        if number is None:
            stored = await self.namnd.committee_in(repo, p["committee"])
            current = await self.namnd.meeting_in(repo, stored, day)
            number = current.nr(current.current_paragraph + 1)
        meeting = await self.namnd.paragraph_in(repo, now, p["committee"], day, int(number), actor=f"slack:{row.actor}")
        return f"Nu behandlas § {meeting.nr(meeting.current_paragraph)}.", {}


def _dag(result: ForhinderResult) -> str:
    from ..domain.dates import svensk_datum

    return svensk_datum(result.change.meeting.date)


def _self(row: IntakeRow, result: ForhinderResult) -> bool:
    return bool(row.payload.get("self", True))


def _forhinder_text(result: ForhinderResult) -> str:
    a: Anmalan | None = result.anmalan
    m = result.change.meeting
    what = a.confirm(m.paragraphs, m.first_paragraph) if a else ""
    if result.already:
        return f"Förhindret för {result.member.label} ({what}) var redan anmält till sammanträdet {_dag(result)}."
    text = f"Förhinder anmält för {result.member.label}: {what}, sammanträdet {_dag(result)}."
    plan = result.change.plan
    called = [c.describe(plan.paragraphs, plan.base) for c in result.change.called]
    if called:
        text += " Inkallas: " + "; ".join(called) + "."
    changed = [c.describe(plan.paragraphs, plan.base) for c in result.change.changed]
    if changed:  # as the CLI says it: a call that now covers other paragraphs
        text += " Ändrad inkallelse: " + "; ".join(changed) + "."
    if result.change.released:
        text += " Behövs inte längre: " + ", ".join(m.label for m in result.change.released) + "."
    vacant = [v for v in result.change.plan.vacancies if v.seat == result.member.key]
    if vacant:
        text += " Ingen ersättare kan kallas in; sekreteraren har fått veta."
    for w in result.warnings:
        text += f" {obs(w)}"
    return text

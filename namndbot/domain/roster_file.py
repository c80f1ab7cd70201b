"""Reading a roster file (TOML): the contract described in the README.

Pure: takes the file's text, returns a :class:`Roster` or raises a
:class:`RosterError` whose message names the line or the member at fault.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import time
from typing import Any, Literal, overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import RosterError
from .model import (
    CHAIR_ROLES,
    ERSATTARE,
    FORSTE_VICE_ORDFORANDE,
    LEDAMOT,
    NARVARO_LAYOUTS,
    PARAGRAFNUMRERING,
    ROLES,
    VICE_ORDFORANDE,
    Committee,
    CommitteeSettings,
    Kind,
    Member,
    PartiKontakt,
    Roster,
)
from .names import fold

SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
SLACK_TEAM = re.compile(r"^T[A-Z0-9]{2,}$")
SLACK_CHANNEL = re.compile(r"^[CDG][A-Z0-9]{2,}$|^#[a-z0-9_\-åäö]{1,80}$")
SHORT = re.compile(r"^[A-Za-zÅÄÖåäö0-9_\-]{1,20}$")
MAX_NAME = 100  # characters in a person's name
HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

_COMMITTEE_KEYS = {
    "name",
    "short",
    "timezone",
    "default_start",
    "channel",
    "secretaries",
    "secretaries_channel",
    "vaxeltjanstgoring",
    "svarstid_timmar",
    "paminnelser_dagar",
    "paragrafnumrering",
    "narvaro_layout",
    "plats",
    "workspace",
}
_LEDAMOT_KEYS = {"name", "party", "role", "slack", "email", "kontakt", "personliga_ersattare"}
_ERSATTARE_KEYS = {"name", "party", "slack", "email", "kontakt"}
_TOP_KEYS = {"committee", "ledamot", "ersattare", "turordning", "partikontakt"}

_ROLE_ALIASES = {fold(r): r for r in ROLES} | {
    "ordf.": "ordförande",
    "vice ordf.": "vice ordförande",
    "1:e vice ordf.": "1:e vice ordförande",
    "forste vice ordforande": "1:e vice ordförande",
    "forste vice ordf.": "1:e vice ordförande",
    "2:e vice ordf.": "2:e vice ordförande",
    "andre vice ordforande": "2:e vice ordförande",
    "andre vice ordf.": "2:e vice ordförande",
}


@dataclass(frozen=True)
class ParsedRoster:
    roster: Roster
    warnings: list[str]


def parse_roster(text: str, *, default_timezone: str = "Europe/Stockholm") -> ParsedRoster:
    """Read a roster file; ``default_timezone`` applies when ``[committee]`` names none."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RosterError(_toml_message(exc, text)) from None
    except RecursionError:  # tomllib recurses once per level of nesting
        raise RosterError(
            "Rosterfilen är inte giltig TOML för namndbot: listor eller tabeller ligger för djupt i varandra."
        ) from None
    return _Reader(text, default_timezone).read(data)


def _toml_message(exc: tomllib.TOMLDecodeError, text: str) -> str:
    m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
    if not m:
        if "end of document" in str(exc):
            return "Rosterfilen är inte giltig TOML: den tar slut mitt i ett värde."
        return "Rosterfilen är inte giltig TOML."
    line, col = int(m.group(1)), int(m.group(2))
    lines = text.splitlines()
    shown = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    what = "ett namn förekommer två gånger" if "redefine" in str(exc) or "overwrite" in str(exc) else "felaktig syntax"
    return f"Rosterfilen är inte giltig TOML: {what} på rad {line}, kolumn {col}: {shown!r}."


class _Reader:
    def __init__(self, text: str, default_timezone: str = "Europe/Stockholm") -> None:
        self.lines = text.splitlines()
        self.warnings: list[str] = []
        self.default_timezone = default_timezone

    # -- locating ---------------------------------------------------------
    def _line_of(self, pattern: str, start: int = 0) -> int | None:
        rx = re.compile(pattern)
        for i, line in enumerate(self.lines[start:], start=start + 1):
            if rx.search(line):
                return i
        return None

    def _member_line(self, table: str, index: int) -> int | None:
        """Line of the ``index``-th (0-based) ``[[table]]`` header."""
        seen = -1
        rx = re.compile(rf"^\s*\[\[\s*{table}\s*\]\]")
        for i, line in enumerate(self.lines, start=1):
            if rx.search(line):
                seen += 1
                if seen == index:
                    return i
        return None

    def fail(self, message: str, line: int | None = None) -> RosterError:
        where = f" (rad {line})" if line else ""
        return RosterError(f"Fel i rosterfilen{where}: {message}")

    # -- reading -------------------------------------------------------------
    def read(self, data: dict[str, Any]) -> ParsedRoster:
        for key in data:
            if key not in _TOP_KEYS:
                raise self.fail(
                    f"okänd tabell eller nyckel ”{key}”. Tillåtna: [committee], [[ledamot]], "
                    "[[ersattare]], [turordning], [[partikontakt]].",
                    self._line_of(rf"^\s*\[*\s*{re.escape(key)}\b"),
                )
        committee = self._committee(data.get("committee"))
        ledamoter = [self._member(raw, i, LEDAMOT) for i, raw in enumerate(self._list(data, "ledamot"))]
        ersattare = [self._member(raw, i, ERSATTARE) for i, raw in enumerate(self._list(data, "ersattare"))]
        if not ledamoter:
            raise self.fail("rostern har inga ledamöter ([[ledamot]]).")
        self._check_unique(ledamoter + ersattare)
        self._check_roles(ledamoter)
        ledamoter = self._link_personal(ledamoter, ersattare)
        parties = {m.party for m in ledamoter + ersattare}
        turordning = self._turordning(data.get("turordning", {}), parties)
        kontakter = self._kontakter(data.get("partikontakt", []), parties)
        roster = Roster(
            committee=committee,
            ledamoter=tuple(ledamoter),
            ersattare=tuple(ersattare),
            turordning=turordning,
            partikontakter=kontakter,
        )
        return ParsedRoster(roster, self.warnings)

    def _list(self, data: dict[str, Any], table: str) -> list[dict[str, Any]]:
        raw = data.get(table, [])
        if not isinstance(raw, list) or not all(isinstance(x, dict) for x in raw):
            raise self.fail(
                f"”{table}” ska skrivas som [[{table}]]-tabeller, en per person.",
                self._line_of(rf"^\s*\[*\s*{table}\b"),
            )
        return raw

    def _committee(self, raw: Any) -> Committee:
        line = self._line_of(r"^\s*\[\s*committee\s*\]")
        if not isinstance(raw, dict):
            raise self.fail("tabellen [committee] saknas.")
        for key in raw:
            if key not in _COMMITTEE_KEYS:
                raise self.fail(
                    f"okänd nyckel ”{key}” i [committee].", self._line_of(rf"^\s*{re.escape(key)}\s*=") or line
                )
        name = self._str(raw, "name", "[committee]", line, required=True)
        if not name.isprintable():  # a line break would end up in e-mail headers (the subject)
            bad = next(c for c in name if not c.isprintable())
            raise self.fail(
                f"nämndens namn (name i [committee]) innehåller ett osynligt tecken eller styrtecken "
                f"(U+{ord(bad):04X}); skriv namnet på en rad, med vanliga bokstäver.",
                self._line_of(r"^\s*name\s*=") or line,
            )
        short = self._str(raw, "short", "[committee]", line, required=True)
        if not SHORT.match(short):
            raise self.fail(
                f"”short” ska vara en kort förkortning utan mellanslag, t.ex. ”AMN”, inte ”{short}”.",
                self._line_of(r"^\s*short\s*=") or line,
            )
        tz = self._str(raw, "timezone", "[committee]", line) or self.default_timezone
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.fail(
                f"okänd tidszon ”{tz}”; skriv t.ex. ”Europe/Stockholm”.", self._line_of(r"^\s*timezone\s*=") or line
            ) from None
        start_text = self._str(raw, "default_start", "[committee]", line) or "16:00"
        m = HHMM.match(start_text)
        if not m:
            raise self.fail(
                f"”default_start” ska vara en tid som ”16:00”, inte ”{start_text}”.",
                self._line_of(r"^\s*default_start\s*=") or line,
            )
        channel = self._str(raw, "channel", "[committee]", line)
        if channel and not SLACK_CHANNEL.match(channel):
            raise self.fail(
                f"”channel” ska vara ett Slack-kanal-id som ”C0123ABCD” eller ”#namn”, inte ”{channel}”.",
                self._line_of(r"^\s*channel\s*=") or line,
            )
        sec_channel = self._str(raw, "secretaries_channel", "[committee]", line)
        if sec_channel and not SLACK_CHANNEL.match(sec_channel):
            raise self.fail(
                f"”secretaries_channel” ska vara ett Slack-kanal-id, inte ”{sec_channel}”.",
                self._line_of(r"^\s*secretaries_channel\s*=") or line,
            )
        secretaries = raw.get("secretaries", [])
        if not isinstance(secretaries, list) or not all(isinstance(s, str) and SLACK_ID.match(s) for s in secretaries):
            raise self.fail(
                '”secretaries” ska vara en lista med Slack-användar-id, t.ex. ["U0123ABCD"].',
                self._line_of(r"^\s*secretaries\s*=") or line,
            )
        workspace = self._str(raw, "workspace", "[committee]", line)
        if workspace is not None and not SLACK_TEAM.match(workspace):
            raise self.fail(
                f"”workspace” ska vara Slack-arbetsytans id (team id), som ”T0123ABCD”, inte ”{workspace}”.",
                self._line_of(r"^\s*workspace\s*=") or line,
            )
        settings = self._settings(raw, line)
        return Committee(
            short=short,
            name=name,
            timezone=tz,
            default_start=time(int(m.group(1)), int(m.group(2))),
            channel=channel,
            secretaries=tuple(secretaries),
            secretaries_channel=sec_channel,
            settings=settings,
            workspace=workspace,
        )

    def _settings(self, raw: dict[str, Any], line: int | None) -> CommitteeSettings:
        vaxel = raw.get("vaxeltjanstgoring", False)
        if not isinstance(vaxel, bool):
            raise self.fail(
                "”vaxeltjanstgoring” ska vara true eller false.", self._line_of(r"^\s*vaxeltjanstgoring\s*=") or line
            )
        svarstid = raw.get("svarstid_timmar", 24)
        if isinstance(svarstid, bool) or not isinstance(svarstid, int) or not 1 <= svarstid <= 24 * 14:
            raise self.fail(
                "”svarstid_timmar” ska vara ett helt antal timmar mellan 1 och 336.",
                self._line_of(r"^\s*svarstid_timmar\s*=") or line,
            )
        dagar = raw.get("paminnelser_dagar", [7, 1])
        if not isinstance(dagar, list) or not all(
            isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 60 for d in dagar
        ):
            raise self.fail(
                "”paminnelser_dagar” ska vara en lista med antal dagar före sammanträdet, t.ex. [7, 1].",
                self._line_of(r"^\s*paminnelser_dagar\s*=") or line,
            )
        numrering = raw.get("paragrafnumrering", "per_sammantrade")
        if numrering not in PARAGRAFNUMRERING:
            raise self.fail(
                "”paragrafnumrering” ska vara ”per_sammantrade” (varje sammanträde börjar på § 1) eller "
                f"”lopande” (numren fortsätter under året), inte {numrering!r}.",
                self._line_of(r"^\s*paragrafnumrering\s*=") or line,
            )
        layout = raw.get("narvaro_layout", "stockholm")
        if layout not in NARVARO_LAYOUTS:
            raise self.fail(
                f"”narvaro_layout” ska vara något av {', '.join(f'”{x}”' for x in NARVARO_LAYOUTS)}, inte {layout!r}.",
                self._line_of(r"^\s*narvaro_layout\s*=") or line,
            )
        plats = raw.get("plats")
        if plats is not None and (not isinstance(plats, str) or not plats.strip()):
            raise self.fail("”plats” ska vara en text, t.ex. ”Sessionssalen, Stadshuset”.", line)
        return CommitteeSettings(
            vaxeltjanstgoring=vaxel,
            svarstid_timmar=svarstid,
            paminnelser_dagar=tuple(sorted(set(dagar), reverse=True)),
            paragrafnumrering=numrering,
            narvaro_layout=layout,
            plats=" ".join(plats.split()) if plats else None,
        )

    @overload
    def _str(self, raw: dict[str, Any], key: str, where: str, line: int | None, *, required: Literal[True]) -> str: ...

    @overload
    def _str(
        self, raw: dict[str, Any], key: str, where: str, line: int | None, *, required: bool = False
    ) -> str | None: ...

    def _str(
        self, raw: dict[str, Any], key: str, where: str, line: int | None, *, required: bool = False
    ) -> str | None:
        value = raw.get(key)
        if value is None:
            if required:
                raise self.fail(f"{where} saknar ”{key}”.", line)
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"”{key}” i {where} ska vara en text, inte {value!r}.", line)
        return value.strip()

    def _name(self, name: str, who: str, line: int | None) -> str:
        """A person's name as it is shown everywhere: printable characters, at most 100."""
        name = name.replace("\u00a0", " ")  # a no-break space copied from a document is a space
        if not name.isprintable():
            bad = next(c for c in name if not c.isprintable())
            raise self.fail(
                f"{who}: namnet innehåller ett osynligt tecken eller styrtecken (U+{ord(bad):04X}); "
                "skriv namnet med vanliga bokstäver.",
                line,
            )
        if len(name) > MAX_NAME:
            raise self.fail(f"{who}: namnet är {len(name)} tecken långt; högst {MAX_NAME} tecken går.", line)
        return " ".join(name.split())

    def _member(self, raw: dict[str, Any], index: int, kind: Kind) -> Member:
        table = "ledamot" if kind == LEDAMOT else "ersattare"
        line = self._member_line(table, index)
        who = f"{'ledamot' if kind == LEDAMOT else 'ersättare'} nr {index + 1}"
        name = raw.get("name")
        if isinstance(name, str) and name.strip() and name.strip().isprintable() and len(name.strip()) <= MAX_NAME:
            who = f"{who} ({name.strip()})"
        allowed = _LEDAMOT_KEYS if kind == LEDAMOT else _ERSATTARE_KEYS
        for key in raw:
            if key not in allowed:
                raise self.fail(f"{who}: okänd nyckel ”{key}”. Tillåtna: {', '.join(sorted(allowed))}.", line)
        name = self._name(self._str(raw, "name", who, line, required=True), who, line)
        party = self._str(raw, "party", who, line, required=True)
        if len(party) > 12 or " " in party:
            raise self.fail(f"{who}: partiet skrivs med sin förkortning, t.ex. ”S” eller ”MP”, inte ”{party}”.", line)
        role = LEDAMOT
        if kind == LEDAMOT and raw.get("role") is not None:
            text = self._str(raw, "role", who, line)
            role = _ROLE_ALIASES.get(fold(text or ""), "")
            if not role:
                raise self.fail(
                    f"{who}: okänd roll ”{text}”. Tillåtna: ordförande, vice ordförande, 1:e (förste) vice "
                    "ordförande, 2:e (andre) vice ordförande (utan roll: ledamot).",
                    line,
                )
        slack = self._str(raw, "slack", who, line)
        if slack and not SLACK_ID.match(slack):
            raise self.fail(f"{who}: ”slack” ska vara ett Slack-användar-id som ”U0123ABCD”, inte ”{slack}”.", line)
        email = self._str(raw, "email", who, line)
        if email:
            try:
                email = epostadress(email)
            except ValueError as exc:
                raise self.fail(f"{who}: {exc}", line) from None
        kontakt = self._str(raw, "kontakt", who, line)
        if kontakt is not None and kontakt not in ("epost", "slack"):
            raise self.fail(f"{who}: ”kontakt” ska vara ”epost” eller ”slack”, inte ”{kontakt}”.", line)
        if kontakt == "epost" and not email:
            raise self.fail(f"{who}: kontakt = ”epost” kräver en e-postadress (email).", line)
        personal: tuple[str, ...] = ()
        if kind == LEDAMOT and "personliga_ersattare" in raw:
            value = raw["personliga_ersattare"]
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise self.fail(f"{who}: ”personliga_ersattare” ska vara en lista med namn.", line)
            personal = tuple(v.strip() for v in value)
        return Member(
            name=name,
            party=party,
            kind=kind,
            role=role,
            slack=slack,
            email=email,
            kontakt=kontakt,
            personliga_ersattare=personal,
        )

    def _check_unique(self, members: list[Member]) -> None:
        seen: dict[str, Member] = {}
        slack_seen: dict[str, Member] = {}
        for m in members:
            if m.key in seen:
                first = self._line_of(rf"name\s*=\s*\"{re.escape(seen[m.key].name)}\"") or 0
                raise self.fail(
                    f"”{m.name}” står två gånger i rostern; varje person ska stå en gång.",
                    self._line_of(rf"name\s*=\s*\"{re.escape(m.name)}\"", first),
                )
            seen[m.key] = m
            if m.slack:
                if m.slack in slack_seen:
                    raise self.fail(
                        f"{m.name} och {slack_seen[m.slack].name} har samma Slack-id ”{m.slack}”.",
                        self._line_of(rf"slack\s*=\s*\"{re.escape(m.slack)}\""),
                    )
                slack_seen[m.slack] = m

    def _check_roles(self, ledamoter: list[Member]) -> None:
        if any(m.role == VICE_ORDFORANDE for m in ledamoter) and any(
            m.role == FORSTE_VICE_ORDFORANDE for m in ledamoter
        ):
            raise self.fail("En nämnd har antingen en vice ordförande eller en 1:e vice ordförande, inte båda.")
        for role in CHAIR_ROLES:
            holders = [m for m in ledamoter if m.role == role]
            if len(holders) > 1:
                raise self.fail(
                    f"bara en ledamot kan vara {role}, men {holders[0].name} och {holders[1].name} är det båda."
                )

    def _link_personal(self, ledamoter: list[Member], ersattare: list[Member]) -> list[Member]:
        keys = {e.key: e for e in ersattare}
        linked = []
        for i, m in enumerate(ledamoter):
            resolved = []
            for name in m.personliga_ersattare:
                e = keys.get(fold(name))
                if e is None:
                    raise self.fail(
                        f"ledamot {m.name}: den personliga ersättaren ”{name}” finns inte bland [[ersattare]].",
                        self._member_line("ledamot", i),
                    )
                if e.key in resolved:
                    raise self.fail(
                        f"ledamot {m.name}: ”{name}” står två gånger bland de personliga ersättarna.",
                        self._member_line("ledamot", i),
                    )
                resolved.append(e.key)
            linked.append(
                Member(
                    name=m.name,
                    party=m.party,
                    kind=m.kind,
                    role=m.role,
                    slack=m.slack,
                    email=m.email,
                    kontakt=m.kontakt,
                    personliga_ersattare=tuple(resolved),
                )
            )
        return linked

    def _turordning(self, raw: Any, parties: set[str]) -> dict[str, tuple[str, ...]]:
        line = self._line_of(r"^\s*\[\s*turordning\s*\]")
        if not isinstance(raw, dict):
            raise self.fail('[turordning] ska vara en tabell: parti = ["parti", ...].', line)
        result: dict[str, tuple[str, ...]] = {}
        for party, others in raw.items():
            pline = self._line_of(rf"^\s*\"?{re.escape(party)}\"?\s*=", (line or 1) - 1) or line
            if not isinstance(others, list) or not all(isinstance(o, str) and o.strip() for o in others):
                raise self.fail(f'turordningen för {party} ska vara en lista med partier, t.ex. ["L", "C"].', pline)
            cleaned = [o.strip() for o in others]
            if party in cleaned:
                raise self.fail(
                    f"turordningen för {party} nämner {party} själv; partiets egna ersättare kallas alltid först.",
                    pline,
                )
            if len(set(cleaned)) != len(cleaned):
                raise self.fail(f"turordningen för {party} nämner samma parti två gånger.", pline)
            for o in [party, *cleaned]:
                if o not in parties:  # a typo would silently leave a party out of the order
                    raise self.fail(
                        f"turordningen nämner partiet ”{o}”, som ingen i rostern tillhör "
                        f"(partierna i rostern: {', '.join(sorted(parties))}).",
                        pline,
                    )
            result[party] = tuple(cleaned)
        return result

    def _kontakter(self, raw: Any, parties: set[str]) -> tuple[PartiKontakt, ...]:
        if not isinstance(raw, list) or not all(isinstance(x, dict) for x in raw):
            raise self.fail("”partikontakt” ska skrivas som [[partikontakt]]-tabeller.")
        result = []
        for i, item in enumerate(raw):
            line = self._member_line("partikontakt", i)
            for key in item:
                if key not in {"party", "slack"}:
                    raise self.fail(f"partikontakt nr {i + 1}: okänd nyckel ”{key}”.", line)
            party = self._str(item, "party", f"partikontakt nr {i + 1}", line, required=True)
            slack = self._str(item, "slack", f"partikontakt nr {i + 1}", line, required=True)
            if not SLACK_ID.match(slack):
                raise self.fail(f"partikontakt nr {i + 1}: ”{slack}” är inget Slack-användar-id.", line)
            if party not in parties:
                self.warnings.append(f"Partikontakten på rad {line} gäller {party}, som ingen i rostern tillhör.")
            result.append(PartiKontakt(party=party, slack=slack))
        return tuple(result)


_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def epostadress(text: str) -> str:
    """An address a mail server takes (``namn@kommun.se``), the domain of one with å, ä or ö written the
    way mail servers read it (``kommun.xn--re-xia.se``); a ValueError in Swedish otherwise. Nothing that
    could become a second address or header: no spaces, commas, <, >, quotes or line breaks."""
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain or not _LOCAL.fullmatch(local) or len(text) > 254:
        hint = ""
        if local and not local.isascii():
            hint = " Delen före @ kan bara innehålla a–z, siffror och . _ - + (inte å, ä eller ö)."
        raise ValueError(f"”{text}” är ingen giltig e-postadress.{hint}")
    try:
        ascii_domain = domain.encode("idna").decode("ascii") if not domain.isascii() else domain
    except UnicodeError:
        raise ValueError(f"”{text}” är ingen giltig e-postadress (domänen efter @ går inte att använda).") from None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        raise ValueError(f"”{text}” är ingen giltig e-postadress (domänen efter @ går inte att använda).")
    return f"{local}@{ascii_domain}"

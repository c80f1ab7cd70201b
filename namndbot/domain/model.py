"""The committee and its members, as the roster file and the database describe them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from typing import Final, Literal

from .names import fold

LEDAMOT: Final = "ledamot"
ERSATTARE: Final = "ersattare"
Kind = Literal["ledamot", "ersattare"]

KONTAKT_EPOST: Final = "epost"
KONTAKT_SLACK: Final = "slack"

ORDFORANDE = "ordförande"
VICE_ORDFORANDE = "vice ordförande"
FORSTE_VICE_ORDFORANDE = "1:e vice ordförande"  # where there is also a 2:e vice ordförande
ANDRE_VICE_ORDFORANDE = "2:e vice ordförande"
ROLES = (ORDFORANDE, VICE_ORDFORANDE, FORSTE_VICE_ORDFORANDE, ANDRE_VICE_ORDFORANDE, LEDAMOT)
CHAIR_ROLES = ROLES[:4]  # at most one ledamot holds each


@dataclass(frozen=True, slots=True)
class Member:
    """A ledamot (holding a seat) or an ersättare.

    ``key`` identifies the person within the committee across roster imports:
    the folded name.
    """

    name: str
    party: str
    kind: Kind
    role: str = LEDAMOT
    slack: str | None = None
    email: str | None = None
    kontakt: str | None = None  # "epost": always by e-mail; "slack"; None: Slack if known, else e-mail
    personliga_ersattare: tuple[str, ...] = ()  # keys, for a ledamot
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", fold(self.name))

    @property
    def label(self) -> str:
        """``Martin Westmont (SD)``, as protocols write a person."""
        return f"{self.name} ({self.party})"

    def by_mail(self, slack: str | None) -> bool:
        """Whether the bot reaches this member by e-mail (``slack``: the Slack id known for them)."""
        if not self.email:
            return False
        return self.kontakt == KONTAKT_EPOST or (slack is None and self.kontakt != KONTAKT_SLACK)

    @property
    def is_ledamot(self) -> bool:
        return self.kind == LEDAMOT


@dataclass(frozen=True, slots=True)
class PartiKontakt:
    party: str
    slack: str


@dataclass(frozen=True, slots=True)
class CommitteeSettings:
    """Reglemente choices that differ between municipalities (common defaults)."""

    vaxeltjanstgoring: bool = False
    svarstid_timmar: int = 24
    paminnelser_dagar: tuple[int, ...] = (7, 1)
    paragrafnumrering: str = "per_sammantrade"  # or "lopande": numbered through the calendar year
    narvaro_layout: str = "stockholm"  # or "beslutande": how the protocol's attendance section is written
    plats: str | None = None  # where the committee meets unless a meeting says otherwise


PARAGRAFNUMRERING = ("per_sammantrade", "lopande")
NARVARO_LAYOUTS = ("stockholm", "beslutande")  # each is a module under domain/ (see narvaro.LAYOUTS)


@dataclass(frozen=True, slots=True)
class Committee:
    short: str
    name: str
    timezone: str = "Europe/Stockholm"
    default_start: time = time(16, 0)
    channel: str | None = None
    secretaries: tuple[str, ...] = ()
    secretaries_channel: str | None = None
    settings: CommitteeSettings = field(default_factory=CommitteeSettings)
    workspace: str | None = None  # the Slack workspace (team id, T…) it belongs to; None: the only one


@dataclass(frozen=True, slots=True)
class Roster:
    """Everything the turordning engine needs to know about who may serve.

    ``ledamoter`` are in seat order, ``ersattare`` in the order the council
    decided. ``turordning[party]`` lists the other parties whose ersättare
    serve for ``party`` once its own are used up.
    """

    committee: Committee
    ledamoter: tuple[Member, ...]
    ersattare: tuple[Member, ...]
    turordning: dict[str, tuple[str, ...]] = field(default_factory=dict)
    partikontakter: tuple[PartiKontakt, ...] = ()

    @property
    def members(self) -> tuple[Member, ...]:
        return self.ledamoter + self.ersattare

    def by_key(self) -> dict[str, Member]:
        return {m.key: m for m in self.members}

    def may_act_for(self, actor: str, member: Member, actor_is: Member | None) -> bool:
        """Who may report for ``member``: the member (``actor_is``), a secretary for anyone, a party
        contact for the party's members. ``actor`` is the chat user id."""
        if actor_is is not None and actor_is.key == member.key:
            return True
        if actor in self.committee.secretaries:
            return True
        return any(k.slack == actor and k.party == member.party for k in self.partikontakter)

    def parties(self) -> list[str]:
        seen: dict[str, None] = {}
        for m in self.members:
            seen.setdefault(m.party, None)
        return list(seen)

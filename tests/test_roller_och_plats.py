"""Roles and places as municipalities write them (issue 11, point 4)."""

from __future__ import annotations

import icalendar
import pytest
from aiohttp import ClientSession

from namndbot.calendar.schedule import parse_schedule, split_place
from namndbot.domain.errors import RosterError
from namndbot.domain.roster_file import parse_roster

from .conftest import AMN_TOML
from .ks_support import DAY, KS_TOML, ks_with_slack
from .slack_support import running_bot, slack_id

SCHEDULE = """Kommunstyrelsen sammanträder klockan 13.00 följande datum:

• Tisdag 26 november 2019 i Sessionssalen, Stadshuset
• Tisdag 10 december 2019 – Budget
"""


def locations(ics: str) -> dict[str, str | None]:
    cal = icalendar.Calendar.from_ical(ics)
    return {
        ev.decoded("dtstart").date().isoformat(): (str(ev["location"]) if "location" in ev else None)
        for ev in cal.walk("VEVENT")
    }


@pytest.mark.parametrize(
    "written, role",
    [
        ("1:e vice ordförande", "1:e vice ordförande"),
        ("förste vice ordförande", "1:e vice ordförande"),
        ("Förste vice ordf.", "1:e vice ordförande"),
        ("2:e vice ordförande", "2:e vice ordförande"),
        ("andre vice ordförande", "2:e vice ordförande"),
        ("vice ordförande", "vice ordförande"),
    ],
)
def test_roles_as_municipalities_write_them(written, role):
    text = AMN_TOML.read_text(encoding="utf-8").replace('role = "vice ordförande"', f'role = "{written}"', 1)
    roster = parse_roster(text).roster
    assert roster.ledamoter[1].role == role


def test_a_vice_and_a_first_vice_are_not_both_allowed():
    text = KS_TOML.read_text(encoding="utf-8").replace(
        'name = "Anna Berglund"\nparty = "M"', 'name = "Anna Berglund"\nparty = "M"\nrole = "vice ordförande"'
    )
    with pytest.raises(RosterError, match="inte båda"):
        parse_roster(text)


def test_roster_show_names_the_roles(cli):
    cli.ok("roster", "import", str(KS_TOML))
    out = cli.ok("roster", "show", "--committee", "KS")
    assert "Lennart Wallensäter (S), 1:e vice ordförande" in out
    assert "Mona Olin (SD), 2:e vice ordförande" in out


def test_a_place_written_in_the_schedule_is_read():
    s = parse_schedule(SCHEDULE)
    assert [(m.date.isoformat(), m.note, m.location) for m in s.meetings] == [
        ("2019-11-26", None, "Sessionssalen, Stadshuset"),
        ("2019-12-10", "Budget", None),
    ]
    assert split_place("Budget, i Kommunhuset") == ("Budget", "Kommunhuset")
    assert split_place("Beslut i ärendet") == ("Beslut i ärendet", None)  # no capital: no place


def test_the_schedules_place_and_the_committees_reach_location(cli, tmp_path):
    cli.ok("roster", "import", str(KS_TOML))
    path = tmp_path / "tider.txt"
    path.write_text(SCHEDULE, encoding="utf-8")
    cli.ok("kalender", "import", "--committee", "KS", str(path))
    cli.ok("meeting", "add", "--committee", "KS", "2019-12-17")
    cli.ok("meeting", "add", "--committee", "KS", "2019-12-19", "--location", "Biblioteket")
    got = locations(cli.ok("kalender", "ics", "--committee", "KS"))
    assert got == {
        "2019-11-26": "Sessionssalen, Stadshuset",  # written in the schedule
        "2019-12-10": "Sessionssalen, Kommunhuset",  # the committee's plats
        "2019-12-17": "Sessionssalen, Kommunhuset",
        "2019-12-19": "Biblioteket",
    }
    listing = cli.ok("meeting", "list", "--committee", "KS")
    assert "2019-11-26 kl. 13.00, Sessionssalen, Stadshuset" in listing


async def test_the_place_in_slack_and_in_the_served_feed(tmp_path, clock):
    async with running_bot(tmp_path, clock, roster=ks_with_slack()) as running:
        namnd = running.bot.namnd
        await namnd.add_meeting("KS", DAY, paragraphs=26, first_paragraph=194, actor="t")
        await namnd.add_forhinder("KS", DAY, "Karin Lundkvist", actor="t")
        await running.bot.settled()
        (dm,) = running.fake.dms_to(slack_id("Royne Borgvall"))
        assert "Sessionssalen, Kommunhuset" in str(dm["blocks"])
        async with ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{running.port}/kalender/KS.ics") as r:
                assert r.status == 200
                ics = await r.text()
        assert locations(ics) == {"2019-11-26": "Sessionssalen, Kommunhuset"}

"""The secretary's everyday tools (issue 11, point 8): ``forhinder list``, the arvode CSV as Excel
opens it, no empty database made by mistake, ``--version``, and help for every option."""

from __future__ import annotations

import argparse
import csv
import io
import json
from datetime import date, timedelta

from namndbot.cli import build_parser

from .conftest import AMN_TOML


def _walk(parser: argparse.ArgumentParser, path: str):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _walk(sub, f"{path} {name}")
        else:
            yield path, action


def test_every_option_and_argument_has_help():
    missing = [
        f"{path} {'/'.join(a.option_strings) or a.dest}"
        for path, a in _walk(build_parser(), "namndbot")
        if not a.help or a.help == argparse.SUPPRESS and a.dest != "help"
    ]
    assert missing == []


def test_every_subcommand_has_help():
    def subs(parser, path):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                helped = {c.dest for c in action._choices_actions if c.help}
                for name, sub in action.choices.items():
                    yield f"{path} {name}", name in helped
                    yield from subs(sub, f"{path} {name}")

    assert [p for p, ok in subs(build_parser(), "namndbot") if not ok] == []


def test_version(cli):
    code, out, _ = cli("--version")
    assert code == 0 and out.startswith("namndbot ") and out.split()[1][0].isdigit()


def test_a_command_on_a_database_that_does_not_exist_says_so_and_creates_nothing(cli, tmp_path):
    for args in (
        ("meeting", "list", "--committee", "AMN"),
        ("narvaro", "--committee", "AMN", "--meeting", "2019-11-26"),
        ("forhinder", "list", "--committee", "AMN", "--meeting", "2019-11-26"),
        ("tjanstgoring", "export", "--committee", "AMN", "--from", "2019-01-01", "--to", "2019-12-31"),
        ("kalender", "ics", "--committee", "AMN"),
        ("justering", "show", "--committee", "AMN", "--meeting", "2019-11-26"),
        ("gallra", "--dry-run"),
    ):
        code, out, err = cli(*args)
        assert code == 2, args
        assert f"Databasfilen {cli.db_path} finns inte" in err and "roster import" in err, err
        assert not cli.db_path.exists()
    cli.ok("roster", "import", str(AMN_TOML))  # the one command that makes a new database
    assert cli.db_path.exists()


def test_forhinder_list_text_and_json(amn_cli):
    amn_cli.ok("forhinder", "add", "--committee", "AMN", "--meeting", "2019-11-26", "Martin Westmont")
    amn_cli.ok(
        "forhinder", "add", "--committee", "AMN", "--meeting", "2019-11-26", "Stefan Hansson", "--until-paragraph", "10"
    )
    out = amn_cli.ok("forhinder", "list", "--committee", "AMN", "--meeting", "2019-11-26")
    lines = out.splitlines()
    assert lines[0] == "Förhinder till AMN:s sammanträde tisdag 26 november 2019 (2):"
    assert lines[1].startswith("  Martin Westmont (SD), ledamot: hela sammanträdet – anmält ")
    assert "av kommandoraden (cli:" in lines[1]
    assert lines[2].startswith("  Stefan Hansson (S), ledamot: från § 11 –")
    data = json.loads(
        amn_cli.ok("forhinder", "list", "--committee", "AMN", "--meeting", "2019-11-26", "--format", "json")
    )
    assert data["committee"] == "AMN" and data["meeting"] == "2019-11-26"
    first, second = data["forhinder"]
    assert first["name"] == "Martin Westmont" and first["whole"] is True and first["from"] is None
    assert second["from"] == 11 and second["to"] == 16 and second["whole"] is False
    assert set(first) == {
        "name",
        "party",
        "role",
        "whole",
        "from",
        "to",
        "jav",
        "tid",
        "reported_at",
        "reported_by",
        "by_self",
        "paragraphs",
    }
    assert "reason" not in json.dumps(data) and "skäl" not in out


def test_forhinder_list_of_a_meeting_without_any(amn_cli):
    out = amn_cli.ok("forhinder", "list", "--committee", "AMN", "--meeting", "2019-11-26")
    assert out.strip().endswith("Inga förhinder är anmälda.")
    code, _, err = amn_cli("forhinder", "list", "--committee", "AMN", "--meeting", "2019-11-27")
    assert code == 2 and "Fel:" in err


def test_the_arvode_csv_opens_in_swedish_excel(amn_cli, capsysbinary=None):
    future = date.today() + timedelta(days=30)
    amn_cli.ok("meeting", "add", "--committee", "AMN", future.isoformat(), "--paragraphs", "10")
    amn_cli.ok("forhinder", "add", "--committee", "AMN", "--meeting", "2019-11-26", "Martin Westmont")
    out = amn_cli.ok(
        "tjanstgoring",
        "export",
        "--committee",
        "AMN",
        "--from",
        "2019-01-01",
        "--to",
        (future + timedelta(1)).isoformat(),
    )
    assert out.startswith("\ufeff")  # UTF-8 with BOM: Excel reads å, ä, ö right
    rows = list(csv.reader(io.StringIO(out.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0] == [
        "Sammanträde",
        "Nämnd",
        "Namn",
        "Parti",
        "Roll",
        "Tjänstgjorde",
        "För",
        "För parti",
        "Paragrafer",
        "Regel",
    ]
    assert all(r[0] == "2019-11-26" for r in rows[1:])  # the coming meeting is not served yet
    assert any(r[2] == "Mattias Mårdenfjord" and r[6] == "Martin Westmont" for r in rows[1:])
    data = json.loads(
        amn_cli.ok(
            "tjanstgoring",
            "export",
            "--committee",
            "AMN",
            "--from",
            "2019-01-01",
            "--to",
            (future + timedelta(1)).isoformat(),
            "--format",
            "json",
        )
    )
    assert {r["meeting"] for r in data["rows"]} == {"2019-11-26"}


async def test_forhinder_list_names_who_reported_through_slack(tmp_path, clock):
    import subprocess
    import sys

    from .conftest import ROOT
    from .slack_support import SECRETARY, running_bot, user

    async with running_bot(tmp_path, clock) as r:
        await r.bot.namnd.add_meeting("AMN", date(2019, 11, 26), paragraphs=16, actor="sekreteraren")
        await user(r, "Martin Westmont").slash("förhinder 26 november")
        await user(r, SECRETARY).slash("förhinder 26 november för Åsa Janlöv från §5")
        await r.bot.settled()
        db_path = str(tmp_path / "bot.sqlite3")
    done = subprocess.run(
        [sys.executable, "-m", "namndbot", "--db", db_path, "forhinder", "list", "--committee", "AMN"]
        + ["--meeting", "2019-11-26", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    rows = {row["name"]: row for row in json.loads(done.stdout)["forhinder"]}
    assert rows["Martin Westmont"]["by_self"] is True
    assert rows["Martin Westmont"]["reported_by"] == "Martin Westmont själv (Slack)"
    assert rows["Martin Westmont"]["reported_at"].startswith("2019-11-20T10:00")  # the committee's time
    assert rows["Åsa Janlöv"]["by_self"] is False
    assert rows["Åsa Janlöv"]["reported_by"] == f"sekreteraren <@{SECRETARY}> (Slack)"
    assert (rows["Åsa Janlöv"]["from"], rows["Åsa Janlöv"]["to"]) == (1, 4)

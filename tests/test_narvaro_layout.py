"""Jäv is absence, and the "beslutande" layout (issue 11, points 2 and 3)."""

from __future__ import annotations

import json

import pytest

from namndbot.domain import narvaro
from namndbot.domain.model import NARVARO_LAYOUTS

from .ks_support import BEFORE, DAY, KS_TOML, ks_with_slack
from .slack_support import SECRETARIES_CHANNEL, running_bot, user

M = ("--committee", "KS", "--meeting", DAY.isoformat())

EXPECTED = """\
Beslutande
Ledamöter
Stefan Lissmark (M), ordförande
Mona Olin (SD), 2:e vice ordförande §§ 198–219
Anna Berglund (M)
Per Holmén (M) §§ 194–195, §§ 197–219
Søren Østergård (C)
Karin Lundkvist (S) §§ 194–210
Johan Ekdahl (SD)
Maria Stenholm (KD)
Erik Dahlgren (L)
Lena Nyberg (V)
Tjänstgörande ersättare
Royne Borgvall (S) ersätter Lennart Wallensäter (S)
Astrid Lofs (SD) ersätter Mona Olin (SD) §§ 194–197
Gustav Wikström (M) ersätter Per Holmén (M) § 196
Eva Johansson (S) ersätter Karin Lundkvist (S) §§ 211–219

Ej tjänstgörande ersättare
Eva Johansson (S) §§ 194–199, §§ 201–210
Jenny Ahlberg (S) §§ 194–205
Astrid Lofs (SD) §§ 198–219
Gustav Wikström (M) §§ 194–195, §§ 197–219
Ida Falkman (M)
Łukasz Nowak (C)
Đorđe Petrović (KD)
Ulla Björkman (L)
Bo Strandberg (V)

Förhinder hade anmälts av ledamoten Lennart Wallensäter (S).
Ledamoten Per Holmén (M) deltog på grund av jäv inte i handläggningen av § 196; ersättaren Gustav Wikström (M) \
tjänstgjorde i stället.
Ersättaren Eva Johansson (S) deltog på grund av jäv inte i handläggningen av § 200.
"""


def meeting_with_absences(cli, roster_text: str, tmp_path) -> None:
    path = tmp_path / "ks.toml"
    path.write_text(roster_text, encoding="utf-8")
    cli.ok("roster", "import", str(path))
    cli.ok("meeting", "add", "--committee", "KS", BEFORE.isoformat(), "--paragraphs", "170-193")
    cli.ok("meeting", "add", "--committee", "KS", DAY.isoformat(), "--paragraphs", "26")
    cli.ok("forhinder", "add", *M, "Lennart Wallensäter")
    cli.ok("forhinder", "add", *M, "Mona Olin", "--from-paragraph", "198")
    cli.ok("forhinder", "add", *M, "Karin Lundkvist", "--until-paragraph", "210")
    cli.ok("forhinder", "add", *M, "Jenny Ahlberg", "--until-paragraph", "205")
    cli.ok("forhinder", "add", *M, "Eva Johansson", "--paragraphs", "200-200", "--jav")
    cli.ok("forhinder", "add", *M, "Per Holmén", "--paragraphs", "196-196", "--jav")


def test_the_beslutande_layout_word_for_word(cli, tmp_path):
    meeting_with_absences(cli, KS_TOML.read_text(encoding="utf-8"), tmp_path)
    assert cli.ok("narvaro", *M) == EXPECTED


def test_the_json_is_the_same_for_both_layouts(cli, tmp_path, capsys):
    meeting_with_absences(cli, KS_TOML.read_text(encoding="utf-8"), tmp_path)
    beslutande = json.loads(cli.ok("narvaro", *M, "--format", "json"))
    from .conftest import Cli

    other = Cli(tmp_path / "stockholm.sqlite3", capsys)
    stockholm_text = KS_TOML.read_text(encoding="utf-8").replace(
        'narvaro_layout = "beslutande"', 'narvaro_layout = "stockholm"'
    )
    (tmp_path / "other").mkdir()
    meeting_with_absences(other, stockholm_text, tmp_path / "other")
    stockholm = json.loads(other.ok("narvaro", *M, "--format", "json"))
    assert stockholm["text"].startswith(
        "Närvarande\n\nOrdförande Stefan Lissmark (M)\n2:e vice ordf. Mona Olin (SD) närvarande från §198\n"
    )
    assert "Tjänstg. ers. Royne Borgvall (S) för Lennart Wallensäter (S)" in stockholm["text"]
    assert {k: v for k, v in stockholm.items() if k != "text"} == {k: v for k, v in beslutande.items() if k != "text"}


def test_jav_is_absence_in_the_json(cli, tmp_path):
    meeting_with_absences(cli, KS_TOML.read_text(encoding="utf-8"), tmp_path)
    data = json.loads(cli.ok("narvaro", *M, "--format", "json"))
    present = {e["name"]: e["paragraphs"] for e in data["ersattare_narvarande"]}
    assert present["Eva Johansson"] == "§§ 194–199, §§ 201–210"  # not § 200, where she has jäv
    assert present["Gustav Wikström"] == "§§ 194–195, §§ 197–219"  # serves § 196, listed as present elsewhere


def test_a_serving_ersattare_with_jav_is_not_present_in_that_paragraph(cli, tmp_path):
    meeting_with_absences(cli, KS_TOML.read_text(encoding="utf-8"), tmp_path)
    cli.ok("forhinder", "add", *M, "Royne Borgvall", "--paragraphs", "205-205", "--jav")
    text = cli.ok("narvaro", *M)
    assert "Royne Borgvall (S) ersätter Lennart Wallensäter (S) §§ 194–204, §§ 206–219" in text
    assert "Ersättaren Royne Borgvall (S) deltog på grund av jäv inte i handläggningen av § 205" in text
    data = json.loads(cli.ok("narvaro", *M, "--format", "json"))
    assert "Royne Borgvall" not in {e["name"] for e in data["ersattare_narvarande"]}


@pytest.mark.parametrize("layout", NARVARO_LAYOUTS)
def test_jav_is_said_and_absent_for_ledamot_serving_and_non_serving_ersattare(cli, tmp_path, layout):
    """Whoever has jäv in a paragraph is not listed as present in it, in either layout, and the sentence
    about the jäv is there for a ledamot, a serving ersättare and an ersättare who does not serve."""
    meeting_with_absences(cli, KS_TOML.read_text(encoding="utf-8").replace('"beslutande"', f'"{layout}"'), tmp_path)
    cli.ok("forhinder", "add", *M, "Royne Borgvall", "--paragraphs", "205-206", "--jav")  # serving
    cli.ok("forhinder", "add", *M, "Ida Falkman", "--paragraphs", "201-203", "--jav")  # not serving
    text = cli.ok("narvaro", *M)
    if layout == "stockholm":
        lines, _, sentences = text.partition("\nFörhinder")
        lines = lines.split("\n\n", 1)[1]
    else:
        lines, _, sentences = text.rpartition("\n\n")
    assert (
        "Ledamoten Per Holmén (M) deltog på grund av jäv inte i handläggningen av § 196; ersättaren "
        "Gustav Wikström (M) tjänstgjorde i stället." in sentences
    )
    assert (
        "Ersättaren Royne Borgvall (S) deltog på grund av jäv inte i handläggningen av §§ 205–206; "
        "ersättaren Eva Johansson (S) tjänstgjorde i stället." in sentences
    ), sentences
    assert "Ersättaren Ida Falkman (M) deltog på grund av jäv inte i handläggningen av §§ 201–203." in sentences
    assert "Ersättaren Eva Johansson (S) deltog på grund av jäv inte i handläggningen av § 200." in sentences
    if layout == "beslutande":
        assert "\nIda Falkman (M) §§ 194–200, §§ 204–219\n" in lines, lines
        assert "\nPer Holmén (M) §§ 194–195, §§ 197–219\n" in lines
        assert "Royne Borgvall (S) ersätter Lennart Wallensäter (S) §§ 194–204, §§ 207–219" in lines
        assert "\nEva Johansson (S) §§ 194–199, §§ 201–204, §§ 207–210\n" in lines  # serves 205–206, 211–219
    else:
        assert " Ida Falkman (M) §194-200, §204-219\n" in lines, lines
        assert " Per Holmén (M) närvarande §194-195, §197-219\n" in lines
        assert "Royne Borgvall (S) för Lennart Wallensäter (S) §194-204, §207-219" in lines
        assert " Eva Johansson (S) §194-199, §201-204, §207-210\n" in lines
    assert "Royne Borgvall (S) §" not in lines  # not among those present without serving: jäv, not there
    data = json.loads(cli.ok("narvaro", *M, "--format", "json"))
    present = {e["name"]: e["paragraphs"] for e in data["ersattare_narvarande"]}
    assert present["Ida Falkman"] == "§§ 194–200, §§ 204–219"


def test_an_unknown_layout_is_refused_naming_the_choices(cli, tmp_path):
    path = tmp_path / "ks.toml"
    path.write_text(
        KS_TOML.read_text(encoding="utf-8").replace('"beslutande"', '"göteborg"'),
        encoding="utf-8",
    )
    code, _, err = cli("roster", "import", str(path))
    assert code == 2 and "”stockholm”, ”beslutande”" in err, err


def test_a_small_table_picks_the_layout():
    assert tuple(narvaro.LAYOUTS) == NARVARO_LAYOUTS


@pytest.mark.parametrize("n", [1])
async def test_the_secretaries_summary_in_slack_uses_the_layout(tmp_path, clock, n):
    async with running_bot(tmp_path, clock, roster=ks_with_slack()) as running:
        namnd = running.bot.namnd
        await namnd.add_meeting("KS", BEFORE, paragraphs=24, first_paragraph=170, actor="t")
        await namnd.add_meeting("KS", DAY, paragraphs=26, actor="t")
        await running.bot.settled()
        status, _ = await user(running, "Mona Olin").slash("förhinder 26 november kommer till § 198")
        assert status == 200
        await running.bot.settled()
        status, _ = await user(running, "Per Holmén").slash("förhinder 26 november § 196 jäv")
        assert status == 200
        await running.bot.settled()
        summary = running.fake.channels[SECRETARIES_CHANNEL][-1]
        code = summary["blocks"][1]["text"]["text"]
        assert "Beslutande\nLedamöter\nStefan Lissmark (M), ordförande\n" in code
        assert "Mona Olin (SD), 2:e vice ordförande §§ 198–219" in code
        assert "Per Holmén (M) §§ 194–195, §§ 197–219" in code
        assert "Astrid Lofs (SD) ersätter Mona Olin (SD) §§ 194–197" in code
        assert "Gustav Wikström (M) ersätter Per Holmén (M) § 196" in code
        # An ersättare who does not serve, with jäv: not present there, and the protocol says why.
        status, _ = await user(running, "Ida Falkman").slash("förhinder 26 november § 201 jäv")
        assert status == 200
        await running.bot.settled()
        code = running.fake.channels[SECRETARIES_CHANNEL][-1]["blocks"][1]["text"]["text"]
        assert "Ida Falkman (M) §§ 194–200, §§ 202–219" in code
        assert "Ersättaren Ida Falkman (M) deltog på grund av jäv inte i handläggningen av § 201." in code


def test_jav_where_a_serving_ersattare_would_have_begun_says_who_served_instead(cli, tmp_path):
    meeting_with_absences(cli, KS_TOML.read_text(encoding="utf-8"), tmp_path)
    # Eva Johansson serves for Karin Lundkvist from § 211; with jäv in § 211 someone else takes it.
    cli.ok("forhinder", "add", *M, "Eva Johansson", "--paragraphs", "211-211", "--jav")
    text = cli.ok("narvaro", *M)
    assert text.endswith(
        "Ersättaren Eva Johansson (S) deltog på grund av jäv inte i handläggningen av § 200, § 211; "
        "ersättaren Bo Strandberg (V) tjänstgjorde i stället i § 211.\n"
    ), text
    assert "Bo Strandberg (V) ersätter Karin Lundkvist (S) § 211\n" in text
    assert "Eva Johansson (S) ersätter Karin Lundkvist (S) §§ 212–219\n" in text

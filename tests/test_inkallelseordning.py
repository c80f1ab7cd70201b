"""Inkallelseordning as councils decide it, through the CLI: personal ersättare, takeovers,
växeltjänstgöring, the meeting under way, and the arvode export."""

from __future__ import annotations

import csv
import io
import json

import pytest

from .conftest import AMN_TOML

M = ("--committee", "AMN", "--meeting", "2019-11-26")


def roster(amn_text: str, *, personal: dict[str, list[str]] | None = None, vaxel: bool = False) -> str:
    text = amn_text
    for ledamot, names in (personal or {}).items():
        quoted = ", ".join(f'"{n}"' for n in names)
        text = text.replace(f'name = "{ledamot}"\n', f'name = "{ledamot}"\npersonliga_ersattare = [{quoted}]\n', 1)
    if vaxel:
        text = text.replace('default_start = "16:00"', 'default_start = "16:00"\nvaxeltjanstgoring = true')
    return text


@pytest.fixture
def amn(cli, tmp_path, amn_text):
    def load(**kw):
        path = tmp_path / "roster.toml"
        path.write_text(roster(amn_text, **kw), encoding="utf-8")
        cli.ok("roster", "import", str(path))
        cli.ok("meeting", "add", "--committee", "AMN", "2019-11-26", "--paragraphs", "16")
        return cli

    return load


def narvaro(cli) -> dict:
    return json.loads(cli.ok("narvaro", *M, "--format", "json"))


def serving(cli) -> list[tuple[str, str, int, int, str]]:
    return [(t["name"], t["for"], t["from"], t["to"], t["rule"]) for t in narvaro(cli)["tjanstgorande"]]


def test_rule1_personal_ersattare_first(amn):
    cli = amn(personal={"Stefan Hansson": ["Alma Carlsson"]})
    out = cli.ok("forhinder", "add", *M, "Stefan Hansson")
    assert "Inkallas: Alma Carlsson (S) för Stefan Hansson (S) (Personlig ersättare nr 1 för Stefan Hansson)." in out
    cli.ok("forhinder", "add", *M, "Åsa Janlöv")  # the party's own order for the next S seat
    assert serving(cli)[0][:2] == ("Erik Persson", "Åsa Janlöv")


def test_rule1_a_personal_ersattare_who_is_also_prevented(amn):
    cli = amn(personal={"Stefan Hansson": ["Alma Carlsson"]})
    cli.ok("forhinder", "add", *M, "Alma Carlsson")
    cli.ok("forhinder", "add", *M, "Stefan Hansson")
    assert serving(cli) == [("Erik Persson", "Stefan Hansson", 1, 16, "eget_parti")]


def test_rule2_own_party_ersattare_takes_over_from_another_party(amn):
    cli = amn()
    cli.ok("forhinder", "add", *M, "Johan Hjelm")  # L's only ersättare
    cli.ok("forhinder", "add", *M, "Jessica Sjönell")  # L's seat: M is first on L's list
    assert serving(cli) == [("Börje Häggman", "Jessica Sjönell", 1, 16, "partilistan")]
    out = cli.ok("forhinder", "remove", *M, "Johan Hjelm")  # Hjelm can come after all
    assert "Inkallas: Johan Hjelm (L) för Jessica Sjönell (L)" in out
    assert "Behövs inte längre: Börje Häggman (M) (en ersättare för platsens eget parti tar över)." in out
    (row,) = narvaro(cli)["tjanstgorande"]
    assert row["rule"] == "overtog_fran_annat_parti"
    assert "tar över platsen från Börje Häggman (M)" in row["reason"]


def test_rule2_a_freed_ersattare_of_the_same_party_moves_nobody(amn):
    cli = amn()
    cli.ok("forhinder", "add", *M, "Börje Häggman")
    cli.ok("forhinder", "add", *M, "Andrea Ström")
    assert serving(cli) == [("Arslan Bicen", "Andrea Ström", 1, 16, "eget_parti")]
    out = cli.ok("forhinder", "remove", *M, "Börje Häggman")  # earlier in M's order, but Bicen serves
    assert "Inkallas" not in out and "Behövs inte längre" not in out
    assert serving(cli) == [("Arslan Bicen", "Andrea Ström", 1, 16, "eget_parti")]


def test_rule3_a_ledamot_who_comes_after_all_takes_the_seat_back(amn):
    cli = amn()
    cli.ok("forhinder", "add", *M, "Andrea Ström")
    out = cli.ok("forhinder", "remove", *M, "Andrea Ström")
    assert "Behövs inte längre: Börje Häggman (M)." in out
    assert serving(cli) == []


def test_rule4_middle_absence_refused_accepted_with_jav_and_with_the_setting(amn, tmp_path, amn_text):
    cli = amn()
    before = cli.dump()
    code, _, err = cli("forhinder", "add", *M, "Stefan Hansson", "--paragraphs", "5-8")
    assert code == 2
    assert "växeltjänstgöring" in err and "vaxeltjanstgoring = true" in err
    assert cli.dump() == before
    cli.ok("forhinder", "add", *M, "Stefan Hansson", "--paragraphs", "5-8", "--jav")
    assert serving(cli) == [("Erik Persson", "Stefan Hansson", 5, 8, "eget_parti")]
    path = tmp_path / "vaxel.toml"
    path.write_text(roster(amn_text, vaxel=True), encoding="utf-8")
    cli.ok("roster", "import", str(path))
    cli.ok("forhinder", "add", *M, "Åsa Janlöv", "--paragraphs", "5-8")
    assert ("Andrea Törnestam", "Åsa Janlöv", 5, 8, "eget_parti") in serving(cli)


def test_rule4_after_jav_the_ledamot_returns_for_the_next_paragraph(amn):
    cli = amn()
    cli.ok("forhinder", "add", *M, "Stefan Hansson", "--paragraphs", "7-7", "--jav")
    text = cli.ok("narvaro", *M)
    # Back for § 8; not present in § 7 (jäv is absence, KL 6 kap. 30 §).
    assert "Stefan Hansson (S) närvarande §1-6, §8-16\n" in text
    assert "Erik Persson (S) för Stefan Hansson (S) §7" in text


def test_rule6_leaving_at_paragraph_5_with_only_some_ersattare_present(amn, cli_on):
    cli_on("2019-11-26")  # a meeting is opened on its day
    cli = amn()
    out = cli.ok(
        "meeting", "start", "--committee", "AMN", "2019-11-26", "--present", "Arslan Bicen", "--present", "Erik Persson"
    )
    assert "är öppnat; närvarande ersättare: Arslan Bicen (M) och Erik Persson (S)." in out
    cli.ok("meeting", "paragraph", "--committee", "AMN", "2019-11-26", "4")
    out = cli.ok("forhinder", "add", *M, "Andrea Ström", "--until-paragraph", "4")
    # Häggman is first in M's order but not here: Bicen, who is, is called from § 5.
    assert "Inkallas: Arslan Bicen (M) för Andrea Ström (M) §§ 5–16 (Inkallad under sammanträdet" in out
    assert serving(cli) == [("Arslan Bicen", "Andrea Ström", 5, 16, "inkallad_under_sammantradet")]
    text = cli.ok("narvaro", *M)
    assert "Andrea Ström (M) närvarande till §4" in text
    assert "Börje Häggman" not in text  # not present, no förhinder reported: not listed


def test_rule6_a_change_during_the_meeting_takes_effect_from_the_next_paragraph(amn, cli_on):
    cli_on("2019-11-26")  # a meeting is opened on its day
    cli = amn()
    cli.ok("meeting", "start", "--committee", "AMN", "2019-11-26", "--present", "Erik Persson")
    cli.ok("meeting", "paragraph", "--committee", "AMN", "2019-11-26", "6")
    out = cli.ok("forhinder", "add", *M, "Stefan Hansson")  # leaves now
    assert "Förhinder anmält: Stefan Hansson (S), närvarande t.o.m. § 6, förhinder från § 7" in out
    assert serving(cli) == [("Erik Persson", "Stefan Hansson", 7, 16, "inkallad_under_sammantradet")]


def test_rule6_and_vaxeltjanstgoring_one_who_left_does_not_come_back(amn, cli_on):
    cli_on("2019-11-26")  # a meeting is opened on its day
    cli = amn()
    cli.ok("meeting", "start", "--committee", "AMN", "2019-11-26", "--present", "Erik Persson")
    cli.ok("forhinder", "add", *M, "Stefan Hansson", "--until-paragraph", "4")
    cli.ok("meeting", "paragraph", "--committee", "AMN", "2019-11-26", "6")
    code, _, err = cli("forhinder", "remove", *M, "Stefan Hansson")
    assert code == 2 and "lämnade sammanträdet vid § 5" in err and "växeltjänstgöring" in err


def test_rule6_a_late_ledamot_takes_the_seat_back_from_the_next_paragraph(amn, cli_on):
    cli_on("2019-11-26")  # a meeting is opened on its day
    cli = amn()
    cli.ok("forhinder", "add", *M, "Stefan Hansson")
    cli.ok("meeting", "start", "--committee", "AMN", "2019-11-26", "--present", "Erik Persson")
    cli.ok("meeting", "paragraph", "--committee", "AMN", "2019-11-26", "3")
    cli.ok("forhinder", "remove", *M, "Stefan Hansson")  # he arrives during § 3
    assert serving(cli) == [("Erik Persson", "Stefan Hansson", 1, 3, "eget_parti")]
    assert "Stefan Hansson (S) närvarande från §4" in cli.ok("narvaro", *M)


def test_rule6_an_own_party_ersattare_arriving_later_takes_over(amn, cli_on):
    cli_on("2019-11-26")  # a meeting is opened on its day
    cli = amn()
    cli.ok("forhinder", "add", *M, "Jessica Sjönell")
    assert serving(cli) == [("Johan Hjelm", "Jessica Sjönell", 1, 16, "eget_parti")]
    # Hjelm is not there when the meeting opens: the chair calls Häggman, who is.
    cli.ok("meeting", "start", "--committee", "AMN", "2019-11-26", "--present", "Börje Häggman")
    assert serving(cli) == [("Börje Häggman", "Jessica Sjönell", 1, 16, "inkallad_under_sammantradet")]
    cli.ok("meeting", "paragraph", "--committee", "AMN", "2019-11-26", "2")
    out = cli.ok("meeting", "present", "--committee", "AMN", "2019-11-26", "Johan Hjelm")
    assert "Närvarande från § 3: Johan Hjelm (L)." in out
    assert serving(cli) == [
        ("Börje Häggman", "Jessica Sjönell", 1, 2, "inkallad_under_sammantradet"),
        ("Johan Hjelm", "Jessica Sjönell", 3, 16, "overtog_fran_annat_parti"),
    ]
    text = cli.ok("narvaro", *M)
    assert "Johan Hjelm (L) för Jessica Sjönell (L) §3-16" in text
    assert "Börje Häggman (M) för Jessica Sjönell (L) §1-2" in text


def test_meeting_day_errors(amn, cli_on):
    cli_on("2019-11-26")  # a meeting is opened on its day
    cli = amn()
    for args, message in [
        (("meeting", "present", "--committee", "AMN", "2019-11-26", "Johan Hjelm"), "har inte börjat"),
        (("meeting", "paragraph", "--committee", "AMN", "2019-11-26", "3"), "har inte börjat"),
        (("meeting", "start", "--committee", "AMN", "2019-11-26", "--present", "Salar Rashid"), "är ledamot"),
    ]:
        before = cli.dump()
        code, _, err = cli(*args)
        assert code == 2 and message in err, err
        assert cli.dump() == before
    cli.ok("meeting", "start", "--committee", "AMN", "2019-11-26")
    code, _, err = cli("meeting", "start", "--committee", "AMN", "2019-11-26")
    assert code == 2 and "redan öppnat" in err
    cli.ok("meeting", "paragraph", "--committee", "AMN", "2019-11-26", "5")
    code, _, err = cli("meeting", "paragraph", "--committee", "AMN", "2019-11-26", "3")
    assert code == 2 and "mellan 5 och 16" in err


def test_tjanstgoring_export(amn, cli_on):
    cli_on("2019-11-26")  # the meeting is opened on its day below
    cli = amn()
    cli.ok("forhinder", "add", *M, "Stefan Hansson", "--until-paragraph", "10")
    cli.ok("forhinder", "add", *M, "Martin Westmont")
    cli.ok("forhinder", "add", *M, "Maria Jansson")

    def export() -> list[dict]:
        text = cli.ok("tjanstgoring", "export", "--committee", "AMN", "--from", "2019-11-01", "--to", "2019-11-30")
        swedish = {"Namn": "name", "Tjänstgjorde": "served", "För": "for", "Paragrafer": "paragraphs", "Roll": "role"}
        rows = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";")
        return [{swedish.get(k, k): v for k, v in r.items()} for r in rows]

    # Before the meeting is opened in namndbot nobody is counted as present without serving.
    assert [r for r in export() if r["served"] == "nej"] == []
    cli.ok(
        "meeting",
        "start",
        "--committee",
        "AMN",
        "2019-11-26",
        "--present",
        "Erik Persson",
        "--present",
        "Mattias Mårdenfjord",
        "--present",
        "Arslan Bicen",
    )
    rows = export()
    by = {(r["name"], r["served"], r["for"]): r for r in rows}
    assert by[("Arslan Bicen", "nej", "")]["paragraphs"] == "§§ 1–16"
    assert ("Börje Häggman", "nej", "") not in by  # not on the present list
    assert by[("Stefan Hansson", "ja", "")]["paragraphs"] == "§§ 1–10"
    assert by[("Erik Persson", "ja", "Stefan Hansson")]["paragraphs"] == "§§ 11–16"
    assert by[("Erik Persson", "nej", "")]["paragraphs"] == "§§ 1–10"
    assert by[("Mattias Mårdenfjord", "ja", "Martin Westmont")]["paragraphs"] == "§§ 1–16"
    assert not any(r["name"] in ("Martin Westmont", "Maria Jansson") for r in rows)
    assert len([r for r in rows if r["role"] == "ledamot"]) == 12
    data = json.loads(
        cli.ok(
            "tjanstgoring",
            "export",
            "--committee",
            "AMN",
            "--from",
            "2019-11-01",
            "--to",
            "2019-11-30",
            "--format",
            "json",
        )
    )
    assert data["rows"][0] == {
        "meeting": "2019-11-26",
        "committee": "AMN",
        "name": "Fredrik Lindstål",
        "party": "C",
        "role": "ledamot",
        "served": True,
        "for": None,
        "for_party": None,
        "paragraphs": "§§ 1–16",
        "ranges": [{"from": 1, "to": 16}],
        "rule": None,
    }
    code, _, err = cli("tjanstgoring", "export", "--committee", "AMN", "--from", "2019-12-01", "--to", "2019-11-01")
    assert code == 2 and "--to ska vara" in err


def test_the_stockholm_protocol_still_comes_out_word_for_word(amn):
    cli = amn()
    cli.ok("forhinder", "add", *M, "Martin Westmont")
    from .test_narvaro import protocol_section, words

    assert words(cli.ok("narvaro", *M)) == protocol_section()


def test_old_roster_files_stay_valid():
    from namndbot.domain.roster_file import parse_roster

    parsed = parse_roster(AMN_TOML.read_text(encoding="utf-8"))
    assert parsed.roster.committee.settings.vaxeltjanstgoring is False
    assert parsed.roster.committee.settings.svarstid_timmar == 24
    assert parsed.roster.partikontakter == ()


def test_a_new_roster_does_not_rewrite_a_meeting_already_held(amn, amn_text, tmp_path):
    cli = amn()
    cli.ok("forhinder", "add", *M, "Martin Westmont")
    before = cli.ok("narvaro", *M)
    changed = tmp_path / "ny.toml"
    text = amn_text.replace('name = "Martin Westmont"', 'name = "Sara Nyström"')
    text = text.replace('[[ersattare]]\nname = "Mattias Mårdenfjord"\nparty = "SD"\n', "")
    changed.write_text(text, encoding="utf-8")
    cli.ok("roster", "import", str(changed))
    # 2019-11-26 is long past: it was held with Westmont and Mårdenfjord, and its protocol says so.
    assert cli.ok("narvaro", *M) == before
    cli.ok("roster", "import", str(changed))  # a second import keeps the first snapshot
    assert cli.ok("narvaro", *M) == before
    # Mårdenfjord, who served and has left, can still be named justerare of that meeting's protocol.
    out = cli.ok(
        "justering",
        "set",
        *M,
        "--justerare",
        "Mattias Mårdenfjord",
        "--justerare",
        "Salar Rashid",
        "--date",
        "2019-12-02",
    )
    assert "Mattias Mårdenfjord (SD)" in out


def test_a_schedule_import_does_not_move_or_cancel_a_meeting_already_held(amn, tmp_path):
    cli = amn()
    path = tmp_path / "tider.txt"
    path.write_text("Sammanträdestider 2019\n\nTisdag 3 december\n", encoding="utf-8")
    out = cli.ok("kalender", "import", "--committee", "AMN", str(path))
    assert "0 flyttade" in out and "0 inställda" in out
    listing = cli.ok("meeting", "list", "--committee", "AMN", "--year", "2019")
    assert listing == "2019-11-26 kl. 16.00\n2019-12-03 kl. 16.00\n"
    path.write_text("Sammanträdestider 2019\n\nTisdag 26 november (inställt)\n", encoding="utf-8")
    cli.ok("kalender", "import", "--committee", "AMN", str(path))
    assert cli.ok("meeting", "list", "--committee", "AMN", "--year", "2019") == listing


def test_during_the_meeting_a_whole_meeting_forhinder_starts_at_the_next_paragraph(amn, cli_on):
    cli_on("2019-11-26")  # a meeting is opened on its day
    cli = amn()
    cli.ok("meeting", "start", "--committee", "AMN", "2019-11-26")
    cli.ok("meeting", "paragraph", "--committee", "AMN", "2019-11-26", "8")
    assert "förhinder från § 9," in cli.ok("forhinder", "add", *M, "Stefan Hansson")
    # Given paragraphs are taken as said, even those already handled (the secretary corrects the record).
    assert "förhinder från § 5," in cli.ok("forhinder", "add", *M, "Åsa Janlöv", "--until-paragraph", "4")


def test_a_new_forhinder_during_the_meeting_keeps_what_was_handled(amn, cli_on):
    cli_on("2019-11-26")  # a meeting is opened on its day
    cli = amn()
    cli.ok("meeting", "start", "--committee", "AMN", "2019-11-26")
    cli.ok("forhinder", "add", *M, "Stefan Hansson", "--paragraphs", "1-4")  # came at § 5
    cli.ok("meeting", "paragraph", "--committee", "AMN", "2019-11-26", "8")
    cli.ok("forhinder", "add", *M, "Stefan Hansson")  # and leaves after § 8
    assert [(a["from"], a["to"]) for a in narvaro(cli)["forhinder"] if a["name"] == "Stefan Hansson"] == [
        (1, 4),
        (9, 16),
    ]
    assert "Stefan Hansson (S) närvarande §5-8" in cli.ok("narvaro", *M)

"""The ``namndbot`` command line: the contract's exact words, and every error path."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import AMN_TOML, PROTOCOL_2019_11_26, ROOT

LABELS = ("Ordförande ", "Vice ordf. ", "Ledamöterna ", "Tjänstg. ers. ", "Ersättarna ")


def entries(text: str) -> list[str]:
    """The section's lines without their group labels."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        for label in LABELS:
            if line.startswith(label):
                line = line[len(label) :]
        out.append(line)
    return out


def test_seed_002_through_the_cli(amn_cli):
    out = amn_cli.ok("forhinder", "add", "--committee", "AMN", "--meeting", "2019-11-26", "Martin Westmont")
    assert "Inkallas: Mattias Mårdenfjord (SD) för Martin Westmont (SD)" in out
    text = amn_cli.ok("narvaro", "--committee", "AMN", "--meeting", "2019-11-26")
    lines = text.splitlines()
    assert "Tjänstg. ers. Mattias Mårdenfjord (SD) för Martin Westmont (SD)" in lines
    assert "Förhinder hade anmälts av ledamoten Martin Westmont (SD)." in lines


def test_narvaro_json(amn_cli):
    amn_cli.ok(
        "forhinder", "add", "--committee", "AMN", "--meeting", "2019-11-26", "Stefan Hansson", "--until-paragraph", "10"
    )
    amn_cli.ok("forhinder", "add", "--committee", "AMN", "--meeting", "2019-11-26", "Martin Westmont")
    amn_cli.ok("forhinder", "add", "--committee", "AMN", "--meeting", "2019-11-26", "Mattias Mårdenfjord")
    data = json.loads(amn_cli.ok("narvaro", "--committee", "AMN", "--meeting", "2019-11-26", "--format", "json"))
    assert data["committee"] == "AMN"
    assert data["meeting"] == "2019-11-26"
    assert data["paragraphs"] == 16
    assert data["tjanstgorande"] == [
        {
            "name": "Erik Persson",
            "party": "S",
            "for": "Stefan Hansson",
            "for_party": "S",
            "from": 11,
            "to": 16,
            "reason": "S:s egen ersättare, nr 1 i partiets ordning",
            "rule": "eget_parti",
            "status": "kallad",
        }
    ]
    assert [(f["name"], f["role"], f["from"], f["to"]) for f in data["forhinder"]] == [
        ("Stefan Hansson", "ledamot", 11, 16),
        ("Martin Westmont", "ledamot", 1, 16),
        ("Mattias Mårdenfjord", "ersättare", 1, 16),
    ]
    assert data["vacancies"] == [{"seat": "Martin Westmont", "party": "SD", "from": 1, "to": 16}]
    assert data["beslutfor"] is True
    assert data["ej_beslutfor"] == []


def test_partial_paragraph_options(amn_cli):
    base = ("forhinder", "add", "--committee", "AMN", "--meeting", "2019-11-26")
    amn_cli.ok(*base, "Stefan Hansson", "--until-paragraph", "10")
    amn_cli.ok(*base, "Åsa Janlöv", "--from-paragraph", "5")
    amn_cli.ok(*base, "Rashid Mohammed", "--paragraphs", "7-7", "--jav")
    text = amn_cli.ok("narvaro", "--committee", "AMN", "--meeting", "2019-11-26")
    lines = entries(text)
    assert "Stefan Hansson (S) närvarande till §10" in lines
    assert "Åsa Janlöv (S) närvarande från §5" in lines
    assert "Erik Persson (S) för Åsa Janlöv (S) §1-4" in lines
    assert "Erik Persson (S) för Stefan Hansson (S) §11-16" in lines
    assert any(
        line.startswith("Ledamoten Rashid Mohammed (V) deltog på grund av jäv inte i handläggningen av § 7")
        for line in lines
    )


def test_decline_calls_the_next(amn_cli):
    base = ("--committee", "AMN", "--meeting", "2019-11-26")
    amn_cli.ok("forhinder", "add", *base, "Andrea Ström")
    out = amn_cli.ok("ersattare", "decline", *base, "Börje Häggman")
    assert "Inkallas: Arslan Bicen (M) för Andrea Ström (M)" in out
    assert "Behövs inte längre: Börje Häggman (M)" in out


def test_remove_releases(amn_cli):
    base = ("--committee", "AMN", "--meeting", "2019-11-26")
    amn_cli.ok("forhinder", "add", *base, "Andrea Ström")
    out = amn_cli.ok("forhinder", "remove", *base, "andrea strom")
    assert "Behövs inte längre: Börje Häggman (M)" in out


def test_meeting_add_updates_and_the_same_twice_changes_nothing(amn_cli):
    out = amn_cli.ok("meeting", "add", "--committee", "AMN", "2019-11-26", "--paragraphs", "16")
    assert "inget har ändrats" in out
    out = amn_cli.ok(
        "meeting", "add", "--committee", "AMN", "2019-11-26", "--time", "17:30", "--location", "Drätselnämnden"
    )
    assert "är ändrat" in out and "kl. 17.30" in out
    listing = amn_cli.ok("meeting", "list", "--committee", "AMN")
    assert "2019-11-26 kl. 17.30, Drätselnämnden" in listing


def test_meeting_cancel_releases_everyone(amn_cli):
    amn_cli.ok("forhinder", "add", "--committee", "AMN", "--meeting", "2019-11-26", "Martin Westmont")
    out = amn_cli.ok("meeting", "cancel", "--committee", "AMN", "2019-11-26")
    assert "är inställt" in out and "Behövs inte längre: Mattias Mårdenfjord (SD)" in out


def test_roster_show(amn_cli):
    out = amn_cli.ok("roster", "show", "--committee", "amn")
    assert "  1. Fredrik Lindstål (C), ordförande" in out
    assert "  M: L, C, KD, MP" in out
    assert "  SD: (inga andra partier)" in out
    data = json.loads(amn_cli.ok("roster", "show", "--committee", "AMN", "--format", "json"))
    assert data["ledamot"][12] == {"name": "Martin Westmont", "party": "SD", "role": "ledamot"}


def test_roster_import_warns_the_one_way_every_command_warns(amn_cli, tmp_path, amn_text):
    """A warning (not an error: the roster is imported) is written as every other command writes
    one, ``Obs: …`` on stderr."""
    path = tmp_path / "kontakt.toml"
    path.write_text(amn_text + '\n[[partikontakt]]\nparty = "PP"\nslack = "U0PP00001"\n', encoding="utf-8")
    code, out, err = amn_cli("roster", "import", str(path))
    assert code == 0, err
    assert "Obs: Partikontakten på rad " in err and "gäller PP, som ingen i rostern tillhör." in err, err
    assert "Varning" not in err


def test_roster_reimport_retires_and_keeps_history(amn_cli, tmp_path, amn_text):
    amn_cli.ok("forhinder", "add", "--committee", "AMN", "--meeting", "2019-11-26", "Maria Jansson")
    changed = amn_text.replace('[[ersattare]]\nname = "Maria Jansson"\nparty = "Fi"\n', "")
    changed = changed.replace('name = "Tom Hedrup"', 'name = "Tom Hedrup"\nemail = "tom@example.se"')
    path = tmp_path / "ny.toml"
    path.write_text(changed, encoding="utf-8")
    code, _, err = amn_cli("roster", "import", str(path))  # Fi's last member left; its turordning stays
    assert code == 2 and "turordningen nämner partiet ”Fi”, som ingen i rostern tillhör" in err
    changed = changed.replace('S = ["V", "Fi"]\nV = ["S", "Fi"]\nFi = ["S", "V"]', 'S = ["V"]\nV = ["S"]')
    path.write_text(changed, encoding="utf-8")
    out = amn_cli.ok("roster", "import", str(path))
    assert "Har lämnat nämnden (historiken finns kvar): Maria Jansson (Fi)." in out
    assert "Ändrade: Tom Hedrup (M)." in out
    assert "Maria Jansson" not in amn_cli.ok("roster", "show", "--committee", "AMN")
    dump = "\n".join(amn_cli.dump())
    assert "Maria Jansson" in dump  # retired, not deleted
    out = amn_cli.ok("roster", "import", str(path))
    assert "Inget har ändrats." in out


# -- every error path: Swedish, exit 2, nothing changed ---------------------------------

M = ("--committee", "AMN", "--meeting", "2019-11-26")

ERRORS = [
    (("roster", "import", "finns-inte.toml"), "Filen finns-inte.toml finns inte."),
    (("roster", "show", "--committee", "XYZ"), "Nämnden ”XYZ” finns inte."),
    (("meeting", "add", "--committee", "AMN", "2019-02-30"), "finns inte i almanackan"),
    (("meeting", "add", "--committee", "AMN", "9999-12-31"), "året 9999 kan inte stämma"),
    (("kalender", "import", "--committee", "AMN", "--year", "9999", str(PROTOCOL_2019_11_26)), "Året 9999"),
    (("meeting", "add", "--committee", "AMN", "18/6"), "skriv datum som ÅÅÅÅ-MM-DD"),
    (("meeting", "add", "--committee", "AMN", "2019-12-17", "--time", "25:00"), "är ingen tid"),
    (("meeting", "add", "--committee", "AMN", "2019-12-17", "--paragraphs", "0"), "positivt heltal"),
    (("meeting", "add", "--committee", "AMN", "2019-12-17", "--paragraphs", "many"), "positivt heltal"),
    (("meeting", "add", "2019-12-17"), "följande saknas: --committee"),
    (("meeting", "cancel", "--committee", "AMN", "2019-12-17"), "AMN har inget sammanträde 2019-12-17."),
    (("forhinder", "add", *M, "Johan"), "Namnet ”Johan” passar flera: Johan Paccamonti och Johan Hjelm."),
    (("forhinder", "add", *M, "Greta Garbo"), "Ingen ledamot eller ersättare heter ”Greta Garbo”."),
    (("forhinder", "add", "--committee", "AMN", "--meeting", "2019-12-01", "Westmont"), "inget sammanträde 2019-12-01"),
    (("forhinder", "add", *M, "Westmont", "--until-paragraph", "16"), "mellan 1 och 15"),
    (("forhinder", "add", *M, "Westmont", "--from-paragraph", "1"), "mellan 2 och 16"),
    (("forhinder", "add", *M, "Westmont", "--paragraphs", "15-17"), "§§ 15–17 finns inte: sammanträdet har §§ 1–16."),
    (("forhinder", "add", *M, "Westmont", "--paragraphs", "9-3"), "från en lägre till en högre"),
    (
        ("forhinder", "add", *M, "Westmont", "--until-paragraph", "3", "--from-paragraph", "5"),
        "kan inte kombineras med",
    ),
    (("forhinder", "add", *M, "Westmont", "--jav"), "Jäv gäller enskilda paragrafer"),
    (("forhinder", "add", *M, "Westmont", "--paragraphs", "5-8"), "växeltjänstgöring"),
    (
        ("forhinder", "remove", *M, "Westmont"),
        "Martin Westmont (SD) har inget förhinder anmält till sammanträdet tisdag 26 november 2019",
    ),
    (("ersattare", "decline", *M, "Salar Rashid"), "Salar Rashid (S) är ledamot, inte ersättare."),
    (("ersattare", "decline", *M, "Nobody"), "Ingen ersättare heter ”Nobody”."),
    (("narvaro", "--committee", "AMN", "--meeting", "2020-01-01"), "AMN har inget sammanträde 2020-01-01."),
    (("narvaro", *M, "--format", "xml"), "ogiltigt val"),
    (("flyg",), "ogiltigt val"),
]


@pytest.mark.parametrize("args, message", ERRORS, ids=[" ".join(a[:3]) + f" {i}" for i, (a, _) in enumerate(ERRORS)])
def test_every_error_is_swedish_exit_2_and_changes_nothing(amn_cli, args, message):
    amn_cli.ok("forhinder", "add", *M, "Stefan Hansson", "--until-paragraph", "10")
    before = amn_cli.dump()
    code, out, err = amn_cli(*args)
    assert code == 2
    assert message in err, err
    assert "Traceback" not in err + out
    assert amn_cli.dump() == before


def test_paragraph_options_on_a_meeting_without_paragraphs(amn_cli):
    amn_cli.ok("meeting", "add", "--committee", "AMN", "2019-12-17")
    before = amn_cli.dump()
    code, _, err = amn_cli(
        "forhinder", "add", "--committee", "AMN", "--meeting", "2019-12-17", "Westmont", "--until-paragraph", "3"
    )
    assert code == 2
    assert "är inte indelat i paragrafer" in err
    assert "--paragraphs N" in err  # the hint
    assert amn_cli.dump() == before


def test_forhinder_for_a_cancelled_meeting(amn_cli):
    amn_cli.ok("meeting", "cancel", "--committee", "AMN", "2019-11-26")
    before = amn_cli.dump()
    code, _, err = amn_cli("forhinder", "add", *M, "Westmont")
    assert code == 2 and "Sammanträdet 2019-11-26 är inställt." in err
    assert amn_cli.dump() == before


def test_bad_roster_changes_nothing(amn_cli, tmp_path, amn_text):
    path = tmp_path / "bad.toml"
    path.write_text(amn_text.replace('party = "SD"', 'party = "S D"', 1), encoding="utf-8")
    before = amn_cli.dump()
    code, _, err = amn_cli("roster", "import", str(path))
    assert code == 2
    assert "ledamot nr 13 (Martin Westmont)" in err
    assert amn_cli.dump() == before


def test_paragraph_count_that_no_longer_fits_a_forhinder(amn_cli):
    amn_cli.ok("forhinder", "add", *M, "Stefan Hansson", "--until-paragraph", "10")
    before = amn_cli.dump()
    code, _, err = amn_cli("meeting", "add", "--committee", "AMN", "2019-11-26", "--paragraphs", "8")
    assert code == 2 and "Stefan Hansson (S): närvarande t.o.m. § 10, förhinder från § 11" in err, err
    assert "Med 8 paragrafer skulle de betyda något annat, så inget har ändrats." in err
    assert amn_cli.dump() == before


def test_database_in_a_missing_folder(cli, tmp_path):
    missing = cli.__class__(tmp_path / "nope" / "x.sqlite3", cli.capsys)
    code, _, err = missing("roster", "show", "--committee", "AMN")
    assert code == 2 and "Databasfilen" in err and "finns inte" in err
    code, _, err = missing("roster", "import", str(AMN_TOML))  # the command that makes a database
    assert code == 2 and "Mappen för databasen finns inte" in err


def test_not_a_database(cli, tmp_path):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"this is not sqlite" * 100)
    code, _, err = cli.__class__(bad, cli.capsys)("roster", "show", "--committee", "AMN")
    assert code == 2 and "är ingen SQLite-databas" in err
    assert bad.read_bytes() == b"this is not sqlite" * 100


def test_console_script_runs_as_a_program(tmp_path):
    db = tmp_path / "x.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "namndbot", "--db", str(db), "roster", "import", str(AMN_TOML)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "13 ledamöter och 13 ersättare" in done.stdout
    done = subprocess.run(
        [sys.executable, "-m", "namndbot", "--db", str(db), "narvaro"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 2
    assert "Fel: följande saknas: --committee, --meeting." in done.stderr


def test_names_are_echoed_as_the_roster_spells_them_and_counts_agree(amn_cli, cli_on):
    out = amn_cli.ok("meeting", "add", "--committee", "AMN", "2019-12-17", "--paragraphs", "1")
    assert out.endswith("är tillagt, 1 paragraf.\n")
    cli_on("2019-11-26")
    out = amn_cli.ok("meeting", "start", "--committee", "AMN", "2019-11-26", "--present", "bicen")
    assert "närvarande ersättare: Arslan Bicen (M)." in out


def test_output_into_a_closed_pipe_ends_quietly(amn_cli):
    import subprocess
    import sys

    done = subprocess.run(
        f"{sys.executable} -m namndbot --db {amn_cli.db_path} roster show --committee AMN | head -1",
        shell=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.stdout.startswith("Arbetsmarknadsnämnden (AMN)") and done.stderr == ""


@pytest.mark.parametrize(
    "args, usage",
    [
        (("meeting", "add", "--committee", "AMN", "2019-12-17", "--bogus", "1"), "namndbot meeting add"),
        (("narvaro", *M, "--formt", "json"), "namndbot narvaro"),
        (("forhinder", "add", *M, "Westmont", "--until", "3", "4"), "namndbot forhinder add"),
        (("meeting", "--bogus", "list", "--committee", "AMN"), "namndbot meeting"),
    ],
)
def test_an_unknown_flag_gets_the_subcommands_own_usage_in_swedish(amn_cli, args, usage):
    before = amn_cli.dump()
    code, out, err = amn_cli(*args)
    assert code == 2, err
    assert err.startswith(f"användning: {usage} [-h]"), err
    assert "Fel: okända argument:" in err and f"Se ”{usage} --help”." in err
    assert "KOMMANDO" not in err  # not the top level's usage
    assert amn_cli.dump() == before


def test_a_meeting_subcommand_takes_date_or_meeting_flag(amn_cli):
    out = amn_cli.ok("meeting", "add", "--committee", "AMN", "--meeting", "2019-12-17", "--paragraphs", "5")
    assert "tisdag 17 december 2019" in out and "5 paragrafer" in out
    out = amn_cli.ok("meeting", "cancel", "--committee", "AMN", "2019-12-17")
    assert "är inställt" in out
    code, _, err = amn_cli("meeting", "add", "--committee", "AMN", "2019-12-17", "--meeting", "2019-12-18")
    assert code == 2 and "Fel: två olika datum: 2019-12-17 och --meeting 2019-12-18; ange ett." in err, err
    code, _, err = amn_cli("meeting", "cancel", "--committee", "AMN")
    assert code == 2 and "saknas: DATE (sammanträdets datum, t.ex. 2019-11-26 eller --meeting 2019-11-26)" in err


def test_a_meeting_date_without_meeting_flag_says_which_form_to_use(amn_cli):
    code, _, err = amn_cli("forhinder", "add", "--committee", "AMN", "2019-11-26", "Westmont")
    assert code == 2, err
    assert "Fel: följande saknas: --meeting." in err
    assert "Här anges sammanträdets datum med --meeting ÅÅÅÅ-MM-DD, t.ex. --meeting 2019-11-26" in err, err


def test_a_roster_import_that_changes_only_the_committees_settings_says_so(amn_cli, tmp_path, amn_text):
    path = tmp_path / "amn.toml"
    path.write_text(amn_text, encoding="utf-8")
    assert amn_cli.ok("roster", "import", str(path)).endswith("Inget har ändrats.\n")
    path.write_text(amn_text.replace("[committee]", '[committee]\nnarvaro_layout = "beslutande"', 1), encoding="utf-8")
    out = amn_cli.ok("roster", "import", str(path))
    assert "Nämndens inställningar är ändrade" in out and "Inget har ändrats" not in out, out

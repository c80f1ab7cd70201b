"""``namndbot kalender …``: import (text and PDF), ics and token, and their error paths."""

from __future__ import annotations

import icalendar
import pytest

from .conftest import AMN_TOML, PROTOCOL_2019_11_26
from .pdf import make_pdf

SOCIAL = """Nämnden sammanträder klockan 18.30 följande datum:

• Måndag 8 februari
• Måndag 15 mars – mötet är inställt
• Måndag 19 april kl. 13.00 (budgetdag)
"""


@pytest.fixture
def amn(cli):
    cli.ok("roster", "import", str(AMN_TOML))
    return cli


def test_import_seed_002_through_the_cli(amn):
    out = amn.ok("kalender", "import", "--committee", "AMN", str(PROTOCOL_2019_11_26))
    assert out.startswith("Sammanträdestider 2020 för AMN: 10 nya, 0 flyttade, 0 ändrade, 0 inställda")
    assert "  Nytt: tisdag 11 februari 2020 kl. 16.00 – Verksamhetsberättelse 2019" in out
    again = amn.ok("kalender", "import", "--committee", "AMN", str(PROTOCOL_2019_11_26))
    assert "10 oförändrade" in again and "Inget har ändrats." in again
    listing = amn.ok("meeting", "list", "--committee", "AMN", "--year", "2020")
    assert len(listing.splitlines()) == 10


def test_import_a_pdf(amn, tmp_path):
    path = tmp_path / "tider.pdf"
    path.write_bytes(make_pdf(["Sammanträdestider 2021", *SOCIAL.splitlines()]))
    out = amn.ok("kalender", "import", "--committee", "AMN", str(path))
    assert "3 nya" in out
    assert "  Nytt: måndag 8 februari 2021 kl. 18.30" in out
    assert "  Nytt: måndag 15 mars 2021 kl. 18.30 (inställt)" in out
    assert "  Nytt: måndag 19 april 2021 kl. 13.00 – budgetdag" in out


def test_import_with_year_option(amn, tmp_path):
    path = tmp_path / "tider.txt"
    path.write_text(SOCIAL, encoding="utf-8")
    code, _, err = amn("kalender", "import", "--committee", "AMN", str(path))
    assert code == 2 and "ange det med --year" in err
    out = amn.ok("kalender", "import", "--committee", "AMN", str(path), "--year", "2021")
    assert "3 nya" in out


def test_ics_to_stdout_is_the_feed(amn):
    import subprocess
    import sys

    amn.ok("kalender", "import", "--committee", "AMN", str(PROTOCOL_2019_11_26))
    done = subprocess.run(
        [sys.executable, "-m", "namndbot", "--db", str(amn.db_path), "kalender", "ics", "--committee", "AMN"],
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    cal = icalendar.Calendar.from_ical(done.stdout)
    assert len(cal.walk("VEVENT")) == 10
    assert done.stdout.count(b"\r\n") > 50 and b"\r\r" not in done.stdout


def test_token_prints_https_and_webcal(amn, monkeypatch):
    monkeypatch.setenv("NAMNDBOT_BASE_URL", "https://namnd.example.se")
    out = amn.ok("kalender", "token", "--committee", "AMN", "westmont")
    lines = out.splitlines()
    assert lines[0] == "Kalenderlänk för Martin Westmont (SD):"
    assert lines[1].startswith("https://namnd.example.se/kalender/p/") and lines[1].endswith(".ics")
    assert lines[2] == "webcal://" + lines[1].split("://")[1]
    assert amn.ok("kalender", "token", "--committee", "AMN", "westmont") == out
    rotated = amn.ok("kalender", "token", "--committee", "AMN", "westmont", "--rotate").splitlines()
    assert rotated[0].startswith("Ny kalenderlänk") and rotated[1] != lines[1]


BAD_SCHEDULES = [
    ("Sammanträdestider 2021\n\nTisdag den 31 februari\n", "Rad 3"),
    (
        "Sammanträdestider 2021\nMåndag 8 februari\nOnsdag 15 mars\n",
        "Rad 3: 15 mars 2021 är en måndag, inte en onsdag.",
    ),
    ("Ett protokoll utan några tider alls.\n", "Texten innehåller inga sammanträdestider."),
]


@pytest.mark.parametrize("text, message", BAD_SCHEDULES)
def test_bad_schedule_imports_nothing(amn, tmp_path, text, message):
    amn.ok("kalender", "import", "--committee", "AMN", str(PROTOCOL_2019_11_26))
    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")
    before = amn.dump()
    code, out, err = amn("kalender", "import", "--committee", "AMN", str(path))
    assert code == 2 and message in err, err
    assert "Traceback" not in err
    assert amn.dump() == before


@pytest.mark.parametrize(
    "content, message",
    [
        (b"%PDF-1.4\nnot really a pdf", "trasig eller ovanlig PDF"),
        (make_pdf([]), "innehåller ingen text"),
        (b"\x00\x01\x02binary", "varken text eller PDF"),
    ],
)
def test_bad_documents(amn, tmp_path, content, message):
    path = tmp_path / "doc.bin"
    path.write_bytes(content)
    before = amn.dump()
    code, _, err = amn("kalender", "import", "--committee", "AMN", str(path))
    assert code == 2 and message in err, err
    assert amn.dump() == before


@pytest.mark.parametrize(
    "args, message",
    [
        (("kalender", "ics", "--committee", "KS"), "Nämnden ”KS” finns inte."),
        (
            ("kalender", "ics", "--committee", "AMN", "--member", "Greta"),
            "Ingen ledamot eller ersättare heter ”Greta”.",
        ),
        (("kalender", "token", "--committee", "AMN", "Johan"), "passar flera"),
        (("kalender", "import", "--committee", "AMN", "saknas.txt"), "Filen saknas.txt finns inte."),
    ],
)
def test_kalender_errors(amn, args, message):
    before = amn.dump()
    code, _, err = amn(*args)
    assert code == 2 and message in err, err
    assert amn.dump() == before


def test_a_school_year_decision_leaves_the_earlier_decision_alone(amn, tmp_path):
    amn.ok("kalender", "import", "--committee", "AMN", str(PROTOCOL_2019_11_26))  # 2020: Feb … Dec
    path = tmp_path / "lasar.txt"
    path.write_text(
        "Sammanträdestider läsåret 2020/2021\n\nTisdag 15 december 2020\nTisdag 26 januari 2021\n"
        "Tisdag 23 februari 2021\n",
        encoding="utf-8",
    )
    out = amn.ok("kalender", "import", "--committee", "AMN", str(path))
    assert "0 inställda" in out and "2 nya" in out
    listing = amn.ok("meeting", "list", "--committee", "AMN", "--year", "2020")
    assert "inställt" not in listing and len(listing.splitlines()) == 10


# --------------------------------------------------------------------------
# Imports that cannot do harm (issue 11, point 5). Years in the future: the CLI runs on the real
# clock, and a meeting already held is never changed by an import.

YEAR_2031 = """Arbetsmarknadsnämndens sammanträdestider 2031

Våren 2031
Tisdag den 11 februari
Tisdag den 18 mars
Tisdag den 22 april
Hösten 2031
Tisdag den 26 augusti
Tisdag den 23 september
Tisdag den 21 oktober
"""


def _listing(cli, year="2031"):
    return cli.ok("meeting", "list", "--committee", "AMN", "--year", year)


def _write(tmp_path, text, name="tider.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_spring_schedule_leaves_the_autumn_alone(amn, tmp_path):
    amn.ok("kalender", "import", "--committee", "AMN", _write(tmp_path, YEAR_2031))
    spring = "Sammanträdestider våren 2031\n\nTisdag den 11 februari\nTisdag den 22 april\nTisdag den 3 juni\n"
    out = amn.ok("kalender", "import", "--committee", "AMN", _write(tmp_path, spring, "var.txt"))
    assert "1 nya, 0 flyttade, 0 ändrade, 1 inställda, 2 oförändrade" in out
    assert "Beslutet gäller 1 januari 2031–30 juni 2031" in out
    assert "  Inställt: tisdag 18 mars 2031" in out
    listing = _listing(amn)
    assert "inst" in next(ln for ln in listing.splitlines() if "2031-03-18" in ln).casefold()
    for autumn in ("2031-08-26", "2031-09-23", "2031-10-21"):
        line = next(ln for ln in listing.splitlines() if autumn in ln)
        assert "inställt" not in line.casefold(), line


def test_without_a_half_year_an_import_covers_its_first_to_its_last_date(amn, tmp_path):
    amn.ok("kalender", "import", "--committee", "AMN", _write(tmp_path, YEAR_2031))
    middle = "Sammanträdestider 2031\nTisdag den 18 mars\nTisdag den 26 augusti\n"
    out = amn.ok("kalender", "import", "--committee", "AMN", _write(tmp_path, middle, "mitt.txt"))
    assert "0 nya, 0 flyttade, 0 ändrade, 1 inställda, 2 oförändrade" in out  # 22 april only
    assert "Beslutet gäller 18 mars 2031–26 augusti 2031" in out
    assert "  Inställt: tisdag 22 april 2031" in out


def test_dry_run_prints_the_changes_and_saves_nothing(amn, tmp_path):
    amn.ok("kalender", "import", "--committee", "AMN", _write(tmp_path, YEAR_2031))
    before = amn.dump()
    spring = "Sammanträdestider våren 2031\nTisdag den 11 februari\nOnsdag den 19 mars\n"
    path = _write(tmp_path, spring, "var.txt")
    dry = amn.ok("kalender", "import", "--committee", "AMN", path, "--dry-run")
    assert dry.startswith("Provkörning (--dry-run): inget sparas.\n")
    assert "  Flyttat från tisdag 18 mars 2031 till onsdag 19 mars 2031" in dry
    assert "  Inställt: tisdag 22 april 2031" in dry
    assert amn.dump() == before
    real = amn.ok("kalender", "import", "--committee", "AMN", path)
    assert real == dry.removeprefix("Provkörning (--dry-run): inget sparas.\n")
    assert amn.dump() != before


def test_dry_run_on_a_fresh_committee_adds_nothing(amn, tmp_path):
    before = amn.dump()
    out = amn.ok("kalender", "import", "--committee", "AMN", _write(tmp_path, YEAR_2031), "--dry-run")
    assert "6 nya" in out and amn.dump() == before
    assert "2031-" not in _listing(amn)


def test_a_schedule_of_another_committee_is_refused_naming_both(amn, tmp_path):
    amn.ok("kalender", "import", "--committee", "AMN", _write(tmp_path, YEAR_2031))
    before = amn.dump()
    other = "Sammanträdestider 2031 för Barn- och utbildningsnämnden\n\nTisdag den 11 februari\nTisdag den 4 mars\n"
    code, out, err = amn("kalender", "import", "--committee", "AMN", _write(tmp_path, other, "bun.txt"))
    assert code == 2 and out == ""
    assert "Barn- och utbildningsnämnden" in err and "Arbetsmarknadsnämnden (AMN)" in err
    assert "Traceback" not in err
    assert amn.dump() == before
    code, _, err = amn("kalender", "import", "--committee", "AMN", _write(tmp_path, other, "bun.txt"), "--dry-run")
    assert code == 2 and "Barn- och utbildningsnämnden" in err


KF_TOML = """
[committee]
name = "Kommunfullmäktige"
short = "KF"

[[ledamot]]
name = "Anna Andersson"
party = "S"
role = "ordförande"

[[ledamot]]
name = "Bo Berg"
party = "M"

[[ersattare]]
name = "Cilla Carlsson"
party = "S"
"""


def test_a_year_in_a_heading_naming_the_committee_is_read(cli, tmp_path):
    cli.ok("roster", "import", _write(tmp_path, KF_TOML, "kf.toml"))
    text = "Kommunfullmäktige 2031\n\nMåndag 10 februari kl. 18.00\nMåndag 17 mars kl. 18.00\n"
    out = cli.ok("kalender", "import", "--committee", "KF", _write(tmp_path, text))
    assert out.startswith("Sammanträdestider 2031 för KF: 2 nya")
    cli.ok("roster", "import", str(AMN_TOML))
    code, _, err = cli("kalender", "import", "--committee", "AMN", _write(tmp_path, text))
    assert code == 2 and "Kommunfullmäktige" in err and "Arbetsmarknadsnämnden" in err

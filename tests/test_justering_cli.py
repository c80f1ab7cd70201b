"""``namndbot justering …`` and ``namndbot skrivelse …``: the contract's words and keys, and the errors."""

from __future__ import annotations

import json

import pytest

from .conftest import PROTOCOL_2019_11_26, SVAR_ASPIRANTER, SVAR_STOCKHOLMSJOBB

M = ("--committee", "AMN", "--meeting", "2019-11-26")


def test_set_and_show(amn_cli):
    out = amn_cli.ok(
        "justering", "set", *M, "--justerare", "Lindstål", "--justerare", "salar rashid", "--date", "2019-12-02"
    )
    assert "Justerare:               Fredrik Lindstål (C) och Salar Rashid (S)" in out
    data = json.loads(amn_cli.ok("justering", "show", *M, "--format", "json"))
    assert {
        k: data[k]
        for k in (
            "justering",
            "justerare",
            "anslag_senast",
            "overklagande_sista_dag",
            "anslag_ned_tidigast",
            "omedelbart_justerade",
        )
    } == {
        "justering": "2019-12-02",
        "justerare": [{"name": "Fredrik Lindstål", "party": "C"}, {"name": "Salar Rashid", "party": "S"}],
        "anslag_senast": "2019-12-04",  # the second day after justering
        "overklagande_sista_dag": "2019-12-27",  # 4 Dec + 21 = 25 Dec (juldagen), 26 Dec (annandag) -> 27 Dec
        "anslag_ned_tidigast": "2019-12-28",
        "omedelbart_justerade": [],
    }


def test_import_from_the_protocol(amn_cli):
    out = amn_cli.ok("justering", "import", "--committee", "AMN", str(PROTOCOL_2019_11_26))
    assert "Fredrik Lindstål (C) och Salar Rashid (S)" in out
    assert "Justering:               måndag 2 december 2019" in out
    data = json.loads(amn_cli.ok("justering", "show", *M, "--format", "json"))
    assert data["omedelbart_justerade"] == [4]
    assert data["omedelbart"]["anslag_senast"] == "2019-11-28"


def test_done_with_the_actual_anslag(amn_cli):
    amn_cli.ok("justering", "set", *M, "--justerare", "Lindstål", "--justerare", "Salar", "--date", "2019-12-02")
    amn_cli.ok("justering", "done", *M, "--date", "2019-12-02", "--anslag", "2019-12-03")
    data = json.loads(amn_cli.ok("justering", "show", *M, "--format", "json"))
    assert data["justerad"] == "2019-12-02" and data["anslag"] == "2019-12-03"
    assert data["overklagande_sista_dag"] == "2019-12-27"  # 3 Dec + 21 = 24 Dec (julafton) -> 27 Dec
    assert data["berakning"] == "anslag"


def test_show_without_justering(amn_cli):
    data = json.loads(amn_cli.ok("justering", "show", *M, "--format", "json"))
    assert data["justering"] is None and data["justerare"] == []


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ("justering", "set", *M, "--justerare", "Greta", "--date", "2019-12-02"),
            "Ingen ledamot eller ersättare heter",
        ),
        (("justering", "set", *M, "--justerare", "Johan", "--date", "2019-12-02"), "passar flera"),
        (("justering", "set", *M, "--justerare", "Lindstål", "--date", "2019-11-20"), "före sammanträdet"),
        (
            ("justering", "set", *M, "--justerare", "Lindstål", "--justerare", "Lindstål", "--date", "2019-12-02"),
            "Samma person står två gånger",
        ),
        (("justering", "set", *M, "--justerare", "Lindstål", "--date", "2 dec"), "ÅÅÅÅ-MM-DD"),
        (("justering", "show", "--committee", "AMN", "--meeting", "2019-11-27"), "inget sammanträde 2019-11-27"),
        (("justering", "import", "--committee", "AMN", str(SVAR_ASPIRANTER)), "inga justerare"),
        (("justering", "done", *M, "--date", "2019-11-01"), "före sammanträdet"),
        (("justering", "import", "--committee", "AMN", "{far}"), "året 9999 kan inte stämma"),
        (("skrivelse", "parse", str(PROTOCOL_2019_11_26)), "ett protokoll"),
        (("skrivelse", "post", str(PROTOCOL_2019_11_26)), "kunde inte läsas som ett svar på skrivelse"),
        (("skrivelse", "parse", "saknas.pdf"), "Filen saknas.pdf finns inte."),
    ],
)
def test_errors_are_swedish_exit_2_and_change_nothing(amn_cli, args, message):
    if "{far}" in args:  # the protocol with its justering date mistyped as year 9999
        far = amn_cli.db_path.with_name("protokoll-9999.txt")
        far.write_text(
            PROTOCOL_2019_11_26.read_text(encoding="utf-8").replace(
                "justeras måndagen den 2 december 2019", "justeras måndagen den 31 december 9999"
            ),
            encoding="utf-8",
        )
        args = tuple(str(far) if a == "{far}" else a for a in args)
    before = amn_cli.dump()
    code, out, err = amn_cli(*args)
    assert code == 2 and message in err, err
    assert "Traceback" not in err
    assert amn_cli.dump() == before


@pytest.mark.parametrize(
    "path, title, authors",
    [
        (
            SVAR_ASPIRANTER,
            "Svar på skrivelse om trygga arbetsvillkor för aspiranter",
            [{"name": "Salar Rashid", "party": "S", "others": True}],
        ),
        (
            SVAR_STOCKHOLMSJOBB,
            "Svar på skrivelse från Johanna Sjö (M) angående Stockholmsjobb",
            [{"name": "Johanna Sjö", "party": "M", "others": False}],
        ),
    ],
)
def test_skrivelse_parse_json(cli, path, title, authors):
    data = json.loads(cli.ok("skrivelse", "parse", str(path), "--format", "json"))
    assert set(data) >= {
        "title",
        "dnr",
        "skrivelse_date",
        "authors",
        "questions",
        "summary",
        "proposal",
        "signed_by",
        "signed_date",
    }
    assert data["title"] == title
    assert data["authors"] == authors


def test_skrivelse_post_once(amn_cli):
    out = amn_cli.ok("skrivelse", "post", str(SVAR_ASPIRANTER))
    assert "Publiceras i AMN:s kanal" in out and "Författarna får ett meddelande: Salar Rashid." in out
    again = amn_cli.ok("skrivelse", "post", str(SVAR_ASPIRANTER), "--committee", "AMN")
    assert "har redan publicerats" in again

"""The made-up kommunstyrelse of tests/data/ks-lopande.toml: paragraphs numbered through the year,
the "beslutande" layout. Its meeting of 2019-11-26 has §§ 194–219 (the one of 2019-10-22 had §§ 170–193)."""

from __future__ import annotations

import re
from datetime import date

from .conftest import DATA
from .slack_support import SECRETARIES_CHANNEL, SECRETARY, slack_id

KS_TOML = DATA / "ks-lopande.toml"
KS_CHANNEL = "C0KSKANAL1"
DAY = date(2019, 11, 26)
BEFORE = date(2019, 10, 22)


def ks_with_slack() -> str:
    """The roster with a Slack id for everyone, the channels and the secretary of the AMN tests."""
    text = KS_TOML.read_text(encoding="utf-8")

    def add(m: re.Match) -> str:
        name = m.group(1)
        return m.group(0) if name == "Kommunstyrelsen" else f'{m.group(0)}\nslack = "{slack_id(name)}"'

    text = re.sub(r'^name = "([^"]+)"$', add, text, flags=re.M)
    return text.replace(
        'default_start = "13:00"',
        f'default_start = "13:00"\nchannel = "{KS_CHANNEL}"\n'
        f'secretaries = ["{SECRETARY}"]\nsecretaries_channel = "{SECRETARIES_CHANNEL}"',
    )

"""``make demo`` shows a member without Slack answering a call-in by e-mail."""

from __future__ import annotations

import subprocess
import sys

from .bot_process import free_port
from .conftest import ROOT


def test_the_demo_shows_a_member_answering_by_mail():
    env = {"PATH": "/usr/bin:/bin", "NAMNDBOT_PORT": str(free_port())}
    done = subprocess.run(
        [sys.executable, "-m", "namndbot", "demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "◀ namndbot → Mattias Mårdenfjord <mattias.mardenfjord@example.se> (e-post):" in out
    assert "Ämne: Inkallelse: Arbetsmarknadsnämnden tisdag 17 mars 2020 kl. 16.00" in out
    assert "[text + HTML + kalenderinbjudan (METHOD:REQUEST)]" in out
    assert "(webbsidan, HTTP 200; att öppna länken ändrar ingenting)" in out
    assert "Tack! Du är anmäld att tjänstgöra vid sammanträdet tisdag 17 mars 2020." in out
    assert "+ *Inkallade som inte har svarat:* Arslan Bicen (M), Erik Persson (S)" in out

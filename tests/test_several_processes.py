"""Three real ``namndbot run`` processes on one PostgreSQL database, one killed with SIGKILL in the
middle of a burst of signed reports and started again: no acknowledged report lost, no message
posted twice (bench/several.py measures the same with 600 reports, against SQLite)."""

from __future__ import annotations

import pytest

from bench.several import burst

from . import postgresql

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.skipif(not postgresql.enabled(), reason="the PostgreSQL half of the suite (make test-postgresql)"),
]


async def test_three_processes_one_killed_mid_burst(tmp_path):
    target = await postgresql.server().new_database()
    # Slack answers slowly, so that messages are on their way when the process dies.
    outcome = await burst(target, 3, 150, kill=True, folder=tmp_path, fake_latency=0.02)
    assert outcome.killed
    assert len(outcome.acked) == 150  # the balancer sent what the dead process missed to the others
    assert outcome.lost == []
    assert outcome.twice == 0
    assert outcome.posted > 0

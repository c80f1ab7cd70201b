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
    outcome = await burst(target, 3, 150, kill=True, folder=tmp_path, fake_latency=0.02, rate=20)
    assert outcome.killed
    assert 0 < outcome.acked_at_kill < 150  # killed mid-burst, with messages on their way
    assert len(outcome.acked) == 150  # the balancer sent what the dead process missed to the others
    assert outcome.sent_again > 0 and outcome.restarted_acked > 0
    assert outcome.lost == []
    assert outcome.twice == 0
    assert outcome.posted > 0


async def test_two_processes_each_in_socket_mode_one_killed_mid_burst(tmp_path):
    """The same with each process on its own Socket Mode connection: Slack sends each report on one
    of them; the member whose report got no ack (its process died) sends it again, on the other."""
    target = await postgresql.server().new_database()
    outcome = await burst(target, 2, 100, kill=True, folder=tmp_path, fake_latency=0.02, socket=True, rate=20)
    assert outcome.killed
    assert 0 < outcome.acked_at_kill < 100
    assert len(outcome.acked) == 100
    assert outcome.lost == []
    assert outcome.twice == 0
    assert outcome.posted > 0

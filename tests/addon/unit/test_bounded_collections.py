"""Backoff delays, the message_id de-duplication window and the reply outbox."""
from __future__ import annotations

import pytest

from .. import paths  # noqa: F401
from blender_mcp.dedupe import RecentIds
from blender_mcp.net.backoff import Backoff
from blender_mcp.net.outbox import Outbox


def test_backoff_follows_1_2_4_8_16_then_30_seconds_and_starts_over_after_reset():
    backoff = Backoff()
    assert [backoff.next_delay() for _ in range(8)] == [1, 2, 4, 8, 16, 30, 30, 30]
    backoff.reset()
    assert backoff.next_delay() == 1


def test_backoff_rejects_non_positive_delays():
    with pytest.raises(ValueError):
        Backoff((1.0, 0.0))


def test_recent_ids_remember_the_last_1000_message_ids():
    seen = RecentIds()
    assert not seen.seen_before("m-0")
    assert seen.seen_before("m-0")
    for n in range(1, 1000):
        assert not seen.seen_before(f"m-{n}")
    assert seen.seen_before("m-0") and len(seen) == 1000
    assert not seen.seen_before("m-1000")  # pushes m-0 out
    assert not seen.seen_before("m-0")


def test_the_outbox_keeps_200_replies_in_order_and_drops_the_oldest():
    woken = []
    outbox = Outbox(on_put=lambda: woken.append(1))
    for n in range(205):
        outbox.put("blender_job_update", {"job_id": f"j{n}"})
    assert len(outbox) == 200 and outbox.dropped == 5 and len(woken) == 205
    first = outbox.peek()
    assert first[1]["job_id"] == "j5"
    outbox.pop_if(first)
    assert outbox.peek()[1]["job_id"] == "j6"


def test_the_outbox_does_not_remove_an_entry_that_was_already_dropped():
    outbox = Outbox(capacity=1)
    outbox.put("t", {"n": 1})
    stale = outbox.peek()
    outbox.put("t", {"n": 2})  # drops the peeked entry
    outbox.pop_if(stale)
    assert outbox.peek()[1] == {"n": 2}

"""Signals announce, guards ask: a module may veto what another is about to do."""

from __future__ import annotations

import pytest

from kwika.core.errors import Conflict
from kwika.core.signals import Check, Signal, Veto


async def test_a_guard_without_receivers_allows_everything():
    guard = Check("test.deletion")

    assert await guard.check(item_id=1) is None
    await guard.enforce(item_id=1)


async def test_the_first_veto_wins_and_carries_its_reason_and_data():
    guard = Check("test.deletion")
    calls = []

    async def allows(item_id):
        calls.append("allows")

    async def refuses(item_id):
        calls.append("refuses")
        return Veto("3 active bookings", {"active_bookings": 3})

    async def never_asked(item_id):
        calls.append("never")
        return "too late"

    for receiver in (allows, refuses, never_asked):
        guard.connect(receiver)

    veto = await guard.check(item_id=7)

    assert veto == Veto("3 active bookings", {"active_bookings": 3})
    assert calls == ["allows", "refuses"]
    with pytest.raises(Conflict) as raised:
        await guard.enforce(item_id=7)
    assert raised.value.code == "IN_USE"
    assert raised.value.message == "3 active bookings"
    assert raised.value.data == {"active_bookings": 3}


async def test_a_plain_string_is_a_veto_and_disconnecting_lifts_it():
    guard = Check("test.deletion")

    async def refuses(item_id):
        return "in use"

    guard.connect(refuses)
    guard.connect(refuses)  # connecting twice is once
    assert await guard.check(item_id=1) == Veto("in use")

    guard.disconnect(refuses)
    assert await guard.check(item_id=1) is None


async def test_signals_can_be_disconnected():
    signal = Signal("test.happened")
    seen = []

    async def receiver(value):
        seen.append(value)

    signal.connect(receiver)
    await signal.send(value=1)
    signal.disconnect(receiver)
    await signal.send(value=2)

    assert seen == [1]

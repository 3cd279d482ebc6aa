"""Signals announce in the background after success, checks ask at once: a module may veto
what another is about to do, and a failing receiver never fails the sender."""

from __future__ import annotations

import itertools

import pytest
from bson import ObjectId

from kwika.core.broker import defer_messages, drain
from kwika.core.errors import Conflict
from kwika.core.signals import Check, Signal, Veto, check, signal

_names = itertools.count()


def fresh_check() -> Check:
    def deletion(*, item_id: int) -> None: ...

    return Check("test.deletion", deletion)


def fresh_signal() -> Signal:
    """A signal with a name of its own (signal names are unique in a process)."""

    def happened(*, item_id: ObjectId, note: str) -> None: ...

    return Signal(f"test.happened_{next(_names)}", happened)


async def test_a_check_without_receivers_allows_everything():
    guard = fresh_check()

    assert await guard.check(item_id=1) is None
    await guard.enforce(item_id=1)


async def test_the_first_veto_wins_and_carries_its_reason_and_data():
    guard = fresh_check()
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
    guard = fresh_check()

    async def refuses(item_id):
        return "in use"

    guard.connect(refuses)
    guard.connect(refuses)  # connecting twice is once
    assert await guard.check(item_id=1) == Veto("in use")

    guard.disconnect(refuses)
    assert await guard.check(item_id=1) is None


def test_a_receiver_that_cannot_take_the_payload_is_refused_when_connected():
    happened = fresh_signal()
    guard = fresh_check()

    async def wrong_names(other_id, note): ...

    async def missing_one(item_id): ...

    with pytest.raises(TypeError, match="cannot receive"):
        happened.connect(wrong_names)
    with pytest.raises(TypeError, match="cannot receive"):
        happened.connect(missing_one)
    with pytest.raises(TypeError, match="cannot receive"):
        guard.connect(wrong_names)


def test_payload_stubs_are_keyword_only_and_names_unique():
    with pytest.raises(TypeError, match="keyword-only"):

        @signal("test.positional")
        def positional(item_id: ObjectId) -> None: ...

    @check("test.unique_check")
    def asked(*, item_id: ObjectId) -> None:
        """Asked before an item goes."""

    assert asked.__doc__ == "Asked before an item goes."
    name = f"test.unique_{next(_names)}"
    Signal(name, lambda *, item_id: None)
    with pytest.raises(ValueError, match="two signals"):
        Signal(name, lambda *, item_id: None)


async def test_receivers_run_in_the_background_with_ids_as_they_were_sent(app):
    happened = fresh_signal()
    seen = []

    async def receiver(item_id, note):
        seen.append((item_id, note))

    happened.connect(receiver)
    item = ObjectId()
    await happened.send(item_id=item, note="hi")
    await drain()
    assert seen == [(item, "hi")]
    assert isinstance(seen[0][0], ObjectId)

    happened.disconnect(receiver)
    await happened.send(item_id=item, note="again")
    await drain()
    assert seen == [(item, "hi")]


async def test_a_payload_that_is_not_ids_and_plain_values_is_refused_at_send(app):
    happened = fresh_signal()

    async def receiver(item_id, note): ...

    happened.connect(receiver)
    with pytest.raises(TypeError, match="ids and plain values"):
        await happened.send(item_id=ObjectId(), note=object())  # type: ignore[arg-type]


async def test_inside_a_request_delivery_waits_for_its_success(app):
    happened = fresh_signal()
    seen = []

    async def receiver(item_id, note):
        seen.append(note)

    happened.connect(receiver)
    with defer_messages() as held:
        await happened.send(item_id=ObjectId(), note="held")
    assert len(held) == 1
    held.clear()  # what the edge does when the response is an error
    await drain()
    assert seen == []


async def test_a_failing_receiver_is_retried_and_the_others_run_once(app):
    happened = fresh_signal()
    flaky_calls, steady_calls = [], []

    async def flaky(item_id, note):
        flaky_calls.append(note)
        if len(flaky_calls) == 1:
            raise ConnectionError("the read model was unreachable")

    async def steady(item_id, note):
        steady_calls.append(note)

    happened.connect(flaky)
    happened.connect(steady)
    await happened.send(item_id=ObjectId(), note="x")  # does not raise
    await drain()
    assert flaky_calls == ["x", "x"]
    assert steady_calls == ["x"]


async def test_a_receiver_may_send_the_next_signal(app):
    first, second = fresh_signal(), fresh_signal()
    seen = []

    async def relay(item_id, note):
        await second.send(item_id=item_id, note=f"{note} relayed")

    async def last(item_id, note):
        seen.append(note)

    first.connect(relay)
    second.connect(last)
    await first.send(item_id=ObjectId(), note="news")
    await drain()
    assert seen == ["news relayed"]

"""Messages leave only after the request that caused them succeeded."""

from datetime import timedelta

from litestar import post

from kwika.core import clock
from kwika.core.broker import drain, enqueue
from kwika.core.errors import Conflict
from kwika.modules import notifications
from kwika.modules.notifications import tasks
from kwika.modules.notifications.documents import Delivery


async def test_a_failed_request_sends_nothing_even_after_the_sweeper_runs(client, outbox):
    from kwika.core.broker import defer_messages

    with defer_messages() as held:
        await notifications.send_direct(
            "email",
            "held@example.com",
            "security_alert",
            {"first_name": "A", "headline": "h", "detail": "d"},
        )
    held.clear()  # what the edge does when the response is an error: nothing is flushed
    clock.travel(timedelta(minutes=10))
    await enqueue(tasks.sweep_deliveries)
    await drain()
    assert await outbox.messages(to="held@example.com") == []
    assert (await Delivery.find_one(Delivery.to == "held@example.com")).status == "draft"
    clock.travel(timedelta(days=2))
    await enqueue(tasks.sweep_deliveries)
    await drain()
    assert await Delivery.find_one(Delivery.to == "held@example.com") is None


async def test_a_successful_request_sends_once_even_if_the_actor_runs_twice(client, outbox):
    delivery_id = await notifications.send_direct(
        "email",
        "once@example.com",
        "security_alert",
        {"first_name": "A", "headline": "h", "detail": "d"},
    )
    await drain()
    await enqueue(tasks.deliver, str(delivery_id))
    await drain()
    assert len(await outbox.messages(to="once@example.com")) == 1
    stored = await Delivery.get(delivery_id)
    assert stored.status == "sent"
    assert stored.attempts == 1


async def test_sensitive_messages_are_erased_once_delivered(client, outbox):
    delivery_id = await notifications.send_direct(
        "sms",
        "+255700000001",
        "signin_code",
        {"code": "123456", "minutes": 5, "device": None},
        sensitive=True,
    )
    await drain()
    assert "123456" in (await outbox.last(to="+255700000001"))["body"]
    stored = await Delivery.get(delivery_id)
    assert stored.body == "[redacted]"


async def test_lost_messages_are_recovered_by_the_sweeper(client, outbox):
    from kwika.core.broker import defer_messages, flush

    with defer_messages() as held:
        await notifications.send_direct(
            "email",
            "lost@example.com",
            "security_alert",
            {"first_name": "A", "headline": "h", "detail": "d"},
        )
    # The request succeeded but the broker lost the message: run only the callbacks.
    await flush([item for item in held if not isinstance(item, tuple)])
    assert await outbox.messages(to="lost@example.com") == []
    clock.travel(timedelta(minutes=3))
    await enqueue(tasks.sweep_deliveries)
    await drain()
    assert len(await outbox.messages(to="lost@example.com")) == 1


async def test_an_http_request_that_fails_after_queuing_sends_nothing(tmp_path, redis_endpoint):
    import httpx
    from asgi_lifespan import LifespanManager

    from kwika import registry
    from kwika.asgi import create_app
    from tests.conftest import make_settings
    from tests.support import Outbox

    @post("/test/queue-then-fail", status_code=200)
    async def queue_then_fail() -> None:
        await notifications.send_direct(
            "email",
            "fail@example.com",
            "security_alert",
            {"first_name": "A", "headline": "h", "detail": "d"},
        )
        raise Conflict("boom")

    @post("/test/queue-and-succeed", status_code=200)
    async def queue_and_succeed() -> None:
        await notifications.send_direct(
            "email",
            "ok@example.com",
            "security_alert",
            {"first_name": "A", "headline": "h", "detail": "d"},
        )

    original = registry.route_handlers
    registry.route_handlers = lambda: [*original(), queue_then_fail, queue_and_succeed]
    try:
        settings = make_settings(tmp_path)
        app = create_app(settings, redis_endpoint=redis_endpoint)
    finally:
        registry.route_handlers = original
    outbox = Outbox(settings.outbox_path, drain)
    async with (
        LifespanManager(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t/api/v1"
        ) as http,
    ):
        assert (await http.post("/test/queue-then-fail")).status_code == 409
        assert (await http.post("/test/queue-and-succeed")).status_code == 200
        assert await outbox.messages(to="fail@example.com") == []
        assert len(await outbox.messages(to="ok@example.com")) == 1

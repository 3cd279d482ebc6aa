from __future__ import annotations

from typing import Any, Literal

from bson import ObjectId

from kwika.core import runtime
from kwika.core.broker import after_success, enqueue
from kwika.modules.notifications.documents import Delivery
from kwika.modules.notifications.rendering import render
from kwika.modules.notifications.tasks import deliver

Channel = Literal["email", "sms"]


async def send_direct(
    channel: Channel,
    to: str,
    template: str,
    context: dict[str, Any],
    *,
    user_id: ObjectId | None = None,
    sensitive: bool = False,
    data: dict[str, Any] | None = None,
) -> ObjectId:
    """Render ``template`` for ``channel`` and deliver it to ``to`` in the background.

    ``sensitive`` messages (codes, links) have their text erased once delivered.
    """
    settings = runtime.get().settings
    rendered = render(template, channel, {"app_name": settings.app_name, **context})
    delivery = Delivery(
        channel=channel,
        to=to,
        template=template,
        subject=rendered.subject,
        body=rendered.body,
        html=rendered.html,
        data=data or {},
        user_id=user_id,
        sensitive=sensitive,
        status="draft",
    )
    await delivery.insert()
    assert delivery.id is not None
    delivery_id = delivery.id

    async def release() -> None:
        await Delivery.get_motor_collection().update_one(
            {"_id": delivery_id, "status": "draft"}, {"$set": {"status": "pending"}}
        )

    # Only a successful request makes the message real; a failed one leaves a draft.
    await after_success(release)
    await enqueue(deliver, str(delivery_id))
    return delivery_id

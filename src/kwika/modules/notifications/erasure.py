"""Erasing a person from notifications once identity anonymised their account
(``identity.user_anonymised``): their inbox, preferences and push devices go; deliveries to
them that were not sent are deleted and the ones that were sent keep only their status
(no address, no text); notifications others received about something they did ("Ann sent
you a message") go too, with their unsent deliveries. Safe to run twice."""

from __future__ import annotations

from bson import ObjectId

from kwika.modules.notifications.documents import (
    Delivery,
    Notification,
    NotificationPreferences,
    PushDevice,
)

UNSENT = ["draft", "pending", "held"]
ERASED = "[erased]"


async def erase_user(user_id: ObjectId) -> None:
    """Receiver of ``identity.user_anonymised``."""
    deliveries = Delivery.get_motor_collection()
    await deliveries.delete_many({"user_id": user_id, "status": {"$in": UNSENT}})
    await deliveries.update_many(
        {"user_id": user_id, "to": {"$ne": ERASED}},
        {
            "$set": {"to": ERASED, "subject": ERASED, "body": ERASED, "data": {}},
            "$unset": {"html": "", "headers": "", "dedupe_key": ""},
        },
    )
    await Notification.get_motor_collection().delete_many({"user_id": user_id})
    await NotificationPreferences.get_motor_collection().delete_many({"user_id": user_id})
    await PushDevice.get_motor_collection().delete_many({"user_id": user_id})
    await _forget_as_actor(user_id)


async def _forget_as_actor(user_id: ObjectId) -> None:
    notifications = Notification.get_motor_collection()
    about_them = [row["_id"] async for row in notifications.find({"actor_id": user_id}, {"_id": 1})]
    if not about_them:
        return
    await Delivery.get_motor_collection().delete_many(
        {"notification_id": {"$in": about_them}, "status": {"$in": UNSENT}}
    )
    await notifications.delete_many({"_id": {"$in": about_them}})

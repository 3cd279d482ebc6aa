"""In-app notifications: creating them (``notify``), listing, reading, deleting; push
devices; unsubscribe links."""

from __future__ import annotations

import logging
from typing import Any

from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from kwika.core import clock, runtime
from kwika.core.broker import after_success
from kwika.core.errors import FieldError, NotFound, ValidationFailed
from kwika.core.ids import parse_id, try_parse_id
from kwika.core.pagination import PageParams
from kwika.core.realtime import emit_to_user
from kwika.core.security import BadSignature, SignatureExpired
from kwika.core.tokens import Principal
from kwika.modules.notifications import delivery, preferences
from kwika.modules.notifications.constants import (
    CATEGORIES,
    NotificationType,
    is_known,
    is_system_actor,
)
from kwika.modules.notifications.documents import Notification, PushDevice
from kwika.modules.notifications.exceptions import (
    NotificationNotFound,
    PushTokenNotFound,
    UnsubscribeLinkExpired,
    UnsubscribeLinkInvalid,
)
from kwika.modules.notifications.people import people
from kwika.modules.notifications.schemas import (
    ActorOut,
    MarkedOut,
    NotificationOut,
    NotificationPage,
    NotificationSummary,
    PushTokenIn,
    PushTokenOut,
    ReadOut,
    UnsubscribedOut,
)

log = logging.getLogger(__name__)

EVENT_NOTIFICATION = "notification"
EVENT_READ = "notifications_read"
MAX_TITLE = 200
MAX_MESSAGE = 2000


# ---------------------------------------------------------------------------- output


def _system_actor() -> ActorOut:
    settings = runtime.get().settings
    return ActorOut(
        id=None,
        first_name=settings.app_name,
        last_name="",
        username=None,
        avatar=settings.notifications.system_avatar_url,
        is_system=True,
    )


async def _outputs(rows: list[Notification]) -> list[NotificationOut]:
    actor_ids = list({row.actor_id for row in rows if row.actor_id is not None})
    actors = await people().actors(actor_ids) if actor_ids else {}
    out = []
    for row in rows:
        actor: ActorOut | None = None
        summary = actors.get(str(row.actor_id)) if row.actor_id else None
        if summary is not None:
            actor = ActorOut(
                id=summary.id,
                first_name=summary.first_name,
                last_name=summary.last_name,
                username=summary.username,
                avatar=summary.avatar,
            )
        elif is_system_actor(row.type):
            actor = _system_actor()
        out.append(
            NotificationOut(
                id=str(row.id),
                user_id=str(row.user_id),
                type=row.type,
                title=row.title,
                message=row.message,
                data=row.data,
                reference_id=row.reference_id,
                reference_type=row.reference_type,
                actor=actor,
                action_url=row.action_url,
                action_text=row.action_text,
                image_url=row.image_url,
                is_read=row.is_read,
                read_at=row.read_at,
                created_at=row.created_at,
            )
        )
    return out


# ---------------------------------------------------------------------------- notify


async def notify(
    user_id: ObjectId | str,
    type: NotificationType,
    title: str,
    message: str,
    *,
    data: dict[str, Any] | None = None,
    reference_id: ObjectId | str | None = None,
    reference_type: str | None = None,
    actor_id: ObjectId | str | None = None,
    action_url: str | None = None,
    action_text: str | None = None,
    image_url: str | None = None,
    email_template: str | None = None,
) -> NotificationOut | None:
    """Tell a user something: store the in-app notification, push it live (Socket.IO
    ``notification``), and deliver it on every channel the user's preferences allow for
    this type (quiet hours hold back push/SMS/email/WhatsApp, except security types).

    Inside a request (or a Socket.IO event) all of it happens only once the request has
    succeeded (``core.broker.after_success``): a request that fails leaves no notification
    and tells nobody. Elsewhere (actors, scripts) it happens at once. The returned
    notification (its ``id`` included) is what will be stored.

    ``data`` must be JSON-serialisable; email templates read it (the type's
    ``NotificationTypeDecl.email_template``).
    Returns ``None`` when the user does not exist (deleted meanwhile).
    """
    if not is_known(type):
        raise ValueError(f"unknown notification type {type!r}")
    recipient = parse_id(user_id, "User")
    try:
        contacts = await people().contacts(recipient)
    except NotFound:
        log.info("notify: user %s does not exist; %s dropped", recipient, type)
        return None
    notification = Notification(
        id=ObjectId(),
        user_id=recipient,
        type=type,
        title=title[:MAX_TITLE],
        message=message[:MAX_MESSAGE],
        data=data or {},
        reference_id=str(reference_id) if reference_id is not None else None,
        reference_type=reference_type,
        actor_id=parse_id(actor_id, "User") if actor_id is not None else None,
        action_url=action_url,
        action_text=action_text,
        image_url=image_url,
    )
    out = (await _outputs([notification]))[0]
    # Deliveries are stored now as drafts, released by the same success.
    notification.channels = await delivery.plan(notification, contacts, email_template)

    async def publish() -> None:
        try:
            await notification.insert()
        except DuplicateKeyError:
            return  # already published
        await emit_to_user(recipient, EVENT_NOTIFICATION, out.model_dump(mode="json"))

    await after_success(publish)
    return out


async def notify_many(
    user_ids: list[ObjectId | str], type: NotificationType, title: str, message: str, **kw: Any
) -> int:
    """The same notification to several users (committee members, both job parties)."""
    sent = 0
    for user_id in dict.fromkeys(str(u) for u in user_ids):
        if await notify(user_id, type, title, message, **kw) is not None:
            sent += 1
    return sent


# ---------------------------------------------------------------------------- reading


async def list_for(
    principal: Principal, paging: PageParams, unread_only: bool, type_: str | None
) -> NotificationPage:
    query: dict[str, Any] = {"user_id": principal.id}
    if unread_only:
        query["is_read"] = False
    if type_ and type_ != "all":
        query["type"] = type_
    collection = Notification.get_motor_collection()
    total_items = await collection.count_documents(query)
    rows = (
        await Notification.find(query)
        .sort("-created_at", "-_id")
        .skip(paging.skip)
        .limit(paging.limit)
        .to_list()
    )
    page = paging.build(await _outputs(rows), total_items)
    summary = NotificationSummary(
        total=await collection.count_documents({"user_id": principal.id}),
        unread=await unread_count(principal.id),
    )
    return NotificationPage(items=page.items, pagination=page.pagination, summary=summary)


async def unread_count(user_id: ObjectId) -> int:
    return await Notification.get_motor_collection().count_documents(
        {"user_id": user_id, "is_read": False}
    )


async def mark_read(principal: Principal, notification_id: str) -> ReadOut:
    collection = Notification.get_motor_collection()
    query = {"_id": parse_id(notification_id, "Notification"), "user_id": principal.id}
    found = await collection.find_one_and_update(
        {**query, "is_read": False},
        {"$set": {"is_read": True, "read_at": clock.now()}},
        return_document=ReturnDocument.AFTER,
    )
    if found is None:
        found = await collection.find_one(query)  # already read: answer the same
        if found is None:
            raise NotificationNotFound()
    else:
        await _announce_read(principal.id, [notification_id])
    return ReadOut(id=notification_id, is_read=True, read_at=found.get("read_at"))


async def mark_many_read(principal: Principal, ids: list[str] | None) -> MarkedOut:
    """``ids`` None marks everything; unknown or other users' ids are ignored."""
    query: dict[str, Any] = {"user_id": principal.id, "is_read": False}
    if ids is not None:
        parsed = [try_parse_id(i) for i in ids]
        bad = [
            FieldError(f"ids.{n}", "Not a notification id")
            for n, v in enumerate(parsed)
            if v is None
        ]
        if bad:
            raise ValidationFailed(errors=bad)
        query["_id"] = {"$in": parsed}
    result = await Notification.get_motor_collection().update_many(
        query, {"$set": {"is_read": True, "read_at": clock.now()}}
    )
    if result.modified_count:
        await _announce_read(principal.id, ids)
    return MarkedOut(marked_count=result.modified_count)


async def _announce_read(user_id: ObjectId, ids: list[str] | None) -> None:
    """Other devices of the user update their badge."""
    await emit_to_user(user_id, EVENT_READ, {"ids": ids, "unread": await unread_count(user_id)})


async def delete(principal: Principal, notification_id: str) -> None:
    result = await Notification.get_motor_collection().delete_one(
        {"_id": parse_id(notification_id, "Notification"), "user_id": principal.id}
    )
    if not result.deleted_count:
        raise NotificationNotFound()


# ---------------------------------------------------------------------------- push devices


def _device_out(device: PushDevice) -> PushTokenOut:
    return PushTokenOut(
        id=str(device.id),
        token=device.token,
        platform=device.platform,
        device_id=device.device_id,
        app_version=device.app_version,
        created_at=device.created_at,
        last_seen_at=device.last_seen_at,
    )


async def register_device(principal: Principal, data: PushTokenIn) -> PushTokenOut:
    """A token belongs to the account signed in on that device last."""
    now = clock.now()
    values: dict[str, Any] = {
        "user_id": principal.id,
        "platform": data.platform,
        "last_seen_at": now,
    }
    unset = {}
    for field in ("device_id", "app_version"):
        value = getattr(data, field)
        if value:
            values[field] = value
        else:
            unset[field] = ""
    update: dict[str, Any] = {"$set": values, "$setOnInsert": {"created_at": now}}
    if unset:
        update["$unset"] = unset
    collection = PushDevice.get_motor_collection()
    row = await collection.find_one_and_update(
        {"token": data.token}, update, upsert=True, return_document=ReturnDocument.AFTER
    )
    await _trim_devices(principal.id)
    return _device_out(PushDevice.model_validate(row))


async def _trim_devices(user_id: ObjectId) -> None:
    extra = (
        await PushDevice.find({"user_id": user_id})
        .sort("-last_seen_at", "-_id")
        .skip(delivery.MAX_PUSH_DEVICES)
        .to_list()
    )
    if extra:
        await PushDevice.get_motor_collection().delete_many({"_id": {"$in": [d.id for d in extra]}})


async def list_devices(principal: Principal) -> list[PushTokenOut]:
    devices = (
        await PushDevice.find({"user_id": principal.id}).sort("-last_seen_at", "-_id").to_list()
    )
    return [_device_out(d) for d in devices]


async def remove_device(principal: Principal, token: str) -> None:
    result = await PushDevice.get_motor_collection().delete_one(
        {"token": token, "user_id": principal.id}
    )
    if not result.deleted_count:
        raise PushTokenNotFound()


# ---------------------------------------------------------------------------- unsubscribe


def unsubscribe_target(token: str) -> UnsubscribedOut:
    """What an unsubscribe link is for, without changing anything (its page shows this)."""
    _, category = _read_unsubscribe_token(token)
    return UnsubscribedOut(category=category)


async def unsubscribe(token: str) -> UnsubscribedOut:
    """Honour an unsubscribe link: that email category is switched off (idempotent)."""
    user_id, category = _read_unsubscribe_token(token)
    await preferences.set_values(user_id, {f"email.{category}": False})
    return UnsubscribedOut(category=category)


def _read_unsubscribe_token(token: str) -> tuple[ObjectId, str]:
    try:
        payload = runtime.get().keyring.unsign(delivery.UNSUBSCRIBE_PURPOSE, token)
    except SignatureExpired:
        raise UnsubscribeLinkExpired() from None
    except BadSignature:
        raise UnsubscribeLinkInvalid() from None
    user_id = try_parse_id(str(payload.get("u")))
    category = str(payload.get("c"))
    if user_id is None or category not in CATEGORIES:
        raise UnsubscribeLinkInvalid()
    return user_id, category

"""Devices a user has confirmed; providers must confirm a new one before getting tokens."""

from __future__ import annotations

from bson import ObjectId
from pymongo import ReturnDocument

from kwika.core import clock
from kwika.core.auth import ClientContext
from kwika.core.ids import parse_id
from kwika.core.net import mask_ip
from kwika.core.pagination import Page, PageParams
from kwika.core.tokens import Principal
from kwika.modules.identity.documents import AuthSession, TrustedDevice
from kwika.modules.identity.exceptions import (
    DeviceNotFound,
)
from kwika.modules.identity.schemas import TrustedDeviceOut
from kwika.modules.identity.services import sessions


async def is_trusted(user_id: ObjectId, device_key: str) -> bool:
    return await TrustedDevice.find_one({"user_id": user_id, "device_key": device_key}) is not None


async def count(user_id: ObjectId) -> int:
    return await TrustedDevice.find({"user_id": user_id}).count()


async def remember(user_id: ObjectId, client: ClientContext) -> bool:
    """Record the device as confirmed; True when it was not known before."""
    device = client.device
    now = clock.now()
    before = await TrustedDevice.get_motor_collection().find_one_and_update(
        {"user_id": user_id, "device_key": device.key},
        {
            "$set": {
                "last_seen_at": now,
                "last_ip": client.ip,
                "name": device.name,
                "type": device.type,
                "os": device.os,
                "browser": device.browser,
            },
            "$setOnInsert": {"confirmed_at": now},
        },
        upsert=True,
        return_document=ReturnDocument.BEFORE,
    )
    return before is None


async def list_devices(principal: Principal, paging: PageParams) -> Page[TrustedDeviceOut]:
    session = await AuthSession.get(principal.session_id)
    current_key = session.device.key if session else None
    query = {"user_id": principal.id}
    total = await TrustedDevice.find(query).count()
    rows = (
        await TrustedDevice.find(query)
        .sort("-last_seen_at")
        .skip(paging.skip)
        .limit(paging.limit)
        .to_list()
    )
    items = [
        TrustedDeviceOut(
            id=str(row.id),
            name=row.name,
            type=row.type,
            os=row.os,
            browser=row.browser,
            confirmed_at=row.confirmed_at,
            last_seen_at=row.last_seen_at,
            last_ip=mask_ip(row.last_ip) if row.last_ip else None,
            is_current=row.device_key == current_key,
        )
        for row in rows
    ]
    return paging.build(items, total)


async def forget(principal: Principal, device_id: str) -> int:
    """Remove a remembered device and end its sessions; returns how many sessions ended."""
    device = await TrustedDevice.find_one(
        {"_id": parse_id(device_id, "Device"), "user_id": principal.id}
    )
    if device is None:
        raise DeviceNotFound()
    await device.delete()
    return await sessions.revoke_device_sessions(principal.id, device.device_key, "device_removed")


async def forget_all(user_id: ObjectId) -> None:
    await TrustedDevice.find({"user_id": user_id}).delete()

"""Demo accounts for `kwika seed --demo` (never created otherwise)."""

from __future__ import annotations

import asyncio

from bson import ObjectId

from kwika.core import clock, runtime
from kwika.core.module import SeedContext
from kwika.modules.identity.documents import StaffAccount, User

DEMO_PASSWORD = "Kwika-Demo-2026"
DEMO_USERS = [
    ("demo.client@kwika.example.com", "democlient", "Demo", "Client", "client"),
    ("demo.vendor@kwika.example.com", "demovendor", "Demo", "Vendor", "provider"),
    ("demo.craftsman@kwika.example.com", "democraftsman", "Demo", "Craftsman", "provider"),
    ("demo.guide@kwika.example.com", "demoguide", "Demo", "Guide", "provider"),
]
DEMO_STAFF = ("demo.admin@kwika.example.com", "Demo", "Admin", "admin")


async def demo_accounts(context: SeedContext) -> int:
    """Verified demo users (one per kind) and a demo admin, all with ``DEMO_PASSWORD``."""
    if not context.demo:
        return 0
    password_hash = await asyncio.to_thread(runtime.get().passwords.hash, DEMO_PASSWORD)
    written = 0
    total = len(DEMO_USERS) + 1
    for done, (email, username, first, last, kind) in enumerate(DEMO_USERS, start=1):
        if await User.find_one(User.email == email) is None:
            await User(
                email=email,
                username=username,
                first_name=first,
                last_name=last,
                account_type=kind,
                password_hash=password_hash,
                is_email_verified=True,
                email_verified_at=clock.now(),
                password_changed_at=clock.now(),
            ).insert()
            written += 1
        context.progress("demo accounts", done, total)
    email, first, last, role = DEMO_STAFF
    if await StaffAccount.find_one(StaffAccount.email == email) is None:
        await StaffAccount(
            email=email,
            first_name=first,
            last_name=last,
            role=role,
            password_hash=password_hash,
            is_verified=True,
        ).insert()
        written += 1
    context.progress("demo accounts", total, total)
    return written


async def demo_user_ids() -> dict[str, ObjectId]:
    """Ids of the demo accounts that exist, by username (``democlient``, ``demovendor``,
    ``democraftsman``, ``demoguide``): other modules' demo seeders build on them."""
    emails = [email for email, *_ in DEMO_USERS]
    return {
        user.username: user.id
        async for user in User.find({"email": {"$in": emails}})
        if user.id is not None and user.username
    }

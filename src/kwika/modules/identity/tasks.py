"""Identity actors."""

from __future__ import annotations

from bson import ObjectId

from kwika.core.broker import enqueue, task
from kwika.modules.identity.services import passwords, profile


@task("identity.anonymise_account", max_retries=5)
async def anonymise_account(user_id: str) -> None:
    await profile.anonymise(ObjectId(user_id))


@task("identity.purge_deleted_accounts")
async def purge_deleted_accounts() -> None:
    """Schedule anonymisation of accounts whose 30-day grace period has ended."""
    for user_id in await profile.due_for_anonymisation():
        await enqueue(anonymise_account, str(user_id))


# A reset that fails is not retried: the user asks again, and a late link would confuse.
@task("identity.send_password_reset", max_retries=0)
async def send_password_reset(kind: str, address: str) -> None:
    """Forgot-password, after the answer: find the account by ``address`` (an email or a
    normalised phone number) and send it a reset link or code."""
    await passwords.send_reset(kind, address)

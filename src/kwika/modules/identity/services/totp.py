"""TOTP mechanics shared by users and staff: secrets, QR codes, replay-safe checks, backup codes.

A code is accepted once: the matched time step is stored with a guarded update, so a
replayed (or older) code fails even inside its 30-second window.
"""

from __future__ import annotations

import base64
import hmac
import io
import logging
import time

import pyotp
import qrcode
from beanie import Document
from bson import ObjectId
from qrcode.image.pil import PilImage

from kwika.core import runtime
from kwika.core.errors import AppError
from kwika.core.security import BadSignature, backup_code
from kwika.modules.identity.constants import BACKUP_CODE_COUNT
from kwika.modules.identity.exceptions import (
    CodeReplayed,
)

log = logging.getLogger(__name__)

SECRET_LENGTH = 32  # base32 characters = 160 bits
STEP_SECONDS = 30
VALID_WINDOW = 1


def new_secret() -> str:
    return pyotp.random_base32(length=SECRET_LENGTH)


def otpauth_uri(secret: str, account_name: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=account_name, issuer_name=runtime.get().settings.app_name
    )


def qr_data_url(uri: str) -> str:
    image = qrcode.make(uri, box_size=6, border=2, image_factory=PilImage)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def matched_step(secret: str, code: str, at: float | None = None) -> int | None:
    """The time step ``code`` belongs to, within ±1 step of now, or None."""
    code = code.strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if at is None else at
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        moment = now + offset * STEP_SECONDS
        if hmac.compare_digest(totp.at(moment), code):
            return totp.timecode(moment)
    return None


def encrypt(secret: str) -> str:
    return runtime.get().keyring.encrypt(secret)


class SecretUnreadable(AppError):
    status_code = 503
    code = "SECRET_KEY_MISMATCH"
    default_message = (
        "Two-factor authentication is temporarily unavailable for this account; contact support"
    )


def decrypt(ciphertext: str) -> str:
    """A secret encrypted under a key no longer configured (KWIKA_SECRET_KEY rotated without
    KWIKA_PREVIOUS_SECRET_KEYS) is an operator problem, reported as such."""
    try:
        return runtime.get().keyring.decrypt(ciphertext)
    except BadSignature:
        log.error("cannot decrypt a TOTP secret: add the old key to KWIKA_PREVIOUS_SECRET_KEYS")
        raise SecretUnreadable() from None


async def accept_totp(model: type[Document], doc_id: ObjectId, secret: str, code: str) -> bool:
    """True when ``code`` is current and unused; records its step so it cannot be reused."""
    step = matched_step(secret, code)
    if step is None:
        return False
    result = await model.get_motor_collection().update_one(
        {"_id": doc_id, "two_factor.last_used_step": {"$lt": step}},
        {"$set": {"two_factor.last_used_step": step}},
    )
    if result.modified_count != 1:
        raise CodeReplayed()
    return True


def _backup_subject(owner_id: ObjectId, code: str) -> str:
    return f"{owner_id}:{code.strip().lower().replace('-', '').replace(' ', '')}"


def backup_digest(owner_id: ObjectId, code: str) -> str:
    return runtime.get().keyring.digest("backup-code", _backup_subject(owner_id, code))


def new_backup_codes(owner_id: ObjectId) -> tuple[list[str], list[str]]:
    plain = [backup_code() for _ in range(BACKUP_CODE_COUNT)]
    return plain, [backup_digest(owner_id, code) for code in plain]


async def accept_backup_code(model: type[Document], doc_id: ObjectId, code: str) -> bool:
    """Each backup code works once: it is pulled from the list as it is accepted."""
    # Digests under previous secret keys too, so a key rotation keeps backup codes working.
    for digest in runtime.get().keyring.digests("backup-code", _backup_subject(doc_id, code)):
        result = await model.get_motor_collection().update_one(
            {"_id": doc_id, "two_factor.backup_code_hashes": digest},
            {"$pull": {"two_factor.backup_code_hashes": digest}},
        )
        if result.modified_count == 1:
            return True
    return False

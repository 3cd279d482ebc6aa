"""Password hashing and policy, random tokens, keyed digests, signed payloads, field encryption."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import secrets
import string
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kwika.config import PasswordHashSettings
from kwika.core import clock

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    # zxcvbn ships the 30,000 most common leaked passwords; loaded once, on first use.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problems(password: str) -> list[str]:
    """Seed 003 rule (min 8, upper, lower, digit) plus a common-password blocklist."""
    problems = []
    if len(password) < PASSWORD_MIN_LENGTH:
        problems.append(f"Password must be at least {PASSWORD_MIN_LENGTH} characters")
    if len(password) > PASSWORD_MAX_LENGTH:
        problems.append(f"Password must be at most {PASSWORD_MAX_LENGTH} characters")
    if not any(c.isupper() for c in password):
        problems.append("Password must contain an uppercase letter")
    if not any(c.islower() for c in password):
        problems.append("Password must contain a lowercase letter")
    if not any(c.isdigit() for c in password):
        problems.append("Password must contain a number")
    if not problems and password.lower() in _common_passwords():
        problems.append("This password is too common; choose another one")
    return problems


class Passwords:
    """argon2id hashing with a constant-time path for unknown accounts."""

    def __init__(self, cost: PasswordHashSettings) -> None:
        self._hasher = PasswordHasher(
            time_cost=cost.time_cost, memory_cost=cost.memory_cost_kib, parallelism=cost.parallelism
        )
        self._dummy = self._hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        if not password_hash:
            self.burn(password)
            return False
        try:
            return self._hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def burn(self, password: str) -> None:
        """Spend the time a real check would, so a missing account is not observable."""
        with contextlib.suppress(VerificationError):
            self._hasher.verify(self._dummy, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)


def numeric_code(digits: int = 6) -> str:
    return "".join(secrets.choice(string.digits) for _ in range(digits))


def random_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def backup_code() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(10))


def sha256_hex(value: str) -> str:
    """Digest for high-entropy secrets (refresh tokens, link tokens)."""
    return hashlib.sha256(value.encode()).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


class BadSignature(Exception):
    pass


class SignatureExpired(BadSignature):
    pass


class Keyring:
    """Keys derived from the one application secret, each for one purpose."""

    def __init__(self, secret: bytes, previous: list[bytes] | None = None) -> None:
        if len(secret) < 32:
            raise ValueError("KWIKA_SECRET_KEY must be at least 32 bytes")
        self._secrets = [secret, *(previous or [])]
        self._fernet = MultiFernet(
            [
                Fernet(base64.urlsafe_b64encode(self._derive(s, "field-encryption")))
                for s in self._secrets
            ]
        )

    @staticmethod
    def _derive(secret: bytes, purpose: str, length: int = 32) -> bytes:
        return HKDF(
            algorithm=hashes.SHA256(), length=length, salt=None, info=purpose.encode()
        ).derive(secret)

    def derive(self, purpose: str, length: int = 32) -> bytes:
        return self._derive(self._secrets[0], purpose, length)

    def digest(self, purpose: str, value: str) -> str:
        """Keyed digest for low-entropy secrets (6-digit codes): useless without the key."""
        return self._digest(self._secrets[0], purpose, value)

    def digests(self, purpose: str, value: str) -> list[str]:
        """The digest under the current key and every previous one (checking, not storing)."""
        return [self._digest(secret, purpose, value) for secret in self._secrets]

    def _digest(self, secret: bytes, purpose: str, value: str) -> str:
        key = self._derive(secret, f"digest:{purpose}")
        return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()

    def sign(self, purpose: str, payload: dict[str, Any], ttl_seconds: int) -> str:
        body = {**payload, "exp": int(clock.now().timestamp()) + ttl_seconds}
        encoded = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
        return f"{encoded}.{self._mac(purpose, encoded)}"

    def unsign(self, purpose: str, token: str) -> dict[str, Any]:
        encoded, _, mac = token.partition(".")
        valid = (
            encoded
            and mac
            and any(
                hmac.compare_digest(mac, self._mac(purpose, encoded, secret))
                for secret in self._secrets
            )
        )
        if not valid:
            raise BadSignature("bad signature")
        try:
            body = json.loads(_unb64(encoded))
        except ValueError as exc:
            raise BadSignature("bad payload") from exc
        if not isinstance(body, dict) or int(body.get("exp", 0)) < clock.now().timestamp():
            raise SignatureExpired("expired")
        return body

    def _mac(self, purpose: str, encoded: str, secret: bytes | None = None) -> str:
        key = self._derive(secret or self._secrets[0], f"sign:{purpose}")
        return _b64(hmac.new(key, encoded.encode(), hashlib.sha256).digest())

    def encrypt(self, plaintext: str) -> str:
        """Encrypted with the current key; :meth:`decrypt` also reads previous keys."""
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken as exc:
            raise BadSignature("cannot decrypt") from exc

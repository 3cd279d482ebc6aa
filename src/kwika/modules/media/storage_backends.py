"""Where media bytes live: the storage backends, their settings and private file tokens."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kwika.config import Settings
from kwika.core import clock, runtime
from kwika.core.errors import DependencyUnavailable
from kwika.core.security import BadSignature
from kwika.integrations.storage import (
    LocalStorage,
    Storage,
)
from kwika.modules.media.documents import StoredFile

log = logging.getLogger(__name__)

API_MEDIA_PATH = "/api/v1/media"
FILE_TOKEN_PURPOSE = "media-file"
_STORAGE_ADAPTER = "media_storage"
LOCAL = "local"
CLOUDINARY = "cloudinary"

# ---------------------------------------------------------------- storage backend


def media_base_url(settings: Settings | None = None) -> str:
    settings = settings or runtime.get().settings
    return (settings.media.base_url or f"{settings.public_base_url}{API_MEDIA_PATH}").rstrip("/")


def sign_file_token(key: str, filename: str, expires_at: datetime) -> str:
    """A token for one private file; ``until`` follows ``clock`` so tests can move time."""
    ttl = max(1, int((expires_at - clock.now()).total_seconds()))
    payload = {"k": key, "fn": filename, "until": int(expires_at.timestamp())}
    return runtime.get().keyring.sign(FILE_TOKEN_PURPOSE, payload, ttl)


def check_file_token(key: str, token: str) -> str:
    """The filename a valid token carries for ``key``; raises BadSignature otherwise."""
    payload = runtime.get().keyring.unsign(FILE_TOKEN_PURPOSE, token)
    if payload.get("k") != key or int(payload.get("until", 0)) < clock.now().timestamp():
        raise BadSignature("wrong file or expired")
    return str(payload.get("fn") or "")


class MediaConfigError(RuntimeError):
    """The backend chosen for new files cannot be built: the process refuses to start."""


class BackendUnavailable(DependencyUnavailable):
    """A file is kept on a backend this process has no settings for (any more): 503."""

    def __init__(self, backend: str) -> None:
        super().__init__(
            "file storage",
            "This file is kept on a storage service that is not available right now. "
            "Please try again later.",
        )
        self.backend = backend


@dataclass(frozen=True)
class Backends:
    """Every backend this process can reach, and the one new files go to. Each file is
    read, signed and deleted on the backend recorded in its ``backend`` field."""

    default: str
    stores: dict[str, Storage]
    # Backends that could not be built, with the reason (the settings they lack).
    unavailable: dict[str, str]

    @property
    def for_new_files(self) -> Storage:
        return self.stores[self.default]


def build_backends(settings: Settings) -> Backends:
    """The local backend always exists (its files stay served after a switch to
    Cloudinary); Cloudinary exists whenever its settings are complete. Raises
    :class:`MediaConfigError` naming the missing settings when ``KWIKA_MEDIA__BACKEND``
    selects a backend that cannot be built."""
    stores: dict[str, Storage] = {
        LOCAL: LocalStorage(settings.media.root, media_base_url(settings), sign_file_token)
    }
    unavailable: dict[str, str] = {}
    missing = settings.cloudinary.missing()
    if missing:
        unavailable[CLOUDINARY] = f"{', '.join(missing)} not set"
    else:
        from kwika.integrations.cloudinary import CloudinaryStorage

        stores[CLOUDINARY] = CloudinaryStorage(settings.cloudinary)
    if settings.media.backend not in stores:
        raise MediaConfigError(
            f"KWIKA_MEDIA__BACKEND={settings.media.backend} needs {', '.join(missing)}: "
            "set them or choose another backend (documents/runbooks/media-storage.md)"
        )
    return Backends(default=settings.media.backend, stores=stores, unavailable=unavailable)


def backends() -> Backends:
    """The process's backends, built at start-up (:func:`start`) and kept with its adapters."""
    rt = runtime.get()
    adapters: dict[str, Any] = rt.adapters
    if _STORAGE_ADAPTER not in adapters:
        adapters[_STORAGE_ADAPTER] = build_backends(rt.settings)
    found: Backends = adapters[_STORAGE_ADAPTER]
    return found


def storage() -> Storage:
    """Where new files go (``KWIKA_MEDIA__BACKEND``)."""
    return backends().for_new_files


def storage_of(file: StoredFile) -> Storage:
    """The backend holding ``file``; 503 (and an error in the log) when this process
    cannot reach it because its settings are gone."""
    found = backends()
    backend = found.stores.get(file.backend)
    if backend is None:
        log.error(
            "media file %s is kept on %r, which is not configured (%s): it cannot be signed "
            "or deleted until it is (documents/runbooks/media-storage.md)",
            file.id,
            file.backend,
            found.unavailable.get(file.backend, "unknown backend"),
        )
        raise BackendUnavailable(file.backend)
    return backend


def reachable(file: StoredFile) -> bool:
    """Whether the backend holding ``file`` is configured here (no log, no error)."""
    return file.backend in backends().stores


def local_storage() -> LocalStorage:
    """The local backend: always present, it serves ``/api/v1/media/<key>``."""
    backend = backends().stores[LOCAL]
    assert isinstance(backend, LocalStorage)
    return backend


async def start() -> None:
    """Start-up hook: build the backends, so a missing Cloudinary setting stops the process
    at once with a clear error instead of failing uploads; then report files kept on a
    backend this process cannot reach."""
    rt = runtime.get()
    found = build_backends(rt.settings)
    rt.adapters[_STORAGE_ADAPTER] = found
    missing = rt.settings.cloudinary.missing()
    if CLOUDINARY in found.unavailable and len(missing) < 3:  # some set: likely a typo
        log.warning("Cloudinary is not used: %s", found.unavailable[CLOUDINARY])
    collection = StoredFile.get_motor_collection()
    for name, reason in found.unavailable.items():
        stranded = await collection.count_documents({"backend": name, "key": {"$exists": True}})
        if stranded:
            log.error(
                "%d media files are kept on %r, which is not configured (%s): their private "
                "links and deletion answer 503 until it is",
                stranded,
                name,
                reason,
            )

"""Media storage on Cloudinary through its Upload API (the official SDK).

The SDK is synchronous (urllib3), so every call runs in a worker thread. Credentials and
the API base URL are passed per call, never through the SDK's global configuration, so
tests can point ``upload_prefix`` at a local fake.

Public files are ``type=upload`` and served from Cloudinary's CDN (``secure_url``);
private files are ``type=private`` and reached through expiring signed download URLs.
Images arrive already re-encoded by the media service; Cloudinary stores them as given.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import IO, Any

import cloudinary.exceptions
import cloudinary.uploader
import cloudinary.utils

from kwika.config import CloudinarySettings
from kwika.integrations.storage import StorageError, StoredObject

log = logging.getLogger(__name__)

RESOURCE_TYPES = {"image": "image", "video": "video", "document": "raw"}


class CloudinaryStorage:
    name = "cloudinary"

    def __init__(self, config: CloudinarySettings) -> None:
        missing = config.missing()
        if missing or config.api_secret is None:
            raise ValueError(f"Cloudinary needs {', '.join(missing)}")
        self.folder = config.folder.strip("/")
        self.timeout = config.timeout_seconds
        self.options: dict[str, Any] = {
            "cloud_name": config.cloud_name,
            "api_key": config.api_key,
            "api_secret": config.api_secret.get_secret_value(),
            "upload_prefix": config.upload_prefix.rstrip("/"),
        }

    def public_id(self, key: str, kind: str, ext: str) -> str:
        """Images and videos are addressed without extension; raw files keep theirs."""
        stem = key.rsplit(".", 1)[0]
        public_id = f"{self.folder}/{stem}" if self.folder else stem
        return f"{public_id}.{ext}" if kind == "document" else public_id

    async def save(
        self, key: str, content: IO[bytes], *, kind: str, ext: str, private: bool
    ) -> StoredObject:
        content.seek(0)
        result = await self._call(
            cloudinary.uploader.upload,
            content,
            public_id=self.public_id(key, kind, ext),
            resource_type=RESOURCE_TYPES[kind],
            type="private" if private else "upload",
            overwrite=False,
            unique_filename=False,
            use_filename=False,
            filename=f"upload.{ext}",
            timeout=self.timeout,
            **self.options,
        )
        try:
            return StoredObject(
                key=str(result["public_id"]),
                size=int(result["bytes"]),
                url=None if private else str(result["secure_url"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise StorageError(f"Cloudinary answered without a file: {result!r:.300}") from exc

    async def delete(self, key: str, *, kind: str, ext: str, private: bool) -> None:
        result = await self._call(
            cloudinary.uploader.destroy,
            key,
            resource_type=RESOURCE_TYPES[kind],
            type="private" if private else "upload",
            invalidate=True,
            timeout=self.timeout,
            **self.options,
        )
        # "not found" means it is already gone, which is what we wanted.
        if result.get("result") not in ("ok", "not found"):
            raise StorageError(f"Cloudinary could not delete {key}: {result!r:.300}")

    def private_url(
        self, key: str, *, kind: str, ext: str, filename: str, expires_at: datetime
    ) -> str:
        url: str = cloudinary.utils.private_download_url(
            key,
            "" if kind == "document" else ext,
            resource_type=RESOURCE_TYPES[kind],
            type="private",
            expires_at=int(expires_at.timestamp()),
            attachment=kind == "document",
            **self.options,
        )
        return url

    async def _call(self, fn: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        try:
            result: dict[str, Any] = await asyncio.to_thread(fn, *args, **kwargs)
        except cloudinary.exceptions.Error as exc:
            raise StorageError(f"Cloudinary: {exc}") from exc
        except OSError as exc:
            raise StorageError(f"Cloudinary unreachable: {exc}") from exc
        except Exception as exc:  # anything else the SDK raises: the call failed all the same
            raise StorageError(f"Cloudinary call failed: {exc!r}") from exc
        return result

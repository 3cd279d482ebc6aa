"""Validating and processing uploaded bytes: sniffing, context rules, re-encoding."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from typing import IO

from kwika.core.errors import ValidationFailed
from kwika.modules.media import imaging
from kwika.modules.media.contexts import ContextRule
from kwika.modules.media.exceptions import FileTooLarge, FileTypeNotAccepted
from kwika.modules.media.formats import (
    FORMATS,
    HEAD_BYTES,
    Format,
    looks_like_image,
    sniff_non_image,
)

CORRUPT_IMAGE = "The image is corrupt or cannot be read"
_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f"\\/<>:|?*]+')

# ---------------------------------------------------------------- validation + processing


@dataclass
class Prepared:
    """Validated bytes ready to store (images already re-encoded)."""

    fmt: Format
    main: IO[bytes]
    size: int
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None

    @property
    def total_bytes(self) -> int:
        return self.size + len(self.thumbnail or b"")


def clean_filename(name: str | None, fallback: str = "file") -> str:
    """The client's filename for display and downloads only: no path, no control chars,
    no invisible formatting characters (Unicode Cf: bidi overrides such as U+202E, which
    make ``invoice\u202egpj.exe`` read as ``invoiceexe.jpg``, zero-width spaces, ...)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(
        "_" if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char
        for char in base
        if unicodedata.category(char) != "Cf"
    )
    base = _UNSAFE_FILENAME.sub("_", base).strip(" ._")
    return base[:200] or fallback


def not_accepted(rule: ContextRule, field: str = "file") -> FileTypeNotAccepted:
    return FileTypeNotAccepted(rule.allowed_labels, rule.allowed_content_types, field)


def _size_of(stream: IO[bytes]) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


class CorruptImage(Exception):
    """An image signature, but Pillow cannot read the header."""


def sniff(stream: IO[bytes]) -> Format | None:
    """What the bytes are, whatever the name or declared type says."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    if looks_like_image(head):
        name = imaging.identify(stream)
        if name is None:
            raise CorruptImage
    else:
        name = sniff_non_image(stream)
    return FORMATS.get(name) if name else None


def prepare(rule: ContextRule, stream: IO[bytes], max_pixels: int, field: str) -> Prepared:
    """Sniff, check against the context, process images. Blocking: run it in a thread."""
    size = _size_of(stream)
    if size == 0:
        raise ValidationFailed.single(field, "The file is empty")
    if size > rule.largest:
        raise FileTooLarge(rule.largest, size, field)
    try:
        fmt = sniff(stream)
    except imaging.InvalidImage as exc:  # a header beyond Pillow's bomb limit
        raise ValidationFailed.single(field, str(exc)) from None
    except CorruptImage:
        if "image" not in rule.limits:
            raise not_accepted(rule, field) from None
        raise ValidationFailed.single(field, CORRUPT_IMAGE) from None
    if fmt is None or not rule.allows(fmt):
        raise not_accepted(rule, field)
    if size > rule.max_size(fmt.kind):
        raise FileTooLarge(rule.max_size(fmt.kind), size, field)
    if fmt.kind != "image":
        return Prepared(fmt, stream, size)
    try:
        processed = imaging.process(stream, rule.image, max_pixels)
    except imaging.InvalidImage as exc:
        raise ValidationFailed.single(field, str(exc)) from exc
    return Prepared(
        fmt=FORMATS[processed.output_format],
        main=io.BytesIO(processed.main.data),
        size=len(processed.main.data),
        thumbnail=processed.thumbnail.data,
        width=processed.main.width,
        height=processed.main.height,
    )

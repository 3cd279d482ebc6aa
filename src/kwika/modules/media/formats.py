"""The file formats Kwika accepts, and how each is recognised from its content.

The client's filename and ``Content-Type`` are never trusted: a file is what its bytes say.
Images are identified by Pillow (which must also be able to decode them); the other formats
by exact signatures checked here.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import IO, Literal

Kind = Literal["image", "video", "document"]


@dataclass(frozen=True)
class Format:
    name: str  # also the stored file's extension
    content_type: str
    kind: Kind
    label: str


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("jpg", "image/jpeg", "image", "JPG"),
        Format("png", "image/png", "image", "PNG"),
        Format("gif", "image/gif", "image", "GIF"),
        Format("webp", "image/webp", "image", "WEBP"),
        Format("mp4", "video/mp4", "video", "MP4"),
        Format("webm", "video/webm", "video", "WEBM"),
        Format("mov", "video/quicktime", "video", "MOV"),
        Format("pdf", "application/pdf", "document", "PDF"),
        Format("doc", "application/msword", "document", "DOC"),
        Format(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "document",
            "DOCX",
        ),
    )
}
BY_CONTENT_TYPE = {f.content_type: f for f in FORMATS.values()}
# Names clients use for the same format (KYC requirements list "jpeg" next to "jpg").
ALIASES = {"jpeg": "jpg", "jpe": "jpg", "qt": "mov", "quicktime": "mov"}

# Pillow's format names for the images we accept.
PILLOW_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}

# ISO base media brands (bytes 8-12 of an ``ftyp`` box) that mean MP4 or QuickTime.
_MP4_BRANDS = {
    b"isom",
    b"iso2",
    b"iso3",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"dash",
    b"M4V ",
    b"MSNV",
    b"mmp4",
}
_QUICKTIME_BRANDS = {b"qt  "}
_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
_EBML = bytes.fromhex("1A45DFA3")
_WORD_STREAM = "WordDocument".encode("utf-16-le")
HEAD_BYTES = 4096


def canonical(name: str) -> str:
    """``"JPEG"`` -> ``"jpg"``: the format name used everywhere in Kwika."""
    lowered = name.strip().lower().lstrip(".")
    return ALIASES.get(lowered, lowered)


def for_content_type(content_type: str) -> Format | None:
    return BY_CONTENT_TYPE.get(content_type.split(";")[0].strip().lower())


def _ftyp_format(head: bytes) -> str | None:
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    box_size = int.from_bytes(head[0:4], "big")
    major = head[8:12]
    # Compatible brands follow the minor version, four bytes each, up to the box end.
    compatible = {head[i : i + 4] for i in range(16, min(box_size, len(head)) - 3, 4)}
    brands = {major, *compatible}
    if major in _QUICKTIME_BRANDS:
        return "mov"
    if brands & _MP4_BRANDS:
        return "mp4"
    return None


def _is_webm(head: bytes) -> bool:
    # An EBML header whose DocType element (0x4282) says "webm" (Matroska says "matroska").
    return head.startswith(_EBML) and b"\x42\x82\x84webm" in head[:64]


def _is_docx(stream: IO[bytes]) -> bool:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


def _is_word_97(stream: IO[bytes]) -> bool:
    # A Word 97-2003 file is an OLE2 compound file holding a "WordDocument" stream; the
    # stream's name (UTF-16) sits in the directory sectors. Excel/PowerPoint files lack it.
    stream.seek(0)
    return _WORD_STREAM in stream.read()


def sniff_non_image(stream: IO[bytes]) -> str | None:
    """The format of a video or document from its bytes, or None if it is none of ours."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    found: str | None = None
    if head.startswith(b"%PDF-"):
        found = "pdf"
    elif (ftyp := _ftyp_format(head)) is not None:
        found = ftyp
    elif _is_webm(head):
        found = "webm"
    elif head.startswith(b"PK\x03\x04"):
        stream.seek(0)
        found = "docx" if _is_docx(stream) else None
    elif head.startswith(_OLE2):
        found = "doc" if _is_word_97(stream) else None
    stream.seek(0)
    return found


def looks_like_image(head: bytes) -> bool:
    """Cheap pre-check before handing bytes to Pillow."""
    return (
        head.startswith(b"\xff\xd8\xff")
        or head.startswith(b"\x89PNG\r\n\x1a\n")
        or head[:6] in (b"GIF87a", b"GIF89a")
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
    )


def as_stream(content: bytes | IO[bytes]) -> IO[bytes]:
    return io.BytesIO(content) if isinstance(content, bytes | bytearray) else content

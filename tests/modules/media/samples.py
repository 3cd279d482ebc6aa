"""Small, real files of each kind the media service meets (built in memory)."""

from __future__ import annotations

import io
import zipfile

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def image(
    fmt: str = "JPEG",
    size: tuple[int, int] = (800, 600),
    *,
    exif: bool = False,
    orientation: int | None = None,
    mode: str = "RGB",
) -> bytes:
    picture = Image.new(mode, size, (200, 40, 40) if mode == "RGB" else None)
    # A distinguishable top-left corner, to check the orientation was applied.
    if mode == "RGB":
        picture.paste((0, 0, 255), (0, 0, size[0] // 4, size[1] // 4))
    options: dict[str, object] = {}
    if exif or orientation:
        data = picture.getexif()
        if exif:
            data[MAKE] = "SpyCam"
            data[GPS_IFD] = {1: "S", 2: (6.0, 48.0, 0.0), 3: "E", 4: (39.0, 17.0, 0.0)}
        if orientation:
            data[ORIENTATION] = orientation
        options["exif"] = data.tobytes()
    buffer = io.BytesIO()
    picture.save(buffer, fmt, **options)
    return buffer.getvalue()


def jpeg(size: tuple[int, int] = (800, 600), **kwargs: object) -> bytes:
    return image("JPEG", size, **kwargs)  # type: ignore[arg-type]


def png(size: tuple[int, int] = (640, 480)) -> bytes:
    return image("PNG", size)


def gif(size: tuple[int, int] = (300, 200)) -> bytes:
    return image("GIF", size)


def webp(size: tuple[int, int] = (640, 480)) -> bytes:
    return image("WEBP", size)


PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")


def doc() -> bytes:
    """An OLE2 compound file whose directory names a WordDocument stream."""
    return OLE2 + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 1000


def xls() -> bytes:
    return OLE2 + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 1000


def mp4(brand: bytes = b"isom", size: int = 4096) -> bytes:
    ftyp = (24).to_bytes(4, "big") + b"ftyp" + brand + b"\x00\x00\x02\x00" + b"isomiso2"
    mdat = (size + 8).to_bytes(4, "big") + b"mdat" + b"\x00" * size
    return ftyp + mdat


def mov() -> bytes:
    return mp4(brand=b"qt  ")


def webm(size: int = 4096) -> bytes:
    header = bytes.fromhex("1A45DFA3") + b"\x9f" + b"\x42\x86\x81\x01" + b"\x42\x82\x84webm"
    return header + b"\x00" * size


HTML = b"<html><script>alert(1)</script></html>"
TEXT = b"just some text, not an image"


def truncated_jpeg() -> bytes:
    return jpeg((400, 300))[:300]

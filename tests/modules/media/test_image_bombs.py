"""Small files that decode into huge images are refused with a 400 and nothing is kept
(issue 11 item 2): Pillow's decompression-bomb limit and a per-context limit on decoded
bytes (pixels x bands), not only on pixels."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from tests.modules.media.conftest import upload
from tests.support import body, data


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def blank_png(width: int, height: int, bit_depth: int = 8, colour_type: int = 6) -> bytes:
    """A valid PNG of zeros, compressed row by row so the test never holds the raw image."""
    channels = {0: 1, 2: 3, 6: 4}[colour_type]
    row = b"\x00" + bytes(-(-width * channels * bit_depth // 8))
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def files_on_disk(tmp_path: Path) -> list[Path]:
    root = tmp_path / "media"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def nothing_stored(client, account, tmp_path: Path) -> None:
    listing = data(await client.get("/uploads", headers=account.headers))
    assert listing["items"] == []
    assert listing["storage_used"] == 0
    assert files_on_disk(tmp_path) == []


async def test_a_decompression_bomb_is_a_400_and_nothing_is_stored(client, alice, tmp_path):
    bomb = blank_png(20_000, 20_000, bit_depth=1, colour_type=0)
    assert len(bomb) < 100 * 1024

    response = await upload(client, alice, bomb, "bomb.png", "image", content_type="image/png")

    assert response.status_code == 400, response.text
    assert body(response)["success"] is False
    assert body(response)["errors"][0]["field"] == "file"
    assert "too large" in body(response)["errors"][0]["message"]
    await nothing_stored(client, alice, tmp_path)


async def test_decoded_bytes_are_limited_per_context(client, alice, tmp_path):
    # 4100 x 4100 RGBA: 17 MP (under the pixel limit) but 67 MB once decoded.
    heavy = blank_png(4100, 4100)
    assert len(heavy) < 200 * 1024

    avatar = await upload(client, alice, heavy, "me.png", "avatar", content_type="image/png")

    assert avatar.status_code == 400, avatar.text
    message = body(avatar)["errors"][0]["message"]
    assert message.startswith("Image is too large to process (4100x4100")
    await nothing_stored(client, alice, tmp_path)


async def test_ordinary_images_still_pass(client, alice):
    response = await upload(
        client, alice, blank_png(1200, 800), "ok.png", "avatar", content_type="image/png"
    )
    assert response.status_code == 201, response.text

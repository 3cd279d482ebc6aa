"""Image processing with Pillow: decode fully, apply the EXIF orientation, drop every
metadata block (EXIF with GPS, XMP, comments), resize for the context, make a thumbnail,
re-encode.

Re-encoding is the point: what is stored is pixels Pillow produced, never the client's
bytes, so polyglot files and metadata leaks do not survive.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

from kwika.modules.media.contexts import ImageRule
from kwika.modules.media.formats import PILLOW_FORMATS

# GIF frames are stored as a still PNG (the first frame): Pillow cannot re-encode animated
# GIFs losslessly and an avatar or cover does not need the animation.
OUTPUT_FORMAT = {"jpg": "jpg", "png": "png", "webp": "webp", "gif": "png"}
_PILLOW_NAME = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}
_KEEP_MODES = {"1", "L", "LA", "RGB", "RGBA"}
JPEG_QUALITY = 85
WEBP_QUALITY = 85


class InvalidImage(Exception):
    """The bytes claim to be an image but cannot be used as one."""


@dataclass(frozen=True)
class Rendition:
    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class ProcessedImage:
    source_format: str
    output_format: str
    main: Rendition
    thumbnail: Rendition


def identify(stream: IO[bytes]) -> str | None:
    """Our format name for an image Pillow recognises (header only), else None."""
    stream.seek(0)
    try:
        with Image.open(stream) as image:
            return PILLOW_FORMATS.get(image.format or "")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    finally:
        stream.seek(0)


def process(stream: IO[bytes], rule: ImageRule, max_pixels: int) -> ProcessedImage:
    """Decode, normalise and re-encode; raises :class:`InvalidImage`."""
    image, source_format = _decode(stream, max_pixels)
    output_format = OUTPUT_FORMAT[source_format]
    image = _normalise_mode(ImageOps.exif_transpose(image), output_format)
    icc_profile = image.info.get("icc_profile")
    main = _shape(image, rule.square, rule.max_side)
    thumbnail = _shape(image, rule.thumbnail if rule.square else None, rule.thumbnail)
    return ProcessedImage(
        source_format=source_format,
        output_format=output_format,
        main=_encode(main, output_format, icc_profile),
        thumbnail=_encode(thumbnail, output_format, icc_profile),
    )


def _decode(stream: IO[bytes], max_pixels: int) -> tuple[Image.Image, str]:
    stream.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(stream)
            source_format = PILLOW_FORMATS.get(image.format or "")
            if source_format is None:
                raise InvalidImage("This image format is not accepted")
            width, height = image.size
            if width * height > max_pixels:
                raise InvalidImage(f"Image is too large ({width}x{height} pixels)")
            image.seek(0)  # first frame of animations
            image.load()  # decode everything now: truncated or corrupt files fail here
        except InvalidImage:
            raise
        except (
            UnidentifiedImageError,
            OSError,
            SyntaxError,
            ValueError,
            EOFError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
        ) as exc:
            raise InvalidImage("The image is corrupt or cannot be read") from exc
    return image, source_format


def _normalise_mode(image: Image.Image, output_format: str) -> Image.Image:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if output_format == "jpg":
        if has_alpha:
            # JPEG has no transparency: flatten onto white rather than black.
            rgba = image.convert("RGBA")
            background = Image.new("RGB", rgba.size, (255, 255, 255))
            background.paste(rgba, mask=rgba.getchannel("A"))
            return background
        return image if image.mode in ("L", "RGB") else image.convert("RGB")
    if image.mode in _KEEP_MODES and "transparency" not in image.info:
        return image
    return image.convert("RGBA" if has_alpha else "RGB")


def _shape(image: Image.Image, square: int | None, max_side: int) -> Image.Image:
    if square:
        return ImageOps.fit(image, (square, square), Image.Resampling.LANCZOS)
    copy = image.copy()
    copy.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return copy


def _clean(image: Image.Image) -> Image.Image:
    """A copy carrying pixels only: Pillow writes metadata it finds in ``info``."""
    clean = image.copy()
    clean.info = {}
    return clean


def _encode(image: Image.Image, output_format: str, icc_profile: bytes | None) -> Rendition:
    buffer = io.BytesIO()
    options: dict[str, object] = {}
    if icc_profile:
        # A colour profile is not personal data and keeps colours right.
        options["icc_profile"] = icc_profile
    if output_format == "jpg":
        options.update(quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif output_format == "png":
        options.update(optimize=True)
    else:
        options.update(quality=WEBP_QUALITY, method=4)
    _clean(image).save(buffer, _PILLOW_NAME[output_format], **options)
    return Rendition(buffer.getvalue(), image.width, image.height)

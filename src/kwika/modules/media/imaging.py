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


TOO_LARGE = "Image is too large to process"


def identify(stream: IO[bytes]) -> str | None:
    """Our format name for an image Pillow recognises (header only), else None; raises
    :class:`InvalidImage` for a header whose size is beyond Pillow's bomb limit."""
    stream.seek(0)
    try:
        with Image.open(stream) as image:
            return PILLOW_FORMATS.get(image.format or "")
    except Image.DecompressionBombError:
        raise InvalidImage(TOO_LARGE) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    finally:
        stream.seek(0)


def process(stream: IO[bytes], rule: ImageRule, max_pixels: int) -> ProcessedImage:
    """Decode, normalise and re-encode; raises :class:`InvalidImage`."""
    # Every intermediate image is closed as soon as it is done with: the decoded pixels
    # are the bulk of the memory, and nothing may keep them alive after the answer.
    opened: list[Image.Image] = []

    def keep(image: Image.Image) -> Image.Image:
        if all(image is not seen for seen in opened):
            opened.append(image)
        return image

    try:
        image, source_format = _decode(stream, max_pixels, rule.max_decoded_bytes)
        keep(image)
        output_format = OUTPUT_FORMAT[source_format]
        image = keep(_normalise_mode(keep(ImageOps.exif_transpose(image)), output_format))
        icc_profile = image.info.get("icc_profile")
        main = keep(_shape(image, rule.square, rule.max_side))
        main_rendition = _encode(main, output_format, icc_profile)
        thumbnail = keep(_shape(image, rule.thumbnail if rule.square else None, rule.thumbnail))
        return ProcessedImage(
            source_format=source_format,
            output_format=output_format,
            main=main_rendition,
            thumbnail=_encode(thumbnail, output_format, icc_profile),
        )
    finally:
        for image in opened:
            image.close()
        opened.clear()


def _bytes_per_pixel(image: Image.Image) -> int:
    """Bytes one decoded pixel takes on its way through :func:`process`: palette images
    become RGB(A), 16- and 32-bit modes take more than a byte per band."""
    if image.mode in ("P", "PA", "1"):
        return 4
    bands = len(image.getbands())
    wide = image.mode.startswith(("I", "F"))
    return bands * (4 if wide else 1)


def _decode(stream: IO[bytes], max_pixels: int, max_decoded_bytes: int) -> tuple[Image.Image, str]:
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
                image.close()
                raise InvalidImage(f"Image is too large ({width}x{height} pixels)")
            decoded = width * height * _bytes_per_pixel(image)
            if decoded > max_decoded_bytes:
                image.close()
                raise InvalidImage(
                    f"{TOO_LARGE} ({width}x{height} pixels, {decoded // 2**20} MB decoded;"
                    f" at most {max_decoded_bytes // 2**20} MB)"
                )
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
            if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
                raise InvalidImage(TOO_LARGE) from exc
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

"""Upload contexts: what a file is for decides which formats and sizes are allowed, whether
it is public, and how an image is resized.

Seed 003 20.1 names the first ten; the others are the places issue 4 and later modules
store files (logos, promotion images, guide applications, verification documents) plus
the generic seed 002 ``/upload/image|video|document`` contexts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kwika.core.errors import FieldError, ValidationFailed
from kwika.modules.media.formats import FORMATS, Format, Kind

MB = 1024 * 1024

IMAGES = frozenset({"jpg", "png", "gif", "webp"})
VIDEOS = frozenset({"mp4", "webm", "mov"})
DOCUMENTS = frozenset({"pdf", "doc", "docx"})


@dataclass(frozen=True)
class ImageRule:
    """How stored images are shaped: never upscaled, longest side at most ``max_side``;
    ``square`` crops the centre to a square of that size (avatars).

    ``max_decoded_bytes`` bounds the memory one image takes once decoded (width x height x
    bands): a 190 KB PNG can hold a 7000x7000 RGBA image, 196 MB of pixels. The default
    takes a 40 MP RGB photo (a 30 MP one with transparency).
    """

    max_side: int = 2048
    square: int | None = None
    thumbnail: int = 320
    max_decoded_bytes: int = 120 * 1024 * 1024


@dataclass(frozen=True)
class ContextRule:
    name: str
    formats: frozenset[str]
    limits: Mapping[Kind, int]
    private: bool = False
    image: ImageRule = field(default_factory=ImageRule)
    description: str = ""

    def max_size(self, kind: Kind) -> int:
        return self.limits[kind]

    @property
    def largest(self) -> int:
        return max(self.limits.values())

    def allows(self, fmt: Format) -> bool:
        return fmt.name in self.formats

    @property
    def allowed_content_types(self) -> list[str]:
        return [FORMATS[name].content_type for name in sorted(self.formats)]

    @property
    def allowed_labels(self) -> str:
        return ", ".join(FORMATS[name].label for name in sorted(self.formats))


def _rule(
    name: str,
    formats: frozenset[str],
    description: str,
    *,
    image: int = 10 * MB,
    video: int = 50 * MB,
    document: int = 10 * MB,
    private: bool = False,
    shape: ImageRule | None = None,
) -> ContextRule:
    sizes: dict[Kind, int] = {"image": image, "video": video, "document": document}
    kinds = {FORMATS[f].kind for f in formats}
    return ContextRule(
        name=name,
        formats=formats,
        limits={kind: sizes[kind] for kind in sorted(kinds)},
        private=private,
        image=shape or ImageRule(),
        description=description,
    )


_PHOTOS = frozenset({"jpg", "png", "webp", "gif"})

CONTEXTS: dict[str, ContextRule] = {
    rule.name: rule
    for rule in (
        # seed 001 7.2: JPG/PNG/GIF/WebP, 5 MB, 400x400
        _rule(
            "avatar",
            IMAGES,
            "Profile picture",
            image=5 * MB,
            shape=ImageRule(square=400, thumbnail=100, max_decoded_bytes=64 * MB),
        ),
        _rule("event_cover", _PHOTOS, "Event cover image", shape=ImageRule(max_side=1920)),
        _rule("event_gallery", _PHOTOS, "Event gallery photo"),
        _rule("event_image", _PHOTOS, "Event image"),
        _rule("post_media", _PHOTOS | VIDEOS, "Photo or video in a post"),
        _rule("moment_media", _PHOTOS | VIDEOS, "Photo or video in a moment"),
        _rule("service_image", _PHOTOS, "Service listing image"),
        _rule("promotion_image", _PHOTOS, "Promotion image"),
        _rule("circle_cover", _PHOTOS, "Circle cover image", shape=ImageRule(max_side=1920)),
        _rule(
            "company_logo",
            _PHOTOS,
            "Company logo",
            image=5 * MB,
            shape=ImageRule(max_side=1024, max_decoded_bytes=64 * MB),
        ),
        _rule("portfolio", _PHOTOS, "Provider portfolio sample"),
        # Seed 003 2.4: KYC formats are jpg/jpeg/png/pdf and up to 10 MB; each requirement
        # narrows that further (checked by the catalogue).
        _rule(
            "kyc_document",
            frozenset({"jpg", "png", "webp", "pdf"}),
            "Service KYC document",
            private=True,
        ),
        _rule(
            "verification_document",
            frozenset({"jpg", "png", "webp", "pdf"}),
            "Identity or certification document",
            private=True,
        ),
        # Issue 4: guide resume PDF/DOC <= 5 MB, video MP4/WEBM <= 50 MB
        _rule("guide_resume", DOCUMENTS, "Guide application resume", document=5 * MB, private=True),
        _rule(
            "guide_video",
            frozenset({"mp4", "webm"}),
            "Guide application video",
            private=True,
        ),
        # Seed 003 11.3: up to 5 files per message, each at most 10 MB (videos too).
        _rule(
            "message_attachment",
            _PHOTOS | VIDEOS | DOCUMENTS,
            "Chat attachment",
            video=10 * MB,
            private=True,
        ),
        _rule(
            "support_attachment",
            _PHOTOS | DOCUMENTS,
            "Support ticket attachment",
            private=True,
        ),
        # seed 002 Task 13: images JPEG/PNG/WebP 5 MB, videos MP4/WebM/QuickTime 50 MB,
        # documents PDF/DOC/DOCX 5 MB.
        _rule("image", frozenset({"jpg", "png", "webp"}), "Image (generic)", image=5 * MB),
        _rule("video", VIDEOS, "Video (generic)"),
        _rule("document", DOCUMENTS, "Document (generic)", document=5 * MB, private=True),
    )
}

# Route body limits: the largest file any context takes, plus multipart overhead.
MAX_UPLOAD_BYTES = max(rule.largest for rule in CONTEXTS.values())
MULTIPART_OVERHEAD = 1 * MB
AVATAR_BODY_LIMIT = CONTEXTS["avatar"].largest + MULTIPART_OVERHEAD


def get_rule(name: str, field_name: str = "context") -> ContextRule:
    """The rule for a context; an unknown one is a 400 on ``field_name``."""
    if not name:
        raise ValidationFailed(errors=[FieldError(field_name, "This field is required")])
    rule = CONTEXTS.get(name)
    if rule is None:
        raise ValidationFailed(
            errors=[
                FieldError(
                    field_name, f"Unknown context. Use one of: {', '.join(sorted(CONTEXTS))}"
                )
            ]
        )
    return rule


def contexts_of_kind(kind: Kind) -> list[str]:
    return sorted(name for name, rule in CONTEXTS.items() if kind in rule.limits)

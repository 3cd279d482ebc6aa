"""Upload contexts: what a file is for decides which formats and sizes are allowed, whether
it is public, and how an image is resized.

Modules declare their contexts in ``ModuleSpec.upload_contexts``; media reads the registry.
Seed 003 20.1 names the first ten; the others are the places issue 4 and later modules
store files (logos, promotion images, guide applications, verification documents) plus
the generic seed 002 ``/upload/image|video|document`` contexts (``BUILTIN_CONTEXTS``,
declared by media's own spec).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from kwika.core.errors import FieldError, ValidationFailed
from kwika.core.module import MB, ImageShape, UploadContext, upload_contexts
from kwika.modules.media.formats import FORMATS, Format, Kind

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


def _rule(declared: UploadContext) -> ContextRule:
    sizes: dict[Kind, int] = {
        "image": declared.image_bytes,
        "video": declared.video_bytes,
        "document": declared.document_bytes,
    }
    unknown = sorted(declared.formats - set(FORMATS))
    if unknown:
        raise RuntimeError(f"Upload context '{declared.name}': unknown formats {unknown}")
    kinds = {FORMATS[f].kind for f in declared.formats}
    shape = declared.shape or ImageShape()
    return ContextRule(
        name=declared.name,
        formats=declared.formats,
        limits={kind: sizes[kind] for kind in sorted(kinds)},
        private=declared.private,
        image=ImageRule(
            max_side=shape.max_side,
            square=shape.square,
            thumbnail=shape.thumbnail,
            max_decoded_bytes=shape.max_decoded_bytes,
        ),
        description=declared.description,
    )


_PHOTOS = frozenset({"jpg", "png", "webp", "gif"})
_Ctx = UploadContext

# Declared in advance for modules that do not exist yet (events, posts, moments, circles,
# support) and for those that do; registered through media's own ModuleSpec.
BUILTIN_CONTEXTS: tuple[UploadContext, ...] = (
    # seed 001 7.2: JPG/PNG/GIF/WebP, 5 MB, 400x400
    _Ctx(
        "avatar",
        IMAGES,
        "Profile picture",
        image_bytes=5 * MB,
        shape=ImageShape(square=400, thumbnail=100, max_decoded_bytes=64 * MB),
    ),
    _Ctx("event_cover", _PHOTOS, "Event cover image", shape=ImageShape(max_side=1920)),
    _Ctx("event_gallery", _PHOTOS, "Event gallery photo"),
    _Ctx("event_image", _PHOTOS, "Event image"),
    _Ctx("post_media", _PHOTOS | VIDEOS, "Photo or video in a post"),
    _Ctx("moment_media", _PHOTOS | VIDEOS, "Photo or video in a moment"),
    _Ctx("service_image", _PHOTOS, "Service listing image"),
    _Ctx("promotion_image", _PHOTOS, "Promotion image"),
    _Ctx("circle_cover", _PHOTOS, "Circle cover image", shape=ImageShape(max_side=1920)),
    _Ctx(
        "company_logo",
        _PHOTOS,
        "Company logo",
        image_bytes=5 * MB,
        shape=ImageShape(max_side=1024, max_decoded_bytes=64 * MB),
    ),
    _Ctx("portfolio", _PHOTOS, "Provider portfolio sample"),
    # Seed 003 2.4: KYC formats are jpg/jpeg/png/pdf and up to 10 MB; each requirement
    # narrows that further (checked by the catalogue).
    _Ctx(
        "kyc_document",
        frozenset({"jpg", "png", "webp", "pdf"}),
        "Service KYC document",
        private=True,
    ),
    _Ctx(
        "verification_document",
        frozenset({"jpg", "png", "webp", "pdf"}),
        "Identity or certification document",
        private=True,
    ),
    # Issue 4: guide resume PDF/DOC <= 5 MB, video MP4/WEBM <= 50 MB
    _Ctx(
        "guide_resume",
        DOCUMENTS,
        "Guide application resume",
        document_bytes=5 * MB,
        private=True,
    ),
    _Ctx("guide_video", frozenset({"mp4", "webm"}), "Guide application video", private=True),
    # Seed 003 11.3: up to 5 files per message, each at most 10 MB (videos too).
    _Ctx(
        "message_attachment",
        _PHOTOS | VIDEOS | DOCUMENTS,
        "Chat attachment",
        video_bytes=10 * MB,
        private=True,
    ),
    _Ctx("support_attachment", _PHOTOS | DOCUMENTS, "Support ticket attachment", private=True),
    # seed 002 Task 13: images JPEG/PNG/WebP 5 MB, videos MP4/WebM/QuickTime 50 MB,
    # documents PDF/DOC/DOCX 5 MB.
    _Ctx("image", frozenset({"jpg", "png", "webp"}), "Image (generic)", image_bytes=5 * MB),
    _Ctx("video", VIDEOS, "Video (generic)"),
    _Ctx("document", DOCUMENTS, "Document (generic)", document_bytes=5 * MB, private=True),
)

# Route body limits: the largest file a context may take (a module's context larger than
# this is refused when it is registered), plus multipart overhead.
MAX_UPLOAD_BYTES = max(_rule(c).largest for c in BUILTIN_CONTEXTS)
MULTIPART_OVERHEAD = 1 * MB
AVATAR_BODY_LIMIT = _rule(BUILTIN_CONTEXTS[0]).largest + MULTIPART_OVERHEAD


class _Rules(Mapping[str, ContextRule]):
    """The rules of every registered upload context (``ModuleSpec.upload_contexts``)."""

    def __init__(self) -> None:
        self._cache: dict[str, ContextRule] = {}
        upload_contexts.on_change(self._refresh)

    def _refresh(self) -> None:
        self._cache.clear()
        for declared in upload_contexts:
            rule = _rule(declared)
            if rule.largest > MAX_UPLOAD_BYTES:
                raise RuntimeError(
                    f"Upload context '{declared.name}' allows {rule.largest} bytes; the upload "
                    f"routes take at most {MAX_UPLOAD_BYTES}"
                )
            self._cache[declared.name] = rule

    def __getitem__(self, name: str) -> ContextRule:
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._cache))

    def __len__(self) -> int:
        return len(self._cache)


CONTEXTS: Mapping[str, ContextRule] = _Rules()
_BUILTIN_RULES = {c.name: _rule(c) for c in BUILTIN_CONTEXTS}


def rule_of(name: str) -> ContextRule:
    """A context's rule; media's own contexts are known before the registry loads (other
    modules size their routes' body limits with them at import)."""
    rule = CONTEXTS.get(name) or _BUILTIN_RULES.get(name)
    if rule is None:
        raise KeyError(name)
    return rule


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

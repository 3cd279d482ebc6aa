"""Service images (seed 003 7.3-7.4): at most ten, one primary, in display order. Files are
stored by media and claimed by the service; an image removed is deleted unless something
else still uses its file."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from beanie import PydanticObjectId
from bson import ObjectId
from litestar.datastructures import UploadFile

from kwika.core import clock
from kwika.core.errors import ValidationFailed
from kwika.core.tokens import Principal
from kwika.modules import media
from kwika.modules.catalogue import pages
from kwika.modules.catalogue.constants import MAX_SERVICE_IMAGES, SERVICE_IMAGE_CONTEXTS
from kwika.modules.catalogue.documents import Service, ServiceImage
from kwika.modules.catalogue.exceptions import ImageNotFound, ImagesChanged, ServiceNotFound
from kwika.modules.catalogue.schemas import ServiceOut
from kwika.modules.catalogue.services.views import service_out

CAS_ATTEMPTS = 5


def use_of(service_id: ObjectId | str, title: str | None = None) -> tuple[str, str, str | None]:
    return ("service", str(service_id), title)


class NewImages:
    """Images gathered for a service: uploads stored, ids claimed; undone on failure.
    ``shown`` are the images the service already has: an id among them sent again is not a
    new claim, so a failure leaves its claim alone (the service still shows it)."""

    def __init__(
        self,
        owner_id: ObjectId,
        service_id: ObjectId,
        title: str,
        shown: Iterable[ServiceImage] = (),
    ) -> None:
        self.owner_id = owner_id
        self.use = use_of(service_id, title)
        self.images: list[ServiceImage] = []
        self._shown = {image.id for image in shown}
        self._stored: list[str] = []
        self._claimed: list[str] = []

    async def gather(self, uploads: list[UploadFile], image_ids: list[str]) -> list[ServiceImage]:
        for index, upload in enumerate(uploads):
            file = await media.store_upload(
                self.owner_id, "service_image", upload, used_by=self.use, field=f"images.{index}"
            )
            self._stored.append(file.id)
            self._add(file)
        for index, file_id in enumerate(image_ids):
            file = await media.attach(
                file_id,
                self.owner_id,
                self.use,
                contexts=SERVICE_IMAGE_CONTEXTS,
                field=f"image_ids.{index}",
            )
            if file.id not in self._shown:
                self._claimed.append(file.id)
            if file.kind != "image" or file.file_url is None:
                raise ValidationFailed.single(f"image_ids.{index}", "This file is not an image")
            self._add(file)
        return self.images

    def _add(self, file: media.MediaFile) -> None:
        assert file.file_url is not None
        self.images.append(
            ServiceImage(
                id=file.id,
                file_id=PydanticObjectId(file.id),
                url=file.file_url,
                thumbnail_url=file.thumbnail_url,
            )
        )

    async def undo(self) -> None:
        for file_id in self._stored:
            await media.delete(file_id)
        for file_id in self._claimed:
            await media.release(file_id, self.use)


def arranged(images: list[ServiceImage], primary_id: str | None = None) -> list[ServiceImage]:
    """Display order 1..n as listed; exactly one primary (``primary_id``, else the current
    one, else the first)."""
    if not images:
        return []
    wanted = primary_id or next((i.id for i in images if i.is_primary), images[0].id)
    if wanted not in {i.id for i in images}:
        wanted = images[0].id
    return [
        image.model_copy(update={"display_order": order, "is_primary": image.id == wanted})
        for order, image in enumerate(images, start=1)
    ]


def image_fields(images: list[ServiceImage]) -> dict[str, object]:
    primary = next((i for i in images if i.is_primary), None)
    return {
        "images": [image.model_dump() for image in images],
        "image_count": len(images),
        "primary_image_url": primary.url if primary else None,
    }


def too_many(field: str = "images") -> ValidationFailed:
    return ValidationFailed.single(field, f"A service has at most {MAX_SERVICE_IMAGES} images")


async def change_images(
    service_id: ObjectId,
    owner_id: ObjectId,
    change: Callable[[list[ServiceImage]], list[ServiceImage]],
) -> tuple[Service, list[ServiceImage]]:
    """Compare-and-set on ``images_version``: ``change`` gets the current images and returns
    the new list. Returns the service and the images that left it."""
    for _ in range(CAS_ATTEMPTS):
        service = await Service.find_one({"_id": service_id, "owner_id": owner_id})
        if service is None:
            raise ServiceNotFound()
        new = change(list(service.images))
        result = await Service.get_motor_collection().update_one(
            {"_id": service_id, "owner_id": owner_id, "images_version": service.images_version},
            {
                "$set": {**image_fields(new), "updated_at": clock.now()},
                "$inc": {"images_version": 1},
            },
        )
        if result.modified_count == 1:
            await pages.service_changed(service_id=service_id)
            kept = {image.id for image in new}
            gone = [image for image in service.images if image.id not in kept]
            updated = await Service.get(service_id)
            assert updated is not None
            return updated, gone
    raise ImagesChanged()


async def retire(service_id: ObjectId, images: list[ServiceImage]) -> None:
    for image in images:
        await media.release(image.file_id, use_of(service_id), delete_if_unused=True)


async def _owned(principal: Principal, service_id: ObjectId) -> Service:
    service = await Service.find_one({"_id": service_id, "owner_id": principal.id})
    if service is None:
        raise ServiceNotFound()
    return service


async def add_images(
    principal: Principal, service_id: ObjectId, uploads: list[UploadFile], image_ids: list[str]
) -> ServiceOut:
    if not uploads and not image_ids:
        raise ValidationFailed.single("images", "Send at least one image")
    service = await _owned(principal, service_id)
    if service.image_count + len(uploads) + len(image_ids) > MAX_SERVICE_IMAGES:
        raise too_many()
    new = NewImages(principal.id, service_id, service.title, service.images)
    try:
        added = await new.gather(uploads, image_ids)

        def append(images: list[ServiceImage]) -> list[ServiceImage]:
            present = {image.id for image in images}
            merged = images + [image for image in added if image.id not in present]
            if len(merged) > MAX_SERVICE_IMAGES:
                raise too_many()
            return arranged(merged)

        updated, _ = await change_images(service_id, principal.id, append)
    except Exception:
        await new.undo()
        raise
    return await service_out(updated)


async def remove_image(principal: Principal, service_id: ObjectId, image_id: str) -> ServiceOut:
    def drop(images: list[ServiceImage]) -> list[ServiceImage]:
        if image_id not in {image.id for image in images}:
            raise ImageNotFound()
        return arranged([image for image in images if image.id != image_id])

    updated, gone = await change_images(service_id, principal.id, drop)
    await retire(service_id, gone)
    return await service_out(updated)


async def set_primary(principal: Principal, service_id: ObjectId, image_id: str) -> ServiceOut:
    def promote(images: list[ServiceImage]) -> list[ServiceImage]:
        if image_id not in {image.id for image in images}:
            raise ImageNotFound()
        return arranged(images, image_id)

    updated, _ = await change_images(service_id, principal.id, promote)
    return await service_out(updated)

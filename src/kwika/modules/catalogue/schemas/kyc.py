"""KYC documents of a service: uploads, status, the staff review's views."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from kwika.core.pagination import PaginationMeta
from kwika.core.schemas import RequestSchema, ResponseSchema
from kwika.modules.catalogue.constants import (
    KycShownStatus,
    ServiceVerification,
)


class KycUploadIn(RequestSchema):
    kyc_requirement_id: str | None = None
    file_id: str | None = Field(default=None, description="JSON: a `kyc_document` upload")
    notes: str | None = Field(default=None, max_length=1000)


class KycResubmitIn(RequestSchema):
    file_id: str | None = None
    notes: str | None = Field(default=None, max_length=1000)


class KycRequirementStatusOut(ResponseSchema):
    id: str = Field(description="The KYC requirement id")
    kyc_requirement_id: str
    document_id: str | None
    name: str
    description: str | None
    document_type: str
    is_required: bool
    accepted_formats: list[str]
    max_file_size_mb: int
    status: KycShownStatus
    document_url: str | None = Field(description="Signed, expires")
    document_name: str | None
    submitted_at: datetime | None
    reviewed_at: datetime | None
    rejection_reason: str | None
    notes: str | None
    resubmit_count: int


class KycStatusOut(ResponseSchema):
    service_id: str
    overall_status: ServiceVerification
    progress: int
    submitted_at: datetime | None
    last_updated_at: datetime | None
    requirements: list[KycRequirementStatusOut]


class KycSubmissionOut(ResponseSchema):
    """A service's KYC as staff review it (admin issue)."""

    id: str = Field(description="The service id")
    service_id: str
    service_name: str
    status: ServiceVerification
    owner_id: str
    submitted_at: datetime | None
    files: list[KycRequirementStatusOut]


class KycQueuePage(ResponseSchema):
    items: list[KycSubmissionOut]
    pagination: PaginationMeta


class KycSummaryItem(ResponseSchema):
    id: str
    name: str
    status: KycShownStatus
    submitted_at: datetime | None
    reviewed_at: datetime | None


class KycSummaryOut(ResponseSchema):
    overall_status: ServiceVerification
    progress: int
    requirements: list[KycSummaryItem]

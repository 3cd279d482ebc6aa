"""What the messaging handlers share: security, tags, the history cursors, the send form."""

from __future__ import annotations

from typing import Annotated

from litestar.params import QueryParameter

from kwika.core.forms import FormAsJson
from kwika.modules.messaging.services.attachments import UPLOADS

BEARER: list[dict[str, list[str]]] = [{"BearerToken": []}]
TAGS = ["Messages"]

Before = Annotated[
    str | None,
    QueryParameter(name="before", description="Message id: older messages than this one"),
]
After = Annotated[
    str | None, QueryParameter(name="after", description="Message id: newer messages only")
]


def send_form() -> FormAsJson:
    """Send routes take JSON, or form fields whose `attachments` file parts are stored for
    the sender first (media context `message_attachment`)."""
    return FormAsJson(files={"attachments": UPLOADS})

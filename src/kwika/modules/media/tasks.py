"""Media actors."""

from __future__ import annotations

import logging

from kwika.core.broker import task
from kwika.modules.media import service

log = logging.getLogger(__name__)


@task("media.sweep")
async def sweep() -> None:
    """Expire uploads never sent or never confirmed (their bytes are deleted and the quota
    given back); delete unclaimed files when ``KWIKA_MEDIA__ORPHAN_TTL_HOURS`` is set.
    Re-reads everything and guards each change, so running it twice is harmless."""
    counts = await service.sweep()
    if any(counts.values()):
        log.info("media sweep: %s", counts)

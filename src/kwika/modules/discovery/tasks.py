"""Discovery actors."""

from __future__ import annotations

import logging

from kwika.core.broker import task
from kwika.modules.discovery import ranking

log = logging.getLogger(__name__)


@task("discovery.flush_views")
async def flush_views() -> None:
    """Move counted views into the listings and recompute ranking scores (idempotent: views
    are taken from Redis atomically, scores are recomputed from stored state)."""
    changed = await ranking.flush_views()
    scored = await ranking.recompute()
    log.info("ranking: %d listings got views, %d scores changed", changed, scored)

"""Access counts and ranking scores (seed 000 1.2 and section 2).

A public view costs one Redis ``HINCRBY``. The ``discovery.flush_views`` actor, scheduled
every ``KWIKA_RANKING_INTERVAL_SECONDS``, moves the counts to MongoDB and recomputes every
listing's ranking score:

    score = 40 * views + 25 * rating/5 + 15 * reviews + 10 * completeness + 10 * verified

where ``views`` is the listing's time-decayed view count (half-life
``KWIKA_RANKING_HALF_LIFE_HOURS``) relative to the most viewed listing of its kind, on a
log scale, and ``reviews`` is the review count on a log scale saturating at 200.
"""

from __future__ import annotations

import math
import uuid
from datetime import datetime
from typing import Any

from bson import ObjectId

from kwika.core import clock, runtime
from kwika.core.redis import REDIS_DOWN, redis_key
from kwika.modules.discovery.documents import Listing, ListingKind
from kwika.modules.discovery.listings import SOCIAL_PROOF_SATURATION

W_VIEWS, W_RATING, W_REVIEWS, W_COMPLETE, W_VERIFIED = 40, 25, 15, 10, 10
PENDING_KEY = redis_key("views", "pending")
PENDING_TTL_SECONDS = 7 * 24 * 3600


async def record_view(kind: ListingKind, ref_id: str | ObjectId) -> None:
    """Count one public view; never fails the page that shows the object."""
    try:
        async with runtime.get().redis.pipeline(transaction=False) as pipe:
            await (
                pipe.hincrby(PENDING_KEY, f"{kind}:{ref_id}", 1)
                .expire(PENDING_KEY, PENDING_TTL_SECONDS)
                .execute()
            )
    except REDIS_DOWN:
        return


_TAKE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return 1
"""


async def _take_pending() -> dict[str, int]:
    """Atomically take the counts collected so far (new views start a fresh hash)."""
    client = runtime.get().redis
    batch = redis_key("views", "flushing", uuid.uuid4().hex)
    if not await client.eval(_TAKE, 2, PENDING_KEY, batch, PENDING_TTL_SECONDS):
        return {}
    raw = await client.hgetall(batch)
    await client.delete(batch)
    return {(k.decode() if isinstance(k, bytes) else k): int(v) for k, v in raw.items()}


def decayed(views: float, since: datetime | None, now: datetime) -> float:
    if since is None or views <= 0:
        return 0.0 if views <= 0 else views
    hours = max(0.0, (now - since).total_seconds() / 3600)
    half_life = runtime.get().settings.ranking_half_life_hours
    return views * 0.5 ** (hours / half_life)


async def flush_views() -> int:
    """Add the pending views to the listings; returns how many listings changed."""
    counts = await _take_pending()
    now = clock.now()
    collection = Listing.get_motor_collection()
    changed = 0
    for field, count in counts.items():
        kind, _, ref = field.partition(":")
        if not ObjectId.is_valid(ref):
            continue
        listing = await collection.find_one(
            {"kind": kind, "ref_id": ObjectId(ref)}, {"views_decayed": 1, "views_updated_at": 1}
        )
        if listing is None:
            continue
        current = decayed(listing.get("views_decayed", 0.0), listing.get("views_updated_at"), now)
        await collection.update_one(
            {"_id": listing["_id"]},
            {
                "$set": {"views_decayed": current + count, "views_updated_at": now},
                "$inc": {"access_count": count},
            },
        )
        changed += 1
    return changed


def score(listing: dict[str, Any], max_views: float, now: datetime) -> float:
    views = decayed(listing.get("views_decayed", 0.0), listing.get("views_updated_at"), now)
    view_part = math.log1p(views) / math.log1p(max_views) if max_views > 0 else 0.0
    reviews = min(
        1.0,
        math.log10(1 + listing.get("review_count", 0)) / math.log10(1 + SOCIAL_PROOF_SATURATION),
    )
    return round(
        W_VIEWS * view_part
        + W_RATING * max(0.0, min(listing.get("rating", 0.0), 5.0)) / 5
        + W_REVIEWS * reviews
        + W_COMPLETE * listing.get("completeness", 0.0)
        + W_VERIFIED * (1 if listing.get("verified") else 0),
        4,
    )


async def recompute() -> int:
    """Recompute every listing's ranking score; returns how many changed."""
    now = clock.now()
    collection = Listing.get_motor_collection()
    fields = {
        "kind": 1,
        "views_decayed": 1,
        "views_updated_at": 1,
        "rating": 1,
        "review_count": 1,
        "completeness": 1,
        "verified": 1,
        "ranking_score": 1,
    }
    rows = await collection.find({}, fields).to_list(None)
    max_views: dict[str, float] = {}
    for row in rows:
        views = decayed(row.get("views_decayed", 0.0), row.get("views_updated_at"), now)
        max_views[row["kind"]] = max(max_views.get(row["kind"], 0.0), views)
    written = 0
    for row in rows:
        value = score(row, max_views.get(row["kind"], 0.0), now)
        if value != row.get("ranking_score"):
            await collection.update_one({"_id": row["_id"]}, {"$set": {"ranking_score": value}})
            written += 1
    return written

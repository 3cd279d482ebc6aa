"""Access counts and ranking scores (seed 000 1.2 and section 2).

A public view costs one Redis ``HINCRBY``. The ``discovery.flush_views`` actor, scheduled
every ``KWIKA_RANKING_INTERVAL_SECONDS``, moves the counts to MongoDB and refreshes the
ranking scores:

    ranking_score = static_rank + view_rank
    static_rank   = 25 * rating/5 + 15 * reviews + 10 * completeness + 10 * verified
    view_rank     = 40 * log(1 + views) / log(1 + most views of that kind)

``reviews`` is the review count on a log scale saturating at 200; ``views`` are
time-decayed (half-life ``KWIKA_RANKING_HALF_LIFE_HOURS``). ``static_rank`` is computed
when a listing is indexed; the actor only rewrites listings that have views, and a listing
whose views have decayed to nothing falls back to its static rank.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from bson import ObjectId

from kwika.core import access, clock, runtime
from kwika.modules.discovery.documents import Listing

W_VIEWS, W_RATING, W_REVIEWS, W_COMPLETE, W_VERIFIED = 40, 25, 15, 10, 10
REVIEWS_SATURATION = 200
FORGOTTEN_BELOW = 0.01  # decayed views under this count as none


def static_rank(rating: float, reviews: int, verified: bool, completeness: float) -> float:
    review_part = min(1.0, math.log10(1 + reviews) / math.log10(1 + REVIEWS_SATURATION))
    return round(
        W_RATING * max(0.0, min(rating, 5.0)) / 5
        + W_REVIEWS * review_part
        + W_COMPLETE * completeness
        + W_VERIFIED * (1 if verified else 0),
        4,
    )


def decayed(views: float, since: datetime | None, now: datetime) -> float:
    if since is None or views <= 0:
        return max(views, 0.0)
    hours = max(0.0, (now - since).total_seconds() / 3600)
    half_life = runtime.get().settings.ranking_half_life_hours
    return views * 0.5 ** (hours / half_life)


async def flush_views() -> int:
    """Add the pending views to the listings; returns how many listings changed."""
    counts = await access.take_pending()
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


def view_rank(views: float, most_views: float) -> float:
    if views <= 0 or most_views <= 0:
        return 0.0
    return round(W_VIEWS * math.log1p(views) / math.log1p(most_views), 4)


async def recompute() -> int:
    """Refresh the view part of the ranking of every viewed listing; returns writes made."""
    now = clock.now()
    collection = Listing.get_motor_collection()
    fields = {
        "kind": 1,
        "views_decayed": 1,
        "views_updated_at": 1,
        "static_rank": 1,
        "view_rank": 1,
    }
    rows = await collection.find({"views_decayed": {"$gt": 0}}, fields).to_list(None)
    current = {
        row["_id"]: decayed(row["views_decayed"], row.get("views_updated_at"), now) for row in rows
    }
    most: dict[str, float] = {}
    for row in rows:
        most[row["kind"]] = max(most.get(row["kind"], 0.0), current[row["_id"]])
    written = 0
    for row in rows:
        views = current[row["_id"]]
        update: dict[str, Any]
        if views < FORGOTTEN_BELOW:
            update = {"views_decayed": 0.0, "view_rank": 0.0}
            rank = 0.0
        else:
            rank = view_rank(views, most[row["kind"]])
            if rank == row.get("view_rank"):
                continue
            update = {"view_rank": rank}
        update["ranking_score"] = round(row.get("static_rank", 0.0) + rank, 4)
        await collection.update_one({"_id": row["_id"]}, {"$set": update})
        written += 1
    return written

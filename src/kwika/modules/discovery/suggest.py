"""Autocomplete and popular searches (seed 002 Task 11)."""

from __future__ import annotations

from typing import Any

from kwika.core import clock, runtime
from kwika.core.redis import REDIS_DOWN, redis_key
from kwika.modules.discovery.documents import Listing, ListingKind, SearchTerm
from kwika.modules.discovery.text import fold, regex_escape

POPULAR_DAYS = 7
POPULAR_TTL_SECONDS = (POPULAR_DAYS + 1) * 24 * 3600
MAX_QUERY_LENGTH = 100


def _day_key(offset: int = 0) -> str:
    day = clock.now().toordinal() - offset
    return redis_key("search", "popular", day)


async def record_search(q: str | None) -> None:
    """Count a search for the popular list; never fails the search itself."""
    text = fold(q)[:MAX_QUERY_LENGTH]
    if len(text) < 2:
        return
    try:
        async with runtime.get().redis.pipeline(transaction=False) as pipe:
            await (
                pipe.zincrby(_day_key(), 1, text).expire(_day_key(), POPULAR_TTL_SECONDS).execute()
            )
    except REDIS_DOWN:
        return


async def popular(limit: int = 10) -> list[dict[str, Any]]:
    """The most frequent searches of the last seven days."""
    client = runtime.get().redis
    keys = [_day_key(offset) for offset in range(POPULAR_DAYS)]
    merged = redis_key("search", "popular", "merged", clock.now().toordinal())
    try:
        await client.zunionstore(merged, keys)
        await client.expire(merged, 60)
        rows = await client.zrevrange(merged, 0, limit - 1, withscores=True)
    except REDIS_DOWN:
        return []
    return [
        {"query": (q.decode() if isinstance(q, bytes) else q), "count": int(n)} for q, n in rows
    ]


async def suggest(prefix: str, kinds: list[ListingKind], limit: int = 10) -> list[dict[str, Any]]:
    """Listing titles, indexed words and popular searches that start with ``prefix``."""
    text = fold(prefix)
    if not text:
        return []
    starts = {"$regex": f"^{regex_escape(text)}"}
    suggestions: list[dict[str, Any]] = []
    seen: set[str] = set()

    def add(value: str, source: str, **extra: Any) -> None:
        key = fold(value)
        if key not in seen and len(suggestions) < limit:
            seen.add(key)
            suggestions.append({"text": value, "type": source, **extra})

    titles = (
        await Listing.get_motor_collection()
        .find({"kind": {"$in": kinds}, "title_key": starts}, {"title": 1, "kind": 1, "ref_id": 1})
        .sort([("ranking_score", -1), ("_id", 1)])
        .limit(limit)
        .to_list(None)
    )
    for row in titles:
        add(row["title"], "listing", kind=row["kind"], id=str(row["ref_id"]))
    for row in await popular(50):
        if row["query"].startswith(text):
            add(row["query"], "popular")
    words = (
        await SearchTerm.get_motor_collection()
        .find({"term": starts, "frequency": {"$gt": 0}}, {"term": 1})
        .sort([("frequency", -1), ("term", 1)])
        .limit(limit)
        .to_list(None)
    )
    for row in words:
        add(row["term"], "term")
    return suggestions

"""Autocomplete and popular searches (seed 002 Task 11)."""

from __future__ import annotations

from typing import Any

from kwika.core import clock, runtime
from kwika.core.redis import REDIS_DOWN, redis_key
from kwika.modules.discovery.documents import Listing, ListingKind, SearchTerm
from kwika.modules.discovery.text import fold, query_text, regex_escape

POPULAR_DAYS = 7
POPULAR_TTL_SECONDS = (POPULAR_DAYS + 1) * 24 * 3600
MAX_QUERY_LENGTH = 100
MIN_QUERY_LENGTH = 2
POPULAR_CANDIDATES = 100  # most searched queries checked for enough distinct searchers


def _day(offset: int = 0) -> int:
    return clock.now().toordinal() - offset


def _day_key(day: int) -> str:
    """Per day: query -> how many different people made it that day."""
    return redis_key("search", "popular", day)


def _searchers_key(day: int, text: str) -> str:
    """Per day and query: a HyperLogLog of who made it (fixed small size, no identities)."""
    return redis_key("search", "searchers", day, text)


def remembered(q: str | None) -> str | None:
    """The form a query is counted under: its folded words, or None when it has none
    (punctuation such as ``(.*`` is never suggested to anyone)."""
    text = query_text(q)[:MAX_QUERY_LENGTH].strip()
    return text if len(text) >= MIN_QUERY_LENGTH else None


async def record_search(q: str | None, searcher: str) -> None:
    """Count an answered search for the popular list, once per searcher and day; never
    fails the search itself."""
    text = remembered(q)
    if text is None:
        return
    day = _day()
    client = runtime.get().redis
    try:
        async with client.pipeline(transaction=False) as pipe:
            searchers = _searchers_key(day, text)
            # One call per line: redis-py types a queued command as an awaitable.
            pipe.pfadd(searchers, searcher)
            pipe.expire(searchers, POPULAR_TTL_SECONDS)
            added, _ = await pipe.execute()
        if added:
            async with client.pipeline(transaction=False) as pipe:
                pipe.zincrby(_day_key(day), 1, text)
                pipe.expire(_day_key(day), POPULAR_TTL_SECONDS)
                await pipe.execute()
    except REDIS_DOWN:
        return


async def popular(limit: int = 10) -> list[dict[str, Any]]:
    """The searches the most people made in the last seven days, each made by at least
    ``popular_search_min_searchers`` different people; ``count`` is how many."""
    client = runtime.get().redis
    days = [_day(offset) for offset in range(POPULAR_DAYS)]
    merged = redis_key("search", "popular", "merged", days[0])
    threshold = runtime.get().settings.popular_search_min_searchers
    try:
        await client.zunionstore(merged, [_day_key(day) for day in days])
        await client.expire(merged, 60)
        rows = await client.zrevrange(merged, 0, POPULAR_CANDIDATES - 1)
        queries = [q.decode() if isinstance(q, bytes) else str(q) for q in rows]
        async with client.pipeline(transaction=False) as pipe:
            for text in queries:
                pipe.pfcount(*[_searchers_key(day, text) for day in days])
            counts = await pipe.execute()
    except REDIS_DOWN:
        return []
    found: list[dict[str, Any]] = [
        {"query": text, "count": int(count)}
        for text, count in zip(queries, counts, strict=True)
        if count >= threshold
    ]
    found.sort(key=lambda row: (-row["count"], row["query"]))
    return found[:limit]


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

"""The embedded engine's own thread: every mongomock call runs there, never on an event loop.

mongomock evaluates queries and pipelines in Python; run on the event loop, a search over a
few hundred listings stalls every other request (``/health`` included) for its whole
duration. mongomock-motor only makes the calls *look* asynchronous. The classes below are
mongomock-motor's, with each call that touches the data (collection operations, cursor
iteration, aggregation, index and bulk operations, database commands) sent to one dedicated
thread and awaited. One thread is enough and is required: mongomock is not thread-safe, so
its work is serialised, and each operation stays atomic as it was on the loop.

Calls are awaited with ``loop.run_in_executor``, so clients on several event loops (the
test client's loop, the in-process worker's loop) share the one engine safely.
Production (motor on MongoDB) never imports this module.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from mongomock.collection import Cursor as MongoMockCursor
from mongomock.command_cursor import CommandCursor as MongoMockCommandCursor
from mongomock_motor import (
    AsyncCommandCursor,
    AsyncCursor,
    AsyncLatentCommandCursor,
    AsyncMongoMockClient,
    AsyncMongoMockCollection,
    AsyncMongoMockDatabase,
)

T = TypeVar("T")

THREAD_NAME = "kwika-embedded-engine"
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=THREAD_NAME)
_engine_thread: list[threading.Thread] = []


def _remember_thread() -> None:
    _engine_thread.append(threading.current_thread())


_executor.submit(_remember_thread).result()


async def run(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one synchronous mongomock call on the engine thread and await its result."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_executor, functools.partial(function, *args, **kwargs))


def _offloaded(method_name: str, attribute: str) -> Callable[..., Any]:
    async def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        target = getattr(self.__dict__[attribute], method_name)
        return await run(target, *args, **kwargs)

    method.__name__ = method_name
    return method


_COLLECTION_METHODS = (
    "bulk_write",
    "count_documents",
    "count",
    "create_index",
    "create_indexes",
    "delete_many",
    "delete_one",
    "drop_index",
    "drop_indexes",
    "drop",
    "distinct",
    "ensure_index",
    "estimated_document_count",
    "find_and_modify",
    "find_one_and_delete",
    "find_one_and_replace",
    "find_one_and_update",
    "find_one",
    "index_information",
    "inline_map_reduce",
    "insert_many",
    "insert_one",
    "map_reduce",
    "options",
    "reindex",
    "rename",
    "replace_one",
    "save",
    "update_many",
    "update_one",
)
_DATABASE_METHODS = (
    "create_collection",
    "dereference",
    "drop_collection",
    "list_collection_names",
    "validate_collection",
)
_CLIENT_METHODS = ("drop_database", "list_database_names", "list_databases", "server_info")


class _Results:
    """A cursor's results, computed once on the engine thread, then handed out from memory."""

    def __init__(self) -> None:
        self._rows: list[Any] | None = None
        self._position = 0

    async def _load(self, compute: Callable[[], list[Any]]) -> list[Any]:
        if self._rows is None:
            self._rows = await run(compute)
        return self._rows

    async def next_row(self, compute: Callable[[], list[Any]]) -> Any:
        rows = await self._load(compute)
        if self._position >= len(rows):
            raise StopAsyncIteration
        self._position += 1
        return rows[self._position - 1]

    async def rows(self, compute: Callable[[], list[Any]], length: int | None) -> list[Any]:
        rows = await self._load(compute)
        end = len(rows) if not length else min(len(rows), self._position + length)
        taken = rows[self._position : end]
        self._position = end
        return taken


class EngineCursor(AsyncCursor):
    def __init__(self, cursor: MongoMockCursor) -> None:
        super().__init__(cursor)
        self._results = _Results()

    def _compute(self) -> list[Any]:
        return list(self.__dict__["_AsyncCursor__cursor"])

    async def next(self) -> Any:
        return await self._results.next_row(self._compute)

    __anext__ = next

    async def to_list(self, length: int | None = None, *args: Any, **kwargs: Any) -> list[Any]:
        return await self._results.rows(self._compute, length)

    def clone(self) -> EngineCursor:
        return EngineCursor(self.__dict__["_AsyncCursor__cursor"].clone())

    async def distinct(self, *args: Any, **kwargs: Any) -> Any:
        return await run(self.__dict__["_AsyncCursor__cursor"].distinct, *args, **kwargs)

    async def close(self) -> None:
        return None


class EngineCommandCursor(AsyncCommandCursor):
    """A cursor over rows already in memory (``list_indexes``)."""


class EngineLatentCursor(AsyncLatentCommandCursor):
    """An aggregation, run on the engine thread when first read (as motor's is latent)."""

    def __init__(self, start: Callable[[], MongoMockCommandCursor]) -> None:
        super().__init__(None)
        self._start = start
        self._results = _Results()

    def _compute(self) -> list[Any]:
        return list(self._start())

    async def next(self) -> Any:
        return await self._results.next_row(self._compute)

    __anext__ = next

    async def to_list(self, length: int | None = None, *args: Any, **kwargs: Any) -> list[Any]:
        return await self._results.rows(self._compute, length)

    async def close(self) -> None:
        return None


class EngineCollection(AsyncMongoMockCollection):
    @property
    def _sync(self) -> Any:
        return self.__dict__["_AsyncMongoMockCollection__collection"]

    def find(self, *args: Any, **kwargs: Any) -> EngineCursor:
        return EngineCursor(self._sync.find(*args, **kwargs))

    def aggregate(self, *args: Any, **kwargs: Any) -> EngineLatentCursor:
        return EngineLatentCursor(functools.partial(self._sync.aggregate, *args, **kwargs))

    def list_indexes(self, *args: Any, **kwargs: Any) -> EngineCommandCursor:
        # Read eagerly: motor's list_indexes is a coroutine-free call returning a cursor, and
        # index metadata is tiny (it is only read at start-up by Beanie).
        rows = list(self._sync.list_indexes(*args, **kwargs))
        return EngineCommandCursor(MongoMockCommandCursor(rows))


for _name in _COLLECTION_METHODS:
    setattr(EngineCollection, _name, _offloaded(_name, "_AsyncMongoMockCollection__collection"))


class EngineDatabase(AsyncMongoMockDatabase):
    def get_collection(self, *args: Any, **kwargs: Any) -> EngineCollection:
        return EngineCollection(self, self.delegate.get_collection(*args, **kwargs))

    def aggregate(self, *args: Any, **kwargs: Any) -> EngineLatentCursor:
        return EngineLatentCursor(functools.partial(self.delegate.aggregate, *args, **kwargs))

    async def command(self, *args: Any, **kwargs: Any) -> Any:
        parent = super().command  # mongomock-motor's answers to buildInfo stay as they were
        return await run(_run_coroutine_inline, parent, *args, **kwargs)


def _run_coroutine_inline(coroutine_function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Drive a coroutine that never awaits (mongomock-motor's ``command``) to its result."""
    coroutine = coroutine_function(*args, **kwargs)
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise RuntimeError("mongomock-motor's command awaited unexpectedly")


for _name in _DATABASE_METHODS:
    setattr(EngineDatabase, _name, _offloaded(_name, "_AsyncMongoMockDatabase__database"))


class EngineClient(AsyncMongoMockClient):
    def get_database(self, *args: Any, **kwargs: Any) -> EngineDatabase:
        sync_client = self.__dict__["_AsyncMongoMockClient__client"]
        return EngineDatabase(
            self,
            sync_client.get_database(*args, **kwargs),
            mock_build_info=self.__dict__["_AsyncMongoMockClient__build_info"],
        )


for _name in _CLIENT_METHODS:
    setattr(EngineClient, _name, _offloaded(_name, "_AsyncMongoMockClient__client"))

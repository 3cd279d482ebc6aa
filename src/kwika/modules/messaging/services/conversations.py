"""Conversations: direct and group, their members, and each member's archive and mute."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from kwika.core import clock, runtime
from kwika.core.errors import (
    FieldError,
    ValidationFailed,
)
from kwika.core.ids import parse_id, try_parse_id
from kwika.core.module import conversation_contexts
from kwika.core.pagination import PageParams
from kwika.core.ratelimit import limit
from kwika.modules.identity import get_user_summaries, get_user_summary
from kwika.modules.messaging.constants import (
    MUTE_DURATIONS,
    ConversationFilter,
)
from kwika.modules.messaging.documents import (
    GENERAL,
    Conversation,
    ConversationContext,
    Participant,
)
from kwika.modules.messaging.exceptions import (
    SelfConversation,
    UserNotFound,
)
from kwika.modules.messaging.schemas import (
    ArchiveOut,
    ContextIn,
    ConversationOut,
    ConversationPage,
    ConversationSummary,
    MuteIn,
    MuteOut,
)
from kwika.modules.messaging.services import views

ADMIN_ROLES = ("owner", "admin")


async def resolve_context(
    data: ContextIn | None, people: list[ObjectId]
) -> ConversationContext | None:
    """What a conversation between ``people`` is about, as the server knows it. A type
    declared with a resolver (the catalogue's ``service``: must exist and be active, or
    belong to one of ``people``, 404 otherwise) shows its owner's title; the others keep the
    id only, with no title, until their module resolves them: text a caller sends is never
    shown as a context title."""
    if data is None or data.type == GENERAL:
        return None
    assert data.id is not None  # ContextIn requires it for a typed context
    declared = conversation_contexts.get(data.type)
    if declared is None or declared.resolve is None:
        return ConversationContext(type=data.type, id=data.id)
    found = await declared.resolve(data.id, people)
    return ConversationContext(type=data.type, id=found.id, title=found.title)


def direct_key(a: ObjectId, b: ObjectId, context: ConversationContext | None) -> str:
    low, high = sorted([str(a), str(b)])
    kind, ref = (context.type, context.id or "") if context else ("general", "")
    return f"{low}:{high}:{kind}:{ref}"


async def _limit_starts(user_id: ObjectId) -> None:
    settings = runtime.get().settings.messaging
    await limit(
        "messaging.start",
        str(user_id),
        settings.start_limit,
        3600,
        "You are starting too many conversations. Please try again later.",
    )


async def add_participants(conversation: Conversation, users: dict[ObjectId, str]) -> None:
    """Create participant rows (``users``: id -> role); existing ones stay as they are."""
    now = clock.now()
    context_type = conversation.context.type if conversation.context else "general"
    for user_id, role in users.items():
        try:
            await Participant(
                conversation_id=conversation.id,
                user_id=user_id,
                kind=conversation.kind,
                context_type=context_type,
                role=role,
                joined_at=now,
                last_activity_at=now,
            ).insert()
        except DuplicateKeyError:
            continue


async def get_or_create_direct(
    me: ObjectId, other: ObjectId, context: ConversationContext | None = None
) -> tuple[Conversation, bool]:
    """The direct conversation of two users about ``context``; ``True`` when new."""
    if me == other:
        raise SelfConversation()
    summary = await get_user_summary(other)
    if not summary.is_active:
        raise UserNotFound()
    key = direct_key(me, other, context)
    existing = await Conversation.find_one({"direct_key": key})
    if existing is not None:
        await add_participants(existing, {me: "member", other: "member"})  # heal a half-created one
        return existing, False
    conversation = Conversation(
        kind="direct",
        participant_ids=[me, other],
        direct_key=key,
        created_by=me,
        context=context,
    )
    try:
        await conversation.insert()
    except DuplicateKeyError:  # started by both at once: the first one wins
        found = await Conversation.find_one({"direct_key": key})
        assert found is not None
        return found, False
    await add_participants(conversation, {me: "member", other: "member"})
    return conversation, True


async def start_direct(
    me: ObjectId, other_id: str, context: ContextIn | None
) -> tuple[Conversation, Participant]:
    other = parse_id(other_id, "User")
    await _limit_starts(me)
    conversation, _ = await get_or_create_direct(
        me, other, await resolve_context(context, [me, other])
    )
    participant = await Participant.find_one({"conversation_id": conversation.id, "user_id": me})
    assert participant is not None
    return conversation, participant


async def existing_users(ids: list[str], field: str) -> list[ObjectId]:
    """The distinct users ``ids`` name (any spelling of an id: upper-case hex is the same
    user); 400 with one error per index that is malformed or names nobody active."""
    parsed = [try_parse_id(i) for i in ids]
    errors = [FieldError(f"{field}.{n}", "Not a user id") for n, v in enumerate(parsed) if not v]
    if errors:
        raise ValidationFailed(errors=errors)
    unique = list(dict.fromkeys(p for p in parsed if p is not None))
    found = await get_user_summaries(unique)

    def active(user_id: ObjectId | None) -> bool:
        summary = found.get(str(user_id))
        return summary is not None and summary.is_active

    missing = [
        FieldError(f"{field}.{n}", "User not found")
        for n, user_id in enumerate(parsed)
        if not active(user_id)
    ]
    if missing:
        raise ValidationFailed(errors=missing)
    return unique


async def create_group(
    me: ObjectId, participant_ids: list[str], title: str | None, context: ContextIn | None
) -> tuple[Conversation, Participant]:
    settings = runtime.get().settings.messaging
    others = [u for u in await existing_users(participant_ids, "participant_ids") if u != me]
    if not others:
        raise ValidationFailed.single("participant_ids", "Add at least one other person")
    if len(others) + 1 > settings.max_group_participants:
        raise ValidationFailed.single(
            "participant_ids",
            f"A group has at most {settings.max_group_participants} participants",
        )
    resolved = await resolve_context(context, [me, *others])
    await _limit_starts(me)
    conversation = Conversation(
        kind="group",
        participant_ids=[me, *others],
        title=title,
        created_by=me,
        context=resolved,
    )
    await conversation.insert()
    await add_participants(conversation, {me: "owner", **dict.fromkeys(others, "member")})
    participant = await Participant.find_one({"conversation_id": conversation.id, "user_id": me})
    assert participant is not None
    return conversation, participant


# ---------------------------------------------------------------------------- reading


def _filter_query(user_id: ObjectId, name: ConversationFilter) -> dict[str, Any]:
    query: dict[str, Any] = {"user_id": user_id, "archived": name == "archived"}
    if name == "unread":
        query["unread_count"] = {"$gt": 0}
    elif name in ("service", "event", "booking", "job"):
        query["context_type"] = name
    elif name in ("group", "direct"):
        query["kind"] = name
    return query


async def list_conversations(
    user_id: ObjectId, paging: PageParams, name: ConversationFilter
) -> ConversationPage:
    """Most recent activity first. ``all`` leaves archived conversations out."""
    query = _filter_query(user_id, name)
    collection = Participant.get_motor_collection()
    total_items = await collection.count_documents(query)
    mine = (
        await Participant.find(query)
        .sort("-last_activity_at", "-_id")
        .skip(paging.skip)
        .limit(paging.limit)
        .to_list()
    )
    page = paging.build(await views.conversations_out(user_id, mine), total_items)
    return ConversationPage(
        items=page.items, pagination=page.pagination, summary=await summary(user_id)
    )


async def summary(user_id: ObjectId) -> ConversationSummary:
    collection = Participant.get_motor_collection()
    total = await collection.count_documents({"user_id": user_id})
    unread = 0
    async for row in collection.find(
        {"user_id": user_id, "unread_count": {"$gt": 0}}, {"unread_count": 1}
    ):
        unread += int(row["unread_count"])
    return ConversationSummary(total_conversations=total, total_unread=unread)


async def get(user_id: ObjectId, conversation_id: str) -> ConversationOut:
    conversation, me = await views.membership(user_id, conversation_id)
    return await views.one_conversation_out(conversation, me)


# ---------------------------------------------------------------------------- per member


async def archive(user_id: ObjectId, conversation_id: str, archived: bool) -> ArchiveOut:
    _, me = await views.membership(user_id, conversation_id)
    await Participant.get_motor_collection().update_one(
        {"_id": me.id}, {"$set": {"archived": archived}}
    )
    return ArchiveOut(archived=archived)


async def mute(user_id: ObjectId, conversation_id: str, data: MuteIn) -> MuteOut:
    """Seed 003 11.8. A muted conversation sends no notifications (messages still arrive
    live and count as unread)."""
    _, me = await views.membership(user_id, conversation_id)
    collection = Participant.get_motor_collection()
    if not data.muted:
        await collection.update_one(
            {"_id": me.id}, {"$set": {"muted_forever": False}, "$unset": {"muted_until": ""}}
        )
        return MuteOut(muted=False, muted_until=None)
    length = MUTE_DURATIONS[data.duration or "forever"]
    if length is None:
        await collection.update_one(
            {"_id": me.id}, {"$set": {"muted_forever": True}, "$unset": {"muted_until": ""}}
        )
        return MuteOut(muted=True, muted_until=None)
    until = clock.now() + length
    await collection.update_one(
        {"_id": me.id}, {"$set": {"muted_forever": False, "muted_until": until}}
    )
    return MuteOut(muted=True, muted_until=until)

"""Group conversations: admins rename them and manage members and roles; owners hand
over when they leave."""

from __future__ import annotations

from bson import ObjectId

from kwika.core import clock, runtime
from kwika.core.errors import (
    ValidationFailed,
)
from kwika.core.ids import id_of, parse_id
from kwika.core.realtime import emit_to_users
from kwika.modules.messaging.constants import (
    EVENT_CONVERSATION_UPDATED,
    GrantedRole,
)
from kwika.modules.messaging.documents import (
    Conversation,
    Participant,
)
from kwika.modules.messaging.exceptions import (
    NotAGroup,
    NotGroupAdmin,
    NotGroupOwner,
    OwnerCannotBeRemoved,
    OwnerStaysAdmin,
    ParticipantNotFound,
)
from kwika.modules.messaging.services import views
from kwika.modules.messaging.services.conversations import (
    ADMIN_ROLES,
    add_participants,
    existing_users,
)


async def _group_admin(user_id: ObjectId, conversation_id: str) -> tuple[Conversation, Participant]:
    conversation, me = await views.membership(user_id, conversation_id)
    if conversation.kind != "group":
        raise NotAGroup()
    return conversation, me


def _require_admin(me: Participant) -> None:
    if me.role not in ADMIN_ROLES:
        raise NotGroupAdmin()


async def announce(conversation_id: ObjectId, extra: list[ObjectId] | None = None) -> None:
    """``conversation_updated`` to its members (and ``extra``: someone just removed)."""
    conversation = await Conversation.get(conversation_id)
    if conversation is None:
        return
    payload = {
        "conversation_id": str(conversation.id),
        "title": conversation.title,
        "participant_ids": [str(p) for p in conversation.participant_ids],
        "is_closed": conversation.closed_at is not None,
    }
    await emit_to_users(
        [*conversation.participant_ids, *(extra or [])], EVENT_CONVERSATION_UPDATED, payload
    )


async def rename(user_id: ObjectId, conversation_id: str, title: str) -> Conversation:
    conversation, me = await _group_admin(user_id, conversation_id)
    _require_admin(me)
    await Conversation.get_motor_collection().update_one(
        {"_id": conversation.id}, {"$set": {"title": title, "updated_at": clock.now()}}
    )
    await announce(id_of(conversation))
    return conversation


async def add_members(
    user_id: ObjectId, conversation_id: str, user_ids: list[str]
) -> tuple[Conversation, list[ObjectId]]:
    conversation, me = await _group_admin(user_id, conversation_id)
    _require_admin(me)
    wanted = await existing_users(user_ids, "user_ids")
    new = [u for u in wanted if u not in conversation.participant_ids]
    if not new:
        return conversation, []
    cap = runtime.get().settings.messaging.max_group_participants
    # Guarded update: only when the group still has room for all of them.
    result = await Conversation.get_motor_collection().update_one(
        {"_id": conversation.id, f"participant_ids.{cap - len(new)}": {"$exists": False}},
        {"$addToSet": {"participant_ids": {"$each": new}}, "$set": {"updated_at": clock.now()}},
    )
    if not result.modified_count:
        raise ValidationFailed.single("user_ids", f"A group has at most {cap} participants")
    await add_participants(conversation, dict.fromkeys(new, "member"))
    await announce(id_of(conversation))
    return conversation, new


async def remove_member(
    user_id: ObjectId, conversation_id: str, member_id: str
) -> tuple[Conversation, ObjectId]:
    """Admins remove members; anyone removes themself (leaves)."""
    conversation, me = await _group_admin(user_id, conversation_id)
    target = parse_id(member_id, "Participant")
    if target != user_id:
        _require_admin(me)
    member = await Participant.find_one({"conversation_id": conversation.id, "user_id": target})
    if member is None:
        raise ParticipantNotFound()
    if target != user_id and member.role == "owner":
        raise OwnerCannotBeRemoved()
    await drop_member(member)
    return conversation, target


async def set_role(
    user_id: ObjectId, conversation_id: str, member_id: str, role: GrantedRole
) -> tuple[Conversation, ObjectId, bool]:
    """Make a member an admin, or an admin a member; ``True`` when the role changed.

    Owners and admins promote; only the owner takes another admin's role away, and an
    admin may step down. The owner's own role never changes here, so a group always keeps
    an admin (when the owner leaves, the longest-standing admin becomes owner)."""
    conversation, me = await _group_admin(user_id, conversation_id)
    _require_admin(me)
    target = parse_id(member_id, "Participant")
    member = await Participant.find_one({"conversation_id": conversation.id, "user_id": target})
    if member is None:
        raise ParticipantNotFound()
    if member.role == "owner":
        raise OwnerStaysAdmin()
    if member.role == role:
        return conversation, target, False
    if role == "member" and target != user_id and me.role != "owner":
        raise NotGroupOwner()
    # Guarded on the role it had, so two admins changing it at once change it once.
    result = await Participant.get_motor_collection().update_one(
        {"_id": member.id, "role": member.role}, {"$set": {"role": role}}
    )
    if not result.modified_count:
        return conversation, target, False
    await announce(id_of(conversation))
    return conversation, target, True


async def drop_member(member: Participant) -> None:
    """Take someone out of a group; an owner leaving hands the group over."""
    await Participant.get_motor_collection().delete_one({"_id": member.id})
    await Conversation.get_motor_collection().update_one(
        {"_id": member.conversation_id},
        {"$pull": {"participant_ids": member.user_id}, "$set": {"updated_at": clock.now()}},
    )
    if member.role == "owner":
        await _hand_over(member.conversation_id)
    await announce(member.conversation_id, extra=[member.user_id])


async def _hand_over(conversation_id: ObjectId) -> None:
    """The owner left: the longest-standing admin (else member) becomes owner."""
    for role in ("admin", "member"):
        heir = (
            await Participant.find({"conversation_id": conversation_id, "role": role})
            .sort("+joined_at")
            .first_or_none()
        )
        if heir is not None:
            await Participant.get_motor_collection().update_one(
                {"_id": heir.id}, {"$set": {"role": "owner"}}
            )
            return

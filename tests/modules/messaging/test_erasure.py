"""Erasing an account (identity.user_anonymised): the others keep readable conversations,
the erased person's words, files, reactions and name go (documents/decisions.md,
"Erasure in messaging")."""

from __future__ import annotations

import json

from bson import ObjectId

from kwika.modules.messaging.services.erasure import erase_user
from tests.modules.media import samples
from tests.support import data, erase_account, register


async def _send(client, account, cid, **body):
    response = await client.post(f"/messages/{cid}", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    return data(response)


async def test_direct_conversations_stay_readable_without_the_erased_person(client, outbox):
    ann = await register(client, outbox, first_name="Annabel", last_name="Kariuki")
    bob = await register(client, outbox, first_name="Bob")
    started = data(
        await client.post(
            "/messages/start",
            json={"recipient_id": bob.id, "content": "My number is 0712 000 111"},
            headers=ann.headers,
        )
    )
    cid = started["conversation_id"]
    photo = data(
        await client.post(
            f"/messages/{cid}",
            headers=ann.headers,
            files={"attachments": ("me.jpg", samples.jpeg(), "image/jpeg")},
        )
    )
    bobs = await _send(client, bob, cid, content="Got it", reply_to=started["message"]["id"])
    await client.post(
        f"/messages/{cid}/messages/{bobs['id']}/reactions",
        json={"emoji": "👍"},
        headers=ann.headers,
    )
    await client.put(f"/messages/{cid}/read", headers=ann.headers)
    last_words = await _send(client, ann, cid, content="Bye from Annabel")
    photo_url = photo["attachments"][0]["url"]

    await erase_account(client, ann)

    page = data(await client.get(f"/messages/{cid}", headers=bob.headers))
    conversation = page["conversation"]
    assert conversation["is_closed"] is True
    assert conversation["title"] == "Deleted User"
    assert conversation["participant"]["is_deleted"] is True
    assert conversation["participant"]["avatar"] is None
    assert conversation["last_message"]["id"] == last_words["id"]
    assert conversation["last_message"]["content"] == ""
    assert conversation["unread_count"] == 0
    by_id = {m["id"]: m for m in page["items"]}
    assert len(by_id) == 4  # every message keeps its place
    for message_id in (started["message"]["id"], photo["id"], last_words["id"]):
        erased = by_id[message_id]
        assert erased["is_deleted"] is True
        assert erased["content"] == ""
        assert erased["attachments"] == []
        assert erased["sender"] == {
            "id": ann.id,
            "name": "Deleted User",
            "username": "deleted_user",
            "avatar": None,
            "is_deleted": True,
        }
    mine = by_id[bobs["id"]]
    assert mine["content"] == "Got it"
    assert mine["reply_to"]["content"] == ""
    assert mine["reactions"] == []
    assert mine["is_read"] is True  # Ann's read receipt stays: it names nobody
    assert "Annabel" not in json.dumps(page)
    assert "0712" not in json.dumps(page)
    assert (await client.get(photo_url)).status_code in (403, 404)
    listed = data(await client.get("/messages/conversations", headers=bob.headers))["items"]
    assert [c["id"] for c in listed] == [cid]
    refused = await client.post(f"/messages/{cid}", json={"content": "Hello?"}, headers=bob.headers)
    assert refused.status_code == 409
    assert refused.json()["code"] == "CONVERSATION_CLOSED"
    again = await client.post(
        "/messages/start", json={"recipient_id": ann.id, "content": "x"}, headers=bob.headers
    )
    assert again.status_code == 404

    # The receiver may run again (a retried erasure): nothing changes, nothing fails.
    await erase_user(ObjectId(ann.id))
    assert data(await client.get(f"/messages/{cid}", headers=bob.headers))["items"] == page["items"]


async def test_the_erased_person_leaves_groups_and_their_name_goes(client, outbox):
    ann = await register(client, outbox, first_name="Annabel")
    bob = await register(client, outbox, first_name="Bob")
    carol = await register(client, outbox, first_name="Carol")
    created = data(
        await client.post(
            "/conversations",
            json={"type": "group", "participant_ids": [bob.id, carol.id], "title": "Trip"},
            headers=ann.headers,
        )
    )
    gid = created["conversation_id"]
    await client.patch(f"/conversations/{gid}", json={"title": "Trip 2026"}, headers=ann.headers)
    await _send(client, ann, gid, content="Annabel here")
    await _send(client, carol, gid, content="Hi all")

    await erase_account(client, ann)

    group = data(await client.get(f"/conversations/{gid}", headers=bob.headers))
    assert group["is_closed"] is False
    assert {p["id"] for p in group["participants"]} == {bob.id, carol.id}
    roles = {p["id"]: p["role"] for p in group["participants"]}
    assert "owner" in roles.values()
    history = data(await client.get(f"/messages/{gid}", headers=carol.headers))["items"]
    texts = [m["content"] for m in history]
    assert "The group was created" in texts
    assert "The group was renamed" in texts
    assert "Hi all" in texts
    assert "Annabel" not in json.dumps(history)
    # Bob or Carol (the new owner) can still manage the group, and everyone can write.
    owner = bob if roles[bob.id] == "owner" else carol
    renamed = await client.patch(
        f"/conversations/{gid}", json={"title": "Trip 2027"}, headers=owner.headers
    )
    assert renamed.status_code == 200
    assert (
        await client.post(f"/messages/{gid}", json={"content": "ok"}, headers=bob.headers)
    ).status_code == 201

"""Groups over HTTP: who may be added, what a later member may see, and admin roles."""

from __future__ import annotations

from datetime import timedelta

from kwika.core import clock
from tests.support import data, register

UNKNOWN_ID = "65F0000000000000000000AB"  # a well-formed id of nobody, in upper case


async def _group(client, owner, *members, title="Trip"):
    response = await client.post(
        "/conversations",
        json={"type": "group", "participant_ids": [m.id for m in members], "title": title},
        headers=owner.headers,
    )
    assert response.status_code == 201, response.text
    return data(response)["conversation_id"]


async def _people(client, outbox, *names):
    return [await register(client, outbox, first_name=name) for name in names]


# ---------------------------------------------------------------------------- participant ids


async def test_unknown_ids_in_any_spelling_are_field_errors_at_their_index(client, outbox):
    olga, bob = await _people(client, outbox, "Olga", "Bob")

    created = await client.post(
        "/conversations",
        json={"type": "group", "participant_ids": [bob.id, "bad", UNKNOWN_ID]},
        headers=olga.headers,
    )
    assert created.status_code == 400, created.text
    assert {e["field"] for e in created.json()["errors"]} == {"participant_ids.1"}

    created = await client.post(
        "/conversations",
        json={"type": "group", "participant_ids": [bob.id.upper(), UNKNOWN_ID]},
        headers=olga.headers,
    )
    assert created.status_code == 400, created.text
    assert created.json()["code"] == "VALIDATION_FAILED"
    assert created.json()["errors"] == [{"field": "participant_ids.1", "message": "User not found"}]

    cid = await _group(client, olga, bob)
    added = await client.post(
        f"/conversations/{cid}/participants",
        json={"user_ids": [UNKNOWN_ID, UNKNOWN_ID.lower()]},
        headers=olga.headers,
    )
    assert added.status_code == 400, added.text
    assert {e["field"] for e in added.json()["errors"]} == {"user_ids.0", "user_ids.1"}


async def test_a_known_user_id_in_upper_case_is_the_same_user(client, outbox):
    olga, bob, cara = await _people(client, outbox, "Olga", "Bob", "Cara")
    cid = await _group(client, olga, bob)

    added = await client.post(
        f"/conversations/{cid}/participants",
        json={"user_ids": [cara.id.upper(), bob.id.upper()]},
        headers=olga.headers,
    )

    assert added.status_code == 200, added.text
    assert {p["id"] for p in data(added)["participants"]} == {olga.id, bob.id, cara.id}


# ---------------------------------------------------------------------------- join time


async def test_a_later_member_cannot_reach_earlier_messages_by_id(client, outbox):
    olga, bob, dan = await _people(client, outbox, "Olga", "Bob", "Dan")
    cid = await _group(client, olga, bob)
    secret = data(
        await client.post(
            f"/conversations/{cid}/messages",
            json={"content": "the surprise is on Friday"},
            headers=bob.headers,
        )
    )
    clock.travel(timedelta(seconds=5))
    await client.post(
        f"/conversations/{cid}/participants", json={"user_ids": [dan.id]}, headers=olga.headers
    )
    old = secret["id"]

    reply = await client.post(
        f"/conversations/{cid}/messages",
        json={"content": "what was that?", "reply_to": old},
        headers=dan.headers,
    )
    react = await client.post(
        f"/messages/{cid}/messages/{old}/reactions", json={"emoji": "👍"}, headers=dan.headers
    )
    unreact = await client.delete(f"/messages/{cid}/messages/{old}/reactions", headers=dan.headers)
    delete = await client.delete(f"/messages/{cid}/messages/{old}", headers=dan.headers)
    read_by_message_id = await client.put(f"/messages/{old}/read", headers=dan.headers)
    read_listed = await client.put(
        f"/conversations/{cid}/read", json={"message_ids": [old]}, headers=dan.headers
    )
    scroll = await client.get(f"/conversations/{cid}/messages?after={old}", headers=dan.headers)

    # A message from before you joined answers like one that does not exist.
    assert reply.status_code == 400, reply.text
    assert reply.json()["errors"][0]["field"] == "reply_to"
    assert "surprise" not in reply.text
    assert react.status_code == 404, react.text
    assert "surprise" not in react.text
    assert unreact.status_code == 404
    assert delete.status_code == 404
    assert read_by_message_id.status_code == 404
    assert data(read_listed)["marked_count"] == 0
    assert scroll.status_code == 400
    history = data(await client.get(f"/conversations/{cid}/messages", headers=dan.headers))
    assert all("surprise" not in m["content"] for m in history["items"])
    # Earlier members still can.
    olgas_reaction = await client.post(
        f"/messages/{cid}/messages/{old}/reactions", json={"emoji": "🎉"}, headers=olga.headers
    )
    assert olgas_reaction.status_code == 200
    olgas_reply = await client.post(
        f"/conversations/{cid}/messages",
        json={"content": "shh", "reply_to": old},
        headers=olga.headers,
    )
    assert olgas_reply.status_code == 201


async def test_a_later_member_reaches_messages_sent_since_they_joined(client, outbox):
    olga, bob, dan = await _people(client, outbox, "Olga", "Bob", "Dan")
    cid = await _group(client, olga, bob)
    await client.post(
        f"/conversations/{cid}/participants", json={"user_ids": [dan.id]}, headers=olga.headers
    )
    clock.travel(timedelta(seconds=1))
    since = data(
        await client.post(
            f"/conversations/{cid}/messages", json={"content": "welcome Dan"}, headers=bob.headers
        )
    )

    reply = await client.post(
        f"/conversations/{cid}/messages",
        json={"content": "thanks", "reply_to": since["id"]},
        headers=dan.headers,
    )
    react = await client.post(
        f"/messages/{cid}/messages/{since['id']}/reactions",
        json={"emoji": "👍"},
        headers=dan.headers,
    )
    read = await client.put(f"/messages/{since['id']}/read", headers=dan.headers)

    assert reply.status_code == 201, reply.text
    assert data(reply)["reply_to"]["content"] == "welcome Dan"
    assert react.status_code == 200
    assert data(read)["message_ids"] == [since["id"]]


# ---------------------------------------------------------------------------- roles


async def test_the_owner_makes_a_member_an_admin_who_can_then_manage(client, outbox):
    olga, bob, cara, dan = await _people(client, outbox, "Olga", "Bob", "Cara", "Dan")
    cid = await _group(client, olga, bob, cara)

    refused = await client.post(
        f"/conversations/{cid}/participants", json={"user_ids": [dan.id]}, headers=bob.headers
    )
    promoted = await client.patch(
        f"/conversations/{cid}/participants/{bob.id}", json={"role": "admin"}, headers=olga.headers
    )

    assert refused.status_code == 403
    assert promoted.status_code == 200, promoted.text
    roles = {p["id"]: p["role"] for p in data(promoted)["participants"]}
    assert roles == {olga.id: "owner", bob.id: "admin", cara.id: "member"}
    bobs_view = data(await client.get(f"/conversations/{cid}", headers=bob.headers))
    assert bobs_view["role"] == "admin"
    added = await client.post(
        f"/conversations/{cid}/participants", json={"user_ids": [dan.id]}, headers=bob.headers
    )
    assert added.status_code == 200, added.text
    renamed = await client.patch(f"/conversations/{cid}", json={"title": "X"}, headers=bob.headers)
    assert renamed.status_code == 200
    history = data(await client.get(f"/conversations/{cid}/messages", headers=cara.headers))
    system = [m for m in history["items"] if m["message_type"] == "system"]
    assert any(m["content"] == "Olga User made Bob User an admin" for m in system)
    changed = next(m for m in system if m["data"].get("action") == "role_changed")
    assert changed["data"] == {"action": "role_changed", "user_id": bob.id, "role": "admin"}


async def test_role_rules(client, outbox):
    olga, bob, cara, eve = await _people(client, outbox, "Olga", "Bob", "Cara", "Eve")
    cid = await _group(client, olga, bob, cara)

    def role_of(account, role, by):
        return client.patch(
            f"/conversations/{cid}/participants/{account.id}", json={"role": role}, headers=by
        )

    # Members cannot change roles; nobody changes the owner's.
    assert (await role_of(cara, "admin", bob.headers)).status_code == 403
    owner_demoted = await role_of(olga, "member", olga.headers)
    assert owner_demoted.status_code == 409
    assert owner_demoted.json()["code"] == "OWNER_STAYS_ADMIN"
    # Only admin and member are roles you can give.
    bad = await role_of(bob, "owner", olga.headers)
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "role"
    missing = await client.patch(
        f"/conversations/{cid}/participants/{bob.id}", headers=olga.headers
    )
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["field"] == "role"
    # Not in the group, not a user, not your group: 404.
    assert (await role_of(eve, "admin", olga.headers)).status_code == 404
    assert (
        await client.patch(
            f"/conversations/{cid}/participants/nope", json={"role": "admin"}, headers=olga.headers
        )
    ).status_code == 404
    assert (await role_of(bob, "admin", eve.headers)).status_code == 404

    # Admins promote; only the owner demotes another admin; an admin may step down.
    assert (await role_of(bob, "admin", olga.headers)).status_code == 200
    assert (await role_of(cara, "admin", bob.headers)).status_code == 200
    by_admin = await role_of(cara, "member", bob.headers)
    assert by_admin.status_code == 403
    assert (await role_of(bob, "member", bob.headers)).status_code == 200
    assert (await role_of(cara, "member", olga.headers)).status_code == 200
    again = await role_of(cara, "member", olga.headers)  # no change, no second system message
    assert again.status_code == 200
    roles = {p["id"]: p["role"] for p in data(again)["participants"]}
    assert roles == {olga.id: "owner", bob.id: "member", cara.id: "member"}
    history = data(await client.get(f"/conversations/{cid}/messages", headers=olga.headers))
    changes = [m for m in history["items"] if m["data"].get("action") == "role_changed"]
    assert len(changes) == 4

    # The owner leaves: an admin takes over, so the group keeps an admin.
    await role_of(cara, "admin", olga.headers)
    await client.delete(f"/conversations/{cid}/participants/{olga.id}", headers=olga.headers)
    assert data(await client.get(f"/conversations/{cid}", headers=cara.headers))["role"] == "owner"


async def test_a_direct_conversation_has_no_roles(client, outbox):
    ann, bob = await _people(client, outbox, "Ann", "Bob")
    started = await client.post(
        "/messages/start", json={"recipient_id": bob.id, "content": "hi"}, headers=ann.headers
    )
    cid = data(started)["conversation_id"]
    response = await client.patch(
        f"/conversations/{cid}/participants/{bob.id}", json={"role": "admin"}, headers=ann.headers
    )
    assert response.status_code == 400
    assert response.json()["code"] == "NOT_A_GROUP"

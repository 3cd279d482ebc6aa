from datetime import timedelta

from kwika.core import clock
from kwika.core.broker import drain, enqueue
from kwika.modules.identity import tasks
from kwika.modules.identity.documents import User
from tests.support import PASSWORD, bearer, body, data, login, register


async def test_profile_get_and_update_with_json_or_form_fields(client, outbox):
    account = await register(client, outbox)
    response = await client.get("/users/profile", headers=account.headers)
    assert response.status_code == 200
    assert data(response)["email"] == account.email
    response = await client.put(
        "/users/me",
        headers=account.headers,
        json={
            "bio": "Event photographer",
            "city": "Arusha",
            "countryCode": "tz",
            "instagram": "@amina",
            "website": "https://amina.example.com",
            "date_of_birth": "1994-05-15",
            "gender": "female",
        },
    )
    assert response.status_code == 200
    profile = data(response)
    assert profile["bio"] == "Event photographer"
    assert profile["location"] == {"city": "Arusha", "country": None, "country_code": "TZ"}
    assert profile["social_links"]["instagram"] == "amina"
    assert profile["social_links"]["website"] == "https://amina.example.com/"
    assert profile["date_of_birth"] == "1994-05-15"
    form = await client.put(
        "/users/profile",
        headers=account.headers,
        data={"first_name": "Amina", "bio": "Weddings too"},
    )
    assert form.status_code == 200
    assert data(form)["first_name"] == "Amina"
    assert data(form)["bio"] == "Weddings too"
    assert data(form)["location"]["city"] == "Arusha"


async def test_profile_updates_are_validated(client, outbox):
    account = await register(client, outbox)
    response = await client.put(
        "/users/profile",
        headers=account.headers,
        json={"gender": "robot", "date_of_birth": "2999-01-01", "website": "not a url"},
    )
    assert response.status_code == 400
    assert {e["field"] for e in body(response)["errors"]} == {"gender", "date_of_birth", "website"}


async def test_a_taken_username_is_409(client, outbox):
    alice = await register(client, outbox, username="alice_k")
    bob = await register(client, outbox)
    response = await client.put("/users/profile", headers=bob.headers, json={"username": "Alice_K"})
    assert response.status_code == 409
    assert body(response)["errors"][0]["field"] == "username"
    same = await client.put("/users/profile", headers=alice.headers, json={"username": "alice_k"})
    assert same.status_code == 200


async def test_public_profiles_hide_private_fields(client, outbox):
    account = await register(client, outbox, phone="+255716000888")
    response = await client.get(f"/users/{account.id}")
    assert response.status_code == 200
    public = data(response)
    assert public["username"] == account.username
    for private in ("email", "phone", "date_of_birth", "two_factor_enabled", "pending_email"):
        assert private not in public
    assert (await client.get("/users/0123456789abcdef01234567")).status_code == 404
    assert (await client.get("/users/nope")).status_code == 404


async def test_changing_email_takes_effect_after_the_new_address_confirms(client, outbox):
    account = await register(client, outbox)
    taken = await register(client, outbox)
    conflict = await client.put(
        "/users/email",
        headers=account.headers,
        json={"new_email": taken.email, "password": PASSWORD},
    )
    assert conflict.status_code == 409
    response = await client.put(
        "/users/email",
        headers=account.headers,
        json={"new_email": "New.Address@Example.com", "password": PASSWORD},
    )
    assert response.status_code == 200
    assert data(response)["pending_email"] == "new.address@example.com"
    assert (
        data(await client.get("/users/profile", headers=account.headers))["email"] == account.email
    )
    code = await outbox.code("new.address@example.com", "contact_change_code")
    confirm = await client.post("/users/email/verify", headers=account.headers, json={"code": code})
    assert confirm.status_code == 200
    assert data(confirm)["email"] == "new.address@example.com"
    assert data(confirm)["pending_email"] is None
    notice = await outbox.last(to=account.email, template="security_alert")
    assert "new.address@example.com" in notice["body"]
    account.email = "new.address@example.com"
    assert (await login(client, account)).status_code == 200


async def test_changing_phone_needs_the_password_and_the_sms_code(client, outbox):
    account = await register(client, outbox)
    wrong = await client.put(
        "/users/phone",
        headers=account.headers,
        json={"new_phone": "+255717000999", "password": "Wrong-Pass-1"},
    )
    assert wrong.status_code == 400
    response = await client.put(
        "/users/phone",
        headers=account.headers,
        json={"new_phone": "+255717000999", "password": PASSWORD},
    )
    assert data(response)["pending_phone"] == "+255717000999"
    code = await outbox.code("+255717000999", "contact_change_code")
    confirm = await client.post("/users/phone/verify", headers=account.headers, json={"code": code})
    assert data(confirm)["phone"] == "+255717000999"
    assert data(confirm)["is_phone_verified"] is True


async def test_deleting_signs_out_everywhere_and_signing_in_within_30_days_restores(client, outbox):
    account = await register(client, outbox)
    response = await client.request(
        "DELETE",
        "/users/account",
        headers=account.headers,
        json={"password": PASSWORD, "reason": "Taking a break"},
    )
    assert response.status_code == 200
    result = data(response)
    assert result["final_deletion_at"] > result["deletion_scheduled_at"]
    assert (await client.get("/auth/me", headers=account.headers)).status_code == 401
    assert (await User.get(account.id)).status == "pending_deletion"
    clock.travel(timedelta(days=10))
    assert (await login(client, account)).status_code == 200
    assert (await User.get(account.id)).status == "active"


async def test_after_the_grace_period_the_account_is_anonymised(client, outbox):
    account = await register(client, outbox, phone="+255718000111")
    await client.request(
        "DELETE", "/users/me", headers=account.headers, json={"password": PASSWORD}
    )
    clock.travel(timedelta(days=31))
    await enqueue(tasks.purge_deleted_accounts)
    await drain()
    stored = await User.get(account.id)
    assert stored.status == "deleted"
    assert (stored.email, stored.phone, stored.password_hash) == (None, None, None)
    assert stored.first_name == "Deleted"
    assert (await login(client, account)).status_code == 401
    assert (await client.get(f"/users/{account.id}")).status_code == 404
    # Running the actor again changes nothing and fails nothing.
    await enqueue(tasks.anonymise_account, account.id)
    await drain()
    # The address is free again.
    again = await client.post(
        "/users/signup",
        json={
            "first_name": "New",
            "last_name": "Person",
            "email": account.email,
            "password": PASSWORD,
        },
    )
    assert again.status_code == 201


async def test_deletion_needs_the_password(client, outbox):
    account = await register(client, outbox)
    response = await client.request(
        "DELETE", "/users/account", headers=account.headers, json={"password": "Wrong-Pass-1"}
    )
    assert response.status_code == 400
    assert (await client.get("/auth/me", headers=bearer(account.access_token))).status_code == 200


async def test_anonymisation_also_erases_the_persons_files(client, outbox):
    import io

    from PIL import Image

    account = await register(client, outbox)
    image = io.BytesIO()
    Image.new("RGB", (64, 64), "teal").save(image, format="PNG")
    uploaded = await client.post(
        "/uploads/direct",
        headers=account.headers,
        files={"file": ("me.png", image.getvalue(), "image/png")},
        data={"context": "post_media"},
    )
    assert uploaded.status_code == 201, uploaded.text
    file_url = data(uploaded)["file_url"]
    assert (await client.get(file_url)).status_code == 200
    await client.request(
        "DELETE", "/users/account", headers=account.headers, json={"password": PASSWORD}
    )
    clock.travel(timedelta(days=31))
    await enqueue(tasks.purge_deleted_accounts)
    await drain()
    assert (await client.get(file_url)).status_code == 404


async def test_a_failing_erasure_receiver_is_retried_without_failing_the_anonymisation(
    client, outbox
):
    """A module whose receiver of user_anonymised fails does not stop the anonymisation:
    its delivery is retried in the background until it succeeds (receivers are idempotent)."""
    from bson import ObjectId

    from kwika.modules.identity.services import profile
    from kwika.modules.identity.signals import user_anonymised

    account = await register(client, outbox)
    await client.request(
        "DELETE", "/users/account", headers=account.headers, json={"password": PASSWORD}
    )
    clock.travel(timedelta(days=31))
    calls: list[ObjectId] = []

    async def flaky(user_id: ObjectId) -> None:
        calls.append(user_id)
        if len(calls) == 1:
            raise ConnectionError("a module's database was unreachable")

    user_anonymised.connect(flaky)
    try:
        assert await profile.anonymise(ObjectId(account.id)) is True
        assert (await User.get(account.id)).deletion.erased_at is not None
        await drain()
        assert await profile.anonymise(ObjectId(account.id)) is False
        await drain()
    finally:
        user_anonymised.disconnect(flaky)
    assert calls == [ObjectId(account.id)] * 2


async def test_public_profiles_of_never_verified_accounts_are_not_served(client, outbox):
    """Issue 11 item 13: a sign-up nobody confirmed is not a public person yet."""
    account = await register(client, outbox, verify=False, sign_in=False)

    hidden = await client.get(f"/users/{account.id}")

    assert hidden.status_code == 404
    assert body(hidden)["code"] == "NOT_FOUND"
    code = await outbox.code(account.email, "verify_code")
    verified = await client.post(
        "/users/verify-otp",
        json={"user_id": account.id, "verification_type": "email", "otp_code": code},
    )
    assert verified.status_code == 200
    assert (await client.get(f"/users/{account.id}")).status_code == 200

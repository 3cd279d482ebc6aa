from kwika.modules.identity.documents import User
from tests.support import PASSWORD, body, data


async def test_signup_creates_an_unverified_account_and_sends_a_code(client, outbox):
    response = await client.post(
        "/users/signup",
        json={
            "first_name": "Amina",
            "last_name": "Juma",
            "email": "Amina.Juma@Example.com",
            "phone": "0712 345 678",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 201
    assert body(response)["success"] is True
    assert body(response)["message"] == "User created successfully. Please verify your email."
    created = data(response)
    assert created["verification_type"] == "email"
    assert created["sent_to"] == "a***@example.com"
    stored = await User.get(created["id"])
    assert stored.email == "amina.juma@example.com"
    assert stored.phone == "+255712345678"  # default region TZ, normalised to E.164
    assert stored.username == created["username"] == "aminajuma"
    assert stored.password_hash.startswith("$argon2id$")
    assert not stored.is_email_verified
    message = await outbox.last(to="amina.juma@example.com", template="verify_code")
    assert message["channel"] == "email"
    assert "verify-email?token=" in message["body"]


async def test_signup_accepts_camel_case_and_the_register_alias(client):
    response = await client.post(
        "/auth/register",
        json={
            "firstName": "Baraka",
            "lastName": "Otieno",
            "email": "baraka@example.com",
            "password": PASSWORD,
            "username": "Baraka_O",
        },
    )
    assert response.status_code == 201
    assert data(response)["username"] == "baraka_o"


async def test_every_invalid_field_is_reported_at_once(client):
    response = await client.post(
        "/users/signup",
        json={
            "first_name": "J",
            "last_name": "D3",
            "email": "not-an-email",
            "phone": "12",
            "username": "no spaces",
            "password": "short",
        },
    )
    assert response.status_code == 400
    payload = body(response)
    assert payload["code"] == "VALIDATION_FAILED"
    fields = {error["field"]: error["message"] for error in payload["errors"]}
    assert fields == {
        "first_name": "First name must be 2 to 50 characters",
        "last_name": "Last name can only contain letters",
        "email": "Email format is invalid",
        "phone": "Phone number is invalid; include the country code",
        "username": "Username can only contain letters, numbers, and underscores",
        "password": "Password must be at least 8 characters",
    }


async def test_names_with_hyphens_and_apostrophes_are_accepted(client):
    response = await client.post(
        "/users/signup",
        json={
            "first_name": "Mary-Jane",
            "last_name": "Ng'ang'a",
            "email": "mj@example.com",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 201


async def test_weak_and_common_passwords_are_refused(client):
    for password, message in [
        ("alllowercase1", "Password must contain an uppercase letter"),
        ("Password1", "This password is too common; choose another one"),
    ]:
        response = await client.post(
            "/users/signup",
            json={
                "first_name": "Weak",
                "last_name": "Pass",
                "email": "weak@example.com",
                "password": password,
            },
        )
        assert response.status_code == 400
        assert body(response)["errors"] == [{"field": "password", "message": message}]


async def test_an_email_or_a_phone_is_required(client):
    response = await client.post(
        "/users/signup", json={"first_name": "No", "last_name": "Contact", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert body(response)["errors"][0]["field"] == "email"


async def test_duplicates_are_409_naming_each_field(client):
    first = {
        "first_name": "Dup",
        "last_name": "Licate",
        "email": "dup@example.com",
        "phone": "+254712000111",
        "username": "dupe",
        "password": PASSWORD,
    }
    assert (await client.post("/users/signup", json=first)).status_code == 201
    again = {**first, "email": "DUP@example.com", "phone": "+254 712 000 111"}
    response = await client.post("/users/signup", json=again)
    assert response.status_code == 409
    assert body(response)["message"] == "User already exists"
    assert {e["field"] for e in body(response)["errors"]} == {"email", "phone", "username"}


async def test_a_provider_may_register_with_a_phone_only(client, outbox):
    response = await client.post(
        "/users/signup",
        json={
            "first_name": "Fundi",
            "last_name": "Mkuu",
            "phone": "+255754000222",
            "password": PASSWORD,
            "role": "craftsman",
        },
    )
    assert response.status_code == 201
    assert data(response)["verification_type"] == "phone"
    stored = await User.get(data(response)["id"])
    assert stored.account_type == "provider"
    assert stored.email is None
    sms = await outbox.last(to="+255754000222", template="verify_code")
    assert sms["channel"] == "sms"


async def test_inline_registration_sends_a_set_password_link_never_a_password(client, outbox):
    response = await client.post(
        "/users/signup",
        json={
            "first_name": "Guest",
            "last_name": "Person",
            "phone": "+255765000333",
            "registered_by": "Jane Smith",
        },
    )
    assert response.status_code == 201
    assert data(response)["verification_type"] is None
    sms = await outbox.last(to="+255765000333", template="set_password_link")
    assert "Jane Smith" in sms["body"]
    assert "set-password?token=" in sms["body"]
    stored = await User.get(data(response)["id"])
    assert stored.password_hash is None
    token = await outbox.link_token("+255765000333", "set_password_link")
    reset = await client.post(
        "/auth/reset-password",
        json={"token": token, "password": PASSWORD, "password_confirmation": PASSWORD},
    )
    assert reset.status_code == 200
    signin = await client.post(
        "/auth/signin", json={"credential": "+255765000333", "password": PASSWORD}
    )
    assert signin.status_code == 200  # the link proved the phone number
    assert data(signin)["user"]["is_phone_verified"] is True


async def test_signups_are_limited_per_network_address(client):
    for n in range(10):
        response = await client.post(
            "/users/signup",
            json={
                "first_name": "Many",
                "last_name": "Users",
                "email": f"many{n}@example.com",
                "password": PASSWORD,
            },
        )
        assert response.status_code == 201
    response = await client.post(
        "/users/signup",
        json={
            "first_name": "Many",
            "last_name": "Users",
            "email": "many10@example.com",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert body(response)["data"]["retry_after"] > 0


async def test_check_username_suggests_available_names(client):
    free = await client.get("/users/check-username", params={"username": "freshname"})
    assert data(free) == {"available": True, "username": "freshname", "suggestions": None}
    await client.post(
        "/users/signup",
        json={
            "first_name": "John",
            "last_name": "Doe",
            "email": "jd@example.com",
            "username": "johndoe",
            "password": PASSWORD,
        },
    )
    await client.post(
        "/users/signup",
        json={
            "first_name": "John",
            "last_name": "Doe",
            "email": "jd2@example.com",
            "username": "john_doe",
            "password": PASSWORD,
        },
    )
    taken = await client.get(
        "/users/check-username",
        params={"username": "JohnDoe", "first_name": "John", "last_name": "Doe"},
    )
    assert body(taken)["message"] == "Username is taken"
    result = data(taken)
    assert result["available"] is False
    assert "john_doe" not in result["suggestions"]
    assert 1 <= len(result["suggestions"]) <= 5
    for suggestion in result["suggestions"]:
        check = await client.get("/users/check-username", params={"username": suggestion})
        assert data(check)["available"] is True


async def test_check_username_rejects_invalid_names(client):
    response = await client.get("/users/check-username", params={"username": "bad name!"})
    assert response.status_code == 400
    assert body(response)["errors"][0]["field"] == "username"

from tests.support import body


async def test_liveness_answers_without_checking_dependencies(client):
    response = await client.get("http://testserver/health")
    assert response.status_code == 200
    assert body(response) == {"success": True, "message": "Alive", "data": {"status": "ok"}}


async def test_readiness_checks_mongodb_redis_and_broker(client):
    response = await client.get("/health/ready")
    assert response.status_code == 200
    assert body(response)["data"]["checks"] == {"mongodb": "ok", "redis": "ok", "broker": "ok"}

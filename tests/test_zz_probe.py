import time
from tests.support import register, make_provider


async def test_probe(client, outbox):
    await register(client, outbox)
    for direct in (False, True, False, True):
        t = time.perf_counter()
        for _ in range(4):
            await register(client, outbox, direct=direct)
        print(f"\ndirect={direct}: {(time.perf_counter() - t) / 4 * 1000:.0f} ms each")
    me = await client.get("/users/me", headers=(await register(client, outbox, direct=True)).headers)
    print(me.status_code)

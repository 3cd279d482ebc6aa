"""A demo conversation for `kwika seed --demo` and `kwika serve --demo` (never otherwise):
the demo client asks the demo vendor about a wedding, so the inbox is not empty."""

from __future__ import annotations

from kwika.core.module import SeedContext
from kwika.modules import identity
from kwika.modules.messaging.services import conversations, messages

DEMO_EXCHANGE = [
    ("democlient", "Hello! Are you free to photograph a wedding on the 14th of next month?"),
    ("demovendor", "Hello, yes we are. How many guests, and where is the ceremony?"),
    ("democlient", "About 200 guests, at a garden venue in Msasani."),
]


async def demo_conversations(context: SeedContext) -> int:
    """A direct conversation between the demo client and vendor; created once (an existing
    one is left as it is)."""
    if not context.demo:
        return 0
    users = await identity.demo_user_ids()
    client_id, vendor_id = users.get("democlient"), users.get("demovendor")
    if client_id is None or vendor_id is None:
        return 0
    conversation, created = await conversations.get_or_create_direct(client_id, vendor_id)
    if not created:
        return 0
    for done, (username, text) in enumerate(DEMO_EXCHANGE, start=1):
        await messages.send(users[username], str(conversation.id), text)
        context.progress("demo conversations", done, len(DEMO_EXCHANGE))
    return 1

from kwika.core.module import ModuleSpec
from kwika.modules.identity.signals import user_anonymised
from kwika.modules.messaging import gateway
from kwika.modules.messaging.controllers import CONTROLLERS
from kwika.modules.messaging.demo import demo_conversations
from kwika.modules.messaging.documents import (
    BUILTIN_CONTEXT_TYPES,
    Conversation,
    Message,
    Participant,
)
from kwika.modules.messaging.services.erasure import erase_user

module = ModuleSpec(
    name="messaging",
    route_handlers=CONTROLLERS,
    documents=[Conversation, Participant, Message],
    task_modules=["kwika.modules.messaging.tasks"],
    seeders=[demo_conversations],
    receivers=[(user_anonymised, erase_user)],
    socket_handlers=gateway.HANDLERS,
    conversation_contexts=BUILTIN_CONTEXT_TYPES,
    tags=[
        {
            "name": "Messages",
            "description": "Direct and group conversations; real time over Socket.IO "
            "(documents/realtime.md)",
        }
    ],
)

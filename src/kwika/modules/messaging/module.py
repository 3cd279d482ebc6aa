from kwika.core.module import ModuleSpec
from kwika.modules.messaging import gateway  # noqa: F401 - declares the Socket.IO handlers
from kwika.modules.messaging.controllers import CONTROLLERS
from kwika.modules.messaging.documents import Conversation, Message, Participant

module = ModuleSpec(
    name="messaging",
    route_handlers=CONTROLLERS,
    documents=[Conversation, Participant, Message],
    tags=[
        {
            "name": "Messages",
            "description": "Direct and group conversations; real time over Socket.IO "
            "(documents/realtime.md)",
        }
    ],
)

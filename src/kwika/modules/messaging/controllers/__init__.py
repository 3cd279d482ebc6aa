"""Messaging endpoints, by path family."""

from kwika.modules.messaging.controllers.conversations import ConversationsController
from kwika.modules.messaging.controllers.messages import MessagesController

CONTROLLERS = [MessagesController, ConversationsController]

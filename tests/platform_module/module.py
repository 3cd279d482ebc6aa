from kwika.core.module import (
    MB,
    ConversationContextDecl,
    ListingKindDecl,
    ModuleSpec,
    NotificationTypeDecl,
    SettingsSection,
    SocketHandler,
    TemplateFolder,
    UploadContext,
)
from tests.platform_module import service

module = ModuleSpec(
    name="platform_test",
    notification_types=[
        NotificationTypeDecl("platform_ping", category="system", email_template="platform_ping")
    ],
    notification_templates=[TemplateFolder("tests.platform_module", "templates")],
    upload_contexts=[
        UploadContext(
            "platform_sticker", frozenset({"png", "jpg"}), "A sticker", image_bytes=1 * MB
        )
    ],
    conversation_contexts=[
        ConversationContextDecl("platform_thing", resolve=service.thing_context)
    ],
    listing_kinds=[
        ListingKindDecl(
            "platform_thing",
            ids=service.all_thing_ids,
            refresh=service.refresh_thing,
            global_search=True,
            label="platform things",
        )
    ],
    socket_handlers=[SocketHandler("platform_echo", service.echo)],
    settings=SettingsSection("platform", service.PlatformSettings),
)

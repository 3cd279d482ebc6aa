"""What a module contributes to the process; ``kwika.registry`` lists them.

A module never edits a list another module owns. It declares its vocabulary (notification
types, upload contexts, conversation context types, listing kinds, Socket.IO events, a
settings section) as typed fields of its :class:`ModuleSpec`; the registry adds them to the
:class:`Vocabulary` registries below when it loads the module, and the owning module reads
its registry (``notification_types``, ``upload_contexts``...) instead of a module-level
constant. Entries declared in advance for modules that do not exist yet (event covers,
booking templates...) are declared by the owning module's own spec until their module
arrives.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from beanie import Document
from bson import ObjectId
from pydantic import BaseModel, create_model
from pydantic_settings import BaseSettings, SettingsConfigDict

from kwika.core.scheduler import Schedule
from kwika.core.signals import Check, CheckReceiver, Receiver, Signal

if TYPE_CHECKING:
    from kwika.core.auth import ClientContext
    from kwika.core.tokens import Principal

Seeder = Callable[["SeedContext"], Awaitable[int]]
StartupHook = Callable[[], Awaitable[None]]


@dataclass
class SeedContext:
    demo: bool = False
    # Progress callback: (description, done, total).
    progress: Callable[[str, int, int], None] = lambda *_: None

    def acting_as(self, user_id: ObjectId) -> tuple[Principal, ClientContext]:
        """A signed-in user and request, for demo seeders that go through the modules'
        own use cases (so listings, counters and notifications follow as for a client)."""
        # Imported here: the registry imports this module before anything else.
        from kwika.core import clock
        from kwika.core.auth import ClientContext
        from kwika.core.net import describe_device
        from kwika.core.tokens import Principal

        now = clock.now()
        principal = Principal(
            kind="user",
            id=user_id,
            session_id=ObjectId(),
            jti="seed",
            expires_at=now + timedelta(minutes=5),
            role="user",
        )
        agent = "kwika seed --demo"
        client = ClientContext(
            ip="127.0.0.1", user_agent=agent, device=describe_device(agent), request_id="seed"
        )
        return principal, client


# ---------------------------------------------------------------------------- declarations


class Declaration(Protocol):
    @property
    def key(self) -> str: ...


@dataclass(frozen=True)
class NotificationTypeDecl:
    """A notification type (``notify(type=...)``) and how it is delivered.

    ``category`` is one of the notification preference categories (the switches of
    ``/notifications/preferences``, notifications' own vocabulary); ``email_template`` names
    a template of a registered template folder (None: the generic one); ``whatsapp_template``
    an approved WhatsApp template (None: plain text). ``system_actor``: shown as sent by
    the application itself.
    """

    name: str
    category: str
    email_template: str | None = None
    whatsapp_template: str | None = None
    system_actor: bool = False

    @property
    def key(self) -> str:
        return self.name


@dataclass(frozen=True)
class WhatsAppTemplate:
    """A template approved in Meta: its name and ordered parameters."""

    name: str
    parameters: tuple[str, ...]

    @property
    def key(self) -> str:
        return self.name


@dataclass(frozen=True)
class TemplateFolder:
    """A folder of Jinja message templates (``<name>.j2``) inside a Python package."""

    package: str
    path: str = "templates"

    @property
    def key(self) -> str:
        return f"{self.package}:{self.path}"


MB = 1024 * 1024


@dataclass(frozen=True)
class ImageShape:
    """How stored images of an upload context are shaped (see media's ``ImageRule``)."""

    max_side: int = 2048
    square: int | None = None
    thumbnail: int = 320
    # Memory one image may take once decoded (width x height x bands): a 190 KB PNG can
    # hold 196 MB of pixels. The default takes a 40 MP RGB photo.
    max_decoded_bytes: int = 120 * MB


@dataclass(frozen=True)
class UploadContext:
    """What a file is for: allowed formats (media's format names: ``jpg``, ``pdf``...),
    size limits per kind, privacy and image shaping. Media refuses unknown formats and
    limits above its route body limit when the module is loaded."""

    name: str
    formats: frozenset[str]
    description: str
    image_bytes: int = 10 * MB
    video_bytes: int = 50 * MB
    document_bytes: int = 10 * MB
    private: bool = False
    shape: ImageShape | None = None

    @property
    def key(self) -> str:
        return self.name


@dataclass(frozen=True)
class ContextObject:
    """What a conversation context points at, as its owner shows it."""

    id: str
    title: str | None


# (object id, the conversation's people) -> the object; raise NotFound when it may not be
# discussed (missing, or hidden from these people).
ContextResolver = Callable[[str, list[ObjectId]], Awaitable[ContextObject]]


@dataclass(frozen=True)
class ConversationContextDecl:
    """A type of thing a conversation can be about (``{"type": "booking", "id": ...}``).

    With a ``resolve`` the object is looked up and its title is shown; without one the id is
    kept with no title (text a caller sends is never shown as a context title).
    """

    name: str
    resolve: ContextResolver | None = None
    description: str = ""

    @property
    def key(self) -> str:
        return self.name


@dataclass(frozen=True)
class ListingKindDecl:
    """A kind of search listing (discovery's read model).

    ``ids`` lists every object of the kind for ``kwika reindex``; ``refresh(id)`` reads the
    object through its owner and stores (``discovery.upsert``) or removes
    (``discovery.remove``) its listing. A kind fed by another kind's refresh (experiences
    are services) has neither. ``global_search``: found by ``/search`` and
    ``/search/suggest`` with no type.
    """

    name: str
    ids: Callable[[], AsyncIterator[ObjectId]] | None = None
    refresh: Callable[[ObjectId], Awaitable[None]] | None = None
    global_search: bool = False
    label: str = ""

    @property
    def key(self) -> str:
        return self.name


SocketCallable = Callable[[Any, Any], Awaitable[Any]]


@dataclass(frozen=True)
class SocketHandler:
    """A client-to-server Socket.IO event and its handler (``(connection, payload)``; the
    return value is the acknowledgement, wrapped in the API envelope)."""

    event: str
    handler: SocketCallable

    @property
    def key(self) -> str:
        return self.event


@dataclass(frozen=True)
class SettingsSection:
    """A module's own settings, read from ``KWIKA_<NAME>__<FIELD>`` (and ``.env``)."""

    name: str
    model: type[BaseModel]

    @property
    def key(self) -> str:
        return self.name


D = TypeVar("D", bound=Declaration)


class Vocabulary(Generic[D]):
    """Declarations of one kind, by key, with the module that declared each."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._items: dict[str, D] = {}
        self._owners: dict[str, str] = {}
        self._listeners: list[Callable[[], None]] = []

    def add(self, item: D, owner: str) -> None:
        known = self._owners.get(item.key)
        if known is not None and known != owner:
            raise RuntimeError(f"{self.what} '{item.key}' is declared by {known} and {owner}")
        self._items[item.key] = item
        self._owners[item.key] = owner
        self._changed()

    def remove_owner(self, owner: str) -> None:
        for key in [k for k, o in self._owners.items() if o == owner]:
            del self._items[key]
            del self._owners[key]
        self._changed()

    def on_change(self, listener: Callable[[], None]) -> None:
        """Caches derived from the declarations drop themselves here."""
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in self._listeners:
            listener()

    def get(self, key: str) -> D | None:
        return self._items.get(key)

    def owner(self, key: str) -> str | None:
        return self._owners.get(key)

    def __getitem__(self, key: str) -> D:
        return self._items[key]

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[D]:
        return iter(list(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)

    def names(self) -> tuple[str, ...]:
        return tuple(self._items)


notification_types: Vocabulary[NotificationTypeDecl] = Vocabulary("notification type")
whatsapp_templates: Vocabulary[WhatsAppTemplate] = Vocabulary("WhatsApp template")
template_folders: Vocabulary[TemplateFolder] = Vocabulary("template folder")
upload_contexts: Vocabulary[UploadContext] = Vocabulary("upload context")
conversation_contexts: Vocabulary[ConversationContextDecl] = Vocabulary("conversation context")
listing_kinds: Vocabulary[ListingKindDecl] = Vocabulary("listing kind")
socket_handlers: Vocabulary[SocketHandler] = Vocabulary("Socket.IO event")
settings_sections: Vocabulary[SettingsSection] = Vocabulary("settings section")

_section_values: dict[str, BaseModel] = {}
settings_sections.on_change(_section_values.clear)

M = TypeVar("M", bound=BaseModel)


def module_settings(name: str, model: type[M]) -> M:
    """A module's settings section, read once from the environment (``KWIKA_<NAME>__*``)."""
    value = _section_values.get(name)
    if value is None:

        class _Env(BaseSettings):
            model_config = SettingsConfigDict(
                env_prefix=f"KWIKA_{name.upper()}__", env_file=".env", extra="ignore"
            )

        fields = {k: (f.annotation, f) for k, f in model.model_fields.items()}
        env_model = create_model(  # type: ignore[call-overload]
            f"{model.__name__}Env", __base__=_Env, **fields
        )
        value = model.model_validate(env_model().model_dump())
        _section_values[name] = value
    assert isinstance(value, model)
    return value


def reset_module_settings() -> None:
    """Read sections again (tests that change the environment)."""
    _section_values.clear()


# ---------------------------------------------------------------------------- the spec


@dataclass(frozen=True)
class ModuleSpec:
    name: str
    route_handlers: Sequence[Any] = ()
    # Served outside /api/v1 too (liveness probes expect /health).
    root_route_handlers: Sequence[Any] = ()
    documents: Sequence[type[Document]] = ()
    # Modules imported for their side effect of declaring actors.
    task_modules: Sequence[str] = ()
    schedules: Sequence[Schedule] = ()
    # Reference data every deployment needs; demo data when SeedContext.demo.
    seeders: Sequence[Seeder] = ()
    # Run once when a process (API or worker) has its runtime.
    on_startup: Sequence[StartupHook] = ()
    # (signal of another module, receiver of this one): the receiver runs in the background
    # once the sender's change succeeded (retried). (check of another module, answerer):
    # runs in the asking request and may veto. Connected by the registry.
    receivers: Sequence[tuple[Signal, Receiver] | tuple[Check, CheckReceiver]] = ()
    tags: Sequence[dict[str, str]] = field(default_factory=tuple)
    # Vocabulary (see the module docstring).
    notification_types: Sequence[NotificationTypeDecl] = ()
    whatsapp_templates: Sequence[WhatsAppTemplate] = ()
    notification_templates: Sequence[TemplateFolder] = ()
    upload_contexts: Sequence[UploadContext] = ()
    conversation_contexts: Sequence[ConversationContextDecl] = ()
    listing_kinds: Sequence[ListingKindDecl] = ()
    socket_handlers: Sequence[SocketHandler] = ()
    settings: SettingsSection | None = None
    # Services other modules' code asks for through a protocol (``resolvers[Protocol]``),
    # so the asking module never imports this one (notifications asks identity for contacts).
    provides: Mapping[type, Any] = field(default_factory=dict)

    def vocabulary(self) -> Iterator[tuple[Vocabulary[Any], Declaration]]:
        pairs: list[tuple[Vocabulary[Any], Sequence[Any]]] = [
            (notification_types, self.notification_types),
            (whatsapp_templates, self.whatsapp_templates),
            (template_folders, self.notification_templates),
            (upload_contexts, self.upload_contexts),
            (conversation_contexts, self.conversation_contexts),
            (listing_kinds, self.listing_kinds),
            (socket_handlers, self.socket_handlers),
            (settings_sections, [self.settings] if self.settings else []),
        ]
        for registry, items in pairs:
            for item in items:
                yield registry, item


ALL_VOCABULARIES: tuple[Vocabulary[Any], ...] = (
    notification_types,
    whatsapp_templates,
    template_folders,
    upload_contexts,
    conversation_contexts,
    listing_kinds,
    socket_handlers,
    settings_sections,
)


# ---------------------------------------------------------------------------- resolvers


T = TypeVar("T")


class Resolvers:
    """Implementations of protocols, by protocol: a module asks for ``resolvers.get(P)``
    and another module provides it through ``ModuleSpec.provides`` (no import between
    them)."""

    def __init__(self) -> None:
        self._by_protocol: dict[type, Any] = {}
        self._owners: dict[type, str] = {}

    def provide(self, protocol: type[T], implementation: T, owner: str) -> None:
        known = self._owners.get(protocol)
        if known is not None and known != owner:
            raise RuntimeError(f"{protocol.__name__} is provided by {known} and {owner}")
        self._by_protocol[protocol] = implementation
        self._owners[protocol] = owner

    def remove_owner(self, owner: str) -> None:
        for protocol in [p for p, o in self._owners.items() if o == owner]:
            del self._by_protocol[protocol]
            del self._owners[protocol]

    def get(self, protocol: type[T]) -> T:
        try:
            return self._by_protocol[protocol]
        except KeyError:
            raise RuntimeError(
                f"No module provides {protocol.__name__}: is its module in the registry?"
            ) from None


resolvers = Resolvers()

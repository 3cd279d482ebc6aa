"""One settings object, read once from ``KWIKA_*`` environment variables and ``.env``.

Top-level names match the operator-facing variables (``KWIKA_MONGODB_URI``,
``KWIKA_REDIS_URL``...). Provider credentials live in nested sections addressed with a
double underscore (``KWIKA_EMAIL__BACKEND=smtp``). ``.env.example`` explains every one.
"""

from __future__ import annotations

import ipaddress
import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

CommaList = Annotated[list[str], NoDecode]

DEFAULT_PUBLIC_BASE_URL = "http://localhost:8000"
# Approximate units of each currency per US dollar (early 2026), for comparing prices across
# currencies when KWIKA_CURRENCY_RATES is not set; the table is rebased on the default
# currency. Good enough to filter and sort listings, never used to charge anyone.
DEFAULT_RATES_PER_USD: dict[str, Decimal] = {
    "USD": Decimal("1"),
    "TZS": Decimal("2500"),
    "KES": Decimal("129"),
    "EGP": Decimal("49"),
    "EUR": Decimal("0.92"),
}


def _split_commas(value: object) -> object:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class JWTSettings(BaseModel):
    issuer: str = "kwika"
    user_audience: str = "kwika-api"
    staff_audience: str = "kwika-admin"
    algorithm: Literal["HS256", "HS384", "HS512"] = "HS256"
    # kid -> secret. Empty means "derive one key from KWIKA_SECRET_KEY".
    keys: dict[str, SecretStr] = Field(default_factory=dict)
    active_kid: str = "k1"
    access_ttl_seconds: int = 15 * 60
    refresh_ttl_seconds: int = 24 * 3600
    remember_me_refresh_ttl_seconds: int = 30 * 24 * 3600
    challenge_ttl_seconds: int = 5 * 60


class PasswordHashSettings(BaseModel):
    """argon2id cost; tests lower it, production keeps the library defaults."""

    time_cost: int = 3
    memory_cost_kib: int = 65536
    parallelism: int = 4


class EmailSettings(BaseModel):
    backend: Literal["outbox", "smtp", "sendgrid", "resend"] = "outbox"
    from_address: str = "Kwika <no-reply@kwika.local>"
    smtp_host: str = "localhost"
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_use_tls: bool = False
    smtp_timeout_seconds: float = 15.0
    sendgrid_api_key: SecretStr | None = None
    sendgrid_base_url: str = "https://api.sendgrid.com"
    resend_api_key: SecretStr | None = None
    resend_base_url: str = "https://api.resend.com"


class SmsSettings(BaseModel):
    backend: Literal["outbox", "africastalking"] = "outbox"
    africastalking_username: str = "sandbox"
    africastalking_api_key: SecretStr | None = None
    africastalking_base_url: str = "https://api.africastalking.com"
    sender_id: str | None = None


class PushSettings(BaseModel):
    """Push notifications: ``outbox`` (development) or Firebase Cloud Messaging HTTP v1."""

    backend: Literal["outbox", "fcm"] = "outbox"
    fcm_project_id: str | None = None
    # A Google service account: either the JSON key file, or its two fields.
    fcm_credentials_file: Path | None = None
    fcm_client_email: str | None = None
    fcm_private_key: SecretStr | None = None
    fcm_private_key_id: str | None = None
    fcm_base_url: str = "https://fcm.googleapis.com"
    # OAuth2 token endpoint the service-account JWT is exchanged at.
    fcm_token_url: str = "https://oauth2.googleapis.com/token"
    fcm_scope: str = "https://www.googleapis.com/auth/firebase.messaging"
    timeout_seconds: float = 10.0


class WhatsAppSettings(BaseModel):
    """WhatsApp Business Cloud API (Graph API) or ``outbox``. Templates per seed 003's
    2026-02-19 changelog must be approved in Meta's WhatsApp Manager."""

    backend: Literal["outbox", "cloud_api"] = "outbox"
    base_url: str = "https://graph.facebook.com"
    api_version: str = "v21.0"
    phone_number_id: str | None = None
    access_token: SecretStr | None = None
    template_language: str = "en"
    timeout_seconds: float = 15.0


class NotificationSettings(BaseModel):
    # Quiet hours are read in this zone when a user has not chosen one.
    default_timezone: str = "Africa/Dar_es_Salaam"
    # Unsubscribe links in notification emails stay valid this long.
    unsubscribe_link_ttl_days: int = 365
    # Avatar shown as the actor of system and broadcast notifications.
    system_avatar_url: str | None = None


class RealtimeSettings(BaseModel):
    """Socket.IO at ``/socket.io/``."""

    # Pub/sub channel shared by every API process (and workers that emit events).
    redis_channel: str = "kwika:socketio"
    # Every N seconds each process refreshes the presence of its connections and closes
    # those whose access token expired or was revoked (clients reconnect with a fresh one).
    heartbeat_seconds: int = 30
    ping_interval_seconds: int = 25
    ping_timeout_seconds: int = 20
    max_message_bytes: int = 1_000_000
    # How long "last seen" is remembered after a user's last connection closes.
    last_seen_ttl_days: int = 30


class MessagingSettings(BaseModel):
    max_message_length: int = 5000
    max_group_participants: int = 256
    # Per user: messages sent (REST and Socket.IO together) per window.
    send_limit: int = 30
    send_window_seconds: int = 60
    # Per user: new conversations started per hour.
    start_limit: int = 30
    # A recipient who is offline gets at most one "new message" notification per
    # conversation in this window (the unread count shows the rest).
    offline_notify_cooldown_seconds: int = 300


class GoogleSettings(BaseModel):
    client_id: str | None = None
    client_secret: SecretStr | None = None
    # Extra audiences accepted for ID tokens minted for the mobile apps.
    extra_client_ids: CommaList = Field(default_factory=list)
    redirect_uri: str = "http://localhost:8000/api/v1/auth/google/callback"
    authorization_url: str = "https://accounts.google.com/o/oauth2/v2/auth"
    token_url: str = "https://oauth2.googleapis.com/token"
    jwks_url: str = "https://www.googleapis.com/oauth2/v3/certs"
    issuers: CommaList = Field(
        default_factory=lambda: ["https://accounts.google.com", "accounts.google.com"]
    )
    scopes: str = "openid email profile"

    _split = field_validator("extra_client_ids", "issuers", mode="before")(_split_commas)


class MediaSettings(BaseModel):
    """Uploaded files (``KWIKA_MEDIA__*``): where they live and what a user may keep."""

    # Where NEW files go. local: files under ``root`` served by the API at
    # /api/v1/media/...; cloudinary: the [cloudinary] section below (checked at start-up).
    # Every file records the backend that holds it and is served, signed and deleted
    # there, so switching keeps old files working while that backend stays configured.
    backend: Literal["local", "cloudinary"] = "local"
    # The designated directory for the local backend (seed 000 1.3).
    root: Path = Path("var/media")
    # Absolute URL prefix of served files; empty means <public_base_url>/api/v1/media.
    base_url: str | None = None
    # Per-user storage quota (seed 003 20.6 shows 5 GiB).
    quota_bytes: int = 5 * 1024**3
    # Lifetime of a signed upload URL from POST /uploads/request.
    upload_url_ttl_seconds: int = 15 * 60
    # Lifetime of signed URLs to private files (KYC, resumes, attachments).
    private_url_ttl_seconds: int = 60 * 60
    # Completed uploads nothing has claimed (media.attach) are deleted after this many
    # hours; 0 keeps them. Turn on once every module attaches the files it uses.
    orphan_ttl_hours: int = 0
    # How often the sweeper looks for expired and orphaned uploads.
    sweep_interval_seconds: int = 3600
    # Decoded images larger than this many pixels are refused (decompression bombs).
    max_image_pixels: int = 50_000_000
    # Uploads one user may start per hour (image processing costs CPU).
    uploads_per_hour: int = 300


class CloudinarySettings(BaseModel):
    """Cloudinary account (``KWIKA_CLOUDINARY__*``): required with
    ``KWIKA_MEDIA__BACKEND=cloudinary``, and kept afterwards while files stored there exist."""

    cloud_name: str | None = None
    api_key: str | None = None
    api_secret: SecretStr | None = None
    # The Upload API base URL; tests point it at a local fake.
    upload_prefix: str = "https://api.cloudinary.com"
    # Every public id starts with this folder.
    folder: str = "kwika"
    timeout_seconds: float = 60.0

    def missing(self) -> list[str]:
        """The required ``KWIKA_CLOUDINARY__*`` settings that are not set (blank counts)."""
        secret = self.api_secret.get_secret_value() if self.api_secret else None
        required = {"CLOUD_NAME": self.cloud_name, "API_KEY": self.api_key, "API_SECRET": secret}
        return [
            f"KWIKA_CLOUDINARY__{name}"
            for name, value in required.items()
            if not (value and value.strip())
        ]

    @property
    def configured(self) -> bool:
        return not self.missing()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="KWIKA_",
        env_file=".env",
        env_nested_delimiter="__",
        extra="ignore",
    )

    environment: Literal["development", "test", "production"] = "development"
    app_name: str = "Kwika"
    # Where clients reach the API: file URLs, signed upload URLs and unsubscribe links start
    # with it. In development `kwika serve` derives it from --host/--port when it is unset.
    public_base_url: str = DEFAULT_PUBLIC_BASE_URL
    frontend_url: str = "http://localhost:3000"
    secret_key: SecretStr | None = None
    # Earlier secret keys, still accepted to read what they protected (rotation).
    previous_secret_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    log_level: str = "INFO"
    log_json: bool = False

    # storage
    mongodb_uri: str | None = None
    mongodb_database: str = "kwika"
    embedded_data_file: Path | None = None
    embedded_save_interval_seconds: int = 60

    # redis + workers
    redis_url: str | None = None
    redis_server_binary: str = "redis-server"
    worker_in_process: bool | None = None
    worker_threads: int = 4
    # How long an idle in-process worker waits between polls of its queues, at most.
    worker_idle_poll_ms: int = 100
    # Periodic actors (view flushes, sweepers, purges) are scheduled from API processes too.
    scheduler_enabled: bool = True
    broker_namespace: str = "kwika"

    # HTTP edge
    trusted_proxies: CommaList = Field(default_factory=list)
    # Empty in development means KWIKA_FRONTEND_URL (see allowed_origins).
    cors_origins: CommaList = Field(default_factory=list)
    max_body_size_bytes: int = 10 * 1024 * 1024
    hsts_max_age_seconds: int = 31536000

    # identity
    jwt: JWTSettings = Field(default_factory=JWTSettings)
    password_hash: PasswordHashSettings = Field(default_factory=PasswordHashSettings)
    otp_ttl_seconds: int = 300
    otp_resend_seconds: int = 60
    password_reset_ttl_seconds: int = 3600
    set_password_ttl_seconds: int = 7 * 24 * 3600
    email_link_ttl_seconds: int = 24 * 3600
    account_deletion_grace_days: int = 30
    bootstrap_admin_email: str | None = None
    bootstrap_admin_password: SecretStr | None = None

    # providers
    outbox_path: Path = Path("var/outbox.jsonl")
    email: EmailSettings = Field(default_factory=EmailSettings)
    sms: SmsSettings = Field(default_factory=SmsSettings)
    google: GoogleSettings = Field(default_factory=GoogleSettings)
    push: PushSettings = Field(default_factory=PushSettings)
    whatsapp: WhatsAppSettings = Field(default_factory=WhatsAppSettings)

    # notifications, messaging, real time
    notifications: NotificationSettings = Field(default_factory=NotificationSettings)
    messaging: MessagingSettings = Field(default_factory=MessagingSettings)
    realtime: RealtimeSettings = Field(default_factory=RealtimeSettings)

    # media + reference data
    media: MediaSettings = Field(default_factory=MediaSettings)
    cloudinary: CloudinarySettings = Field(default_factory=CloudinarySettings)
    # How long reference lists (event types, categories, currencies...) stay in Redis.
    reference_cache_ttl_seconds: int = 3600

    # discovery
    ranking_interval_seconds: int = 300
    ranking_half_life_hours: float = 72.0
    # A search is shown to everyone (popular searches, suggestions) only once this many
    # different people (signed-in users, or anonymous addresses) made it in the last 7 days.
    popular_search_min_searchers: int = Field(default=3, ge=1)
    public_cache_ttl_seconds: int = 300

    # marketplace defaults
    default_currency: str = "TZS"
    default_phone_region: str = "TZ"
    # Value of one unit of each currency in the default currency, for comparing prices
    # across currencies in search. Empty: DEFAULT_RATES_PER_USD rebased on the default
    # currency. Listings store their price converted at index time: after a change run
    # `kwika reindex`.
    currency_rates: dict[str, Decimal] = Field(default_factory=dict)
    # Load demo accounts, providers, services and conversations at start-up (embedded
    # storage; `kwika serve --demo` sets it).
    demo_data: bool = False

    _split = field_validator(
        "trusted_proxies", "cors_origins", "previous_secret_keys", mode="before"
    )(_split_commas)

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_networks(cls, value: list[str]) -> list[str]:
        for item in value:
            ipaddress.ip_network(item, strict=False)
        return value

    @field_validator("currency_rates", mode="before")
    @classmethod
    def _rates_json(cls, value: object) -> object:
        if isinstance(value, str):
            return json.loads(value) if value.strip() else {}
        return value

    @field_validator("currency_rates")
    @classmethod
    def _positive_rates(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        rates = {code.upper(): rate for code, rate in value.items()}
        for code, rate in rates.items():
            if not rate.is_finite() or rate <= 0:
                raise ValueError(f"the rate of {code} must be a positive number")
        return rates

    @model_validator(mode="after")
    def _upper_currency(self) -> Settings:
        self.default_currency = self.default_currency.upper()
        return self

    def currency_rate(self, currency: str) -> Decimal | None:
        """How many units of the default currency one unit of ``currency`` is worth, or
        None when no rate is known (such prices are compared in their own currency only)."""
        currency, default = currency.upper(), self.default_currency
        if currency == default:
            return Decimal(1)
        if self.currency_rates:
            return self.currency_rates.get(currency)
        if currency in DEFAULT_RATES_PER_USD and default in DEFAULT_RATES_PER_USD:
            return DEFAULT_RATES_PER_USD[default] / DEFAULT_RATES_PER_USD[currency]
        return None

    @property
    def allowed_origins(self) -> list[str]:
        """CORS origins: KWIKA_CORS_ORIGINS, or in development the front-end's origin, so
        the first browser front-end is not blocked."""
        if self.cors_origins:
            return list(self.cors_origins)
        if self.environment == "development" and self.frontend_url:
            parts = urlsplit(self.frontend_url)
            if parts.scheme and parts.netloc:
                return [f"{parts.scheme}://{parts.netloc}"]
        return []

    def served_at(self, host: str, port: int) -> dict[str, str]:
        """Environment for a server bound to host:port: outside production, an unset
        KWIKA_PUBLIC_BASE_URL follows the address, so file URLs, signed upload URLs and
        unsubscribe links point at the server that made them."""
        if self.is_production or "public_base_url" in self.model_fields_set:
            return {}
        shown = "localhost" if host in ("0.0.0.0", "127.0.0.1", "::", "::1") else host  # noqa: S104
        if ":" in shown:
            shown = f"[{shown}]"  # an IPv6 literal
        return {"KWIKA_PUBLIC_BASE_URL": f"http://{shown}:{port}"}

    @property
    def embedded_storage(self) -> bool:
        return not self.mongodb_uri

    @property
    def run_worker_in_process(self) -> bool:
        if self.worker_in_process is not None:
            return self.worker_in_process
        return self.embedded_storage

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

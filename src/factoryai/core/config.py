"""One typed Settings object for the whole service.

Sources, highest priority first: keyword arguments, environment variables
(``FACTORYAI_<SECTION>__<FIELD>``), the optional YAML file (``--config`` / ``FACTORYAI_CONFIG``), defaults.
Unknown keys are rejected and every field carries a description, so ``factoryai config show`` and the
README table document themselves.
"""

from __future__ import annotations

import contextvars
from datetime import time
from ipaddress import ip_network
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    YamlConfigSettingsSource,
)
from sqlalchemy.engine import make_url

DEV_SECRET_KEY = "dev-insecure-secret-do-not-use-in-production"  # noqa: S105 - the known default that production refuses
ENV_PREFIX = "FACTORYAI_"

_yaml_file: contextvars.ContextVar[Path | None] = contextvars.ContextVar("factoryai_yaml_file", default=None)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


class DatabaseSettings(Section):
    url: str = Field(
        "",
        description="SQLAlchemy URL; production uses postgresql+psycopg://user:pass@host:5432/dbname. Unset: the "
        "embedded SQLite file <site.data_dir>/factoryai.db, the same whatever folder a command runs from.",
    )
    echo: bool = Field(False, description="Log every SQL statement (debugging only).")
    pool_size: int = Field(10, ge=1, le=200, description="PostgreSQL connection pool size per process.")
    max_overflow: int = Field(20, ge=0, le=200, description="Extra PostgreSQL connections allowed above pool_size.")
    pool_timeout_seconds: float = Field(
        10, gt=0, le=120, description="Seconds to wait for a free pooled connection before failing."
    )
    pool_pre_ping: bool = Field(
        False,
        description="Test each pooled connection before use. Off (measured: 30 % more check-ins/s), a database "
        "restart fails one request per process with 503 and the pool renews itself; on, it costs a round trip "
        "per request.",
    )
    pool_recycle_seconds: int = Field(
        1800, ge=60, le=86400, description="Replace pooled connections older than this (idle-timeout safety)."
    )
    connect_timeout_seconds: int = Field(
        5,
        ge=1,
        le=60,
        description="Seconds to wait when opening a database connection (health checks use it).",
    )

    @field_validator("url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if value and not value.startswith(("sqlite:///", "postgresql+psycopg://")):
            raise ValueError("must start with 'sqlite:///' or 'postgresql+psycopg://'")
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")


class AuthSettings(Section):
    secret_key: SecretStr = Field(
        SecretStr(DEV_SECRET_KEY),
        description="HMAC key that signs access tokens. Production refuses the default and keys under 32 characters.",
    )
    access_token_expire_minutes: int = Field(
        480, ge=1, le=60 * 24 * 30, description="Lifetime of a login token (default: one 8-hour shift)."
    )
    bootstrap_admin_password: SecretStr | None = Field(
        None,
        description="Password for the 'admin' user created at start-up while no admin user exists. "
        "Required in production; in development a random one is generated and logged.",
    )
    password_min_length: int = Field(8, ge=6, le=128, description="Shortest password accepted for a user.")
    login_max_failures: int = Field(
        5,
        ge=1,
        le=1000,
        description="Failed log-ins for one username from one client address within the window before that "
        "username gets 429 from that address (other users behind the address are not affected).",
    )
    login_max_failures_per_address: int = Field(
        50,
        ge=1,
        le=100_000,
        description="Failed log-ins from one client address, whatever the usernames, within the window before the "
        "address gets 429: the looser limit against trying many names. Keep it well above login_max_failures "
        "when many people share one address (NAT, a proxy).",
    )
    login_failure_window_seconds: int = Field(
        300,
        ge=1,
        le=86400,
        description="Window over which failed logins are counted (and the lock-out length).",
    )
    api_key_cache_seconds: float = Field(
        10,
        ge=0,
        le=300,
        description="How long a process trusts a device key it has checked; a revocation reaches other API "
        "processes within this time (0: check every request).",
    )

    @model_validator(mode="after")
    def _address_limit_is_the_looser(self) -> AuthSettings:
        if self.login_max_failures_per_address < self.login_max_failures:
            raise ValueError(
                f"auth.login_max_failures_per_address ({self.login_max_failures_per_address}) must be at least "
                f"auth.login_max_failures ({self.login_max_failures}): it is the looser, per-address limit"
            )
        return self


class ServerSettings(Section):
    environment: Literal["development", "production"] = Field(
        "development",
        description="'production' refuses insecure defaults (secret key, missing admin password).",
    )
    host: str = Field("127.0.0.1", description="Interface 'factoryai serve' listens on (0.0.0.0 for all).")
    port: int = Field(8000, ge=1, le=65535, description="TCP port 'factoryai serve' listens on.")
    cors_origins: list[str] = Field(
        default_factory=list,
        description="Browser origins allowed to call the API cross-site (the dashboard is same-origin and needs none).",
    )
    max_body_bytes: int = Field(
        32 * 1024 * 1024, ge=1024, description="Largest multipart upload (camera frames, photos); larger ones get 413."
    )
    max_json_body_bytes: int = Field(
        1024 * 1024,
        ge=1024,
        description="Largest body other than a multipart upload (JSON, log-in form); larger ones get 413. Parsing "
        "and validating JSON costs far more per byte than an image upload, and no JSON route takes more than a few KB.",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Reverse proxies (IP addresses or CIDRs, e.g. 10.0.0.0/8) whose X-Forwarded-For is believed: "
        "the client is the right-most address in it that is not one of them. Empty: the header is ignored and the "
        "connecting address is the client.",
    )
    api_docs: Literal["auto", "open", "closed"] = Field(
        "auto",
        description="The API documentation (/docs, /redoc) and the OpenAPI document (/openapi.json), which anyone "
        "can read without credentials: 'open', 'closed' (404), or 'auto': open in development, closed in production. "
        "They describe every route and schema but hold no data; the routes themselves still need a log-in.",
    )

    web_dir: Path | None = Field(
        None,
        description="The built web dashboard (index.html and its assets), served at /. Default: web/dist/factoryai/"
        "browser in the source checkout, which `make run` builds.",
    )

    @property
    def docs_open(self) -> bool:
        return self.api_docs == "open" or (self.api_docs == "auto" and self.environment == "development")

    @model_validator(mode="before")
    @classmethod
    def _replaced_settings(cls, data: Any) -> Any:
        if isinstance(data, dict) and "trust_forwarded_for" in data:
            raise ValueError(
                "server.trust_forwarded_for was replaced by server.trusted_proxies: list the addresses (IPs or "
                "CIDRs) of the reverse proxies in front of the API (FACTORYAI_SERVER__TRUSTED_PROXIES='[\"10.0.0.1\"]')"
            )
        return data

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        networks = []
        for entry in value:
            try:
                networks.append(str(ip_network(entry.strip(), strict=False)))
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address or CIDR (e.g. 10.0.0.1 or 10.0.0.0/8)") from None
        return networks


class LoggingSettings(Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description="Minimum log level.")
    json_format: bool = Field(False, description="Write one JSON object per log line (for log shippers).")


class SiteSettings(Section):
    name: str = Field("Factory", min_length=1, max_length=100, description="Site name shown on the dashboard.")
    id: str = Field(
        "main",
        pattern=r"^[a-zA-Z0-9_.-]{1,40}$",
        description="Short id of this site; names per-site resources such as the AWS face collection.",
    )
    timezone: str = Field(
        "Asia/Kolkata",
        description="IANA time zone of the site: shifts, schedules and reports use it; storage is always UTC.",
    )
    data_dir: Path = Field(
        Path("~/.local/share/factoryai"),
        description="Where the embedded database and the snapshots live unless database.url and "
        "identity.snapshot_dir say otherwise. A fixed folder, so every command finds the same data wherever it runs.",
    )

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class IdentitySettings(Section):
    engine: Literal["local", "aws"] = Field(
        "local", description="Face engine: 'local' (dlib, offline) or 'aws' (Rekognition)."
    )
    snapshot_dir: Path | None = Field(
        None,
        description="Root folder of face and gate snapshots; cleanup never leaves it. "
        "Unset: <site.data_dir>/snapshots.",
    )
    snapshot_retention_days: int = Field(90, ge=1, le=3650, description="Snapshots older than this are deleted.")
    snapshot_cleanup_time: time = Field(
        time(2, 0), description="Site time of the daily snapshot cleanup (spec: 02:00, the maintenance window)."
    )
    pending_retry_minutes: int = Field(
        5, ge=1, le=59, description="How often punches that waited for the face engine are re-processed."
    )
    max_image_mb: float = Field(5, gt=0, le=50, description="Largest face image accepted by the API (413 above).")
    max_identify_megapixels: float = Field(
        12,
        gt=0,
        le=40,
        description="Largest image identification takes (identify, face check-in), in megapixels, checked from the "
        "header before decoding (422 above). Camera frames are 1-8 MP; a few compressed bytes can claim 40 MP, which "
        "costs seconds and hundreds of MB to decode and search.",
    )
    max_enroll_megapixels: float = Field(
        40,
        gt=0,
        le=40,
        description="Largest enrolment photo, in megapixels (422 above): higher than for identification because "
        "phone and camera photos are large and enrolment is rare and only done by HR.",
    )
    max_detect_megapixels: float = Field(
        4,
        ge=0.5,
        le=40,
        description="Local engine: larger images are reduced to about this many megapixels before face detection "
        "(descriptors still use every pixel), so a 40 MP photo costs about what a 4 MP one does. The smallest face "
        "found then grows with the image: min_face_px x sqrt(megapixels / this), e.g. 1.4x min_face_px in a 4K frame.",
    )
    local_processes: int = Field(
        2,
        ge=0,
        le=64,
        description="Local engine: processes that run dlib (each loads the models, about 150 MB, and keeps a core busy "
        "while it works). dlib holds Python's GIL for a whole recognition (about 0.2 s), which in the server's own "
        "process would freeze every other request and live stream meanwhile; 0 runs it in-process (scripts).",
    )
    max_concurrent_recognitions: int = Field(
        2,
        ge=1,
        le=64,
        description="Face recognitions (identify, face check-in, enrolment) run at once per process; further requests "
        "get 503 with Retry-After instead of queueing. Each local recognition keeps a CPU core busy: about the "
        "number of cores; with the aws engine the work is remote and this can be higher.",
    )
    enroll_min_face_px: int = Field(
        80, ge=20, le=1000, description="Enrolment photos must hold exactly one face at least this wide (pixels)."
    )
    min_face_px: int = Field(
        80,
        ge=20,
        le=1000,
        description="Smallest face identify() must find (pixels wide). The local engine scales each frame so this "
        "size reaches its detector's minimum: smaller values find distant faces but cost time (quadratically), up to "
        "max_detect_megapixels, which bounds the work.",
    )
    match_threshold: float = Field(
        0.47,
        gt=0,
        le=1.5,
        description="Local engine: largest descriptor distance to an employee's mean face that still matches. "
        "Calibrated on 100 enrolled people (docs/benchmarks.md): 0.47 with the margin below matches 90 % of "
        "employees and 0.7 % of strangers; dlib's usual 0.6 matches most strangers.",
    )
    match_margin: float = Field(
        0.08,
        ge=0,
        le=1,
        description="Local engine: the best employee must be at least this much closer than the second best.",
    )
    aws_region: str = Field("eu-west-1", description="AWS engine: Rekognition region.")
    aws_collection_prefix: str = Field(
        "factoryai", min_length=1, max_length=60, description="AWS engine: collection id is '<prefix>-<site.id>'."
    )
    aws_face_match_threshold: float = Field(
        99, ge=0, le=100, description="AWS engine: FaceMatchThreshold of SearchFacesByImage (similarity 0-100)."
    )
    aws_endpoint_url: str | None = Field(None, description="AWS engine: endpoint override (VPC endpoint, tests).")
    aws_connect_timeout_seconds: float = Field(3, gt=0, le=60, description="AWS engine: connect timeout per call.")
    aws_read_timeout_seconds: float = Field(10, gt=0, le=120, description="AWS engine: read timeout per call.")
    aws_max_retries: int = Field(3, ge=0, le=10, description="AWS engine: retries after the first try (spec: 3).")
    aws_retry_base_seconds: float = Field(
        1.0, gt=0, le=60, description="AWS engine: first wait between retries; doubles each time (1 s, 2 s, 4 s)."
    )
    aws_retry_deadline_seconds: float = Field(
        30, gt=0, le=600, description="AWS engine: give up retrying once this much time has passed since the first try."
    )
    engine_pause_seconds: float = Field(
        60,
        ge=0,
        le=3600,
        description="After the face engine failed past its retries, camera punches are kept as pending at once for "
        "this long instead of each waiting through the retries (the retry job keeps probing); 0 turns this off.",
    )


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class AttendanceSettings(Section):
    double_entry_window_hours: float = Field(
        12, gt=0, le=48, description="A check-in within this many hours of the previous one is a duplicate."
    )
    future_tolerance_seconds: int = Field(
        300, ge=0, le=3600, description="Punch timestamps further than this in the future are refused (clock skew)."
    )
    max_shift_hours: float = Field(
        20, gt=1, le=48, description="A check-out closes the latest check-in at most this many hours before it."
    )
    absence_run_time: time = Field(
        time(12, 0),
        description="Site time of the daily run that marks ABSENT whoever missed the previous day's shift "
        "(late enough that overnight shifts have ended).",
    )
    weekly_off_days: list[Weekday] = Field(
        default_factory=lambda: ["sun"],
        description="Site-local weekdays nobody is marked absent on (the factory's weekly off).",
    )


class SchedulerSettings(Section):
    enabled: bool = Field(
        True,
        description="Run scheduled jobs (absences, later aggregations and clean-ups) inside 'factoryai serve'. "
        "Every slot runs once however many processes do this; turn it off where 'factoryai scheduler' runs them.",
    )
    catch_up_days: int = Field(
        7,
        ge=0,
        le=62,
        description="After downtime, every missed slot of the last this many days runs once, oldest first.",
    )
    lease_seconds: int = Field(
        300,
        ge=10,
        le=86400,
        description="A running job's claim is its runner's for this long, renewed while it runs; a claim whose "
        "runner died is taken over once its lease has run out.",
    )
    statement_timeout_seconds: int = Field(
        600,
        ge=1,
        le=86400,
        description="PostgreSQL: a job's SQL statement running longer than this is cancelled, so a hung run cannot "
        "hold the next one.",
    )


class OccupancySettings(Section):
    max_batch: int = Field(10_000, ge=1, le=100_000, description="Most samples one POST /occupancy/logs may carry.")
    future_tolerance_seconds: int = Field(
        300, ge=0, le=3600, description="Samples stamped further ahead of the server clock are refused."
    )
    late_hours: int = Field(
        3,
        ge=0,
        le=48,
        description="Each hourly roll-up also redoes this many hours before the one it closes, taking in samples "
        "that arrived late (an edge box back online).",
    )
    hourly_minute: int = Field(
        5, ge=0, le=59, description="Minute of every hour (site time) when the previous clock hour is rolled up."
    )
    reset_time: time = Field(
        time(3, 0),
        description="Site time of the daily drift reset: every zone camera's count goes back to 0 (spec: 03:00).",
    )
    monthly_time: time = Field(
        time(0, 30),
        description="Site time on the 1st when the previous month is rolled up (after its last hourly run).",
    )


GateStatus = Literal["AUTHORIZED", "UNKNOWN"]


class VehicleSettings(Section):
    ocr_confidence_threshold: float = Field(
        0.85, ge=0, le=1, description="Plate reads must score strictly above this to pass the quality gate."
    )
    accept_one_digit_rto: bool = Field(True, description="Accept plates with a one-digit RTO code (DL3CAB1234).")
    accept_three_letter_series: bool = Field(True, description="Accept three-letter series (DL10CAB1234).")
    accept_bharat_series: bool = Field(True, description="Accept Bharat-series plates (22BH1234AA).")
    gate_relay: Literal["none", "mqtt", "webhook"] = Field(
        "mqtt",
        description="How a decision that opens the gate reaches the barrier: 'mqtt' publishes "
        "<mqtt.topic_prefix>/gate/<camera_id>/open after the decision is stored, 'webhook' POSTs it to "
        "vehicles.gate_webhook_url; 'none' leaves it to the caller (should_trigger_gate_event in the response).",
    )
    gate_webhook_url: str | None = Field(None, description="URL the 'webhook' gate relay POSTs gate openings to.")
    alert_webhook_url: str | None = Field(
        None, description="Optional URL that also receives every vehicle alert as a JSON POST (retried with backoff)."
    )
    webhook_retry_base_seconds: float = Field(
        1.0, gt=0, le=60, description="First wait between webhook retries; it doubles per attempt (4 attempts)."
    )

    @field_validator("gate_webhook_url", "alert_webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value

    max_image_mb: float = Field(5, gt=0, le=50, description="Largest camera frame accepted by recognize (413 above).")
    vote_frames: int = Field(
        5,
        ge=1,
        le=30,
        description="Frames of one vehicle pass whose plate reads are combined (per-character vote) before the gate.",
    )
    cooldown_seconds: float = Field(
        60,
        ge=0,
        le=3600,
        description="Camera reads: the same plate at the same camera within this time is the same pass (one log row).",
    )
    ocr_engine: Literal["rapidocr", "easyocr"] = Field(
        "rapidocr",
        description="Plate reader: 'rapidocr' (PP-OCRv4, in the wheel) or 'easyocr' (extra: factoryai[easyocr]).",
    )
    open_gate_statuses: list[GateStatus] = Field(
        default_factory=lambda: ["AUTHORIZED", "UNKNOWN"],
        description="Decisions that open the gate (the spec's example opens for UNKNOWN; BLOCKED never opens).",
    )

    @property
    def enabled_formats(self) -> frozenset[str]:
        optional = {
            "one_digit_rto": self.accept_one_digit_rto,
            "three_letter_series": self.accept_three_letter_series,
            "bharat": self.accept_bharat_series,
        }
        return frozenset({"standard"} | {name for name, on in optional.items() if on})


class VideoSettings(Section):
    detector_model_path: Path | None = Field(
        None,
        description="YOLOX ONNX model of the object detector (people and vehicles; plate OCR reads only the vehicle's "
        "box). Unset: the YOLOX-nano model shipped in the package.",
    )
    runtime: Literal["auto", "here", "workers"] = Field(
        "auto",
        description="Where cameras are opened, analysed and encoded: 'here' in this API process; 'workers' in "
        "'factoryai worker' processes, whose streams this process relays; 'auto' is 'here' when 'factoryai serve' "
        "runs one process and 'workers' with --workers > 1 (each camera is opened by one process only).",
    )
    open_timeout_seconds: float = Field(
        10, gt=0, le=120, description="How long opening a camera stream may take before it counts as failed."
    )
    read_timeout_seconds: float = Field(
        5,
        gt=0,
        le=120,
        description="How long a camera may send nothing before its stream is closed and reopened (a frozen camera "
        "otherwise holds the capture for 30 s or more).",
    )
    analysis_fps: float = Field(
        5, gt=0, le=30, description="Frames per second the detector sees per camera (camera setting overrides)."
    )
    jpeg_quality: int = Field(80, ge=30, le=100, description="JPEG quality of live streams and snapshots.")
    refresh_seconds: float = Field(
        5,
        gt=0,
        le=300,
        description="How often the camera runtime re-reads the camera list (changes made through this process's API "
        "apply at once; this catches the others).",
    )
    worker_lease_seconds: float = Field(
        15,
        ge=3,
        le=600,
        description="How long a camera stays with a worker that stops sending heartbeats before another worker may "
        "take it over (workers renew it every few seconds).",
    )
    viewer_token_minutes: int = Field(
        10,
        ge=1,
        le=1440,
        description="Lifetime of the signed per-camera link a browser <img> uses to open a stream (checked when the "
        "stream opens).",
    )


class MqttSettings(Section):
    enabled: bool = Field(True, description="Publish alerts and gate events to the MQTT broker.")
    host: str = Field("127.0.0.1", description="MQTT broker host for alerts and gate events.")
    port: int = Field(1883, ge=1, le=65535, description="MQTT broker port.")
    username: str | None = Field(None, description="MQTT user name, if the broker requires one.")
    password: SecretStr | None = Field(None, description="MQTT password, if the broker requires one.")
    topic_prefix: str = Field("factoryai", min_length=1, description="First level of every published topic.")


class Settings(BaseSettings):
    """Effective configuration. Build it with :func:`load_settings`."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    database: DatabaseSettings = Field(default_factory=DatabaseSettings, description="Database connection.")
    auth: AuthSettings = Field(default_factory=AuthSettings, description="Users, tokens and log-in throttling.")
    server: ServerSettings = Field(default_factory=ServerSettings, description="HTTP server and API limits.")
    logging: LoggingSettings = Field(default_factory=LoggingSettings, description="Log output.")
    site: SiteSettings = Field(default_factory=SiteSettings, description="The factory site.")
    identity: IdentitySettings = Field(default_factory=IdentitySettings, description="Face recognition.")
    attendance: AttendanceSettings = Field(default_factory=AttendanceSettings, description="Attendance rules.")
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings, description="Scheduled jobs.")
    vehicles: VehicleSettings = Field(default_factory=VehicleSettings, description="Vehicle gate.")
    occupancy: OccupancySettings = Field(default_factory=OccupancySettings, description="Occupancy counting.")
    video: VideoSettings = Field(default_factory=VideoSettings, description="Video analysis: the object detector.")
    mqtt: MqttSettings = Field(default_factory=MqttSettings, description="MQTT broker for events.")

    @model_validator(mode="after")
    def _data_in_the_data_dir(self) -> Settings:
        if not self.database.url:
            self.database.url = f"sqlite:///{self.site.data_dir / 'factoryai.db'}"
        if self.identity.snapshot_dir is None:
            self.identity.snapshot_dir = self.site.data_dir / "snapshots"
        return self

    @model_validator(mode="after")
    def _production_is_safe(self) -> Settings:
        if self.server.environment == "production":
            key = self.auth.secret_key.get_secret_value()
            if key == DEV_SECRET_KEY or len(key) < 32:
                raise ValueError(
                    "auth.secret_key: production needs a random secret of at least 32 characters "
                    "(set FACTORYAI_AUTH__SECRET_KEY)"
                )
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        yaml_path = _yaml_file.get()
        if yaml_path is not None:
            sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=yaml_path))
        return tuple(sources)


class ConfigError(Exception):
    """The configuration cannot be used; the message names the offending field."""


def load_settings(config_file: Path | str | None = None, **overrides: Any) -> Settings:
    """Build Settings from the environment and an optional YAML file, with readable errors."""
    path = Path(config_file) if config_file else None
    if path is not None and not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    token = _yaml_file.set(path)
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc)) from None
    except (SettingsError, yaml.YAMLError, ValueError) as exc:
        # Unparseable YAML, a YAML file that is not a mapping, a section env var that is not JSON.
        source = f"config file {path}" if path else "environment"
        raise ConfigError(f"invalid configuration in the {source}: {exc}") from None
    finally:
        _yaml_file.reset(token)


def format_validation_error(exc: ValidationError) -> str:
    lines = ["invalid configuration:"]
    for err in exc.errors():
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown setting"
        if not err["loc"]:  # a cross-field rule; its message names the field itself
            lines.append(f"  {message}")
            continue
        field = ".".join(str(part) for part in err["loc"])
        env_name = ENV_PREFIX + "__".join(str(part).upper() for part in err["loc"])
        lines.append(f"  {field}: {message} (env {env_name})")
    return "\n".join(lines)


def masked_dump(settings: Settings) -> dict[str, Any]:
    """Effective settings as plain data, secrets shown as '**********'."""
    data = settings.model_dump(mode="json")
    data["database"]["url"] = make_url(settings.database.url).render_as_string(hide_password=True)
    for section_name, section in settings:
        for field_name, value in section:
            if isinstance(value, SecretStr):
                data[section_name][field_name] = "**********"
    return data


def reference_markdown() -> str:
    """Every setting with its env var, default and description, as the Markdown in docs/configuration.md."""
    lines = [
        "# Configuration reference",
        "",
        "Generated by `factoryai config reference` from the Settings model; a test keeps it in step.",
        "Set a value as an environment variable or in the YAML file passed with `--config`",
        "(environment variables win). Unknown keys are rejected at start-up.",
        "",
    ]
    for section_name, section_field in Settings.model_fields.items():
        section_cls = section_field.default_factory
        lines += [f"## `{section_name}` — {section_field.description}", "", "| env var | default | description |"]
        lines.append("|---|---|---|")
        for name, field in section_cls.model_fields.items():  # type: ignore[union-attr]
            default = field.get_default(call_default_factory=True)
            if isinstance(default, SecretStr):
                default = "(secret)"
            shown = "" if default is None else f"`{default}`"
            env = f"`{ENV_PREFIX}{section_name.upper()}__{name.upper()}`"
            lines.append(f"| {env} | {shown} | {field.description} |")
        lines.append("")
    return "\n".join(lines)

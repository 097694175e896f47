"""Users, log-in and API keys. Services flush; the caller's unit of work commits."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from factoryai.accounts import repository
from factoryai.accounts.models import ApiKey, ApiKeyScope, Role, User
from factoryai.accounts.schemas import UNBOUND_KEY_WARNING, ApiKeyCreate, UserCreate, UserUpdate
from factoryai.core import auth
from factoryai.core.clock import utcnow
from factoryai.core.config import Settings
from factoryai.core.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UnauthorizedError,
    ValidationFailedError,
    problem,
)
from factoryai.core.schemas import PageParams

log = logging.getLogger(__name__)

BOOTSTRAP_USERNAME = "admin"
_API_KEY_TOUCH_INTERVAL = timedelta(minutes=1)


class StartupRefusedError(Exception):
    """The service must not start with this configuration and data."""


def _check_password(password: str, settings: Settings) -> None:
    if len(password) < settings.auth.password_min_length:
        raise ValidationFailedError(
            f"password must be at least {settings.auth.password_min_length} characters",
            field="password",
        )


def create_user(session: Session, data: UserCreate, settings: Settings) -> User:
    _check_password(data.password, settings)
    if repository.get_user_by_username(session, data.username) is not None:
        raise ConflictError(f"user {data.username!r} already exists", field="username")
    user = User(
        username=data.username,
        full_name=data.full_name,
        role=data.role.value,
        password_hash=auth.hash_password(data.password),
        is_active=True,
    )
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, user_id: int) -> User:
    user = repository.get_user(session, user_id)
    if user is None:
        raise NotFoundError(f"user {user_id} not found")
    return user


def list_users(session: Session, page: PageParams) -> tuple[Sequence[User], int]:
    return repository.list_users(session, page)


def update_user(session: Session, user_id: int, data: UserUpdate, settings: Settings, acting: User) -> User:
    user = get_user(session, user_id)
    changes = data.changes()
    if user.id == acting.id and (changes.get("is_active") is False or changes.get("role") not in (None, Role.ADMIN)):
        raise ConflictError("you cannot demote or deactivate your own account; ask another admin")
    ends_sessions = False
    if "password" in changes:
        password = changes.pop("password")
        _check_password(password, settings)
        user.password_hash = auth.hash_password(password)
        ends_sessions = True
    for field, value in changes.items():
        value = value.value if isinstance(value, Role) else value
        # A new role or a deactivation (even one undone later) is a change of access: tokens from before it end.
        ends_sessions |= field in ("role", "is_active") and getattr(user, field) != value
        setattr(user, field, value)
    if ends_sessions:
        user.token_version += 1
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = repository.get_user_by_username(session, username)
    ok = auth.verify_password(password, user.password_hash if user else None)
    if not ok or user is None or not user.is_active:
        return None
    user.last_login_at = utcnow()
    session.flush()
    return user


def issue_token(user: User, settings: Settings) -> tuple[str, int]:
    minutes = settings.auth.access_token_expire_minutes
    secret = settings.auth.secret_key.get_secret_value()
    token = auth.create_access_token(user.id, secret, minutes, version=user.token_version)
    return token, minutes * 60


def user_from_token(session: Session, token: str, settings: Settings) -> User:
    bearer = {"WWW-Authenticate": "Bearer"}
    try:
        claims = auth.decode_access_token(token, settings.auth.secret_key.get_secret_value())
    except auth.InvalidTokenError as exc:
        raise UnauthorizedError(str(exc), headers=bearer) from None
    user = repository.get_user(session, claims.user_id)
    if user is None or not user.is_active:
        raise UnauthorizedError("user no longer exists or is disabled", headers=bearer)
    if claims.version != user.token_version:
        raise UnauthorizedError(
            "this session has ended: the account's password, role or access changed since it was issued; log in again",
            headers=bearer,
        )
    return user


def issue_viewer_token(user: User, camera_id: str, settings: Settings) -> tuple[str, datetime]:
    return auth.create_viewer_token(
        user.id,
        camera_id,
        settings.auth.secret_key.get_secret_value(),
        settings.video.viewer_token_minutes,
        version=user.token_version,
    )


def user_from_viewer_token(session: Session, token: str, camera_id: str, settings: Settings) -> User:
    """The user behind a viewer link for ``camera_id`` (401 if it is invalid, expired, for another camera, or its
    user's access has changed since)."""
    try:
        claims = auth.decode_viewer_token(token, settings.auth.secret_key.get_secret_value())
    except auth.InvalidTokenError as exc:
        raise UnauthorizedError(str(exc)) from None
    if claims.camera_id != camera_id:
        raise UnauthorizedError(f"this viewer link is for camera {claims.camera_id!r}, not {camera_id!r}")
    user = repository.get_user(session, claims.user_id)
    if user is None or not user.is_active or claims.version != user.token_version:
        raise UnauthorizedError("the viewer link's user no longer has access: log in again")
    return user


def bootstrap_admin(session: Session, settings: Settings) -> str | None:
    """Create user 'admin' while no admin exists. Returns a generated password, if one was made up."""
    if repository.count_users(session, role=Role.ADMIN) > 0:
        return None
    if repository.get_user_by_username(session, BOOTSTRAP_USERNAME) is not None:
        log.error("no admin user exists and the name %r is taken; create one with 'factoryai user create'", "admin")
        return None
    configured = settings.auth.bootstrap_admin_password
    generated = None
    if configured is None:
        if settings.server.environment == "production":
            raise StartupRefusedError(
                "no admin user exists and FACTORYAI_AUTH__BOOTSTRAP_ADMIN_PASSWORD is not set: "
                "production refuses to start without a known admin password"
            )
        generated = secrets.token_urlsafe(12)
        password = generated
    else:
        password = configured.get_secret_value()
    if len(password) < settings.auth.password_min_length:
        raise StartupRefusedError(
            f"auth.bootstrap_admin_password is shorter than {settings.auth.password_min_length} characters"
        )
    session.add(
        User(
            username=BOOTSTRAP_USERNAME,
            full_name="Administrator",
            role=Role.ADMIN.value,
            password_hash=auth.hash_password(password),
            is_active=True,
        )
    )
    session.flush()
    log.warning("created the first user %r (role admin)", BOOTSTRAP_USERNAME)
    return generated


def create_api_key(session: Session, data: ApiKeyCreate, created_by: User | None) -> tuple[ApiKey, str]:
    """Store a new key. ``data.camera_ids`` must already name existing cameras, as spelled there (the cameras
    service checks them: cameras.service.create_device_key)."""
    plaintext = auth.generate_api_key()
    key = ApiKey(
        name=data.name,
        key_prefix=plaintext[:12],
        key_hash=auth.hash_api_key(plaintext),
        scopes=sorted({scope.value for scope in data.scopes}),
        camera_ids=sorted(set(data.camera_ids)),
        created_by_id=created_by.id if created_by else None,
    )
    session.add(key)
    session.flush()
    return key, plaintext


@dataclass(frozen=True)
class DeviceKey:
    """What a request needs to know about the API key that sent it."""

    id: int
    name: str
    scopes: tuple[str, ...]
    camera_ids: tuple[str, ...] = ()  # empty: unbound, may speak for any camera (warned about)

    def check_camera(self, camera_id: str | None) -> None:
        """A key bound to cameras speaks only for them: 403 for another camera, or for none where one is named."""
        if not self.camera_ids:
            return
        allowed = ", ".join(self.camera_ids)
        if camera_id is None:
            message = f"API key {self.name!r} is bound to cameras {allowed}: name the camera (camera_id) it speaks for"
        elif camera_id not in self.camera_ids:
            message = (
                f"API key {self.name!r} may speak only for cameras {allowed}, not for {camera_id!r}; "
                "use the key made for that camera's device"
            )
        else:
            return
        facts = {"camera_id": camera_id, "allowed_cameras": list(self.camera_ids)}
        raise ForbiddenError(message, details=[problem("camera_id", message, **facts)])


class DeviceKeyCache:
    """Valid keys seen in the last few seconds, so a camera posting several punches a second does not cost a
    key look-up each time. A revocation takes effect at once in this process and within the TTL in others.
    Also remembers which unbound keys were warned about, so the log says it once per key per process.
    Owned by the app that made it (see factoryai.resources)."""

    def __init__(self, ttl: float = 0) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[float, DeviceKey]] = {}
        self._warned: set[int] = set()
        self._lock = threading.Lock()

    def first_warning(self, key_id: int) -> bool:
        """True the first time this is asked for a key (then it is logged); False after."""
        with self._lock:
            if key_id in self._warned:
                return False
            self._warned.add(key_id)
            return True

    def get(self, key_hash: str) -> DeviceKey | None:
        with self._lock:
            entry = self._entries.get(key_hash)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, key_hash: str, key: DeviceKey) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            if len(self._entries) > 10_000:  # a flood of distinct valid keys is not a thing; stay bounded anyway
                self._entries.clear()
            self._entries[key_hash] = (time.monotonic() + self.ttl, key)

    def forget(self, key_id: int) -> None:
        with self._lock:
            self._entries = {h: e for h, e in self._entries.items() if e[1].id != key_id}


def resolve_api_key(session: Session, plaintext: str, cache: DeviceKeyCache | None = None) -> DeviceKey:
    key_hash = auth.hash_api_key(plaintext)
    cached = cache.get(key_hash) if cache is not None else None
    if cached is not None:
        return cached
    key = repository.get_api_key_by_hash(session, key_hash)
    if key is None or key.revoked_at is not None:
        raise UnauthorizedError("API key is not valid or has been revoked")
    now = utcnow()
    if key.last_used_at is None or now - key.last_used_at > _API_KEY_TOUCH_INTERVAL:
        key.last_used_at = now  # coarse, so a busy device doesn't write on every request
    device = DeviceKey(id=key.id, name=key.name, scopes=tuple(key.scopes), camera_ids=tuple(key.camera_ids))
    if not device.camera_ids and ApiKeyScope.INGEST in device.scopes and (cache is None or cache.first_warning(key.id)):
        log.warning("API key %r (id %d) is %s", key.name, key.id, UNBOUND_KEY_WARNING)
    if cache is not None:
        cache.put(key_hash, device)
    return device


def list_api_keys(session: Session, page: PageParams) -> tuple[Sequence[ApiKey], int]:
    return repository.list_api_keys(session, page)


def revoke_api_key(session: Session, key_id: int, cache: DeviceKeyCache | None = None) -> ApiKey:
    key = repository.get_api_key(session, key_id)
    if key is None:
        raise NotFoundError(f"API key {key_id} not found")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.flush()
    if cache is not None:
        cache.forget(key.id)
    return key

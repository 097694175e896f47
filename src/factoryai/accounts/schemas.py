"""Request and response bodies for log-in, users and API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints, computed_field

from factoryai.accounts.models import ApiKeyScope, Role
from factoryai.core.schemas import Bool, InputModel, ReadModel, UpdateModel, name_type

Username = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=50, pattern=r"^[A-Za-z0-9_.@-]+$")
]
Password = Annotated[str, StringConstraints(min_length=1, max_length=128)]
FullName = name_type(100)
KeyName = name_type(100)


class Token(ReadModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int = Field(description="Seconds until the token expires.")


class UserCreate(InputModel):
    username: Username
    password: Password = Field(description="At least auth.password_min_length characters.")
    role: Role
    full_name: FullName | None = None


class UserUpdate(UpdateModel):
    nullable_fields = frozenset({"full_name"})

    full_name: FullName | None = None
    role: Role | None = None
    is_active: Bool | None = None
    password: Password | None = None


class UserRead(ReadModel):
    id: int
    username: str
    full_name: str | None
    role: Role
    is_active: bool
    last_login_at: datetime | None
    created_at: datetime


class CurrentUserRead(UserRead):
    site_timezone: str = Field(description="The site's time zone (IANA name): shifts, reports and 'today' are in it.")


# A camera id as cameras.schemas.CameraId spells it (this layer cannot import cameras); the cameras service then
# checks that each one exists.
CameraRef = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]
UNBOUND_KEY_WARNING = (
    "not bound to any camera: this key may speak for every camera; create one with camera_ids "
    "(factoryai api-key create --camera ...) for each device and revoke this one"
)


class ApiKeyCreate(InputModel):
    name: KeyName
    scopes: list[ApiKeyScope] = Field(
        default_factory=lambda: [ApiKeyScope.INGEST], min_length=1, description="What the key may call."
    )
    camera_ids: list[CameraRef] = Field(
        default_factory=list,
        max_length=100,
        description="The cameras this device speaks for: its punches, plate reads and heartbeats must name one of "
        "them (403 otherwise). Empty: an unbound key, allowed for now but warned about.",
    )


class ApiKeyRead(ReadModel):
    id: int
    name: str
    key_prefix: str
    scopes: list[ApiKeyScope]
    camera_ids: list[str] = Field(description="The cameras the key may speak for; empty: unbound (see warning).")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @computed_field(description="Set when the key needs attention, e.g. an ingest key bound to no camera.")
    def warning(self) -> str | None:
        if ApiKeyScope.INGEST in self.scopes and not self.camera_ids and self.revoked_at is None:
            return UNBOUND_KEY_WARNING
        return None


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="The key itself. Shown once: only its hash is stored.")

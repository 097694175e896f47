"""Request and response bodies for log-in, users and API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

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


class ApiKeyCreate(InputModel):
    name: KeyName
    scopes: list[ApiKeyScope] = Field(
        default_factory=lambda: [ApiKeyScope.INGEST], min_length=1, description="What the key may call."
    )


class ApiKeyRead(ReadModel):
    id: int
    name: str
    key_prefix: str
    scopes: list[ApiKeyScope]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="The key itself. Shown once: only its hash is stored.")

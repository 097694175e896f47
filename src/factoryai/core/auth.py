"""Password hashing, access tokens and device API keys (pure helpers, no database)."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from factoryai.core.clock import utcnow

JWT_ALGORITHM = "HS256"
API_KEY_PREFIX = "fai_"
_password_hash = PasswordHash((Argon2Hasher(),))
# Verifying against this when the user does not exist keeps the response time the same either way.
_DUMMY_HASH = _password_hash.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _password_hash.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _password_hash.verify(password, _DUMMY_HASH)
        return False
    return _password_hash.verify(password, password_hash)


# User ids are 32-bit integer columns: a subject outside them names no user, and must not reach the database
# (SQLite and PostgreSQL both fail on an out-of-range integer parameter).
_SUBJECT = re.compile(r"[1-9][0-9]{0,9}")
_MAX_USER_ID = 2**31 - 1


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    expires_at: datetime
    version: int | None  # the user's token_version when it was issued; None for tokens made before versions


class InvalidTokenError(Exception):
    pass


def create_access_token(
    user_id: int, secret: str, expire_minutes: int, now: datetime | None = None, *, version: int = 0
) -> str:
    issued = now or utcnow()
    payload: dict[str, Any] = {
        "sub": str(user_id),
        "iat": issued,
        "exp": issued + timedelta(minutes=expire_minutes),
        "typ": "access",
        "ver": version,
    }
    return jwt.encode(payload, secret, algorithm=JWT_ALGORITHM)


def decode_access_token(token: str, secret: str) -> TokenClaims:
    try:
        payload = jwt.decode(token, secret, algorithms=[JWT_ALGORITHM], options={"require": ["sub", "exp", "iat"]})
    except jwt.ExpiredSignatureError as exc:
        raise InvalidTokenError("token has expired") from exc
    except jwt.PyJWTError as exc:
        raise InvalidTokenError("token is not valid") from exc
    subject = payload["sub"]
    if not isinstance(subject, str) or not _SUBJECT.fullmatch(subject) or int(subject) > _MAX_USER_ID:
        raise InvalidTokenError("token is not valid")
    if payload.get("typ") != "access":
        raise InvalidTokenError("token is not valid")
    version = payload.get("ver")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise InvalidTokenError("token is not valid")
    return TokenClaims(user_id=int(subject), expires_at=datetime.fromtimestamp(payload["exp"], UTC), version=version)


@dataclass(frozen=True)
class ViewerClaims:
    user_id: int
    camera_id: str
    expires_at: datetime
    version: int


VIEWER_TOKEN_TYPE = "camera_view"  # noqa: S105 - a token type, not a secret


def create_viewer_token(
    user_id: int, camera_id: str, secret: str, expire_minutes: int, *, version: int, now: datetime | None = None
) -> tuple[str, datetime]:
    """A short-lived link credential for one camera's stream and snapshot: a browser <img> cannot send a bearer
    header, and the log-in token must never sit in a URL (history, proxy logs, Referer). It opens nothing else."""
    issued = now or utcnow()
    expires = issued + timedelta(minutes=expire_minutes)
    payload = {"sub": str(user_id), "cam": camera_id, "iat": issued, "exp": expires, "typ": VIEWER_TOKEN_TYPE,
               "ver": version}  # fmt: skip
    return jwt.encode(payload, secret, algorithm=JWT_ALGORITHM), expires


def decode_viewer_token(token: str, secret: str) -> ViewerClaims:
    try:
        payload = jwt.decode(token, secret, algorithms=[JWT_ALGORITHM], options={"require": ["sub", "exp", "cam"]})
    except jwt.ExpiredSignatureError as exc:
        raise InvalidTokenError("the viewer link has expired: ask for a new one") from exc
    except jwt.PyJWTError as exc:
        raise InvalidTokenError("the viewer link is not valid") from exc
    subject, camera, version = payload["sub"], payload["cam"], payload.get("ver")
    if (
        payload.get("typ") != VIEWER_TOKEN_TYPE
        or not isinstance(subject, str)
        or not _SUBJECT.fullmatch(subject)
        or int(subject) > _MAX_USER_ID
        or not isinstance(camera, str)
        or not isinstance(version, int)
        or isinstance(version, bool)
    ):
        raise InvalidTokenError("the viewer link is not valid")
    expires = datetime.fromtimestamp(payload["exp"], UTC)
    return ViewerClaims(user_id=int(subject), camera_id=camera, expires_at=expires, version=version)


def generate_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(key: str) -> str:
    # API keys carry 256 random bits, so a fast hash is safe and keeps per-request lookups cheap.
    return hashlib.sha256(key.encode()).hexdigest()

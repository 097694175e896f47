"""Database access for users, API keys and failed log-ins."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from factoryai.accounts.models import ApiKey, LoginFailure, User
from factoryai.core.repository import paginate
from factoryai.core.schemas import PageParams


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def get_user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def count_users(session: Session, role: str | None = None) -> int:
    query = select(func.count()).select_from(User)
    if role is not None:
        query = query.where(User.role == role)
    return session.scalar(query) or 0


def list_users(session: Session, page: PageParams) -> tuple[Sequence[User], int]:
    return paginate(session, select(User).order_by(User.id), page)


def get_api_key(session: Session, key_id: int) -> ApiKey | None:
    return session.get(ApiKey, key_id)


def get_api_key_by_hash(session: Session, key_hash: str) -> ApiKey | None:
    return session.scalar(select(ApiKey).where(ApiKey.key_hash == key_hash))


def list_api_keys(session: Session, page: PageParams) -> tuple[Sequence[ApiKey], int]:
    return paginate(session, select(ApiKey).order_by(ApiKey.id), page)


def _failures(client_key: str, since: datetime, username: str | None) -> list[ColumnElement[bool]]:
    where = [LoginFailure.client_key == client_key, LoginFailure.occurred_at >= since]
    if username is not None:  # user names are case-insensitive (get_user_by_username): so are their failures
        where.append(func.lower(LoginFailure.username) == username.lower())
    return where


def count_login_failures(session: Session, client_key: str, since: datetime, *, username: str | None = None) -> int:
    query = select(func.count()).where(*_failures(client_key, since, username))
    return session.scalar(query) or 0


def oldest_login_failure(
    session: Session, client_key: str, since: datetime, *, username: str | None = None
) -> datetime | None:
    return session.scalar(select(func.min(LoginFailure.occurred_at)).where(*_failures(client_key, since, username)))


def add_login_failure(session: Session, client_key: str, username: str | None, at: datetime) -> None:
    session.add(LoginFailure(client_key=client_key, username=username, occurred_at=at))


def delete_login_failures(
    session: Session,
    *,
    client_key: str | None = None,
    username: str | None = None,
    before: datetime | None = None,
) -> None:
    query = delete(LoginFailure)
    if client_key is not None:
        query = query.where(LoginFailure.client_key == client_key)
    if username is not None:
        query = query.where(func.lower(LoginFailure.username) == username.lower())
    if before is not None:
        query = query.where(LoginFailure.occurred_at < before)
    session.execute(query)

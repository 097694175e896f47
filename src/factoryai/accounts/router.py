"""/api/v1/auth, /api/v1/users and /api/v1/api-keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm

from factoryai.accounts import service
from factoryai.accounts.deps import AdminUser, CurrentUser, client_key, device_key_cache
from factoryai.accounts.schemas import ApiKeyRead, CurrentUserRead, Token, UserCreate, UserRead, UserUpdate
from factoryai.accounts.throttle import LoginThrottle
from factoryai.core.routing import ApiRoute
from factoryai.core.schemas import IdPath, Page, PageDep, to_page
from factoryai.core.web import API_V1, SessionDep, SettingsDep, error_response, errors

router = APIRouter(prefix=API_V1, tags=["accounts"], route_class=ApiRoute)


@router.post(
    "/auth/login",
    response_model=Token,
    summary="Log in and get a bearer token",
    responses=errors(
        401,
        429,
        e401="Wrong username or password",
        e429="Too many failed log-ins for this username from this address, or from this address",
    ),
)
def login(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
    client: Annotated[str, Depends(client_key)],
) -> Token | JSONResponse:
    throttle: LoginThrottle = request.app.state.login_throttle
    throttle.check(session, client, form.username)
    user = service.authenticate(session, form.username, form.password)
    if user is None:
        throttle.record_failure(session, client, form.username)
        # Answered, not raised: raising would roll back the failure just counted.
        return error_response(401, "unauthorized", "wrong username or password", headers={"WWW-Authenticate": "Bearer"})
    throttle.reset(session, client, form.username)
    token, expires_in = service.issue_token(user, settings)
    return Token(access_token=token, expires_in=expires_in)


@router.get("/auth/me", response_model=CurrentUserRead, summary="The logged-in user, and the site's time zone")
def get_current_user(user: CurrentUser, settings: SettingsDep) -> CurrentUserRead:
    return CurrentUserRead.model_validate({**UserRead.model_validate(user).model_dump(),
                                           "site_timezone": settings.site.timezone})  # fmt: skip


@router.get("/users", response_model=Page[UserRead])
def list_users(session: SessionDep, _admin: AdminUser, page: PageDep) -> Page[UserRead]:
    return to_page(UserRead, *service.list_users(session, page), page)


@router.post("/users", response_model=UserRead, status_code=status.HTTP_201_CREATED, responses=errors(409))
def create_user(data: UserCreate, session: SessionDep, settings: SettingsDep, _admin: AdminUser) -> UserRead:
    return UserRead.model_validate(service.create_user(session, data, settings))


@router.patch("/users/{user_id}", response_model=UserRead, responses=errors(409))
def update_user(
    user_id: IdPath, data: UserUpdate, session: SessionDep, settings: SettingsDep, admin: AdminUser
) -> UserRead:
    return UserRead.model_validate(service.update_user(session, user_id, data, settings, admin))


@router.get("/api-keys", response_model=Page[ApiKeyRead])
def list_api_keys(session: SessionDep, _admin: AdminUser, page: PageDep) -> Page[ApiKeyRead]:
    return to_page(ApiKeyRead, *service.list_api_keys(session, page), page)


# POST /api-keys lives in cameras/router.py: binding a key to cameras is a cameras rule (CONTRIBUTING rule 1).


@router.delete("/api-keys/{key_id}", response_model=ApiKeyRead, summary="Revoke an API key")
def revoke_api_key(key_id: IdPath, session: SessionDep, request: Request, _admin: AdminUser) -> ApiKeyRead:
    return ApiKeyRead.model_validate(service.revoke_api_key(session, key_id, device_key_cache(request)))

"""Who is calling: a logged-in user (bearer token) or a device (API key), and the role and scope checks routers use.

The accounts domain owns this because it owns users, roles and keys; other domains' routers import it as the one
entry point to authentication."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer

from factoryai.accounts import service as accounts
from factoryai.accounts.models import ApiKeyScope, Role, User
from factoryai.accounts.service import DeviceKey
from factoryai.accounts.throttle import client_address, trusted_networks
from factoryai.core.auth import API_KEY_PREFIX
from factoryai.core.errors import ForbiddenError, UnauthorizedError, problem
from factoryai.core.web import SessionDep, SettingsDep

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/login", auto_error=False)
api_key_scheme = APIKeyHeader(name="X-API-Key", auto_error=False, description="Device API key (ingest only).")


@dataclass(frozen=True)
class Principal:
    user: User | None = None
    api_key: DeviceKey | None = None

    def check_camera(self, camera_id: str | None) -> None:
        """Routes that take a camera call this first: a device key bound to cameras speaks only for them (403
        naming them, also when no camera is named); a logged-in user, or an unbound key, may name any camera."""
        if self.api_key is not None:
            self.api_key.check_camera(camera_id)


def device_key_cache(request: Request) -> accounts.DeviceKeyCache:
    return request.app.state.resources.device_keys


def get_principal(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    api_key: Annotated[str | None, Security(api_key_scheme)],
) -> Principal:
    # Prometheus and other tools can only send "Authorization: Bearer", so an API key is accepted there too.
    if api_key is None and token is not None and token.startswith(API_KEY_PREFIX):
        api_key, token = token, None
    if api_key is not None:
        return Principal(api_key=accounts.resolve_api_key(session, api_key, device_key_cache(request)))
    if token is not None:
        return Principal(user=accounts.user_from_token(session, token, settings))
    raise UnauthorizedError(
        "authentication required: log in for a bearer token", headers={"WWW-Authenticate": "Bearer"}
    )


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def _role_list(roles: tuple[Role, ...]) -> list[str]:
    return sorted({Role.ADMIN.value, *(r.value for r in roles)})  # admin always passes


def require_role(*roles: Role) -> Callable[[Principal], Coroutine[Any, Any, User]]:
    """A logged-in user with one of these roles (admin always passes; no roles means any user). A refusal says which
    roles the route takes, so the caller knows whom to ask."""
    allowed = _role_list(roles) if roles else sorted(r.value for r in Role)
    needs = f"one of the roles: {', '.join(allowed)}"

    async def dependency(principal: PrincipalDep) -> User:
        user = principal.user
        if user is None:
            message = f"this action needs a logged-in user with {needs}; API keys may only call device ingest endpoints"
            raise ForbiddenError(message, details=[problem("", message, roles=allowed)])
        if roles and user.role != Role.ADMIN and user.role not in roles:
            message = f"this action needs {needs} (you are {user.role})"
            raise ForbiddenError(message, details=[problem("", message, role=user.role, roles=allowed)])
        return user

    dependency.accepts = f"a logged-in user with {needs}"  # type: ignore[attr-defined]  # read by api/openapi.py
    return dependency


def require_scope(scope: ApiKeyScope, *roles: Role) -> Callable[[Principal], Coroutine[Any, Any, Principal]]:
    """An API key carrying this scope, or a user with one of these roles (admin always passes)."""
    allowed = _role_list(roles)
    takes = f"an API key with the {scope.value!r} scope, or a user with one of the roles: {', '.join(allowed)}"

    async def dependency(principal: PrincipalDep) -> Principal:
        if principal.api_key is not None:
            if scope.value not in principal.api_key.scopes:
                message = f"this API key lacks the {scope.value!r} scope; this action takes {takes}"
                raise ForbiddenError(message, details=[problem("", message, scope=scope.value, roles=allowed)])
            return principal
        user = principal.user
        if user is None:
            raise UnauthorizedError("authentication required")
        if user.role != Role.ADMIN and user.role not in roles:
            message = f"this action takes {takes} (you are {user.role})"
            details = [problem("", message, role=user.role, scope=scope.value, roles=allowed)]
            raise ForbiddenError(message, details=details)
        return principal

    dependency.accepts = takes  # type: ignore[attr-defined]  # read by api/openapi.py
    return dependency


CurrentUser = Annotated[User, Depends(require_role())]
AdminUser = Annotated[User, Depends(require_role(Role.ADMIN))]
HrUser = Annotated[User, Depends(require_role(Role.HR))]


async def client_key(request: Request, settings: SettingsDep) -> str:
    """The client address used for throttling: X-Forwarded-For is read only from configured trusted proxies."""
    peer = request.client.host if request.client else "unknown"
    proxies = trusted_networks(settings.server.trusted_proxies)
    return client_address(peer, request.headers.getlist("x-forwarded-for"), proxies)[:100]

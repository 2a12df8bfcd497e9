"""Who is calling: a bearer token names its tenant; without a tokens file every call is local."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pairwise.service.problems import ServiceProblem
from pairwise.service.settings import LOCAL_TENANT

bearer = HTTPBearer(auto_error=False, description="A token from the service's tokens file.")


def tenant_of(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str:
    """The caller's tenant; a 401 when the service has tokens and the call has no valid one."""
    tokens: dict[str, str] | None = request.app.state.settings.tokens
    if tokens is None:
        return LOCAL_TENANT
    given = credentials.credentials if credentials is not None else ""
    for token, tenant in tokens.items():
        # compared in constant time, so a token cannot be guessed from response times
        if given and hmac.compare_digest(token.encode(), given.encode()):
            return tenant
    raise ServiceProblem(
        401,
        "a valid token is needed: send 'Authorization: Bearer TOKEN'",
        ["Authorization: missing or unknown token"],
        headers={"WWW-Authenticate": "Bearer"},
    )

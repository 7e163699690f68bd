"""Request dependencies: settings, database session, served model, API key."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader
from sqlalchemy.orm import Session

from policytag.config import Settings
from policytag.registry import NoModelError
from serving.served_model import ServedModel

API_KEY_HEADER = "X-API-Key"
_api_key = APIKeyHeader(name=API_KEY_HEADER, auto_error=False,
                        description="Required on write endpoints when the service has POLICYTAG_API_KEY set.")


def request_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def get_model(request: Request) -> ServedModel:
    try:
        return request.app.state.model.get()
    except NoModelError as exc:
        raise HTTPException(503, f"no model is served: {exc}") from exc


def require_api_key(settings: Annotated[Settings, Depends(request_settings)],
                    key: Annotated[str | None, Security(_api_key)] = None) -> str:
    """The name of the caller's key (``anonymous`` when no key is configured)."""
    keys = settings.write_keys
    if not keys:
        return "anonymous"
    given = (key or "").encode("utf-8")
    name = None
    for expected, key_name in keys.items():  # compare with every key, in constant time each
        if hmac.compare_digest(given, expected.encode("utf-8")):
            name = key_name
    if name is None:
        raise HTTPException(401, "missing or wrong API key: send a key set in POLICYTAG_API_KEY(S) "
                                 f"in the {API_KEY_HEADER} header", headers={"WWW-Authenticate": API_KEY_HEADER})
    return name


SettingsDep = Annotated[Settings, Depends(request_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
ModelDep = Annotated[ServedModel, Depends(get_model)]
WriteAccess = Depends(require_api_key)
Author = Annotated[str, Depends(require_api_key)]

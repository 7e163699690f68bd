"""Request dependencies: settings, database session, served model, API key."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader
from sqlalchemy.orm import Session

from policytag.config import Settings
from serving.served_model import NoModelError, ServedModel

API_KEY_HEADER = "X-API-Key"
_api_key = APIKeyHeader(name=API_KEY_HEADER, auto_error=False,
                        description="Required on write endpoints when the service has POLICYTAG_API_KEY set.")


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def get_model(request: Request) -> ServedModel:
    try:
        return request.app.state.model.get()
    except NoModelError as exc:
        raise HTTPException(503, f"no model is served: {exc}") from exc


def require_api_key(settings: Annotated[Settings, Depends(get_settings)],
                    key: Annotated[str | None, Security(_api_key)] = None) -> None:
    expected = settings.api_key.get_secret_value() if settings.api_key else None
    if expected is None:
        return
    if key is None or not hmac.compare_digest(key.encode("utf-8"), expected.encode("utf-8")):
        raise HTTPException(401, f"missing or wrong API key: send the key set in POLICYTAG_API_KEY "
                                 f"in the {API_KEY_HEADER} header", headers={"WWW-Authenticate": API_KEY_HEADER})


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
ModelDep = Annotated[ServedModel, Depends(get_model)]
WriteAccess = Depends(require_api_key)

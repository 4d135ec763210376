"""The intake server (Starlette): serves the built site and turns form POSTs into records on their own branch.

Assembled here from the routes (routes.py), the guards around them (middleware.py) and the state they share
(state.py); ``app_from_env`` is what `mustafid serve` hands to uvicorn.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import BaseRoute, Mount

from mustafid.config.association import Association
from mustafid.intake.stash import INCOMING
from mustafid.intake.web.applicant import ROUTES as APPLICANT_ROUTES
from mustafid.intake.web.applicant import start_sender
from mustafid.intake.web.limits import Limits, UploadGuard
from mustafid.intake.web.middleware import BodyLimit, NoInternalErrors, SecurityHeaders
from mustafid.intake.web.routes import EXCEPTION_HANDLERS, ROUTES
from mustafid.intake.web.shells import SiteFiles
from mustafid.intake.web.state import IntakeState, Settings
from mustafid.intake.web.vault import VAULT_ROUTES
from mustafid.review.forges.local import LocalForge
from mustafid.store.documents import DocumentStore


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def create_app(assoc: Association, store: LocalForge, site_dir: Path | None = None, *,
               documents: DocumentStore | None = None, settings: Settings | None = None) -> Starlette:
    state = IntakeState.build(assoc, store, site_dir, documents, settings or Settings())
    routes: list[BaseRoute] = [*ROUTES, *VAULT_ROUTES, *APPLICANT_ROUTES]  # applicant: status, completion link
    if site_dir is not None:
        routes.append(Mount("/", app=SiteFiles(directory=str(site_dir), html=True), name="site"))
    guard = dataclasses.replace(state.settings.limits, trusted_proxies=tuple(str(n) for n in state.trusted))
    middleware = [Middleware(UploadGuard, limits=guard, spool_root=store.git_dir / "mustafid" / INCOMING),
                  Middleware(NoInternalErrors), Middleware(BodyLimit, multipart_limit=state.multipart_limit),
                  Middleware(SecurityHeaders, check_origin=_origin(assoc.site_url or "")),
                  Middleware(GZipMiddleware, minimum_size=800)]
    app = Starlette(routes=routes, middleware=middleware, exception_handlers=EXCEPTION_HANDLERS)
    app.state.intake = state
    start_sender(state, state.settings.send_notices_s)
    return app


def app_from_env() -> Starlette:
    """For `uvicorn --factory` with several workers: the settings come from MUSTAFID_* variables."""
    from mustafid.config.association import load_association

    assoc = load_association(Path(os.environ.get("MUSTAFID_ASSOCIATION", ".")))
    store = LocalForge(Path(os.environ.get("MUSTAFID_REPO", ".")))
    site = os.environ.get("MUSTAFID_SITE_DIR")
    settings = Settings(rate_per_minute=float(os.environ.get("MUSTAFID_RATE_LIMIT", "30")),
                        trust_proxy=os.environ.get("MUSTAFID_TRUST_PROXY") == "1",
                        remote=os.environ.get("MUSTAFID_REMOTE", ""), limits=Limits.from_env(),
                        send_notices_s=float(os.environ.get("MUSTAFID_SEND_NOTICES", "0") or 0))
    return create_app(assoc, store, Path(site) if site else None, settings=settings)

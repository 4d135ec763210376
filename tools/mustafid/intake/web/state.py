"""What the routes find in ``request.app.state.intake``: the intake, its pages, stash, limits and publisher,
built once per server process."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request

from mustafid.config.association import Association
from mustafid.intake.posted import FormShape, multipart_limit_for
from mustafid.intake.publisher import Publisher, remote_for
from mustafid.intake.service import Intake
from mustafid.intake.stash import Stash, intake_secret
from mustafid.intake.web.middleware import RateLimiter
from mustafid.intake.web.shells import Pages
from mustafid.review.forges.local import LocalForge
from mustafid.review.signing import intake_signer
from mustafid.store.documents import DocumentStore


@dataclass
class Settings:
    rate_per_minute: float = 30          # submissions (check/confirm posts) per client per minute
    check_per_minute: float = 600        # as-you-type checks per client per minute
    multipart_limit: int | None = None   # default: from the forms' file fields
    trust_proxy: bool = False            # take the client address from X-Forwarded-For (behind a reverse proxy)
    remote: str = ""                     # push each new branch there (and open its pull request on GitHub)
    send_notices_s: float = 0            # deliver the notices' outbox this often (0: `mustafid notices send` does)


@dataclass(frozen=True)
class IntakeState:
    intake: Intake
    settings: Settings
    shells: Pages
    stash: Stash
    shapes: dict[str, FormShape]         # form id -> the keys its posts may hold
    submit_limit: RateLimiter
    check_limit: RateLimiter
    publisher: Publisher | None          # None: nothing is pushed (the embedded default)
    multipart_limit: int

    @classmethod
    def build(cls, assoc: Association, store: LocalForge, site_dir: Path | None,
              documents: DocumentStore | None, settings: Settings) -> IntakeState:
        if store.signer is None:  # the intake signs with its own key once the roster lists keys
            store.signer = intake_signer(assoc, store.git_dir)
        intake = Intake(assoc, store, documents or DocumentStore.beside(store))
        intake.duplicates.start_background()  # built now, kept current off the request path
        # GitHub configured (association.yml + $GITHUB_TOKEN): each request's pull request opens on "origin"
        remote = remote_for(assoc, settings.remote, store)
        return cls(intake=intake, settings=settings, shells=Pages(assoc, site_dir),
                   stash=Stash(intake_secret(store.git_dir)),
                   shapes={fid: FormShape(f) for fid, f in intake.forms.items()},
                   submit_limit=RateLimiter(settings.rate_per_minute),
                   check_limit=RateLimiter(settings.check_per_minute),
                   publisher=Publisher(assoc, store, remote, intake.documents) if remote else None,
                   multipart_limit=settings.multipart_limit or multipart_limit_for(intake.forms))


def of(request: Request) -> IntakeState:
    state = request.app.state.intake
    assert isinstance(state, IntakeState)
    return state


def client(request: Request) -> str:
    """The client's address, for the rate limit only (never logged)."""
    if of(request).settings.trust_proxy and "x-forwarded-for" in request.headers:
        return request.headers["x-forwarded-for"].split(",")[0].strip()
    return request.client.host if request.client else "?"


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept

"""What the routes find in ``request.app.state.intake``: the intake, its pages, stash, limits and publisher,
built once per server process."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from starlette.requests import Request

from mustafid.config.association import Association
from mustafid.intake.posted import FormShape, multipart_limit_for
from mustafid.intake.publisher import Publisher, remote_for
from mustafid.intake.service import Intake
from mustafid.intake.stash import Stash, intake_secret
from mustafid.intake.web.limits import Limits, Network, parse_networks, scope_client
from mustafid.intake.web.middleware import RateLimiter, accepts_json
from mustafid.intake.web.shells import Pages
from mustafid.review.forges.local import LocalForge
from mustafid.review.signing import intake_signer
from mustafid.store.documents import DocumentStore


@dataclass
class Settings:
    rate_per_minute: float = 30          # submissions (check/confirm posts) per client per minute
    check_per_minute: float = 600        # as-you-type checks per client per minute
    multipart_limit: int | None = None   # default: from the forms' file fields
    trust_proxy: bool = False            # behind a reverse proxy on this machine (= trusted proxy "loopback")
    remote: str = ""                     # push each new branch there (and open its pull request on GitHub)
    limits: Limits = field(default_factory=Limits)  # time, memory, disk; the trusted proxies (intake.web.limits)
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
    trusted: tuple[Network, ...]         # the reverse proxies whose X-Forwarded-For is believed

    @classmethod
    def build(cls, assoc: Association, store: LocalForge, site_dir: Path | None,
              documents: DocumentStore | None, settings: Settings) -> IntakeState:
        if store.signer is None:  # the intake signs with its own key once the roster lists keys
            store.signer = intake_signer(assoc, store.git_dir)
        intake = Intake(assoc, store, documents or DocumentStore.beside(store))
        intake.duplicates.start_background()  # built now, kept current off the request path
        # GitHub configured (association.yml + $GITHUB_TOKEN): each request's pull request opens on "origin"
        remote = remote_for(assoc, settings.remote, store)
        limits = settings.limits
        stash = Stash(intake_secret(store.git_dir), store.git_dir / "mustafid" / "stash", ttl=limits.stash_ttl,
                      client_quota=limits.stash_client_quota, total_quota=limits.stash_total_quota,
                      sealed=intake.sealer is not None)
        stash.start_sweeping()  # unconfirmed documents expire and are removed
        trusted = limits.trusted_proxies + (("loopback",) if settings.trust_proxy else ())
        return cls(intake=intake, settings=settings, shells=Pages(assoc, site_dir),
                   stash=stash,
                   shapes={fid: FormShape(f) for fid, f in intake.forms.items()},
                   submit_limit=RateLimiter(settings.rate_per_minute),
                   check_limit=RateLimiter(settings.check_per_minute),
                   publisher=Publisher(assoc, store, remote, intake.documents) if remote else None,
                   multipart_limit=settings.multipart_limit or multipart_limit_for(intake.forms),
                   trusted=parse_networks(trusted))


def of(request: Request) -> IntakeState:
    state = request.app.state.intake
    assert isinstance(state, IntakeState)
    return state


def client(request: Request) -> str:
    """The client's address, for the rate limit and the stash's quota only (never logged): behind trusted
    proxies, the rightmost forwarded address that is not one of them (intake.web.limits)."""
    return scope_client(request.scope, of(request).trusted)


def wants_json(request: Request) -> bool:
    return accepts_json(request.headers.get("accept", ""))

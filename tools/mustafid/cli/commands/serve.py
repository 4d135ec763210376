"""`mustafid serve`: build the association's site and run the intake server on 127.0.0.1 (the README's main job).

The embedded default: the association is the current folder, the records go to the current git repository
(branches `submission/<id>`), uploaded documents beside it (.git/mustafid/documents).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from mustafid.cli.commands.common import add_association, add_repo


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_association(p)
    add_repo(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=int(os.environ.get("MUSTAFID_PORT", "8000")),
                   help="port (default: 8000 or $MUSTAFID_PORT; 0 picks a free one)")
    p.add_argument("--site", type=Path, default=None,
                   help="serve this already built site instead of building one (default: build into ./site)")
    p.add_argument("--out", type=Path, default=Path("site"), help="where to build the site (default: ./site)")
    p.add_argument("--workers", type=int, default=1,
                   help="server processes (default: 1); writes are safe across them, the rate limit and the caps "
                        "on uploads count per process")
    p.add_argument("--rate-limit", type=float, default=float(os.environ.get("MUSTAFID_RATE_LIMIT", "30")),
                   help="form posts per client per minute (default: 30; 0 turns the limit off)")
    p.add_argument("--remote", default=os.environ.get("MUSTAFID_REMOTE", ""),
                   help="push each new request's branch to this git remote (name or URL) after saving it; with "
                        "github.repository in association.yml and $GITHUB_TOKEN, also open its pull request")
    p.add_argument("--send-notices", type=float, default=float(os.environ.get("MUSTAFID_SEND_NOTICES", "0") or 0),
                   metavar="SECONDS", help="deliver the applicants' notices every SECONDS (default 0: off; "
                   "`mustafid notices send` from a scheduled job does it instead)")
    p.add_argument("--trust-proxy", action="store_true",
                   help="behind a reverse proxy on this machine: same as --trusted-proxy loopback")
    p.add_argument("--trusted-proxy", action="append", default=[], metavar="ADDRESS/NETWORK",
                   help="a reverse proxy in front (repeatable; also $MUSTAFID_TRUSTED_PROXIES, comma-separated): "
                        "the client is the rightmost X-Forwarded-For address that is not one of them")


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from mustafid.config.association import load_association
    from mustafid.review.forges.local import LocalForge
    from mustafid.review.signing import intake_signer

    assoc = load_association(args.association)  # a broken association.yml is refused before anything is built
    store = LocalForge(args.repo)  # refuses a folder that is not a git repository, before anything is built
    intake_signer(assoc, store.git_dir)  # a signing association needs the intake's key: refused before the build
    if store.branch_tip(store.main) is None:
        from mustafid.core.errors import UserError

        raise UserError(f"لا يوجد الفرع {store.main} في {args.repo}: أنشئ أول إيداع فيه",
                        f"there is no branch {store.main} in {args.repo}: make a first commit on it")
    site = args.site
    if site is not None and not (Path(site) / "index.html").is_file():
        from mustafid.core.errors import UserError

        raise UserError(f"المجلد {site} لا يحوي موقعاً مبنياً: ابنه بالأمر mustafid build أو احذف الخيار --site",
                        f"{site} holds no built site: build one with `mustafid build` or leave out --site")
    if site is None:
        from mustafid.site.build import build_site

        print("بناء الموقع… | building the site …", file=sys.stderr)
        site = build_site(args.association, args.out)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    os.environ.update({"MUSTAFID_ASSOCIATION": str(Path(args.association).resolve()),
                       "MUSTAFID_REPO": str(Path(args.repo).resolve()),
                       "MUSTAFID_SITE_DIR": str(Path(site).resolve()), "MUSTAFID_RATE_LIMIT": str(args.rate_limit),
                       "MUSTAFID_TRUST_PROXY": "1" if args.trust_proxy else "0",
                       "MUSTAFID_REMOTE": args.remote, "MUSTAFID_SEND_NOTICES": str(args.send_notices)})
    _trusted_proxies(args.trusted_proxy)
    config = uvicorn.Config("mustafid.intake.web.app:app_from_env", factory=True, host=args.host, port=args.port,
                            workers=args.workers, log_level="info", access_log=False, server_header=False,
                            proxy_headers=False, timeout_graceful_shutdown=10,  # the client: intake.web.limits
                            http="mustafid.intake.web.protocol:GuardedHttpTools")  # header timeout
    server = uvicorn.Server(config)
    if args.workers > 1:
        from uvicorn.supervisors import Multiprocess

        sock = config.bind_socket()
        _announce(args.host, sock.getsockname()[1])
        Multiprocess(config, sockets=[sock]).run()
        return 0
    config.load()
    sock = config.bind_socket()
    _announce(args.host, sock.getsockname()[1])
    server.run(sockets=[sock])
    return 0


def _trusted_proxies(given: list[str]) -> None:
    """The trusted proxies of the option and the environment, checked now (a wrong one is refused before the
    server starts) and handed to the server processes."""
    from mustafid.core.errors import UserError
    from mustafid.intake.web.limits import parse_networks

    specs = [p.strip() for p in os.environ.get("MUSTAFID_TRUSTED_PROXIES", "").split(",") + given if p.strip()]
    try:
        parse_networks(specs)
    except ValueError as exc:
        raise UserError(f"عنوان وكيل غير صحيح في --trusted-proxy: {exc}",
                        f"a wrong address in --trusted-proxy: {exc} (give an address, a network such as "
                        "10.0.0.0/8, or loopback)") from None
    os.environ["MUSTAFID_TRUSTED_PROXIES"] = ",".join(specs)


def _announce(host: str, port: int) -> None:
    print(f"الموقع يعمل على | the site is served at  http://{host}:{port}/   (English: /en/)",
          file=sys.stderr, flush=True)

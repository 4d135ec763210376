"""The public statistics page and the auditors' HTML report in Debian chromium at phone width (360 px), both
languages, for both associations, from a history with known figures: the right direction, no horizontal scroll,
axe-core with no serious or critical violation, the charts drawn, and no value the test submitted on the page."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from mustafid.cli.main import main
from tests.audit.known_history import History, build
from tests.helpers import EXAMPLES
from tests.site.test_browser import ARTIFACTS, _QuietHandler, browser  # noqa: F401  # the shared chromium fixture
from tests.site.test_browser_forms import run_axe

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]
PHONE = {"width": 360, "height": 780}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, History]]]:
    """Both associations: a known history, its aggregates and audit pages, the site built from the aggregates;
    all served over HTTP on 127.0.0.1 (/<name>/ the site, /<name>/_audit/ the audit pages)."""
    from mustafid.site.build import build_site

    root = tmp_path_factory.mktemp("published")
    histories = {}
    for name in ("ajaa", "kahatain"):
        h = build(tmp_path_factory.mktemp(f"{name}-history"), name)
        histories[name] = h
        args = ["--association", str(h.repo), "--repo", str(h.repo)]
        agg = root / f"{name}-statistics.json"
        audit_dir = root / "audit" / name
        audit_dir.mkdir(parents=True)
        assert main(["audit", *args, "--aggregates", str(agg), "--format", "html",
                     "-o", str(audit_dir / "audit.html")]) == 0
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("MUSTAFID_STATISTICS", str(agg))
            build_site(EXAMPLES[name], root / "site" / name)
        shutil.copytree(audit_dir, root / "site" / name / "_audit")
    handler = functools.partial(_QuietHandler, directory=str(root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", histories
    finally:
        server.shutdown()
        server.server_close()


PAGES = [("/statistics/", "ar"), ("/en/statistics/", "en"), ("/_audit/audit.html", "ar"),
         ("/_audit/audit.en.html", "en")]


@pytest.mark.parametrize("name", ["ajaa", "kahatain"])
def test_statistics_and_audit_pages_on_a_phone(browser: Any, published: tuple[str, dict[str, History]],  # noqa: F811
                                               name: str) -> None:
    base, histories = published
    h = histories[name]
    ctx = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    found: dict[str, Any] = {}
    try:
        for path, lang in PAGES:
            url = f"{base}/{name}{path}"
            page.goto(url, wait_until="load")
            assert page.evaluate("document.documentElement.lang") == lang, url
            want = "rtl" if lang == "ar" else "ltr"
            assert page.evaluate("getComputedStyle(document.body).direction") == want, url
            widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert widths[0] <= widths[1], f"horizontal scroll at 360 px on {url}: {widths}"
            svgs = page.evaluate("[...document.querySelectorAll('svg[role=img]')].map(s => "
                                 "[s.getBoundingClientRect().width, s.getAttribute('aria-label')])")
            assert len(svgs) == 5 and all(0 < w <= 360 for w, _ in svgs), (url, svgs)
            text = page.evaluate("document.documentElement.outerHTML")
            leaked = [v for v in h.secrets if v in text]
            assert not leaked, (url, leaked)
            if "statistics" in path:  # the public page: no reference number either, small counts suppressed
                assert not [i for ids in h.ids.values() for i in ids if i in text], url
                assert ("أقل من ٥" if lang == "ar" else "fewer than 5") in text
            if violations := run_axe(page):
                found[path] = violations
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"stats-{name}-{path.strip('/').replace('/', '-')}-360.png"),
                            full_page=True)
        # the statistics page is in the site's navigation of its language
        page.goto(f"{base}/{name}/", wait_until="load")
        assert page.locator('a[href$="statistics/"]').count() >= 1
    finally:
        ctx.close()
    assert not failed, failed
    assert found == {}, f"axe-core: serious or critical violations: {found}"

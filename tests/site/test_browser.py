"""Debian chromium (through playwright) on the built Ajaa site, served over real HTTP on 127.0.0.1, at phone width."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.helpers import ROOT
from tests.site.conftest import BuiltSite

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(sites: dict[str, BuiltSite]) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(sites["kahatain"].root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        import os

        if os.environ.get("MUSTAFID_REQUIRE_BROWSER") == "1":  # CI: a missing browser is a failure, not a skip
            pytest.fail("Debian chromium is not installed: tools/setup.sh should have installed it")
        pytest.skip("Debian chromium is not installed (make setup installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.mark.parametrize("path", ["/", "/policy/"])
def test_arabic_page_on_a_phone(browser: object, served: str, path: str) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    foreign: list[str] = []
    page.on("request", lambda r: foreign.append(r.url) if urlsplit(r.url).hostname != "127.0.0.1"
            and not r.url.startswith("data:") else None)
    failed: list[str] = []  # every request the page makes is answered (it once asked for <page>/sitemap.xml)
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("console", lambda m: failed.append(f"console: {m.text}") if m.type == "error" else None)
    try:
        page.goto(served + path, wait_until="networkidle")
        assert not failed, failed
        assert page.evaluate("document.documentElement.lang") == "ar"
        assert page.evaluate("document.body.dir") == "rtl"
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], f"horizontal scroll at 390 px: {widths}"
        # the self-hosted Arabic face is the one in use
        assert page.evaluate("document.fonts.check('16px \"Noto Sans Arabic\"', 'س')")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"site-ar-{path.strip('/').replace('/', '-') or 'home'}-390.png"),
                        full_page=True)
        # the language switcher (the header's translate menu) reaches the English twin
        page.hover(".md-header__option .md-select")
        page.click('a.md-select__link[hreflang="en"]')
        page.wait_for_load_state("load")
        assert urlsplit(page.url).path == "/en" + path
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.evaluate("document.body.dir") == "ltr"
        assert not foreign, foreign
    finally:
        ctx.close()


@pytest.mark.parametrize("query, expect", [
    ("الأَهْدَافُ التَّفْصِيلِيَّة", "الأهداف التفصيلية"),  # typed with tashkeel, found in text without
    ("الرحمن الرحيم", "الرحمن"),  # typed without, found in the basmala written with tashkeel
    ("beneficiaries", "beneficiar"),  # the English pages are in the same index
])
def test_search_both_languages_ignores_tashkeel(browser: object, served: str, query: str, expect: str) -> None:
    ctx = browser.new_context(viewport={"width": 1024, "height": 800})  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(served + "/", wait_until="load")
        page.keyboard.press("/")  # material's shortcut to the search box
        page.keyboard.type(query)
        page.wait_for_selector(".md-search-result__item", timeout=10_000)
        results = page.inner_text(".md-search-result__list")
        assert expect in results, results[:500]
    finally:
        ctx.close()


def test_no_page_scrolls_sideways_on_a_phone(browser: object, served: str) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    wide = []
    try:
        for path in ("/channels/", "/guides/apply/", "/guides/next/", "/guides/rights/", "/404.html",
                     "/en/", "/en/policy/", "/en/channels/"):
            page.goto(served + path, wait_until="load")
            w = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            if w[0] > w[1]:
                wide.append((path, w))
    finally:
        ctx.close()
    assert not wide, wide

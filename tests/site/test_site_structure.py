"""Every Arabic page has its English twin, the right lang/dir, and nothing is loaded from another host."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import pytest

from tests.site.conftest import BuiltSite, read_html

pytestmark = pytest.mark.xdist_group("site")
NAMES = ["ajaa", "kahatain"]


def arabic_pages(site: BuiltSite) -> list[Path]:
    return [p for p in site.html_files()
            if p.relative_to(site.root).parts[0] not in ("en", "assets", "search") and p.name == "index.html"]


def resolve(page: Path, href: str, root: Path) -> Path:
    """The file a relative link from ``page`` points at."""
    target = PurePosixPath(href.split("#", maxsplit=1)[0])
    full = root / str(target).lstrip("/") if href.startswith("/") else (page.parent / str(target)).resolve()
    return full / "index.html" if full.is_dir() or href.endswith("/") else full


@pytest.mark.parametrize("name", NAMES)
def test_every_arabic_page_has_an_english_twin_reached_by_the_switcher(sites: dict[str, BuiltSite], name: str) -> None:
    site = sites[name]
    pages = arabic_pages(site)
    assert len(pages) >= 6  # home, policy, channels, three guides
    for ar in pages:
        rel = ar.relative_to(site.root)
        en = site.root / "en" / rel
        assert en.is_file(), f"no English twin for {rel}"
        ar_html, en_html = read_html(ar), read_html(en)
        assert resolve(ar, ar_html.alternates["en"], site.root) == en.resolve(), rel
        assert resolve(en, en_html.alternates["ar"], site.root) == ar.resolve(), rel
    english = list((site.root / "en").rglob("index.html"))
    assert len(english) == len(pages)  # and no English page without an Arabic one


@pytest.mark.parametrize("name", NAMES)
def test_language_pairs_live_in_the_sitemap_not_in_the_head(sites: dict[str, BuiltSite], name: str) -> None:
    """Material fetches sitemap.xml beside every head <link rel=alternate>: with static-i18n's page-level links
    that was two 404s per page load. The pairs are declared once, in the sitemap, for every page."""
    import xml.etree.ElementTree as ET

    site = sites[name]
    for path in site.html_files():
        head = path.read_text(encoding="utf-8").partition("</head>")[0]
        assert not re.search(r"<link[^>]*hreflang", head), path.relative_to(site.root)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = ET.parse(site.root / "sitemap.xml").getroot().findall("s:url", ns)
    base = urls[0].find("s:loc", ns).text
    pairs = {u.find("s:loc", ns).text: {a.get("hreflang"): a.get("href") for a in u.findall("x:link", ns)}
             for u in urls}
    # the receipt needs its ?ref=, the status and completion pages their intake (site/applicant.py)
    listed = [p for p in arabic_pages(site) if p.parent.name not in ("receipt", "status", "complete")]
    assert len(listed) == len(urls) // 2 and any("forms/support-request" in u for u in pairs)
    assert not any("receipt" in u for u in pairs)
    for ar in listed:
        rel = ar.relative_to(site.root).parent.as_posix()
        loc = base + ("" if rel == "." else rel + "/")
        assert pairs.get(loc) == {"ar": loc, "en": base + "en/" + ("" if rel == "." else rel + "/")}, loc


@pytest.mark.parametrize("name", NAMES)
def test_lang_and_dir(sites: dict[str, BuiltSite], name: str) -> None:
    site = sites[name]
    for path in site.html_files():
        rel = path.relative_to(site.root)
        if rel.parts[0] in ("assets", "search"):
            continue
        page = read_html(path)
        want = ("en", "ltr") if rel.parts[0] == "en" else ("ar", "rtl")
        assert (page.lang, page.body_dir) == want, rel


@pytest.mark.parametrize("name", NAMES)
def test_arabic_404_at_the_root_and_english_404_under_en(sites: dict[str, BuiltSite], name: str) -> None:
    ar, en = read_html(sites[name].root / "404.html"), read_html(sites[name].root / "en" / "404.html")
    assert (ar.lang, ar.body_dir) == ("ar", "rtl") and "الصفحة غير موجودة" in ar.article
    assert (en.lang, en.body_dir) == ("en", "ltr") and "Page not found" in en.article


def _foreign(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) or url.startswith("//") or parts.scheme not in ("", "data")


@pytest.mark.parametrize("name", NAMES)
def test_no_resource_from_another_host(sites: dict[str, BuiltSite], name: str) -> None:
    site = sites[name]
    bad: list[str] = []
    for path in site.html_files():
        page = read_html(path)
        assert page.resources, path  # the reader sees the theme's own scripts and styles
        bad += [f"{path.relative_to(site.root)}: {kind} {url}" for kind, url in page.resources if _foreign(url)]
    for css in site.root.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        rel = css.relative_to(site.root)
        bad += [f"{rel}: {u}" for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", text) if _foreign(u)]
        bad += [f"{rel}: @import" for _ in re.findall(r"@import\s+(?:url\()?['\"]?(?:https?:)?//", text)]
    assert not bad, "\n".join(bad)


def test_the_resource_check_can_fail(tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    page.write_text('<html lang="ar"><head><link rel="stylesheet" href="https://fonts.googleapis.com/css">'
                    '<link rel="preconnect" href="https://fonts.gstatic.com"><script src="//cdn.invalid/x.js"></script>'
                    '</head><body dir="rtl"><a href="https://twitter.com/x">social links are fine</a></body></html>')
    assert [u for _, u in read_html(page).resources if _foreign(u)] == [
        "https://fonts.googleapis.com/css", "https://fonts.gstatic.com", "//cdn.invalid/x.js"]


@pytest.mark.parametrize("name", NAMES)
def test_font_is_self_hosted(sites: dict[str, BuiltSite], name: str) -> None:
    fonts = sites[name].root / "assets" / "mustafid" / "fonts"
    assert (fonts / "noto-sans-arabic-arabic-400-normal.woff2").read_bytes()[:4] == b"wOF2"
    css = (sites[name].root / "assets" / "mustafid" / "mustafid.css").read_text(encoding="utf-8")
    assert 'url("fonts/noto-sans-arabic-arabic-400-normal.woff2")' in css
    home = (sites[name].root / "index.html").read_text(encoding="utf-8")
    assert "assets/mustafid/mustafid.css" in home and "fonts.googleapis" not in home


def test_admonition_titles_translated(sites: dict[str, BuiltSite]) -> None:
    ar = (sites["ajaa"].root / "guides" / "apply" / "index.html").read_text(encoding="utf-8")
    en = (sites["ajaa"].root / "en" / "guides" / "apply" / "index.html").read_text(encoding="utf-8")
    assert '<p class="admonition-title">نصيحة</p>' in ar
    assert '<p class="admonition-title">Tip</p>' in en

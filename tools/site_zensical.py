"""``make site-zensical``: both associations built by mkdocs-material and by Zensical, compared.

Optional, and never part of the test suite: mkdocs-material is in maintenance mode and Zensical (its
successor) has no plugin API, so this shows how far the site is from building on it. The mkdocs build is
``mustafid.site.build.build_site``; the Zensical one is the project ``mustafid.site.zensical.prepare_project``
writes, built by a pinned Zensical + zensical-i18n in their own virtual environment, then finished by
``finish_site``. Both use the same functions of ``mustafid.site``. Prints what agrees and what differs; exits
0 either way (1 only when a build could not run).

    .venv/bin/python tools/site_zensical.py --zensical .venv-zensical/bin/zensical-i18n [--keep DIR]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import re
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from mustafid.site.search import index_texts, strip_tashkeel  # noqa: E402

ASSOCIATIONS = {"ajaa": ROOT, "kahatain": ROOT / "examples" / "kahatain"}
# A heading of both policies (written without tashkeel), typed without and with it, and an English word.
QUERIES = ("الأهداف التفصيلية", "الأَهْدَافُ التَّفْصِيلِيَّة", "beneficiaries")
CHROMIUM = Path("/usr/bin/chromium")


@dataclass
class Page:
    lang: str = ""
    dir: str = ""
    text: str = ""
    article: list[str] = field(default_factory=list)  # the text of the page's content (inside <article>)
    switcher: dict[str, str] = field(default_factory=dict)  # hreflang -> href of the language switcher
    resources: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page, self.skip, self.in_article = page, 0, 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.page.lang = a.get("lang", "")
        elif tag == "body":
            self.page.dir = a.get("dir", "")
        elif tag in ("script", "style"):
            self.skip += 1
        elif tag == "article":
            self.in_article += 1
        if tag in ("script", "img", "iframe", "source") and a.get("src"):
            self.page.resources.append(a["src"])
        if tag == "link" and set(a.get("rel", "").split()) & {"stylesheet", "preload", "icon", "modulepreload"}:
            self.page.resources.append(a.get("href", ""))
        if tag == "a" and "md-select__link" in a.get("class", "").split() and a.get("hreflang"):
            self.page.switcher[a["hreflang"]] = a.get("href", "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip -= 1
        elif tag == "article":
            self.in_article -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.page.text += data
            if self.in_article:
                self.page.article.append(data)


def read(path: Path) -> Page:
    page = Page()
    _Reader(page).feed(path.read_text(encoding="utf-8"))
    return page


def html_pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts}


def _target(site: Path, page: str, href: str) -> str:
    target = unquote(href.split("#", 1)[0])
    base = site if target.startswith("/") else (site / page).parent  # the site is served at its host's root
    full = (base / target.lstrip("/")).resolve()
    full = full / "index.html" if full.is_dir() or href.endswith("/") else full
    return full.relative_to(site.resolve()).as_posix() if full.is_relative_to(site.resolve()) else href


def _title(path: Path) -> str:
    found = re.search(r"<title>([^<]*)</title>", path.read_text(encoding="utf-8"))
    return found.group(1) if found else ""


def _foreign(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) or url.startswith("//") or parts.scheme not in ("", "data")


def facts(site: Path) -> dict[str, object]:
    """What the comparison looks at in one built site."""
    pages = sorted(html_pages(site))
    read_pages = {p: read(site / p) for p in pages}
    wrong_lang = [p for p, h in read_pages.items()
                  if (h.lang, h.dir) != (("en", "ltr") if p.startswith("en/") else ("ar", "rtl"))]
    unlinked = []
    for p in pages:
        if p.startswith("en/") or p == "404.html":
            continue
        en = "en/" + p
        if _target(site, p, read_pages[p].switcher.get("en", "")) != en or (
                en in read_pages and _target(site, en, read_pages[en].switcher.get("ar", "")) != p):
            unlinked.append(p)
    four = {lang: read_pages.get(path) for lang, path in (("ar", "404.html"), ("en", "en/404.html"))}
    sitemaps = " ".join(p.read_text(encoding="utf-8") for p in site.rglob("sitemap.xml"))
    texts = [strip_tashkeel(t) for _, t in index_texts(site)]
    raw_texts = [t for _, t in index_texts(site)]
    return {
        "pages": pages,
        "text": {p: re.sub(r"\s+", " ", " ".join(h.article)).strip() for p, h in read_pages.items()},
        "title": {p: _title(site / p) for p in pages},
        "wrong lang/dir": wrong_lang,
        "twins not linked": unlinked,
        "Arabic 404": bool(four["ar"] and four["ar"].lang == "ar" and "الصفحة غير موجودة" in four["ar"].text),
        "English 404": bool(four["en"] and four["en"].lang == "en" and "Page not found" in four["en"].text),
        "resources from another host": sorted({u for h in read_pages.values() for u in h.resources if _foreign(u)}),
        "receipt in the sitemap": "forms/receipt/" in sitemaps,
        "index stored without tashkeel": all(t == strip_tashkeel(t) for t in raw_texts),
        "index finds the heading (typed without tashkeel)": any(QUERIES[0] in t for t in texts),
        **browser_search(site),
    }


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def browser_search(site: Path) -> dict[str, object]:
    """Each query typed into the site's own search box in Debian chromium (site served on 127.0.0.1): found?"""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"browser search": "not run (playwright missing)"}
    if not CHROMIUM.exists():
        return {"browser search": "not run (/usr/bin/chromium missing)"}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    found: dict[str, object] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
            for query in QUERIES:
                page = browser.new_page(viewport={"width": 1024, "height": 800})
                page.goto(url, wait_until="networkidle")
                page.keyboard.press("/")  # both engines' shortcut to the search box
                page.wait_for_timeout(300)
                page.keyboard.type(query)
                page.wait_for_timeout(1500)
                # material 9's results are in the page; Zensical's in its dialog's shadow root (locators pierce it)
                hits = page.locator(".md-search-result__item, ol[role=listbox] > li").count()
                found[f"browser search '{query}'"] = hits > 0
                page.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return found


def build_mkdocs(folder: Path, out: Path) -> Path:
    from mustafid.site.build import build_site

    return build_site(folder, out)


def build_zensical(folder: Path, work: Path, zensical: str) -> tuple[Path | None, str]:
    from mustafid.site.zensical import finish_site, prepare_project

    cfg = prepare_project(folder, work)
    env = {**os.environ, "MUSTAFID_ASSOCIATION": str(folder)}
    done = subprocess.run([zensical, "build", "-f", str(cfg)], cwd=cfg.parent, capture_output=True, text=True,
                          env=env, check=False, timeout=600)
    if done.returncode != 0:
        return None, (done.stdout + done.stderr)[-2000:]
    site = cfg.parent / "site"
    finished = finish_site(site, folder)
    return site, ", ".join(f"{k}: {v}" for k, v in finished.items())


def twin_check(zensical: str, work: Path) -> list[str]:
    """A page without its English twin: refused by the mkdocs build, by prepare_project, and by Zensical?"""
    import shutil

    from mustafid.core.errors import UserError
    from mustafid.site.build import build_site
    from mustafid.site.settings import PROJECT_ROOT
    from mustafid.site.zensical import prepare_project

    folder = work / "twin" / "association"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ASSOCIATIONS["kahatain"] / "association.yml", folder / "association.yml")
    content = work / "twin" / "content"
    shutil.copytree(PROJECT_ROOT / "content", content, dirs_exist_ok=True)
    cfg = (PROJECT_ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("docs_dir: content", f"docs_dir: {content}")
    (folder / "mkdocs.yml").write_text(cfg, encoding="utf-8")
    project = prepare_project(folder, work / "twin" / "zensical")  # complete: the engine alone is tried below
    (content / "en" / "guides" / "rights.md").unlink()
    (project.parent / "docs" / "en" / "guides" / "rights.md").unlink()
    refused = {}
    for who, attempt in (("mkdocs build", lambda: build_site(folder, work / "twin" / "site")),
                         ("prepare_project", lambda: prepare_project(folder, work / "twin" / "zensical-2"))):
        try:
            attempt()
            refused[who] = False
        except UserError:
            refused[who] = True
    done = subprocess.run([zensical, "build", "-f", str(project)], cwd=project.parent, capture_output=True,
                          text=True, check=False, timeout=600)
    refused["Zensical alone"] = done.returncode != 0
    return ["a page without its English twin refused: " + ", ".join(f"{k} {_shown(v)}" for k, v in refused.items())]


def compare(name: str, mk: dict[str, object], zs: dict[str, object]) -> list[str]:
    """One line per fact: the same on both, or what each engine gave."""
    lines = []
    for key, ours in mk.items():
        theirs = zs[key]
        if key in ("text", "title"):
            a, b = dict(ours), dict(theirs)  # type: ignore[call-overload]
            differ = sorted(p for p in a.keys() & b.keys() if a[p] != b[p])
            what = "page text (<article>)" if key == "text" else "<title>"
            shown = [f"{p} {a[p]!r} / {b[p]!r}" if key == "title" else p for p in differ]
            lines.append(f"  DIFFERS {what}: {_shown(shown)}" if differ else
                         f"  same  {what} of each of the {len(a.keys() & b.keys())} pages")
        elif key == "pages":
            a, b = set(ours), set(theirs)  # type: ignore[call-overload]
            lines.append(f"  same {len(a)} pages" if a == b else
                         f"  DIFFERS pages: only mkdocs {sorted(a - b)}, only Zensical {sorted(b - a)}")
        elif ours == theirs:
            lines.append(f"  same  {key}: {_shown(ours)}")
        else:
            lines.append(f"  DIFFERS {key}: mkdocs {_shown(ours)}, Zensical {_shown(theirs)}")
    return [f"{name}:", *lines]


def _shown(value: object) -> str:
    if isinstance(value, list):
        more = " ..." if len(value) > 4 else ""
        return "none" if not value else f"{len(value)}: {', '.join(map(str, value[:4]))}{more}"
    return "yes" if value is True else "no" if value is False else str(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zensical", default=str(ROOT / ".venv-zensical" / "bin" / "zensical-i18n"))
    parser.add_argument("--keep", type=Path, help="build into this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    if not Path(args.zensical).exists():
        print(f"site-zensical: {args.zensical} is missing (make site-zensical creates .venv-zensical)")
        return 1
    with tempfile.TemporaryDirectory(prefix="mustafid-zensical-") as tmp:
        work = (args.keep or Path(tmp)).resolve()
        failed = False
        for name, folder in ASSOCIATIONS.items():
            mk = facts(build_mkdocs(folder, work / "mkdocs" / name))
            site, note = build_zensical(folder, work / "zensical" / name, str(Path(args.zensical).resolve()))
            if site is None:
                print(f"{name}: the Zensical build failed\n{note}")
                failed = True
                continue
            print("\n".join(compare(name, mk, facts(site))))
            print(f"  (after the Zensical build, by mustafid.site.zensical.finish_site: {note})")
        print("\n".join(twin_check(str(Path(args.zensical).resolve()), work)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

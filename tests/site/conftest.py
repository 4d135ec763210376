"""Both seed associations' sites, built once per test session into a temporary folder; an HTML reader of built
pages and one of form fragments (elements with their parents), and both associations loaded."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import EXAMPLES

SEEDS = Path(__file__).with_name("seeds")  # copies of ../shared/seeds (000 = Ajaa, 001 = Kahatain)

# The OCR slips of the seeds and the published word (DOMAIN.md: publish the corrected word). Whole words only.
OCR_CORRECTIONS: dict[str, str] = {
    "الداء": "الأداء",
    "ولوية": "أولوية",
    "لمتعاقدين": "المتعاقدين",
    "وائتماء": "وانتماء",
    "الاهداف": "الأهداف",
    # Kahatain's introduction lost the article of its own name ("تضع جمعية الخيرية" for "تضع الجمعية الخيرية")
    "جمعية الخيرية": "الجمعية الخيرية",
    # lost hamzas and a misspelt name, corrected in association.yml's board and approval entries
    "امين": "أمين",
    "كهاطين": "كهاتين",
    # the channel's name lost its hamza in Ajaa's seed (Kahatain's has it)
    "الالكتروني للجمعية": "الإلكتروني للجمعية",
}

_TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]")
_NOT_WORD = re.compile(r"[\W_]+")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def correct(text: str) -> str:
    for wrong, right in OCR_CORRECTIONS.items():
        text = re.sub(rf"(?<!\w){re.escape(wrong)}(?!\w)", right, text)
    return text


def norm(text: str) -> str:
    """Compare texts ignoring tashkeel, punctuation, whitespace and the digits' script."""
    text = unicodedata.normalize("NFC", text).translate(_DIGITS)
    return _NOT_WORD.sub("", _TASHKEEL.sub("", text)).lower()


@dataclass
class Html:
    """What the tests read from one built page."""

    path: Path
    lang: str = ""
    body_dir: str = ""
    text: list[str] = field(default_factory=list)  # text inside <article> (the page's content)
    all_text: list[str] = field(default_factory=list)
    resources: list[tuple[str, str]] = field(default_factory=list)  # (tag/rel, url) loaded by the browser
    alternates: dict[str, str] = field(default_factory=dict)  # language switcher: hreflang -> href

    @property
    def article(self) -> str:
        return " ".join(self.text)


class _Reader(HTMLParser):
    RESOURCE_RELS = frozenset({"stylesheet", "preload", "modulepreload", "prefetch", "icon", "shortcut",
                               "apple-touch-icon", "manifest", "preconnect", "dns-prefetch"})

    def __init__(self, page: Html) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.in_article = 0
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.page.lang = a.get("lang", "")
        elif tag == "body":
            self.page.body_dir = a.get("dir", "")
        elif tag == "article":
            self.in_article += 1
        elif tag in ("script", "style"):
            self.skip += 1
        if tag in ("script", "img", "iframe", "source", "video", "audio", "embed", "track") and a.get("src"):
            self.page.resources.append((tag, a["src"]))
        if tag == "link":
            rels = set(a.get("rel", "").lower().split())
            if rels & self.RESOURCE_RELS:
                self.page.resources.append((f"link rel={a.get('rel')}", a.get("href", "")))
        if tag == "object" and a.get("data"):
            self.page.resources.append((tag, a["data"]))
        if "style" in a:
            self.page.resources += [("style attr", u) for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", a["style"])]
        if tag == "a" and "md-select__link" in a.get("class", "") and a.get("hreflang"):
            self.page.alternates[a["hreflang"]] = a.get("href", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.in_article -= 1
        elif tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        self.page.all_text.append(data)
        if self.in_article:
            self.page.text.append(data)


def read_html(path: Path) -> Html:
    page = Html(path)
    _Reader(page).feed(path.read_text(encoding="utf-8"))
    return page


@dataclass
class BuiltSite:
    name: str
    root: Path

    def page(self, url_path: str) -> Html:
        """``policy/`` (Arabic) or ``en/policy/``."""
        path = self.root / url_path
        return read_html(path if url_path.endswith(".html") else path / "index.html")

    def html_files(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*.html"))


@pytest.fixture(scope="session")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BuiltSite]:
    """Both seed associations built with the project's mkdocs.yml, once for the whole session."""
    from mustafid.site.build import build_site

    out = tmp_path_factory.mktemp("sites")
    return {name: BuiltSite(name, build_site(EXAMPLES[name], out / name)) for name in sorted(EXAMPLES)}


@dataclass(eq=False)  # identity: elements are compared and hashed as nodes
class Element:
    tag: str
    attrs: dict[str, str]
    parents: list[Element]
    text: str = ""  # direct and nested text, visually hidden parts included

    def has_class(self, name: str) -> bool:
        return name in self.attrs.get("class", "").split()

    def inside(self, tag: str, cls: str | None = None) -> Element | None:
        for p in reversed(self.parents):
            if p.tag == tag and (cls is None or p.has_class(cls)):
                return p
        return None


@dataclass
class Doc:
    elements: list[Element] = field(default_factory=list)

    def by_id(self, id_: str) -> Element | None:
        return next((e for e in self.elements if e.attrs.get("id") == id_), None)

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Element]:
        return [e for e in self.elements if (tag is None or e.tag == tag) and (cls is None or e.has_class(cls))
                and all(e.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())]


VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr", "area", "base", "col", "embed", "track"}


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = Doc()
        self.stack: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = Element(tag, {k: (v if v is not None else "") for k, v in attrs}, list(self.stack))
        self.doc.elements.append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.doc.elements.append(Element(tag, {k: (v if v is not None else "") for k, v in attrs}, list(self.stack)))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return
        raise AssertionError(f"</{tag}> closes nothing")

    def handle_data(self, data: str) -> None:
        for el in self.stack:
            el.text += data


def parse(html: str) -> Doc:
    p = _Parser()
    p.feed(html)
    p.close()
    assert not [e.tag for e in p.stack], f"unclosed elements: {[e.tag for e in p.stack]}"
    return p.doc


@pytest.fixture(scope="session")
def assocs() -> dict[str, Any]:
    from mustafid.config.association import load_association

    return {name: load_association(path) for name, path in EXAMPLES.items()}

"""Form-page tests: an HTML reader for fragments, and the two seed associations' built sites (the site tests'
session fixture, imported so the pages tests can run on their own)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest

from tests.helpers import EXAMPLES
from tests.site.conftest import BuiltSite, sites  # noqa: F401 - the built sites, reused

__all__ = ["BuiltSite", "Doc", "parse"]


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

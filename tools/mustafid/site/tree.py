"""The docs tree: content/ in one folder per language, the generated form pages beside it, and the rule that
every page has its twin in the other language.

The mkdocs plugin adds the generated pages as files in memory; an engine without plugins reads them from a
docs tree written by ``write_docs_tree``. Both check the twins with ``missing_twins`` before building.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Protocol

# The nav section of the form pages, per language.
FORMS_TITLE = {"ar": "النماذج", "en": "Forms"}


class GeneratedPage(Protocol):
    """What a pages provider gives (``mustafid.site.pages.GeneratedPage`` and the tests' sample provider)."""

    @property
    def lang(self) -> str: ...
    @property
    def src_uri(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def markdown(self) -> str: ...


def in_nav(page: GeneratedPage) -> bool:
    """A page may opt out of the nav and the sitemap (the receipt) with an ``in_nav = False`` attribute."""
    return bool(getattr(page, "in_nav", True))


def forms_nav(pages: Iterable[GeneratedPage], lang: str) -> list[dict[str, list[dict[str, str]]]]:
    """The "Forms" nav section of one language (empty when the association has no form page)."""
    forms = [{p.title: p.src_uri} for p in pages if p.lang == lang and in_nav(p) and p.src_uri.startswith("forms/")]
    return [{FORMS_TITLE.get(lang, "Forms"): forms}] if forms else []


def content_pages(docs_dir: Path, lang: str) -> set[str]:
    """The pages of one language folder, relative to it; ``_partials/``, ``_EDITING.md``... are not pages."""
    root = docs_dir / lang
    return {p.relative_to(root).as_posix() for p in root.rglob("*.md")
            if not any(part.startswith("_") for part in p.relative_to(root).parts)}


def missing_twins(docs_dir: Path, langs: Sequence[str], pages: Iterable[GeneratedPage] = ()) -> list[tuple[str, str]]:
    """Every (language, page) that another language has and this one lacks, content and generated pages."""
    generated = list(pages)
    have = {lang: content_pages(docs_dir, lang) | {p.src_uri for p in generated if p.lang == lang}
            for lang in langs}
    every: set[str] = set().union(*have.values())
    return [(lang, uri) for lang in langs for uri in sorted(every - have[lang])]


def twin_failure(docs_dir: Path, missing: Sequence[tuple[str, str]]) -> str:
    """The message that stops the build: each untranslated page and what to do."""
    lines = "\n".join(f"  - {docs_dir / lang / uri}: الصفحة غير مترجمة، أضِفها | page missing in '{lang}', add it"
                      for lang, uri in missing)
    return ("صفحات بلا نظير في اللغة الأخرى (لا تُعرض العربية مكان الإنجليزية)\n"
            f"pages without their twin in the other language (never replaced by Arabic)\n{lines}")


def dest_uri(src_uri: str, lang: str, default: str, *, directory_urls: bool = True) -> str:
    """Where a page is written: the default language at /, the others under /<lang>/ (static-i18n's scheme)."""
    stem = PurePosixPath(src_uri).with_suffix("")
    if stem.name == "index":  # forms/index.md is forms/index.html, not forms/index/index.html
        dest = stem.with_suffix(".html")
    else:
        dest = stem / "index.html" if directory_urls else stem.with_suffix(".html")
    return (dest if lang == default else PurePosixPath(lang) / dest).as_posix()


def finished_markdown(page: GeneratedPage) -> str:
    """A generated page as a file for an engine that renders every page as Jinja (mkdocs-macros, Zensical's
    macros): marked ``render_macros: false``, since its HTML may hold braces of its own."""
    text = page.markdown
    if text.startswith("---\n"):
        return "---\nrender_macros: false\n" + text[len("---\n"):]
    return "---\nrender_macros: false\n---\n\n" + text


def write_docs_tree(content_dir: Path, pages: Iterable[GeneratedPage], docs_dir: Path) -> list[Path]:
    """content/ copied into ``docs_dir`` with the generated pages written in their language folders."""
    if docs_dir.exists():
        shutil.rmtree(docs_dir)
    shutil.copytree(content_dir, docs_dir)
    written = []
    for page in pages:
        target = docs_dir / page.lang / page.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(finished_markdown(page), encoding="utf-8")
        written.append(target)
    return written

"""The docs tree: the twin rule, where a page is written, the forms' nav section, and the generated pages as
files for an engine that renders every page as Jinja."""

from __future__ import annotations

from pathlib import Path

from mustafid.site.pages import GeneratedPage
from mustafid.site.tree import dest_uri, finished_markdown, forms_nav, missing_twins, twin_failure, write_docs_tree

PAGES = [GeneratedPage("ar", "forms/a.md", "أ", "---\nx: 1\n---\n\n# أ\n"),
         GeneratedPage("en", "forms/a.md", "A", "# A\n"),
         GeneratedPage("ar", "forms/receipt.md", "إيصال", "# إيصال\n", in_nav=False)]


def _content(root: Path) -> Path:
    for rel in ("ar/index.md", "en/index.md", "ar/guides/x.md", "ar/_partials/p.md", "_EDITING.md"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("# x\n", encoding="utf-8")
    return root


def test_missing_twins_of_content_and_generated_pages(tmp_path: Path) -> None:
    docs = _content(tmp_path / "content")
    missing = missing_twins(docs, ["ar", "en"], PAGES)
    assert missing == [("en", "forms/receipt.md"), ("en", "guides/x.md")]  # _partials/ is not a page
    message = twin_failure(docs, missing)
    assert f"{docs / 'en' / 'guides/x.md'}: الصفحة غير مترجمة، أضِفها | page missing in 'en', add it" in message


def test_dest_uri_follows_static_i18n() -> None:
    assert dest_uri("forms/a.md", "ar", "ar") == "forms/a/index.html"
    assert dest_uri("forms/a.md", "en", "ar") == "en/forms/a/index.html"
    assert dest_uri("forms/index.md", "en", "ar") == "en/forms/index.html"
    assert dest_uri("forms/a.md", "ar", "ar", directory_urls=False) == "forms/a.html"


def test_forms_nav_leaves_out_pages_out_of_the_nav() -> None:
    assert forms_nav(PAGES, "ar") == [{"النماذج": [{"أ": "forms/a.md"}]}]
    assert forms_nav(PAGES, "en") == [{"Forms": [{"A": "forms/a.md"}]}]
    assert forms_nav([], "ar") == []


def test_generated_pages_are_written_finished(tmp_path: Path) -> None:
    content = _content(tmp_path / "content")
    written = write_docs_tree(content, PAGES, tmp_path / "docs")
    assert (tmp_path / "docs" / "ar" / "guides" / "x.md").is_file()  # content/ copied
    assert written[0].read_text(encoding="utf-8") == "---\nrender_macros: false\nx: 1\n---\n\n# أ\n"
    assert finished_markdown(PAGES[1]) == "---\nrender_macros: false\n---\n\n# A\n"

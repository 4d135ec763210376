"""The macros-style adapter gives every content page the values the mkdocs plugin renders it with: the same
page, rendered by a Jinja configured as Zensical's macros extension (and mkdocs-macros) configure theirs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import pytest

from mustafid.site import macros
from mustafid.site.context import COMMENT_TAGS, page_context, render_markdown
from mustafid.site.pages import generated_pages
from mustafid.site.settings import PROJECT_ROOT
from mustafid.site.tree import content_pages
from tests.helpers import EXAMPLES


@dataclass
class FakePage:
    path: str


@dataclass
class FakeEnv:
    """The part of Zensical's MacroEnv the adapter reads."""

    conf: dict[str, Any]
    page: FakePage | None
    variables: dict[str, Any] = field(default_factory=dict)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_content_page_renders_as_the_plugin_renders_it(name: str) -> None:
    folder = EXAMPLES[name].resolve()
    assoc = macros._association(str(folder))
    forms = generated_pages(assoc)
    jinja = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                               comment_start_string=COMMENT_TAGS[0], comment_end_string=COMMENT_TAGS[1])
    docs = PROJECT_ROOT / "content"
    for lang in ("ar", "en"):
        for src in sorted(content_pages(docs, lang)):
            markdown = (docs / lang / src).read_text(encoding="utf-8")
            env = FakeEnv({"extra": {"mustafid_association": str(folder)}, "theme": {"language": lang}}, FakePage(src))
            macros.define_env(env)
            ours = render_markdown(markdown, page_context(assoc, lang, src, forms))
            assert jinja.from_string(markdown).render(env.variables) == ours, f"{lang}/{src}"


def test_the_association_comes_from_the_site_definition_or_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                                           tmp_path: Path) -> None:
    assert macros.association_folder({"extra": {"mustafid_association": str(tmp_path)}}) == str(tmp_path)
    monkeypatch.setenv("MUSTAFID_ASSOCIATION", str(tmp_path / "a"))
    assert macros.association_folder({}) == str(tmp_path / "a")
    monkeypatch.delenv("MUSTAFID_ASSOCIATION")
    assert macros.association_folder({"config_file_path": str(tmp_path / "mkdocs.yml")}) == str(tmp_path)
    assert macros.page_language({"theme": {"language": "en"}}) == "en"

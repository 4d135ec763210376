"""The macros-style adapter: the content pages' Jinja values for an engine without the mustafid plugin.

Zensical (the successor of mkdocs-material) has no plugin API; its ``macros`` extension, like the
mkdocs-macros plugin, renders every page as Jinja with the values a module's ``define_env(env)`` gives.
Declared in the site definition as::

    plugins:
      - macros:
          modules: [mustafid.site.macros]
          on_undefined: strict
          j2_comment_start_string: "{##"
          j2_comment_end_string: "##}"

The values are ``context.page_context``'s, the same the mkdocs plugin renders with. The association is
``extra.mustafid_association`` of the site definition, else ``$MUSTAFID_ASSOCIATION``, else the folder of the
site definition. The generated form pages are files of the docs tree (``tree.write_docs_tree``) marked
``render_macros: false``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from mustafid.config.association import Association
from mustafid.site.context import PageLinks, load_site_association, page_context
from mustafid.site.tree import GeneratedPage


class MacroPage(Protocol):
    @property
    def path(self) -> str: ...  # relative to the language's docs folder, e.g. "guides/apply.md"


class MacroEnv(Protocol):
    """What mkdocs-macros' and Zensical's ``env`` both have that the adapter uses."""

    @property
    def conf(self) -> Mapping[str, Any]: ...
    @property
    def page(self) -> MacroPage | None: ...
    @property
    def variables(self) -> dict[str, Any]: ...


@cache
def _association(folder: str) -> Association:
    return load_site_association(Path(folder))


@cache
def _pages(folder: str) -> Sequence[GeneratedPage]:
    from mustafid.site.pages import generated_pages

    return generated_pages(_association(folder))


def association_folder(conf: Mapping[str, Any]) -> str:
    extra = conf.get("extra") or {}
    configured = extra.get("mustafid_association") if isinstance(extra, Mapping) else None
    folder = configured or os.environ.get("MUSTAFID_ASSOCIATION")
    if not folder:
        config_file = conf.get("config_file_path")
        folder = Path(str(config_file)).parent if config_file else "."
    return str(Path(folder).resolve())


def page_language(conf: Mapping[str, Any]) -> str:
    """The language being built: each language is its own build, with the theme's language set for it."""
    theme = conf.get("theme") or {}
    lang = theme.get("language") if isinstance(theme, Mapping) else getattr(theme, "language", None)
    return str(lang or "ar")


def define_env(env: MacroEnv) -> None:
    """Called by the engine before it renders (Zensical: for every page; mkdocs-macros: once per build)."""
    folder = association_folder(env.conf)
    env.variables.update(page_context(_association(folder), page_language(env.conf), "index.md", _pages(folder)))

    def link(target_src_uri: str) -> str:  # relative to the page being rendered, read when the page asks
        return PageLinks(env.page.path if env.page is not None else "index.md")(target_src_uri)

    env.variables["link"] = link

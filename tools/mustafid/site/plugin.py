"""The mkdocs plugin that turns the shared content/ into one association's site: a thin caller of the site
package's functions (``context``, ``tree``, ``sitemap``, ``search``, ``html``), which the macros-style adapter
(``macros.py``) calls too.

Declared in pyproject as the ``mustafid`` mkdocs plugin. It works with mkdocs-static-i18n (folder structure,
Arabic default): static-i18n builds the Arabic site, then, from its own ``on_post_build``, builds each other
language into the same ``site_dir``. Every event below therefore runs once per language.

- on_config: load association.yml; names per language; the theme overrides first in the theme's search path;
  the "Forms" nav section.
- on_pre_build: refuse to build when a page lacks its twin (static-i18n would silently show the Arabic one).
- on_files: add the form pages of the pages provider for the language being built, and hand them to
  static-i18n's sitemap (not the receipt).
- on_page_markdown: render the page as a Jinja2 template with the association in context.
- on_post_page / on_post_template: drop the head's hreflang links, name the search dialog.
- on_post_build: keep the Arabic 404 at /404.html (the English build overwrites it) and strip tashkeel from
  the search index.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from mustafid.config.association import Association
from mustafid.core.errors import ConfigError
from mustafid.site.context import load_site_association, page_context, render_markdown
from mustafid.site.html import finish_page
from mustafid.site.search import strip_search_indexes
from mustafid.site.settings import EXTRA_CSS, EXTRA_JAVASCRIPT, STATIC_DIR, home_url, language_settings, theme_words
from mustafid.site.sitemap import unlisted
from mustafid.site.statistics import statistics_nav, statistics_pages
from mustafid.site.tree import GeneratedPage, dest_uri, forms_nav, missing_twins, twin_failure


class MustafidPluginConfig(Config):  # type: ignore[no-untyped-call]  # mkdocs' Config.__init_subclass__
    association = config_options.Type(str, default="")
    """The association's folder; empty means $MUSTAFID_ASSOCIATION, else the folder of mkdocs.yml."""
    pages_provider = config_options.Type(str, default="mustafid.site.pages")
    """Module with ``generated_pages(assoc)`` (the form pages); skipped when it cannot be imported."""


class MustafidPlugin(BasePlugin[MustafidPluginConfig]):  # type: ignore[no-untyped-call]  # the same
    supports_multiple_instances = False

    def __init__(self) -> None:
        super().__init__()
        self.association: Association | None = None
        self.association_dir: Path | None = None
        self._generated: list[GeneratedPage] | None = None
        self._base_nav: list[Any] | None = None
        self._arabic_404: bytes | None = None
        self.failure: str | None = None  # the message of the last PluginError, for site.build_site to report

    # -- helpers -------------------------------------------------------------------------------------------
    def _fail(self, message: str) -> PluginError:
        self.failure = message
        return PluginError(message)

    def _i18n(self, config: MkDocsConfig) -> Any:
        plugin = config.plugins.get("i18n")
        if plugin is None:
            raise PluginError("mustafid: mkdocs-static-i18n (plugin 'i18n') is required in mkdocs.yml")
        return plugin

    def _lang(self, config: MkDocsConfig) -> str:
        i18n = self._i18n(config)
        return str(i18n.current_language or i18n.default_language)

    def _load(self, config: MkDocsConfig) -> Association:
        if self.association is not None:
            return self.association
        folder = (self.association_dir or self.config.association or os.environ.get("MUSTAFID_ASSOCIATION")
                  or Path(config.config_file_path or "").parent)
        try:
            assoc = load_site_association(Path(folder), "نصوص السياسة الخاصة بالجمعية ناقصة",
                                          "the association's policy sentences are incomplete")
        except ConfigError as exc:
            raise self._fail(exc.format()) from None
        self.association = assoc
        return assoc

    def _pages(self) -> Sequence[GeneratedPage]:
        """The generated pages (``pages_provider``, mustafid.site.pages by default), once per build."""
        if self._generated is None:
            assert self.association is not None
            provider = importlib.import_module(self.config.pages_provider)
            self._generated = list(provider.generated_pages(self.association)) + statistics_pages(self.association)
        return self._generated

    # -- events --------------------------------------------------------------------------------------------
    @event_priority(10)  # before static-i18n (-100), which reads site_url and the per-language overrides
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        assoc = self._load(config)
        i18n = self._i18n(config)
        config.site_url = assoc.site_url
        config.site_name = assoc.short_name.ar
        for lang_cfg in i18n.config.languages:
            for key, value in language_settings(assoc, lang_cfg.locale).items():
                setattr(lang_cfg, key, value)
        static = str(STATIC_DIR)
        if static not in config.theme.dirs:
            config.theme.dirs.insert(0, static)
        config.extra_css.extend(css for css in EXTRA_CSS if css not in config.extra_css)
        config.extra_javascript.extend(js for js in EXTRA_JAVASCRIPT
                                       if not any(str(s) == js for s in config.extra_javascript))
        # The nav is shared by the language builds: rebuild it from the original each time.
        if self._base_nav is None:
            self._base_nav = list(config.nav or [])
        lang = self._lang(config)
        config.nav = self._base_nav + forms_nav(self._pages(), lang) + statistics_nav(self._pages(), lang)
        config.extra["mustafid_home"] = home_url(assoc.site_url, lang, i18n.default_language)  # the 404's link
        config.extra["mustafid_theme_words"] = theme_words(assoc, lang)  # static/partials/language.html
        return config

    def on_pre_build(self, config: MkDocsConfig) -> None:
        i18n = self._i18n(config)
        if i18n.building:  # the nested builds of the other languages: already checked
            return
        langs = [lc.locale for lc in i18n.config.languages if lc.build]
        docs = Path(config.docs_dir)
        missing = missing_twins(docs, langs, self._pages())
        if missing:
            raise self._fail(twin_failure(docs, missing))

    @event_priority(-110)  # after static-i18n has sorted content/ into the current language
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        lang = self._lang(config)
        i18n = self._i18n(config)
        pages = self._pages()
        by_uri: dict[str, dict[str, File]] = {}
        for p in pages:
            f = File.generated(config, f"{p.lang}/{p.src_uri}", content=p.markdown)
            f.dest_uri = dest_uri(p.src_uri, p.lang, i18n.default_language, directory_urls=config.use_directory_urls)
            f.locale = f.localization = p.lang  # type: ignore[attr-defined]  # static-i18n's attributes
            f.locale_alternate_of = p.lang  # type: ignore[attr-defined]
            f.norm_src_uri = p.src_uri  # type: ignore[attr-defined]
            by_uri.setdefault(p.src_uri, {})[p.lang] = f
        for twins in by_uri.values():
            for f in twins.values():
                f.alternates = dict(twins)  # type: ignore[attr-defined]
            if lang in twins:
                files.append(twins[lang])
        # static-i18n's sitemap lists the pages it saw in its own on_files (-100), before these were added:
        # give it the form pages too (not the receipt, which only makes sense with a reference in the link)
        left_out = unlisted(pages)
        per_lang = getattr(i18n, "i18n_files_per_language", None)
        if isinstance(per_lang, dict):
            per_lang[lang] = [f for f in files.documentation_pages() if f.src_uri not in left_out]
        return files

    @event_priority(100)  # before static-i18n translates admonition titles (50)
    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:  # noqa: ARG002
        if page.file.generated_by:  # form pages arrive finished (their HTML may hold braces of its own)
            return markdown
        src = getattr(page.file, "norm_src_uri", page.file.src_uri)
        try:
            return render_markdown(markdown, page_context(self._load(config), self._lang(config), src, self._pages()))
        except jinja2.TemplateError as exc:
            line = getattr(exc, "lineno", None)
            where = f"{page.file.src_uri}:{line}" if line else page.file.src_uri
            raise self._fail(f"{where}: خطأ في قالب الصفحة | template error: {exc}") from None

    def _keep_arabic_404(self, config: MkDocsConfig) -> None:
        i18n = self._i18n(config)
        path = Path(config.site_dir) / "404.html"
        if not path.is_file():
            return
        lang = self._lang(config)
        if lang == i18n.default_language:
            self._arabic_404 = path.read_bytes()
        elif self._arabic_404 is not None:
            target = Path(config.site_dir) / lang / "404.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            path.replace(target)
            path.write_bytes(self._arabic_404)

    def _strip_search_tashkeel(self, config: MkDocsConfig) -> None:
        if self._i18n(config).building:  # static-i18n writes the final, merged index after the last language
            return
        strip_search_indexes(Path(config.site_dir))

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:  # noqa: ARG002
        return finish_page(output, self._lang(config))

    def on_post_template(self, output_content: str, template_name: str, config: MkDocsConfig) -> str:
        """The same for the theme's own pages (the 404 page)."""
        return finish_page(output_content, self._lang(config)) if template_name.endswith(".html") else output_content

    # Before static-i18n (-100) starts the English build, and after it wrote the merged search index.
    on_post_build = CombinedEvent(event_priority(10)(_keep_arabic_404), event_priority(-110)(_strip_search_tashkeel))
    # No on_startup/on_shutdown: mkdocs would then keep one plugin instance for every build in the process
    # (config_options.Plugins.plugin_cache), and one association's state would leak into the next build.


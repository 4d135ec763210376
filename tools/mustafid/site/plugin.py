"""The mkdocs plugin that turns the shared content/ into one association's site.

Declared in pyproject as the ``mustafid`` mkdocs plugin. It works with mkdocs-static-i18n (folder structure,
Arabic default): static-i18n builds the Arabic site, then, from its own ``on_post_build``, builds each other
language into the same ``site_dir``. Every event below therefore runs once per language.

What it does, event by event:
- on_config: load association.yml; set site_url, site_name and copyright per language; put the project's
  theme overrides (self-hosted font, CSS, 404) first in the theme's search path; add the "Forms" nav section.
- on_pre_build: refuse to build when a page lacks its twin in the other language (static-i18n would silently
  show the Arabic page instead).
- on_files: add the form pages of ``mustafid.pages`` (another module) for the language being built, and hand
  them to static-i18n's sitemap (not the receipt).
- on_page_markdown: render the page as a Jinja2 template with the association in context.
- on_post_page / on_post_template: drop the head's ``<link rel="alternate" hreflang>`` (material fetched a
  sitemap.xml beside each: 404s on every page); the language pairs live in the sitemap.
- on_post_build: keep the Arabic 404 at /404.html (the English build overwrites it) and strip tashkeel from
  the search index.
"""

from __future__ import annotations

import importlib
import json
import os
import re
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from mustafid.config.association import Association, load_association
from mustafid.core.errors import ConfigError
from mustafid.site.build import STATIC_DIR, SiteContext, check_policy_entries, strip_tashkeel

_HEAD_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')


def _drop_head_alternates(html: str) -> str:
    head, sep, body = html.partition("</head>")
    return _HEAD_ALTERNATE.sub("", head) + sep + body if sep else html

FORMS_TITLE = {"ar": "النماذج", "en": "Forms"}


class MustafidPluginConfig(Config):
    association = config_options.Type(str, default="")
    """The association's folder; empty means $MUSTAFID_ASSOCIATION, else the folder of mkdocs.yml."""
    pages_provider = config_options.Type(str, default="mustafid.site.pages")
    """Module with ``generated_pages(assoc)`` (the form pages); skipped when it cannot be imported."""


class MustafidPlugin(BasePlugin[MustafidPluginConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        super().__init__()
        self.association: Association | None = None
        self.association_dir: Path | None = None
        self._generated: list[Any] | None = None
        self._base_nav: list[Any] | None = None
        self._arabic_404: bytes | None = None
        self.failure: str | None = None  # the message of the last PluginError, for site.build_site to report
        # Jinja's own comment tag {# #} would swallow Markdown's heading ids ("## Title {#anchor}").
        self._jinja = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False,
                                         keep_trailing_newline=True,
                                         comment_start_string="{##", comment_end_string="##}")

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
                  or os.path.dirname(config.config_file_path or "") or ".")
        try:
            assoc = load_association(Path(folder))
            problems = check_policy_entries(assoc)
            if problems:
                raise ConfigError("نصوص السياسة الخاصة بالجمعية ناقصة", "the association's policy sentences are incomplete",
                                  problems)
        except ConfigError as exc:
            raise self._fail(exc.format()) from None
        self.association = assoc
        return assoc

    def _pages(self) -> list[Any]:
        """The generated pages (``pages_provider``, mustafid.pages by default), once per build."""
        if self._generated is None:
            assert self.association is not None
            provider = importlib.import_module(self.config.pages_provider)
            self._generated = list(provider.generated_pages(self.association))
        return self._generated

    # -- events --------------------------------------------------------------------------------------------
    @event_priority(10)  # before static-i18n (-100), which reads site_url and the per-language overrides
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        assoc = self._load(config)
        i18n = self._i18n(config)
        config.site_url = assoc.site_url
        config.site_name = assoc.short_name.ar
        for lang_cfg in i18n.config.languages:
            lang = lang_cfg.locale if lang_cfg.locale in ("ar", "en") else "en"
            lang_cfg.site_name = assoc.short_name(lang)
            lang_cfg.site_description = assoc.name(lang)
            lang_cfg.copyright = assoc.name(lang)
        static = str(STATIC_DIR)
        if static not in config.theme.dirs:
            config.theme.dirs.insert(0, static)
        if "assets/mustafid/mustafid.css" not in config.extra_css:
            config.extra_css.append("assets/mustafid/mustafid.css")
        if not any(str(s) == "assets/mustafid/search-tashkeel.js" for s in config.extra_javascript):
            config.extra_javascript.append("assets/mustafid/search-tashkeel.js")
        # The nav is shared by the language builds: rebuild it from the original each time.
        if self._base_nav is None:
            self._base_nav = list(config.nav or [])
        lang = self._lang(config)
        # a page may opt out of the nav (e.g. the receipt page) with an `in_nav = False` attribute
        forms = [{p.title: p.src_uri} for p in self._pages() if p.lang == lang and getattr(p, "in_nav", True)]
        config.nav = self._base_nav + ([{FORMS_TITLE.get(lang, "Forms"): forms}] if forms else [])
        return config

    def on_pre_build(self, config: MkDocsConfig) -> None:
        i18n = self._i18n(config)
        if i18n.building:  # the nested builds of the other languages: already checked
            return
        langs = [lc.locale for lc in i18n.config.languages if lc.build]
        docs = Path(config.docs_dir)
        have: dict[str, set[str]] = {}
        for lang in langs:
            root = docs / lang
            have[lang] = {p.relative_to(root).as_posix() for p in root.rglob("*.md")
                          if not any(part.startswith("_") for part in p.relative_to(root).parts)}
            have[lang] |= {p.src_uri for p in self._pages() if p.lang == lang}
        every = set().union(*have.values())
        missing = [(lang, uri) for lang in langs for uri in sorted(every - have[lang])]
        if missing:
            lines = "\n".join(f"  - {docs / lang / uri}: الصفحة غير مترجمة، أضِفها | page missing in '{lang}', add it"
                              for lang, uri in missing)
            raise self._fail("صفحات بلا نظير في اللغة الأخرى (لا تُعرض العربية مكان الإنجليزية)\n"
                              f"pages without their twin in the other language (never replaced by Arabic)\n{lines}")

    @event_priority(-110)  # after static-i18n has sorted content/ into the current language
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        lang = self._lang(config)
        i18n = self._i18n(config)
        default = i18n.default_language
        pages = self._pages()
        by_uri: dict[str, dict[str, File]] = {}
        for p in pages:
            f = File.generated(config, f"{p.lang}/{p.src_uri}", content=p.markdown)
            # static-i18n's URL scheme: the default language at /, the others under /<lang>/
            stem = PurePosixPath(p.src_uri).with_suffix("")
            if stem.name == "index":  # forms/index.md is forms/index.html, not forms/index/index.html
                dest = stem.with_suffix(".html")
            else:
                dest = stem / "index.html" if config.use_directory_urls else stem.with_suffix(".html")
            f.dest_uri = (dest if p.lang == default else PurePosixPath(p.lang) / dest).as_posix()
            f.locale = f.localization = p.lang  # type: ignore[attr-defined]
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
        unlisted = {f"{p.lang}/{p.src_uri}" for p in pages if not getattr(p, "in_nav", True)}
        per_lang = getattr(i18n, "i18n_files_per_language", None)
        if isinstance(per_lang, dict):
            per_lang[lang] = [f for f in files.documentation_pages() if f.src_uri not in unlisted]
        return files

    @event_priority(100)  # before static-i18n translates admonition titles (50)
    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        if page.file.generated_by:  # form pages arrive finished (their HTML may hold braces of its own)
            return markdown
        lang = self._lang(config)
        src = getattr(page.file, "norm_src_uri", page.file.src_uri)
        ctx = SiteContext(self._load(config), lang, [p for p in self._pages() if p.lang == lang])
        try:
            return self._jinja.from_string(markdown).render(ctx.as_dict(src))
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
            os.replace(path, target)
            path.write_bytes(self._arabic_404)

    def _strip_search_tashkeel(self, config: MkDocsConfig) -> None:
        if self._i18n(config).building:  # static-i18n writes the final, merged index after the last language
            return
        path = Path(config.site_dir) / "search" / "search_index.json"
        if not path.is_file():
            return
        data = json.loads(path.read_text(encoding="utf-8"))
        for doc in data.get("docs", []):
            for key in ("title", "text"):
                if isinstance(doc.get(key), str):
                    doc[key] = strip_tashkeel(doc[key])
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """Drop the head's ``<link rel="alternate" hreflang>`` (the language switcher's ``<a hreflang>`` stays).

        Material's script fetches ``sitemap.xml`` beside every such link to map pages between languages, but
        static-i18n points them at the page's own twin (``/en/policy/``), so every page load asked for
        ``/policy/sitemap.xml`` and ``/en/policy/sitemap.xml``: two 404s and console errors, for nothing, since
        the switcher's links already go to the twin. Search engines get the same pairs from the sitemap, which
        static-i18n writes with ``xhtml:link hreflang`` for every page.
        """
        return _drop_head_alternates(output)

    def on_post_template(self, output_content: str, template_name: str, config: MkDocsConfig) -> str:
        """The same for the theme's own pages (the 404 page)."""
        return _drop_head_alternates(output_content) if template_name.endswith(".html") else output_content

    # Before static-i18n (-100) starts the English build, and after it wrote the merged search index.
    on_post_build = CombinedEvent(event_priority(10)(_keep_arabic_404), event_priority(-110)(_strip_search_tashkeel))
    # No on_startup/on_shutdown: mkdocs would then keep one plugin instance for every build in the process
    # (config_options.Plugins.plugin_cache), and one association's state would leak into the next build.

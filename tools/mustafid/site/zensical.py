"""The second engine's project: one association's site as a folder Zensical (with zensical-i18n) builds.

Zensical reads ``mkdocs.yml`` but runs no plugin, so what the mustafid plugin does during an mkdocs build is
done here, before and after, by the same functions: the docs tree with the generated form pages written in it
(``tree``), the twins checked (``tree``), the names per language and the 404's link (``settings``), the
content pages' values from the macros-style adapter (``macros``), then the search indexes without tashkeel
(``search``) and the sitemaps without the receipt (``sitemap``). Nothing here imports Zensical: the build
itself runs in its own virtual environment (``tools/site_zensical.py``, ``make site-zensical``).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mustafid.config.association import Association
from mustafid.core.errors import UserError
from mustafid.core.yamlio import dump_rt, load_rt
from mustafid.site.build import mkdocs_config_path
from mustafid.site.context import COMMENT_TAGS, load_site_association
from mustafid.site.search import merge_language_indexes, strip_search_indexes
from mustafid.site.settings import EXTRA_CSS, EXTRA_JAVASCRIPT, STATIC_DIR, home_url, language_settings
from mustafid.site.sitemap import prune_sitemaps
from mustafid.site.tree import FORMS_TITLE, GeneratedPage, forms_nav, missing_twins, twin_failure, write_docs_tree

CONFIG_NAME = "mkdocs.yml"
MACROS = {"modules": ["mustafid.site.macros"], "module_name": "", "on_undefined": "strict", "on_error_fail": True,
          "j2_comment_start_string": COMMENT_TAGS[0], "j2_comment_end_string": COMMENT_TAGS[1]}


def _plugins(plugins: list[Any]) -> list[Any]:
    """The site definition's plugins with the mustafid plugin's place taken by the macros adapter."""
    out: list[Any] = []
    for entry in plugins:
        name = entry if isinstance(entry, str) else next(iter(entry))
        out.append({"macros": dict(MACROS)} if name == "mustafid" else entry)
    return out


def _languages(i18n: dict[str, Any], site_url: str, assoc: Association, pages: Sequence[GeneratedPage]) -> str:
    """Each language's names, home and nav titles (zensical-i18n's per-language settings); the default."""
    languages = i18n["languages"]
    default = next((lc["locale"] for lc in languages if lc.get("default")), languages[0]["locale"])
    ar_titles = {p.src_uri: p.title for p in pages if p.lang == default}
    for lc in languages:
        lang = lc["locale"]
        lc.update(language_settings(assoc, lang))
        lc["extra"] = {**dict(lc.get("extra") or {}), "mustafid_home": home_url(site_url, lang, default)}
        if lang != default:  # the nav is the default language's, its titles translated
            titles = dict(lc.get("nav_translations") or {})
            titles[FORMS_TITLE[default]] = FORMS_TITLE.get(lang, "Forms")
            titles.update({ar_titles[p.src_uri]: p.title for p in pages if p.lang == lang and p.src_uri in ar_titles})
            lc["nav_translations"] = titles
    return str(default)


def prepare_project(assoc_dir: Path, project_dir: Path) -> Path:
    """Write the Zensical project of the association in ``assoc_dir`` into ``project_dir``; its config file.

    Raises ConfigError (association.yml) and UserError (a page without its twin), as ``build_site`` does.
    """
    from mustafid.site.pages import generated_pages

    assoc = load_site_association(assoc_dir)
    pages = list(generated_pages(assoc))
    cfg_path = mkdocs_config_path(assoc_dir)
    cfg = load_rt(cfg_path.read_text(encoding="utf-8"))
    content = (cfg_path.parent / str(cfg.get("docs_dir", "docs"))).resolve()
    project_dir.mkdir(parents=True, exist_ok=True)
    docs = project_dir / "docs"
    write_docs_tree(content, pages, docs)
    i18n = next(e["i18n"] for e in cfg["plugins"] if isinstance(e, dict) and "i18n" in e)
    langs = [lc["locale"] for lc in i18n["languages"] if lc.get("build", True)]
    missing = missing_twins(docs, langs)
    if missing:
        raise UserError("تعذّر بناء الموقع | the site could not be built", twin_failure(content, missing))
    overrides = project_dir / "overrides"
    if overrides.exists():
        shutil.rmtree(overrides)
    shutil.copytree(STATIC_DIR, overrides)
    default = _languages(i18n, assoc.site_url, assoc, pages)
    cfg["site_url"], cfg["site_name"] = assoc.site_url, assoc.short_name.ar
    cfg["docs_dir"], cfg["site_dir"] = "docs", "site"
    cfg["theme"]["custom_dir"] = "overrides"
    cfg["extra_css"] = [*cfg.get("extra_css", []), *EXTRA_CSS]
    cfg["extra_javascript"] = [*cfg.get("extra_javascript", []), *EXTRA_JAVASCRIPT]
    cfg["extra"] = {**dict(cfg.get("extra") or {}), "mustafid_association": str(Path(assoc_dir).resolve())}
    cfg["plugins"] = _plugins(list(cfg["plugins"]))
    cfg["nav"] = [*cfg.get("nav", []), *forms_nav(pages, default)]
    path = project_dir / CONFIG_NAME
    path.write_text(dump_rt(cfg), encoding="utf-8")
    return path


def finish_site(site_dir: Path, assoc_dir: Path, default: str = "ar") -> dict[str, int]:
    """After the build: one search for both languages, without tashkeel; sitemaps without the receipt. What
    was changed."""
    from mustafid.site.pages import generated_pages

    pages = generated_pages(load_site_association(assoc_dir))
    merged = merge_language_indexes(site_dir)
    return {"search entries of the other language": merged, "search indexes without tashkeel":
            len(strip_search_indexes(site_dir)), "sitemap entries dropped": prune_sitemaps(site_dir, pages, default)}

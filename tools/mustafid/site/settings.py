"""The settings an association gives the site definition, whatever the engine: names per language, the
theme overrides and assets, and where each language's home is."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from mustafid.config.association import Association

PROJECT_ROOT = Path(__file__).resolve().with_name("project")  # the mkdocs.yml and content/ every association shares
STATIC_DIR = Path(__file__).resolve().with_name("static")  # theme overrides (main.html, 404.html) and assets
EXTRA_CSS = ("assets/mustafid/mustafid.css",)  # the self-hosted Arabic face and the site's own rules
EXTRA_JAVASCRIPT = ("assets/mustafid/search-tashkeel.js",)


def language_settings(assoc: Association, lang: str) -> dict[str, str]:
    """site_name, site_description and copyright of one language's build."""
    lang = lang if lang in ("ar", "en") else "en"
    return {"site_name": assoc.short_name(lang), "site_description": assoc.name(lang), "copyright": assoc.name(lang)}


def home_url(site_url: str, lang: str, default: str) -> str:
    """The absolute path of a language's home page (the 404 page's link: it is served at any depth)."""
    base = urlsplit(site_url).path or "/"
    base = base if base.endswith("/") else base + "/"
    return base if lang == default else f"{base}{lang}/"

"""The settings an association gives the site definition, whatever the engine: names per language, the
theme overrides and assets, the theme's own words where they address the reader, and where each language's home
is."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from mustafid.config.association import Association
from mustafid.forms.messages import gender_of

PROJECT_ROOT = Path(__file__).resolve().with_name("project")  # the mkdocs.yml and content/ every association shares
STATIC_DIR = Path(__file__).resolve().with_name("static")  # theme overrides (main.html, 404.html, partials/) and assets
EXTRA_CSS = ("assets/mustafid/mustafid.css",)  # the self-hosted Arabic face and the site's own rules
EXTRA_JAVASCRIPT = ("assets/mustafid/search-tashkeel.js",)
# mkdocs-material's Arabic words (partials/languages/ar.html) that tell the reader to do something, in the
# feminine: static/partials/language.html puts them before the theme's own ("عد إلى الأعلى" on every page).
THEME_WORDS_FEMININE = {
    "action.edit": "عدلي الصفحة", "action.skip": "انتقلي إلى المحتوى", "announce.dismiss": "لا تظهري هذا مرة أخرى",
    "blog.continue": "أكملي القراءة", "search": "ابحثي", "search.share": "شاركي",
    "search.result.placeholder": "اكتبي لبدء البحث", "select.language": "اختاري اللغة",
    "select.version": "اختاري الإصدار", "source": "اذهبي إلى المصدر", "top": "عودي إلى الأعلى",
}


def language_settings(assoc: Association, lang: str) -> dict[str, str]:
    """site_name, site_description and copyright of one language's build."""
    lang = lang if lang in ("ar", "en") else "en"
    return {"site_name": assoc.short_name(lang), "site_description": assoc.name(lang), "copyright": assoc.name(lang)}


def theme_words(assoc: Association, lang: str) -> dict[str, str]:
    """The theme's words that replace its own in one language's build: none unless the association addresses
    the applicant in the feminine (association.yml ``address_applicant_as``) and the language is Arabic."""
    return dict(THEME_WORDS_FEMININE) if lang == "ar" and gender_of(assoc) == "feminine" else {}


def home_url(site_url: str, lang: str, default: str) -> str:
    """The absolute path of a language's home page (the 404 page's link: it is served at any depth)."""
    base = urlsplit(site_url).path or "/"
    base = base if base.endswith("/") else base + "/"
    return base if lang == default else f"{base}{lang}/"

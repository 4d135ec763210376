"""Fix-ups of the HTML the theme writes, as plain functions of the page's text (no template override).

mkdocs-material 9 leaves its search dialog without a name, which axe-core and Lighthouse require of every
dialog (aria-dialog-name); Zensical's names it already. Overriding ``partials/search.html`` would have named it,
but an override replaces the engine's own search (Zensical's did not start with material's), so the name is
added to the page as written instead, and only where the theme left it out.
"""

from __future__ import annotations

import re

from mustafid.core.text import T

SEARCH_LABEL = T("البحث في الموقع", "Search the site")

_HEAD_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
_SEARCH_OPTIONS = re.compile(r'<nav class="md-search__options" aria-label="[^"]*">')


def drop_head_alternates(html: str) -> str:
    """Drop the head's ``<link rel="alternate" hreflang>`` (the language switcher's ``<a hreflang>`` stays).

    Material's script fetches ``sitemap.xml`` beside every such link to map pages between languages, but
    static-i18n points them at the page's own twin (``/en/policy/``), so every page load asked for
    ``/policy/sitemap.xml`` and ``/en/policy/sitemap.xml``: two 404s and console errors, for nothing, since
    the switcher's links already go to the twin. Search engines get the same pairs from the sitemap, which
    lists every page with ``xhtml:link hreflang``.
    """
    head, sep, body = html.partition("</head>")
    return _HEAD_ALTERNATE.sub("", head) + sep + body if sep else html


def name_search_dialog(html: str, lang: str) -> str:
    """The search dialog and its options get the site's name for them, in the page's language."""
    if _SEARCH_DIALOG not in html:
        return html
    label = SEARCH_LABEL(lang)
    html = html.replace(_SEARCH_DIALOG, f'{_SEARCH_DIALOG[:-1]} aria-label="{label}">', 1)
    return _SEARCH_OPTIONS.sub(f'<nav class="md-search__options" aria-label="{label}">', html, count=1)


_HTML_TAG = re.compile(r"<html lang=\"([a-z-]+)\"(?![^>]*\bdir=)")
_TOGGLE_AUTOCOMPLETE = re.compile(r'(<input class="md-toggle"[^>]*type="checkbox"[^>]*?) autocomplete="off"')
_EMPTY_TABINDEX = re.compile(r'(<label [^>]*?) tabindex=""')


def valid_html(html: str, lang: str) -> str:
    """What the Nu HTML checker (vnu) finds in material's own markup, mended: ``dir`` belongs on ``<html>`` (the
    theme puts it on ``<body>`` only), ``autocomplete`` is not allowed on its checkbox toggles, and an empty
    ``tabindex`` on its navigation labels is not a number (browsers ignore it: dropping it changes nothing)."""
    direction = "rtl" if lang == "ar" else "ltr"
    html = _HTML_TAG.sub(lambda m: f'<html lang="{m.group(1)}" dir="{"rtl" if m.group(1) == "ar" else direction}"',
                         html, count=1)
    html = _TOGGLE_AUTOCOMPLETE.sub(r"\1", html)
    return _EMPTY_TABINDEX.sub(r"\1", html)


def finish_page(html: str, lang: str) -> str:
    return valid_html(name_search_dialog(drop_head_alternates(html), lang), lang)

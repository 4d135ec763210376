"""What the sitemap lists: every page in both languages, with its twin, except the pages out of the nav (the
receipt, which only makes sense with a reference in its link).

mkdocs-static-i18n writes the sitemap from the pages it is handed (``listed_src_uris``); an engine that lists
every page is pruned afterwards (``prune_sitemaps``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from mustafid.site.tree import GeneratedPage, dest_uri, in_nav

_URL = re.compile(r"\s*<url>.*?</url>", re.DOTALL)
_LOC = re.compile(r"<loc>([^<]*)</loc>")


def unlisted(pages: Iterable[GeneratedPage]) -> set[str]:
    """``<lang>/<src_uri>`` of the generated pages the sitemap leaves out."""
    return {f"{p.lang}/{p.src_uri}" for p in pages if not in_nav(p)}


def unlisted_paths(pages: Iterable[GeneratedPage], default: str) -> set[str]:
    """The URL paths (``forms/receipt/``, ``en/forms/receipt/``) of the pages the sitemap leaves out."""
    out = set()
    for p in pages:
        if not in_nav(p):
            dest = dest_uri(p.src_uri, p.lang, default)
            out.add(dest.removesuffix("index.html"))
    return out


def prune_sitemap(path: Path, paths: set[str]) -> int:
    """Drop the ``<url>`` entries whose location is one of ``paths``; how many were dropped."""
    text = path.read_text(encoding="utf-8")
    dropped = 0

    def keep(match: re.Match[str]) -> str:
        nonlocal dropped
        loc = _LOC.search(match.group(0))
        where = urlsplit(loc.group(1)).path if loc else ""
        if loc and any(where.endswith("/" + p) for p in paths):  # the site may live below a path of its host
            dropped += 1
            return ""
        return match.group(0)

    pruned = _URL.sub(keep, text)
    if dropped:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(pruned, encoding="utf-8")
        tmp.replace(path)
    return dropped


def prune_sitemaps(site_dir: Path, pages: Iterable[GeneratedPage], default: str) -> int:
    """Every ``sitemap.xml`` of a built site (one per language for Zensical) without the unlisted pages."""
    paths = unlisted_paths(pages, default)
    return sum(prune_sitemap(p, paths) for p in sorted(site_dir.glob("**/sitemap.xml")) if "assets" not in p.parts)

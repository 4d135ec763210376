"""Tashkeel-insensitive search, index side: the text of every search index is stored without tashkeel.

A search typed without harakat (as people type) then finds text written with them; the query side
(``assets/mustafid/search-tashkeel.js``) strips them from what is typed. mkdocs writes one merged index,
``search/search_index.json`` (``docs``); Zensical one per language, ``search.json`` and ``en/search.json``
(``items``). Both are rewritten the same way.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

# Harakat, Quranic marks, superscript alef and tatweel.
TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]")

# The index files each engine writes, relative to a language's site root, and the list of entries in each.
INDEX_FILES = {"search/search_index.json": "docs", "search.json": "items"}
LANG_PREFIXES = ("", "en/")


def strip_tashkeel(text: str) -> str:
    return TASHKEEL.sub("", text)


def strip_index(data: dict[str, Any], entries: str) -> dict[str, Any]:
    """The index with every entry's title and text without tashkeel (anything else untouched)."""
    for doc in data.get(entries, []):
        for key in ("title", "text"):
            if isinstance(doc.get(key), str):
                doc[key] = strip_tashkeel(doc[key])
    return data


def strip_index_file(path: Path, entries: str) -> None:
    data = strip_index(json.loads(path.read_text(encoding="utf-8")), entries)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    tmp.replace(path)


def strip_search_indexes(site_dir: Path) -> list[Path]:
    """Rewrite every search index of a built site; the files rewritten."""
    done = []
    for prefix in LANG_PREFIXES:
        for name, entries in INDEX_FILES.items():
            path = site_dir / prefix / name
            if path.is_file():
                strip_index_file(path, entries)
                done.append(path)
    return done


def merge_language_indexes(site_dir: Path) -> int:
    """One search for both languages, as mkdocs-static-i18n's merged index gives: Zensical writes an index per
    language (``search.json``, ``en/search.json``); each gets the other languages' entries too, their locations
    relative to its own folder. How many entries were added."""
    name, entries = "search.json", INDEX_FILES["search.json"]
    indexes = {prefix: site_dir / prefix / name for prefix in LANG_PREFIXES if (site_dir / prefix / name).is_file()}
    loaded = {prefix: json.loads(path.read_text(encoding="utf-8")) for prefix, path in indexes.items()}
    added = 0
    for prefix, data in loaded.items():
        up = "../" * prefix.count("/")
        merged = list(data.get(entries, []))
        langs = list(data.get("config", {}).get("lang", []))
        for other, other_data in loaded.items():
            if other == prefix:
                continue
            for doc in other_data.get(entries, []):
                merged.append({**doc, "location": up + other + str(doc.get("location", ""))})
                added += 1
            langs += [lang for lang in other_data.get("config", {}).get("lang", []) if lang not in langs]
        out = {**data, entries: merged}
        if "config" in data:
            out["config"] = {**data["config"], "lang": langs}
        tmp = indexes[prefix].with_suffix(".tmp")
        tmp.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        tmp.replace(indexes[prefix])
    return added


def index_texts(site_dir: Path) -> list[tuple[str, str]]:
    """(location, title + text) of every entry of every index: what a search can find."""
    out: list[tuple[str, str]] = []
    for prefix in LANG_PREFIXES:
        for name, entries in INDEX_FILES.items():
            path = site_dir / prefix / name
            if path.is_file():
                docs = json.loads(path.read_text(encoding="utf-8")).get(entries, [])
                out.extend((prefix + str(d.get("location", "")), f"{d.get('title', '')} {d.get('text', '')}")
                           for d in docs)
    return out

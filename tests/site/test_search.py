"""Search indexes without tashkeel, one search for both languages, and the sitemaps without the receipt."""

from __future__ import annotations

import json
from pathlib import Path

from mustafid.site.pages import GeneratedPage
from mustafid.site.search import index_texts, merge_language_indexes, strip_search_indexes, strip_tashkeel
from mustafid.site.sitemap import prune_sitemaps, unlisted

BASMALA = "بِسْمِ اللَّهِ الرَّحْمَٰنِ الرَّحِيمِ"


def _write(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_every_index_of_either_engine_loses_its_tashkeel(tmp_path: Path) -> None:
    _write(tmp_path / "search" / "search_index.json", {"config": {"separator": "[\\s]+"},
                                                       "docs": [{"location": "", "title": BASMALA, "text": BASMALA}]})
    _write(tmp_path / "search.json", {"items": [{"location": "", "title": "ـعـ", "text": BASMALA, "path": [BASMALA]}]})
    assert len(strip_search_indexes(tmp_path)) == 2
    mkdocs = json.loads((tmp_path / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert mkdocs["docs"][0]["text"] == "بسم الله الرحمن الرحيم" and mkdocs["config"] == {"separator": "[\\s]+"}
    zensical = json.loads((tmp_path / "search.json").read_text(encoding="utf-8"))
    assert zensical["items"][0]["title"] == "ع" and zensical["items"][0]["path"] == [BASMALA]  # only title, text
    assert strip_tashkeel(BASMALA) in " ".join(t for _, t in index_texts(tmp_path))


def test_each_language_index_gets_the_other_languages_entries(tmp_path: Path) -> None:
    _write(tmp_path / "search.json", {"config": {"lang": ["ar"]}, "items": [{"location": "policy/", "text": "س"}]})
    _write(tmp_path / "en" / "search.json",
           {"config": {"lang": ["en"]}, "items": [{"location": "policy/", "text": "p"}]})
    assert merge_language_indexes(tmp_path) == 2
    ar = json.loads((tmp_path / "search.json").read_text(encoding="utf-8"))
    en = json.loads((tmp_path / "en" / "search.json").read_text(encoding="utf-8"))
    assert [d["location"] for d in ar["items"]] == ["policy/", "en/policy/"] and ar["config"]["lang"] == ["ar", "en"]
    assert [d["location"] for d in en["items"]] == ["policy/", "../policy/"]


def test_the_receipt_is_pruned_from_every_sitemap(tmp_path: Path) -> None:
    pages = [GeneratedPage("ar", "forms/receipt.md", "r", "", in_nav=False),
             GeneratedPage("en", "forms/receipt.md", "r", "", in_nav=False), GeneratedPage("ar", "forms/a.md", "a", "")]
    assert unlisted(pages) == {"ar/forms/receipt.md", "en/forms/receipt.md"}
    urls = "".join(f"\n  <url>\n    <loc>https://x.org/{p}</loc>\n  </url>" for p in ("", "forms/a/", "forms/receipt/"))
    (tmp_path / "en").mkdir()
    (tmp_path / "sitemap.xml").write_text(f"<urlset>{urls}\n</urlset>", encoding="utf-8")
    (tmp_path / "en" / "sitemap.xml").write_text(
        "<urlset>\n  <url>\n    <loc>https://x.org/en/forms/receipt/</loc>\n  </url>\n</urlset>", encoding="utf-8")
    assert prune_sitemaps(tmp_path, pages, "ar") == 2
    text = (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    assert "forms/a/" in text and "receipt" not in text
    assert "receipt" not in (tmp_path / "en" / "sitemap.xml").read_text(encoding="utf-8")

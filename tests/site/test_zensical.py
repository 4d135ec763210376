"""The Zensical project of an association: the docs tree with the form pages in it, the mustafid plugin's place
taken by the macros adapter, names and the 404's home per language, and the twin rule before any build.
(The build itself is ``make site-zensical``: Zensical lives in its own virtualenv.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mustafid.core.errors import UserError
from mustafid.core.yamlio import load_rt
from mustafid.site.settings import PROJECT_ROOT
from mustafid.site.zensical import prepare_project
from tests.helpers import EXAMPLES


def test_the_project_of_kahatain(tmp_path: Path) -> None:
    cfg_path = prepare_project(EXAMPLES["kahatain"], tmp_path / "project")
    cfg = load_rt(cfg_path.read_text(encoding="utf-8"))
    docs = tmp_path / "project" / "docs"
    assert (docs / "ar" / "forms" / "support-request.md").read_text(encoding="utf-8").startswith(
        "---\nrender_macros: false\n")
    assert (docs / "en" / "policy.md").is_file() and (tmp_path / "project" / "overrides" / "404.html").is_file()
    names = [next(iter(p)) if isinstance(p, dict) else p for p in cfg["plugins"]]
    assert names == ["macros", "search", "i18n"]
    assert cfg["plugins"][0]["macros"]["modules"] == ["mustafid.site.macros"]
    assert cfg["site_url"] == "https://www.kahatain.com/" and cfg["docs_dir"] == "docs"
    ar, en = cfg["plugins"][2]["i18n"]["languages"]
    assert (ar["extra"]["mustafid_home"], en["extra"]["mustafid_home"]) == ("/", "/en/")
    assert en["site_name"] != ar["site_name"] and en["nav_translations"]["النماذج"] == "Forms"
    assert any("النماذج" in entry for entry in cfg["nav"] if isinstance(entry, dict))


def test_a_page_without_its_twin_is_refused_before_the_build(tmp_path: Path) -> None:
    folder = tmp_path / "kahatain"
    folder.mkdir()
    shutil.copy2(EXAMPLES["kahatain"] / "association.yml", folder / "association.yml")
    content = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", content)
    (content / "en" / "guides" / "rights.md").unlink()
    cfg = (PROJECT_ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("docs_dir: content", f"docs_dir: {content}")
    (folder / "mkdocs.yml").write_text(cfg, encoding="utf-8")
    with pytest.raises(UserError) as info:
        prepare_project(folder, tmp_path / "project")
    assert "en/guides/rights.md" in info.value.format()

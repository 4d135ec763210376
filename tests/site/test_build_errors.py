"""`mustafid build` on bad input: every problem listed, exit 1, no traceback; and the form-pages hook."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import EXAMPLES, ROOT
from tests.site.conftest import read_html

pytestmark = pytest.mark.xdist_group("site")


def mustafid(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mustafid", *args], capture_output=True, text=True, timeout=120,
                          check=False)


def copy_association(tmp_path: Path, name: str = "kahatain") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    shutil.copy2(EXAMPLES[name] / "association.yml", folder / "association.yml")
    return folder


def test_malformed_association_lists_every_problem(tmp_path: Path) -> None:
    folder = copy_association(tmp_path)
    cfg = folder / "association.yml"
    text = cfg.read_text(encoding="utf-8")
    text = text.replace("decision_period_days: 14", "decision_period_days: two weeks")
    text = text.replace("site_url: https://www.kahatain.com/", "site_url: kahatain")
    text = re.sub(r"(?m)^region:\n  ar: .*\n  en: .*\n", "", text)
    cfg.write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    result = mustafid("build", "--association", str(folder), "--out", str(out))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    for key in ("decision_period_days", "site_url", "region"):
        assert key in result.stderr, key
    assert str(cfg) in result.stderr
    assert not (out / "index.html").exists()


def test_missing_policy_sentence_is_a_config_problem(tmp_path: Path) -> None:
    folder = copy_association(tmp_path)
    cfg = folder / "association.yml"
    text = re.sub(r"(?m)^  goal_access:\n(    .*\n)+", "", cfg.read_text(encoding="utf-8"))
    text = re.sub(r"(?m)^  procedure_lead:\n(    .*\n)+", "", text)
    cfg.write_text(text, encoding="utf-8")
    result = mustafid("build", "--association", str(folder), "--out", str(tmp_path / "site"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "policy.goal_access" in result.stderr and "policy.procedure_lead" in result.stderr


def _own_site_definition(folder: Path, tmp_path: Path, *, plugin_options: str = "") -> Path:
    """The association folder gets its own mkdocs.yml (site.mkdocs_config_path) over a copy of content/."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cfg = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    cfg = cfg.replace("docs_dir: content", f"docs_dir: {content}")
    if plugin_options:
        cfg = cfg.replace("  - mustafid\n", f"  - mustafid:\n      {plugin_options}\n")
    (folder / "mkdocs.yml").write_text(cfg, encoding="utf-8")
    return content


def test_missing_english_page_is_an_error_not_arabic(tmp_path: Path) -> None:
    folder = copy_association(tmp_path)
    content = _own_site_definition(folder, tmp_path)
    (content / "en" / "guides" / "rights.md").unlink()
    (content / "ar" / "extra.md").write_text("# صفحة\n", encoding="utf-8")
    result = mustafid("build", "--association", str(folder), "--out", str(tmp_path / "site"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "en/guides/rights.md" in result.stderr and "en/extra.md" in result.stderr


def test_form_pages_hook(tmp_path: Path) -> None:
    from mustafid.site.build import build_site

    folder = copy_association(tmp_path)
    _own_site_definition(folder, tmp_path, plugin_options="pages_provider: tests.site.sample_pages")
    site = build_site(folder, tmp_path / "site")
    ar, en = site / "forms" / "support-request" / "index.html", site / "en" / "forms" / "support-request" / "index.html"
    ar_html, en_html = read_html(ar), read_html(en)
    assert "<!--mustafid:form-->" in ar.read_text(encoding="utf-8")
    assert "<p>{{ kept }}</p>" in ar.read_text(encoding="utf-8")  # not rendered as Jinja a second time
    assert (ar_html.lang, ar_html.body_dir, en_html.lang) == ("ar", "rtl", "en")
    assert ar_html.alternates["en"] == "../../en/forms/support-request/"
    assert en_html.alternates["ar"] == "../../../forms/support-request/"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "النماذج" in home and 'href="forms/support-request/"' in home  # the nav section and the home's list
    assert "Forms" in [t.strip() for t in read_html(site / "en" / "index.html").all_text]
    # a page with in_nav = False is built in both languages but listed nowhere
    assert (site / "forms" / "receipt" / "index.html").is_file()
    assert (site / "en" / "forms" / "receipt" / "index.html").is_file()
    assert "forms/receipt/" not in home


def test_build_command_succeeds(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = mustafid("build", "--association", str(EXAMPLES["ajaa"]), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stderr and (out / "index.html").is_file() and (out / "en" / "index.html").is_file()

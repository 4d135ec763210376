"""The content pages a beneficiary reads around the forms (issue 16): the main form first on the home page, the
promised period said plainly, the channels page's address, hours and map from association.yml, the survey and
complaint forms linked from the rights page, and an accessibility statement in both languages."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from mustafid.site.build import build_site
from tests.helpers import EXAMPLES
from tests.site.conftest import BuiltSite, read_html


def hrefs(path: Path) -> list[str]:
    article = path.read_text(encoding="utf-8").split("<article", 1)[1].split("</article>", 1)[0]
    return re.findall(r'<a [^>]*?href="([^"]+)"', article)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_home_page_leads_with_the_support_request(sites: dict[str, BuiltSite], name: str, lang: str) -> None:
    home = sites[name].root / ("" if lang == "ar" else "en") / "index.html"
    links = [h for h in hrefs(home) if not h.startswith("#")]
    assert links[0].rstrip("/").endswith("forms/support-request"), links[:3]
    assert sum(1 for h in links if h.rstrip("/").endswith("forms/support-request")) == 1  # not listed again
    assert any(h.rstrip("/").endswith("accessibility") for h in links)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_rights_page_links_the_survey_and_the_complaint_form(sites: dict[str, BuiltSite], name: str) -> None:
    for lang in ("", "en/"):
        links = hrefs(sites[name].root / f"{lang}guides/rights/index.html")
        assert any("satisfaction-survey" in h for h in links) and any("suggestion-or-complaint" in h for h in links)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_an_accessibility_statement_in_both_languages(sites: dict[str, BuiltSite], name: str) -> None:
    ar, en = sites[name].page("accessibility"), sites[name].page("en/accessibility")
    assert "بيان إمكانية الوصول" in ar.article and "Accessibility statement" in en.article
    assert "JavaScript" in ar.article and "360" in en.article.replace("٣٦٠", "360")


def test_the_channels_page_shows_address_hours_and_map(tmp_path: Path) -> None:
    src = EXAMPLES["kahatain"]
    assoc = tmp_path / "assoc"
    assoc.mkdir()
    shutil.copytree(src / "forms", assoc / "forms")
    yaml = YAML()
    data = yaml.load((src / "association.yml").read_text(encoding="utf-8"))
    data["contacts"]["address"] = {"ar": "حي الروضة، شارع الأمير سلطان، جدة",
                                   "en": "Al-Rawdah, Prince Sultan Street, Jeddah"}
    data["contacts"]["opening_hours"] = {"ar": "الأحد إلى الخميس، ٨ صباحاً إلى ٢ ظهراً",
                                         "en": "Sunday to Thursday, 8 am to 2 pm"}
    data["contacts"]["map_url"] = "https://maps.example.invalid/kahatain"
    with (assoc / "association.yml").open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    site = build_site(assoc, tmp_path / "site")
    ar = read_html(site / "channels" / "index.html").article
    en = read_html(site / "en" / "channels" / "index.html").article
    assert "حي الروضة، شارع الأمير سلطان، جدة" in ar and "الأحد إلى الخميس" in ar and "أوقات الدوام" in ar
    assert "Prince Sultan Street" in en and "Opening hours" in en
    assert "https://maps.example.invalid/kahatain" in hrefs(site / "channels" / "index.html")
    # without them (the seeds publish none), the page says where to ask instead of leaving a gap
    seed = read_html(build_site(src, tmp_path / "seed") / "channels" / "index.html").article
    assert "لم تنشر الجمعية عنوانها وأوقات دوامها بعد" in seed

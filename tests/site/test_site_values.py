"""Each association's own values reach its site (from association.yml, typed once), and never the other's."""

from __future__ import annotations

import re

import pytest

from tests.site.conftest import BuiltSite, norm

pytestmark = pytest.mark.xdist_group("site")

# Values each seed association publishes, and that must never appear on the other's site.
OWN = {
    "ajaa": {
        "policy_ar": ["خلال مدة لا تقل عن شهر", "016 538 3555", "053 898 6446", "info@ajaa.sa", "ajaa.org",
                      "سمو الأميرة هنوف بنت تركي الفرهم", "أ. هدى بنت مرسال الخمعلي", "رئيس المجلس"],
        "policy_en": ["within a period of not less than one month", "HH Princess Hanouf bint Turki Al-Farhum"],
        "html": ['href="tel:+966165383555"', 'href="tel:+966538986446"', 'href="mailto:info@ajaa.sa"'],
        "anywhere": ["أجا", "Ajaa", "5383555", "538986446", "ajaa.sa", "حائل", "الفرهم", "لا تقل عن شهر"],
    },
    "kahatain": {
        "policy_ar": ["خلال مدة لا تقل عن أسبوعين", "kahatain__org", "kahatain_org", "www.kahatain.com",
                      "الدكتور / عواض بن عطية الله البشري", "الأستاذ / عابد بن حميد اللهيبي",
                      "في حالة عدم وضوح الإجراءات للمستفيد فعلى الموظف إحالته لمسئول البحث الاجتماعي",
                      "بِسْمِ اللَّهِ الرَّحْمَنِ الرَّحِيمِ"],
        "policy_en": ["within a period of not less than two weeks", "refers them to the social-research officer",
                      "Dr. Awadh bin Atiyatullah Al-Bishri"],
        "html": ['href="https://www.instagram.com/kahatain__org"', 'href="https://twitter.com/kahatain_org"'],
        "anywhere": ["كهاتين", "Kahatain", "kahatain", "مكة", "البشري", "لا تقل عن أسبوعين", "two weeks",
                     "إحالته لمسئول البحث الاجتماعي", "social-research officer, who"],
    },
}


@pytest.mark.parametrize("name", sorted(OWN))
def test_own_values_on_the_policy_page(sites: dict[str, BuiltSite], name: str) -> None:
    site, own = sites[name], OWN[name]
    ar, en = site.page("policy"), site.page("en/policy")
    for value in own["policy_ar"]:
        assert norm(value) in norm(ar.article), value
    for value in own["policy_en"]:
        assert norm(value) in norm(en.article), value
    raw = (site.root / "policy" / "index.html").read_text(encoding="utf-8")
    for snippet in own["html"]:
        assert snippet in raw, snippet


@pytest.mark.parametrize("name", sorted(OWN))
def test_the_other_associations_values_appear_nowhere(sites: dict[str, BuiltSite], name: str) -> None:
    other = OWN["kahatain" if name == "ajaa" else "ajaa"]["anywhere"]
    site = sites[name]
    files = [*site.html_files(), site.root / "search" / "search_index.json", site.root / "sitemap.xml"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        if path.parent.parent.name == "forms":
            # the national lists of regions and cities (formlib.yml) are choices on every association's forms
            text = re.sub(r"<option[^>]*>[^<]*</option>|<optgroup label=\"[^\"]*\"", "", text)
        found = [v for v in other if v in text]
        assert not found, f"{path.relative_to(site.root)}: {found}"


@pytest.mark.parametrize("name", sorted(OWN))
def test_period_and_referral_in_the_guides(sites: dict[str, BuiltSite], name: str) -> None:
    site = sites[name]
    # the guides and the home page say plainly what the applicant can count on; the policy keeps its own sentence
    period = {"ajaa": ("خلال شهر", "within one month"), "kahatain": ("خلال أسبوعين", "within two weeks")}[name]
    policy = {"ajaa": "لا تقل عن شهر", "kahatain": "لا تقل عن أسبوعين"}[name]
    for url, words in (("guides/next", period[0]), ("en/guides/next", period[1]), ("", period[0]), ("en", period[1])):
        assert words in site.page(url).article, (url, words)
        assert "لا تقل عن" not in site.page(url).article and "not less than" not in site.page(url).article
    assert policy in site.page("policy").article
    referral = "مسؤول البحث الاجتماعي" in site.page("guides/next").article
    assert referral is (name == "kahatain")


def test_numbers_and_handles_are_left_to_right(sites: dict[str, BuiltSite]) -> None:
    ajaa = (sites["ajaa"].root / "channels" / "index.html").read_text(encoding="utf-8")
    assert '<a href="tel:+966165383555" dir="ltr">016 538 3555</a>' in ajaa
    assert 'dir="ltr">info@ajaa.sa</a>' in ajaa
    kahatain = (sites["kahatain"].root / "policy" / "index.html").read_text(encoding="utf-8")
    assert 'dir="ltr">@kahatain__org</a>' in kahatain


def test_search_index_is_bilingual_and_without_tashkeel(sites: dict[str, BuiltSite]) -> None:
    import json

    index = json.loads((sites["kahatain"].root / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert set(index["config"]["lang"]) == {"ar", "en"}
    text = " ".join(d["text"] + d["title"] for d in index["docs"])
    assert "بسم الله الرحمن الرحيم" in text  # the basmala, written with tashkeel on the page
    assert not any("\u064b" <= ch <= "\u0652" for ch in text)
    locations = {d["location"] for d in index["docs"]}
    assert "policy/" in locations and "en/policy/" in locations


def test_arabic_anchors_are_readable(sites: dict[str, BuiltSite]) -> None:
    raw = (sites["ajaa"].root / "policy" / "index.html").read_text(encoding="utf-8")
    assert 'id="الهدف-العام"' in raw


def test_site_url_from_config(sites: dict[str, BuiltSite]) -> None:
    sitemap = (sites["kahatain"].root / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://www.kahatain.com/policy/</loc>" in sitemap
    raw = (sites["ajaa"].root / "policy" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://ajaa.org/policy/">' in raw

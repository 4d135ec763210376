"""The Arabic policy page of each association holds every sentence and bullet of its seed (OCR slips corrected)."""

from __future__ import annotations

import re

import pytest

from tests.site.conftest import SEEDS, BuiltSite, correct, norm

pytestmark = pytest.mark.xdist_group("site")

LETTERHEAD = {"الرقم:", "التاريخ:", "المرفقات:"}  # blank fields of Ajaa's paper form, not text
INTRO_HEADINGS = {"تمهيد", "مقدمة"}


def seed_items(name: str) -> list[str]:
    """Every piece of the seed the published policy must say: title lines, headings, sentences, bullets, and
    the approval table's headings, names and positions. Left out: the table of contents with page numbers,
    contact lines (checked against association.yml in test_site_values), blank letterhead fields."""
    text = (SEEDS / f"{name}.txt").read_text(encoding="utf-8").replace("**", "")
    lines = [ln.strip() for ln in correct(text).splitlines()]
    start = next(i for i, ln in enumerate(lines) if ln.rstrip(":") in INTRO_HEADINGS)
    items: list[str] = []
    # title page: each line (the association's name is broken over two lines)
    items.extend(ln for ln in lines[:start]
                 if ln and "\t" not in ln and ln != "الفهرس" and not re.search(r"[0-9@]|\.(org|sa|com)", ln))
    blocks: list[list[str]] = [[]]
    for ln in lines[start:]:
        if not ln:
            blocks.append([])
        else:
            blocks[-1].append(ln)
    for block in filter(None, blocks):
        if all(ln in LETTERHEAD for ln in block):
            continue
        if any("\t" in ln for ln in block):  # the board table: headings, names and positions (not signatures)
            for row in block:
                cells = row.split("\t")
                items += [c for c in cells[1:3] if c.strip()]
            continue
        if block[0].startswith("[") or block[0].startswith("www."):
            continue  # social accounts and website: contacts
        if block[0].startswith("- "):
            items += [ln[2:] for ln in block]
            continue
        paragraph = " ".join(block)
        items += [s for s in re.split(r"\.(?=\s|$)", paragraph) if norm(s)]
    return items


@pytest.mark.parametrize("name", ["ajaa", "kahatain"])
def test_every_seed_sentence_is_on_the_arabic_policy_page(sites: dict[str, BuiltSite], name: str) -> None:
    page = norm(sites[name].page("policy").article)
    items = seed_items(name)
    assert len(items) > 40  # the parser found the policy, not a fragment of it
    missing = [item for item in items if norm(item) not in page]
    assert not missing, "\n".join(missing)


def test_the_seed_reader_catches_a_changed_sentence() -> None:
    # the comparison is not vacuous: a sentence reworded by one word is not found in the other seed's page text
    assert norm("أداة للتقويم والتطوير لا للعقاب والتشهير") not in norm(" ".join(seed_items("ajaa")))
    assert norm("أداة للتقويم والتطوير والرقى بالخدمات المقدمة") in norm(" ".join(seed_items("ajaa")))


def test_corrections_are_whole_words() -> None:
    assert correct("حقوق وواجبات لمتعاقدين") == "حقوق وواجبات المتعاقدين"
    assert correct("حقوق وواجبات المتعاقدين") == "حقوق وواجبات المتعاقدين"
    assert correct("التقصير في الداء") == "التقصير في الأداء"


def test_each_seed_differs_from_the_other_associations_page(sites: dict[str, BuiltSite]) -> None:
    # the wording that differs between the seeds comes from each association's own config
    for mine, other in (("ajaa", "kahatain"), ("kahatain", "ajaa")):
        page = norm(sites[other].page("policy").article)
        missing = [item for item in seed_items(mine) if norm(item) not in page]
        assert len(missing) >= 5, (mine, missing)

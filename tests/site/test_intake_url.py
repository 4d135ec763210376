"""`intake_url` in association.yml: a site on a static host posts its forms to an intake server elsewhere."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mustafid.config.association import load_association
from mustafid.core.errors import ConfigError
from tests.helpers import EXAMPLES


def association_with(tmp_path: Path, line: str) -> Path:
    folder = tmp_path / "kahatain"
    folder.mkdir()
    text = (EXAMPLES["kahatain"] / "association.yml").read_text(encoding="utf-8")
    (folder / "association.yml").write_text(text.replace("site_url: ", f"{line}\nsite_url: ", 1), encoding="utf-8")
    shutil.copytree(EXAMPLES["kahatain"] / "forms", folder / "forms")
    return folder


def test_the_built_forms_post_to_the_configured_intake(tmp_path: Path) -> None:
    from mustafid.site.build import build_site

    folder = association_with(tmp_path, "intake_url: https://intake.example.org/")
    assert load_association(folder).intake_url == "https://intake.example.org"
    site = build_site(folder, tmp_path / "site")
    for page in ("forms/support-request/index.html", "en/forms/volunteering/index.html"):
        text = (site / page).read_text(encoding="utf-8")
        form_id = page.split("/")[-2]
        assert f'action="https://intake.example.org/submit/{form_id}"' in text
        assert f'data-check-url="https://intake.example.org/api/check/{form_id}"' in text


def test_default_is_the_sites_own_origin() -> None:
    assoc = load_association(EXAMPLES["ajaa"])
    assert assoc.intake_url == ""


def test_a_bad_address_is_refused_with_what_to_fix(tmp_path: Path) -> None:
    folder = association_with(tmp_path, "intake_url: intake.example.org")
    with pytest.raises(ConfigError) as info:
        load_association(folder)
    text = info.value.format()
    assert "intake_url" in text and "https://intake.ajaa.org" in text and "عنوان خادم استقبال الطلبات" in text

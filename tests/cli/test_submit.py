"""`mustafid submit` as staff run it: a real subprocess in a real git repository of each association, from an
answers file and question by question through a pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mustafid.config.association import load_association
from mustafid.forms.load import load_forms
from mustafid.forms.validation import to_raw
from tests.intake.util import example_record, fake_pdf, refs
from tests.staff.util import STAFF, new_submission


def submit(repo: Path, *args: str, actor: str | None = STAFF, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUSTAFID_")}
    if actor:
        env["MUSTAFID_ACTOR"] = actor
    return subprocess.run([sys.executable, "-m", "mustafid", "submit", *args], cwd=repo, env=env, input=stdin,
                          capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)


def answers_file(tmp_path: Path, name: str, form_id: str) -> tuple[Path, list[str]]:
    """An answers file from an example record's data, and the --document arguments for its documents."""
    rec = example_record(name, form_id)
    doc = dict(rec["data"], declaration={"confirmed": True, "consent": True})
    path = tmp_path / "answers.yml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    docs = []
    for i, d in enumerate(rec.get("documents") or []):
        f = tmp_path / f"doc{i}.pdf"
        f.write_bytes(fake_pdf(i))
        docs += ["--document", f"{d['field']}={f}"]
    return path, docs


@pytest.mark.parametrize("form_id,channel", [("support-request", "phone"), ("new-beneficiary", "interview"),
                                             ("suggestion-or-complaint", "letter")])
def test_from_file(repo: Path, name: str, tmp_path: Path, form_id: str, channel: str) -> None:
    answers, docs = answers_file(tmp_path, name, form_id)
    before = refs(repo)
    out = submit(repo, "--form", form_id, "--channel", channel, "--file", str(answers), *docs)
    assert out.returncode == 0, out.stderr
    branch, record, message = new_submission(repo, before)
    assert record["channel"] == channel and record["form"] == form_id and record["status"] == "received"
    form = load_forms(load_association(repo))[form_id]
    # the same answers (calculated ones, like an age, are recomputed for today)
    assert to_raw(form, record["data"]) == to_raw(form, example_record(name, form_id)["data"])  # type: ignore[arg-type]
    assert len(record["documents"]) == len(docs) // 2  # type: ignore[arg-type]
    assert f"Mustafid-Actor: {STAFF}\n" in message and f"Mustafid-Channel: {channel}\n" in message
    assert str(record["id"]) in out.stdout and branch in out.stdout
    # no personal data on the screen: the reference, branch and path only
    data = record["data"]
    assert isinstance(data, dict)
    personal = form.personal_fields
    assert not [k for k, v in data.items() if k in personal and isinstance(v, str) and v in out.stdout]


def test_invalid_file_writes_nothing(repo: Path, tmp_path: Path) -> None:
    answers = tmp_path / "bad.yml"
    answers.write_text("kind: nonsense\nsubject: ab\nfoo: 1\nwants_reply: maybe\n", encoding="utf-8")
    before = refs(repo)
    out = submit(repo, "--form", "suggestion-or-complaint", "--channel", "letter", "--file", str(answers))
    assert out.returncode == 1
    err = out.stderr
    assert "kind: اختر واحداً من الخيارات المعروضة | choose one of the options shown" in err
    assert "subject: النص أقصر من ٣ أحرف | the text is shorter than 3 characters" in err
    assert "foo: حقل غير معروف" in err and "details: هذا الحقل مطلوب | this field is required" in err
    assert "declaration.confirmed: " in err  # the declaration is required as on the web
    assert refs(repo) == before


def test_tags_are_not_constructed(repo: Path, tmp_path: Path) -> None:
    answers = tmp_path / "tag.yml"
    answers.write_text("subject: !!python/object/apply:os.system ['touch pwned']\n", encoding="utf-8")
    before = refs(repo)
    out = submit(repo, "--form", "suggestion-or-complaint", "--channel", "letter", "--file", str(answers))
    assert out.returncode == 1 and not (repo / "pwned").exists()
    assert refs(repo) == before


@pytest.mark.parametrize("actor", ["someone.else", None])
def test_not_on_the_roster(repo: Path, name: str, tmp_path: Path, actor: str | None) -> None:
    answers, _ = answers_file(tmp_path, name, "suggestion-or-complaint")
    before = refs(repo)
    out = submit(repo, "--form", "suggestion-or-complaint", "--channel", "phone", "--file", str(answers),
                 actor=actor)
    assert out.returncode == 1
    assert ("ليس في قائمة" in out.stderr and "roster" in out.stderr) or "--as" in out.stderr
    assert refs(repo) == before


def test_web_is_refused(repo: Path, name: str, tmp_path: Path) -> None:
    answers, _ = answers_file(tmp_path, name, "suggestion-or-complaint")
    before = refs(repo)
    out = submit(repo, "--form", "suggestion-or-complaint", "--channel", "web", "--file", str(answers))
    assert out.returncode == 1
    assert "نموذج الموقع" in out.stderr and "web requests come through the site" in out.stderr
    assert refs(repo) == before


# Arabic answers to suggestion-or-complaint, one line each: a complaint (by number, Arabic-Indic), subject,
# details, no related request, a reply wanted (١ = yes), name, a wrong mobile (9 digits) then a right one in
# Arabic-Indic digits, no email, reply by phone call (by its label), no attachment, at the summary a number it
# does not show then nothing to change, declaration and consent.
ARABIC_ANSWERS = ["٢", "تأخر الرد على الطلب", "تقدمت بطلب قبل شهرين ولم يصلني رد حتى الآن", "", "١",
                  "منيرة الشمري", "٠٥٠١٢٣٤٥٦", "٠٥٠١٢٣٤٥٦٧", "", "اتصال هاتفي", "", "٩٩", "", "١", "نعم"]


def test_interactive_arabic(repo: Path) -> None:
    before = refs(repo)
    out = submit(repo, "--form", "suggestion-or-complaint", "--channel", "interview",
                 stdin="\n".join(ARABIC_ANSWERS) + "\n")
    assert out.returncode == 0, out.stdout + out.stderr
    # the questions come from the definition, in Arabic, choices numbered in Arabic-Indic digits
    assert "== ملاحظتك ==" in out.stdout and "نوع الملاحظة (مطلوب)" in out.stdout and "٢. شكوى" in out.stdout
    # the wrong mobile number is refused with the validator's own Arabic message, then asked again
    assert out.stdout.count("رقم الجوال (مطلوب)") == 2
    assert "✗ رقم الجوال غير صحيح" in out.stdout
    assert "== ملخص الإجابات ==" in out.stdout
    assert out.stdout.count("لتغيير إجابة اكتب رقمها") == 2 and "✗ اكتب رقماً من الأرقام التي في الملخص" in out.stdout
    _, record, message = new_submission(repo, before)
    assert record["channel"] == "interview" and f"Mustafid-Actor: {STAFF}\n" in message
    assert record["data"] == {"kind": "complaint", "subject": "تأخر الرد على الطلب",
                              "details": "تقدمت بطلب قبل شهرين ولم يصلني رد حتى الآن", "wants_reply": True,
                              "name": "منيرة الشمري", "mobile": "+966501234567", "contact_preference": "phone"}
    assert record["declaration"]["confirmed"] is True  # type: ignore[index]


def test_interactive_english_skips_what_does_not_apply(repo: Path) -> None:
    before = refs(repo)
    answers = ["Praise", "Thank you", "The staff were kind and quick.", "", "2", "", "", "yes", "1"]
    out = submit(repo, "--form", "suggestion-or-complaint", "--channel", "phone", "--lang", "en",
                 stdin="\n".join(answers) + "\n")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Mobile number" not in out.stdout  # no reply wanted: the contact questions do not apply
    _, record, _ = new_submission(repo, before)
    assert record["data"] == {"kind": "praise", "subject": "Thank you", "details": "The staff were kind and quick.",
                              "wants_reply": False}


def test_end_of_input_saves_nothing(repo: Path) -> None:
    before = refs(repo)
    out = submit(repo, "--form", "suggestion-or-complaint", "--channel", "interview", stdin="٢\nتأخر الرد\n")
    assert out.returncode == 1
    assert "لم يُحفظ شيء" in out.stderr and "nothing was saved" in out.stderr
    assert refs(repo) == before

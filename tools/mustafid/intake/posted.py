"""What a form's POST holds, sorted and checked against the form before any answer is read: its answers (one
value → str, several → list), its documents, the tokens of documents kept from the check step, and the file
descriptions the page's script sends. A key no form field has refuses the whole post."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mustafid.core.errors import UserError
from mustafid.core.normalize import small_int
from mustafid.core.text import T
from mustafid.forms.model import FormDef
from mustafid.forms.validation import CONSENT_FIELD, DECLARATION_FIELD, FileInfo
from mustafid.intake.messages import MSG
from mustafid.intake.uploads import Upload, safe_filename

RESERVED = {"_lang", "_step", "_hp", DECLARATION_FIELD, CONSENT_FIELD, "_add", "_remove"}
CONTROLS = ("_lang", "_step", "_hp", "_add", "_remove")  # the page's own keys, never answers
LANGS = ("ar", "en")


class Refused(UserError):
    """The post is not a submission of this form that can be read; nothing is written. ``code`` says why."""

    def __init__(self, code: str, msg: T) -> None:
        super().__init__(msg.ar, msg.en)
        self.code, self.msg = code, msg


def _field_pattern(form: FormDef) -> re.Pattern[str]:
    alts = []
    for path, f in form.walk():
        if f.type in ("repeat", "note", "calculated", "file"):
            continue
        p = re.escape(path).replace(r"\*", r"[0-9]{1,3}")
        alts.append(p + (r"\.[a-z_]+" if f.type == "national_address" else ""))
    return re.compile("^(?:" + "|".join(alts) + ")$") if alts else re.compile("(?!)")


def multipart_limit_for(forms: Mapping[str, FormDef]) -> int:
    """The largest honest multipart body: every file field at its maximum (multiple: 3 files) plus the text."""
    best = 0.0
    for form in forms.values():
        total = sum(f.max_size_mb * 1_000_000 * (3 if f.multiple else 1) for _, f in form.walk() if f.type == "file")
        best = max(best, total)
    return int(min(best + 1_000_000, 100_000_000))


@dataclass
class Post:
    """A post sorted: ``raw`` answers and page keys, ``uploads`` received now, ``tokens`` of kept documents."""

    raw: dict[str, Any] = field(default_factory=dict)
    uploads: list[Upload] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)

    def one(self, key: str) -> str:
        """One value of ``key`` ('' when absent; the first when sent several times)."""
        v = self.raw.get(key, "")
        return (v[0] if v else "") if isinstance(v, list) else str(v)

    @property
    def lang(self) -> str:
        return self.one("_lang") if self.one("_lang") in LANGS else "ar"

    def answers(self) -> dict[str, Any]:
        """The answers, without the page's own keys and the script's file descriptions."""
        return {k: v for k, v in self.raw.items() if k not in CONTROLS and not k.startswith("_file.")}

    def typed_so_far(self) -> dict[str, Any]:
        """What the as-you-type check reads: the answers and the declaration and consent ticks."""
        return {k: v for k, v in self.raw.items() if not k.startswith("_") or k in (DECLARATION_FIELD, CONSENT_FIELD)}

    def described_files(self) -> dict[str, list[FileInfo]]:
        """The files chosen on the page and not sent yet, as its script describes them: "name|type|size"."""
        files: dict[str, list[FileInfo]] = {}
        for key, value in self.raw.items():
            if key.startswith("_file."):
                for v in (value if isinstance(value, list) else [value]):
                    name, _, rest = str(v).partition("|")
                    typ, _, size = rest.partition("|")
                    files.setdefault(key[6:], []).append(FileInfo(safe_filename(name), typ[:100],
                                                                  small_int(size) or 0, ""))
        return files


class FormShape:
    """The keys a post of one form may hold: its answer fields (repeat items by index) and its file fields."""

    def __init__(self, form: FormDef) -> None:
        self.form = form
        self.fields = _field_pattern(form)
        self.files = {p for p, x in form.walk() if x.type == "file"}

    def sort(self, items: Iterable[tuple[str, str | Upload]]) -> Post:
        """The post's (key, value) pairs in the order sent, a file as an ``Upload`` with its name as sent."""
        post = Post()
        for key, value in items:
            if isinstance(value, Upload):
                if key not in self.files:
                    raise Refused("unknown_fields", MSG["unknown_fields"])
                if value.name or value.size:
                    post.uploads.append(dataclasses.replace(value, field=key, name=safe_filename(value.name),
                                                            type=value.type[:100]))
            elif key.startswith("_stash."):
                post.tokens.append(value)
            elif key.startswith("_file.") and key[6:] in self.files:
                post.raw[key] = value  # the page's script describes a chosen file: "name|type|size"
            elif key not in RESERVED and not self.fields.match(key):
                if key in self.files and value == "":
                    continue  # a file input sent empty as a plain field by some clients
                raise Refused("unknown_fields", MSG["unknown_fields"])
            elif key in post.raw:
                post.raw[key] = (post.raw[key] if isinstance(post.raw[key], list) else [post.raw[key]]) + [value]
            else:
                post.raw[key] = value
        return post

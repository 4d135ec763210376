"""The record format (docs/architecture.md "The record"): ids, paths, building, YAML dump and load.

Ids are the request's reference (core/reference.py): 12 digits with a Damm check digit, ``4821-3390-7552``, read
aloud digit by digit in Arabic; the legacy 8-symbol Crockford ids (``K7M3-9QXD``) of records made before stay
valid. A mistyped digit or a swap of two neighbours is caught.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any

from mustafid.core.reference import FULL, is_reference, new_reference, parse_reference
from mustafid.core.vocab import RIYADH
from mustafid.core.yamlio import load_fast

RECORD_ID_RE = FULL  # the reference's one definition (core/reference.py): digits, or a legacy Crockford id
# Top-level keys in the order they are written (lifecycle first, answers after).
RECORD_KEYS = ("id", "form", "form_version", "association", "channel", "lang", "submitted_at", "submitted_at_hijri",
               "status", "flags", "duplicate_of", "sealed", "lookup", "declaration", "data", "documents",
               "missing_documents", "verification", "info_requests", "votes", "decision", "service", "withdrawal",
               "escalation", "answer")


def new_record_id() -> str:
    return new_reference()


def parse_record_id(text: str) -> str | None:
    """The canonical id for what someone typed (Arabic digits, spaces, no hyphens; a legacy id in lower case
    or with O for 0…), or None."""
    return parse_reference(text)


def is_record_id(text: str) -> bool:
    """Exactly the canonical form (what a stored record must hold)."""
    return is_reference(text)


def record_path(form_id: str, submitted_at: str | dt.datetime, record_id: str) -> str:
    """``submissions/<form>/<yyyy>/<mm>/<id>.yml`` (sharded: no git tree holds thousands of entries)."""
    when = submitted_at if isinstance(submitted_at, dt.datetime) else dt.datetime.fromisoformat(submitted_at)
    when = when.astimezone(RIYADH) if when.tzinfo else when
    return f"submissions/{form_id}/{when.year:04d}/{when.month:02d}/{record_id}.yml"


def schema_ref(path: str) -> str:
    """The relative ``$schema`` of a record at ``path`` (from its folder to forms/schema/)."""
    parts = PurePosixPath(path).parts
    form = parts[1] if len(parts) > 1 else "?"
    return "../" * (len(parts) - 1) + f"forms/schema/{form}.schema.json"


def now() -> dt.datetime:
    return dt.datetime.now(RIYADH).replace(microsecond=0)


def make_record(form: Any, data: Mapping[str, Any], *, association: str, channel: str = "web",
                consent: bool = True, documents: Sequence[Mapping[str, Any]] = (), record_id: str | None = None,
                submitted_at: dt.datetime | None = None, status: str | None = None,
                flags: Sequence[str] = (), duplicate_of: Sequence[str] = (), lang: str | None = None
                ) -> dict[str, Any]:
    """A new record for answers already checked by ``validate_input``; its status is where its form's kind
    starts (``received``, or ``recorded`` for a survey) unless given."""
    from mustafid.forms.kinds import initial_status
    from mustafid.forms.validators import hijri_of

    status = status or initial_status(str(getattr(form, "kind", "request")))
    extra = {"lang": lang} if lang in ("ar", "en") else {}  # the language the applicant is told things in
    when = (submitted_at or now()).astimezone(RIYADH).replace(microsecond=0)
    at = when.isoformat()
    return {
        "id": record_id or new_record_id(), "form": form.id, "form_version": form.version,
        "association": association, "channel": channel, **extra, "submitted_at": at,
        "submitted_at_hijri": hijri_of(when.date()), "status": status, "flags": list(flags),
        "duplicate_of": list(duplicate_of),
        "declaration": {"confirmed": True, "consent": bool(consent), "at": at},
        "data": dict(data), "documents": [dict(d) for d in documents],
        "verification": None, "info_requests": [], "decision": None, "service": None, "withdrawal": None,
    }


def _yaml() -> Any:
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    y.allow_unicode = True
    return y


def _quoted(node: Any) -> Any:
    """Every string double-quoted: ids, phones, IBANs and dates must never be read back as numbers or dates
    (``0501234567``, ``1446-09-01``, ``no``), and one rule for all strings is simpler to trust."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    if isinstance(node, Mapping):
        return {str(k): _quoted(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [_quoted(v) for v in node]
    if isinstance(node, str):
        # Long multi-line answers stay readable in review diffs as literal blocks (still strings on reading).
        return LiteralScalarString(node) if "\n" in node else DoubleQuotedScalarString(node)
    return node


def dump_record(record: Mapping[str, Any], path: str | None = None) -> str:
    """The record as YAML, with the ``# yaml-language-server: $schema=`` line editors use.

    The schema line is relative to the record's own path (``path``, or the one ``record_path`` gives)."""
    path = path or record_path(str(record["form"]), str(record["submitted_at"]), str(record["id"]))
    ordered = {k: record[k] for k in RECORD_KEYS if k in record}
    ordered.update({k: v for k, v in record.items() if k not in ordered})
    head = f"# yaml-language-server: $schema={schema_ref(path)}\n"
    fast = fast_dump(ordered)
    if fast is not None:
        return head + fast
    buf = io.StringIO()
    buf.write(head)
    _yaml().dump(_quoted(ordered), buf)
    return buf.getvalue()


# -- the same YAML as ruamel writes, ~20x faster (the intake writes a record per request) ----------------------
# It handles what records hold (mappings of plain keys, lists of scalars or of mappings, strings, numbers,
# booleans, null) and answers None for anything else, which then goes through ruamel. tests/records/
# test_fast_dump.py checks byte-for-byte equality with ruamel on every example record and on generated ones.
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SAFE_CHARS = re.compile("^[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$")


class _Unsupported(Exception):
    pass


def _scalar(v: Any) -> str:
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        r = repr(v)
        if "e" in r or "n" in r:  # exponents, inf, nan: ruamel's own spelling
            raise _Unsupported
        return r
    if isinstance(v, str):
        if len(v) > 1000 or not _SAFE_CHARS.match(v):
            raise _Unsupported
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise _Unsupported


def _literal(v: str, pad: str) -> list[str]:
    lines = v.split("\n")
    if any(not line or line[0] == " " or line[-1] == " " or len(line) > 1000 or not _SAFE_CHARS.match(line)
           for line in lines):
        raise _Unsupported
    return [pad + "  " + line for line in lines]


def _mapping(m: Mapping[str, Any], pad: str, out: list[str], first: str | None = None) -> None:
    """Lines of a mapping at indentation ``pad``; ``first`` replaces the first line's indentation (``- ``)."""
    for i, (k, v) in enumerate(m.items()):
        if not isinstance(k, str) or not _KEY.match(k):
            raise _Unsupported
        lead = first if (i == 0 and first is not None) else pad
        if isinstance(v, Mapping):
            if not v:
                out.append(f"{lead}{k}: {{}}")
            else:
                out.append(f"{lead}{k}:")
                _mapping(v, pad + "  ", out)
        elif isinstance(v, (list, tuple)):
            if not v:
                out.append(f"{lead}{k}: []")
                continue
            out.append(f"{lead}{k}:")
            for item in v:
                if isinstance(item, Mapping):
                    if not item:
                        out.append(f"{pad}  - {{}}")
                        continue
                    head = next(iter(item.values()))
                    if isinstance(head, (Mapping, list, tuple)) or (isinstance(head, str) and "\n" in head):
                        raise _Unsupported
                    _mapping(item, pad + "    ", out, first=pad + "  - ")
                elif isinstance(item, (list, tuple)) or item is None or (isinstance(item, str) and "\n" in item):
                    raise _Unsupported
                else:
                    out.append(f"{pad}  - {_scalar(item)}")
        elif isinstance(v, str) and "\n" in v:
            out.append(f"{lead}{k}: |-")
            out.extend(_literal(v, pad))
        elif v is None:
            out.append(f"{lead}{k}:")
        else:
            out.append(f"{lead}{k}: {_scalar(v)}")


def fast_dump(record: Mapping[str, Any]) -> str | None:
    """The record's YAML exactly as ``_yaml().dump(_quoted(record))`` writes it, or None when unsure."""
    out: list[str] = []
    if not record:
        return None
    try:
        _mapping(record, "", out)
    except _Unsupported:
        return None
    return "\n".join(out) + "\n"


def load_record(text: str) -> Any:
    """A record for editing (round-trip: comments and key order survive). Validation reads with the fast
    reader in records/canon.py instead."""
    from mustafid.core.yamlio import load_rt

    return load_rt(text)


def parse_record(text: str) -> dict[str, Any]:
    """A record as plain dicts and lists, fast (ryaml, a Rust loader), for reading many (review, audit).

    Raises ValueError on anything that is not a YAML mapping; `mustafid validate` is what says what is wrong."""
    try:
        data = load_fast(text)
    except Exception as exc:
        raise ValueError(f"not a readable record: {type(exc).__name__}") from None
    if not isinstance(data, dict):
        raise ValueError("not a record: the YAML is not a mapping")
    return data

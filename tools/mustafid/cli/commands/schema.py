"""`mustafid schema`: write one JSON Schema (draft 2020-12) per form into forms/schema/.

The files are generated: CI runs this and fails on `git diff --exit-code`, or runs `--check` directly.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from mustafid.cli.commands.common import add_association
from mustafid.core.plural import SCHEMA, count


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_association(p)
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if a schema file is missing, stale or left over from a removed form")


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    Path(tmp).replace(path)


def run(args: argparse.Namespace) -> int:
    from mustafid.config.association import load_association
    from mustafid.forms.json_schema import schema_text
    from mustafid.forms.load import load_forms

    assoc = load_association(args.association)
    forms = load_forms(assoc)
    out_dir = assoc.forms_dir / "schema"
    wanted = {f"{fid}.schema.json": schema_text(form) for fid, form in sorted(forms.items())}
    stale = sorted(p.name for p in out_dir.glob("*.schema.json") if p.name not in wanted) if out_dir.is_dir() else []
    differ = [name for name, text in wanted.items()
              if not (out_dir / name).is_file() or (out_dir / name).read_text(encoding="utf-8") != text]
    if args.check:
        for name in differ + stale:
            print(f"{out_dir / name}: المخطط قديم أو ناقص: شغّل mustafid schema | "
                  "the schema is stale or missing: run `mustafid schema`")
        return 1 if differ or stale else 0
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in differ:
        _write_atomic(out_dir / name, wanted[name])
    for name in stale:
        (out_dir / name).unlink()
    print(f"كُتب {len(differ)} وحُذف {len(stale)} من {count(len(wanted), SCHEMA, 'ar', case='gen', digits=False)} في "
          f"{out_dir} | "
          f"wrote {len(differ)}, removed {len(stale)}, of {len(wanted)} schemas in {out_dir}", file=sys.stderr)
    return 0

"""Validate 10,000 realistic records: `mustafid validate` against check-jsonschema, same files, same run.

    .venv/bin/python benchmarks/validate.py [--count 10000] [--keep DIR] [--skip-baseline]

Generates records from the association's own form definitions (tests/forms/factory.py: every record is one the
intake would have written; a third of the long answers over several lines, with a paragraph break), commits them
into a temporary git repository with the sharded layout, then times
the full CLI (`mustafid validate --repo`, process start included) and check-jsonschema (one run per form's
schema over that form's files). Goal: 10,000 records in <= 2 s on 2 cores and >= 30x check-jsonschema.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tools"), str(ROOT)]

from mustafid.config.association import load_association  # noqa: E402
from mustafid.forms.load import load_forms  # noqa: E402
from mustafid.records.format import dump_record, record_path  # noqa: E402
from tests.forms.factory import _id, make_valid  # noqa: E402

WEIGHTS = {"support-request": 40, "new-beneficiary": 20, "satisfaction-survey": 20,
           "suggestion-or-complaint": 10, "volunteering": 10}
DISTINCT = 600  # fully generated records; the rest reuse their answers under new ids and dates


def generate(repo: Path, count: int, seed: int = 7) -> Counter[str]:
    assoc = load_association(ROOT)
    forms = load_forms(assoc)
    rng = random.Random(seed)
    ids = list(WEIGHTS)
    templates = []
    for i in range(min(DISTINCT, count)):
        form = forms[rng.choices(ids, weights=[WEIGHTS[f] for f in ids])[0]]
        rec = make_valid(form, rng, assoc.id)
        if i % 3 == 0:  # a third of the long answers written over several lines, as people write them
            for f in form.fields:
                v = rec["data"].get(f.id)
                if (f.type == "long_text" and isinstance(v, str) and v.count(" ") > 12
                        and len(v) < (f.max_length or 10**6)):
                    words = v.split(" ")
                    rec["data"][f.id] = " ".join(words[:4]) + "\n" + " ".join(words[4:9]) + "\n\n" + " ".join(words[9:])
        templates.append((form, rec, dump_record(rec)))
    per_form: Counter[str] = Counter()
    for i in range(count):
        # A template's answers under a new id: its date stays (ages and "today" rules are relative to it).
        form, rec, text = templates[i % len(templates)]
        new_id = rec["id"] if i < len(templates) else _id(rng)
        path = repo / record_path(form.id, rec["submitted_at"], new_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace(f'id: "{rec["id"]}"', f'id: "{new_id}"', 1), encoding="utf-8")
        per_form[form.id] += 1
    return per_form


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    ap.add_argument("--skip-baseline", action="store_true", help="do not run check-jsonschema (about a minute)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mustafid-bench-"))
    repo = args.keep or tmp / "repo"
    try:
        repo.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / "association.yml", repo / "association.yml")
        shutil.copytree(ROOT / "forms", repo / "forms", dirs_exist_ok=True)
        t = time.perf_counter()
        per_form = generate(repo, args.count)
        env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@mustafid.invalid",
               "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@mustafid.invalid"}
        subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=env)
        subprocess.run(["git", "-C", str(repo), "-c", "gc.auto=0", "add", "-A"], check=True, env=env)
        # gc.auto=0: 10,000 loose objects would start a background `git gc` that competes with the timed runs.
        subprocess.run(["git", "-C", str(repo), "-c", "gc.auto=0", "commit", "-q", "-m", "records"], check=True,
                       env=env)
        print(f"generated {args.count} records in {time.perf_counter() - t:.1f} s: {dict(per_form)}")

        os.sync()  # else the first timed run competes with the kernel writing 10,000 fresh files back
        bindir = Path(sys.executable).parent
        runs = []
        for _ in range(3):  # the first run also compiles bytecode and warms the page cache: report both
            t = time.perf_counter()
            proc = subprocess.run([str(bindir / "mustafid"), "validate", "--association", str(repo),
                                   "--repo", str(repo)], capture_output=True, text=True, check=False)
            runs.append(time.perf_counter() - t)
            if proc.returncode != 0:
                print(proc.stdout[-3000:], proc.stderr[-3000:])
                print("mustafid validate found problems in generated records: that is a bug")
                return 1
        ours = min(runs)
        print(f"mustafid validate:  {ours:6.2f} s  {args.count / ours:9.0f} records/s  best of 3 "
              f"(first run {runs[0]:.2f} s; cores: {os.cpu_count()})")
        if args.skip_baseline:
            return 0
        t = time.perf_counter()
        for form_id in per_form:
            files = sorted(str(p) for p in (repo / "submissions" / form_id).rglob("*.yml"))
            proc = subprocess.run([str(bindir / "check-jsonschema"), "--schemafile",
                                   str(repo / "forms" / "schema" / f"{form_id}.schema.json"), *files],
                                  capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                print(proc.stdout[-2000:], proc.stderr[-2000:])
                print(f"check-jsonschema rejected generated {form_id} records: the exported schema disagrees")
                return 1
        theirs = time.perf_counter() - t
        print(f"check-jsonschema:   {theirs:6.2f} s  {args.count / theirs:9.0f} records/s")
        print(f"ratio: mustafid validate is {theirs / ours:.1f}x faster (goal >= 30x; <= 2 s for 10,000)")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

"""Fuzz the C record reader (tools/mustafid/records/_canon.c): mutated and truncated records, read by a copy built with
AddressSanitizer and UndefinedBehaviorSanitizer, and every text it accepts read again by ruamel, which must agree.

    make fuzz-c                      # or: .venv/bin/python tests/records/fuzz_canon.py [--count N] [--seed S]

Not part of the test suite: it builds with gcc and preloads the sanitizer runtimes, which CI's Python need not
allow. It re-runs itself under LD_PRELOAD; a memory error stops it with the sanitizer's report.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOISE = ["", "\n", ": ", "- ", "  ", " ", '"', "\\", "\\n", '\\"', "0", "1.", ".5", "1.50", "true", "x", "#", "٠", "é",
         "\t", "\x00", "a:", "a: 1\n", "\n  ", "\n- ", "{}", "[]", "-", '"\\', "e\u0301", "\u2028", "\ufeff",
         "null: 1\n", "|-\n", "|-", "\n\n", "  |-\n    x\n"]


def build(out: Path) -> Path:
    so = out / ("_canon" + sysconfig.get_config_var("EXT_SUFFIX"))
    subprocess.run(["gcc", "-shared", "-fPIC", "-O1", "-g", "-fno-omit-frame-pointer", "-fsanitize=address,undefined",
                    "-fno-sanitize-recover=undefined", f"-I{sysconfig.get_paths()['include']}",
                    str(ROOT / "tools" / "mustafid" / "records" / "_canon.c"), "-o", str(so)], check=True)
    return so


def fuzz(count: int, seed: int, where: Path) -> int:
    sys.path[:0] = [str(where), str(ROOT / "tools"), str(ROOT)]
    import _canon  # the sanitized build

    from mustafid.config.association import load_association
    from mustafid.forms.load import load_forms
    from mustafid.records.format import dump_record
    from tests.forms.factory import make_valid
    from tests.helpers import EXAMPLES
    from tests.records.test_canon import careful

    rng = random.Random(seed)
    texts = []
    for name, path in EXAMPLES.items():
        for form in load_forms(load_association(path)).values():
            for k in range(6):
                rec = make_valid(form, rng, name)
                long = [f.id for f in form.fields if f.type == "long_text" and f.id in rec["data"]]
                if long and k % 2:  # answers over several lines: literal blocks (`|-`)
                    rec["data"][long[0]] = "سطر أول: \"مقتبس\"\nسطر ثانٍ - ٢\n\n# فقرة\nk: v"
                texts.append(dump_record(rec))
    accepted = differ = 0
    for i in range(count):
        t = rng.choice(texts)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(t))
            t = t[:at] + rng.choice(NOISE) + t[at + rng.choice([0, 0, 1, 2, 5, 50]):]
        if rng.random() < 0.2:
            t = t[:rng.randrange(len(t) + 1)]
        got = _canon.load(t.encode("utf-8", "surrogatepass") if i % 2 else t)
        if got is not None:
            accepted += 1
            if got != careful(t):
                differ += 1
                print("read differently from ruamel:", repr(t[:400]))
    print(f"{count} texts, {accepted} accepted, {differ} read differently from ruamel; no sanitizer report")
    return 1 if differ else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=40_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--inside", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.inside:
        return fuzz(args.count, args.seed, args.inside)
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp))
        runtimes = [subprocess.run(["gcc", f"-print-file-name={lib}"], capture_output=True, text=True,
                                   check=True).stdout.strip() for lib in ("libasan.so", "libubsan.so")]
        env = {**os.environ, "LD_PRELOAD": ":".join(runtimes), "ASAN_OPTIONS": "detect_leaks=0"}
        return subprocess.run([sys.executable, __file__, "--count", str(args.count), "--seed", str(args.seed),
                               "--inside", tmp], env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())

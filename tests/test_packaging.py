"""A plain (non-editable) install is self-contained: the templates, the shared mkdocs.yml and content/, static files,
the form library and the association schema are package data. The pull-request workflow runs `pip install .`; before,
such an install shipped no templates and rendering a review summary failed.

The wheel is built from this checkout and installed with --no-deps into a fresh virtual environment; the
dependencies come from the test run's own environment through a .pth file (only its site-packages folder, so
the editable install of this checkout is not seen), which keeps the test offline and fast. Everything then runs
from a folder outside the checkout, so nothing can be found through the source tree.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.helpers import EXAMPLES

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r"""
import sys, pathlib, mustafid, yaml
from mustafid.config.association import load_association
from mustafid.review.summary import summary
from mustafid.site.build import build_site

assert "site-packages" in mustafid.__file__, mustafid.__file__
assoc = load_association(sys.argv[1])
record = yaml.safe_load(pathlib.Path(sys.argv[3]).read_text(encoding="utf-8"))
print(summary(assoc, record, "ar").splitlines()[0])
out = build_site(pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]))
print(sorted(p.name for p in out.iterdir()))
"""


@pytest.mark.slow
def test_plain_install_renders_a_summary_and_builds_the_site(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels), str(ROOT)], check=True, cwd=tmp_path)
    (wheel,) = wheels.glob("mustafid-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    py = env_dir / "bin" / "python"
    theirs = subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                            check=True, capture_output=True, text=True).stdout.strip()
    Path(theirs, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "-q", str(wheel)],
                   check=True, cwd=tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MUSTAFID_ASSOCIATION")}
    (record,) = (ROOT / "tests/examples/valid/kahatain/submissions/support-request").rglob("RQQS-5FQ8.yml")
    done = subprocess.run([py, "-c", SCRIPT, str(EXAMPLES["kahatain"]), str(tmp_path / "site"), str(record)],
                          cwd=tmp_path,
                          env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    first, listing = done.stdout.splitlines()[-2:]
    assert first.startswith("#"), done.stdout  # the summary's Markdown heading
    assert "index.html" in listing and "'en'" in listing and "404.html" in listing, listing
    page = (tmp_path / "site" / "forms" / "support-request" / "index.html").read_text(encoding="utf-8")
    assert 'dir="rtl"' in page and "<form" in page

"""Build time of both seed associations' sites, against a plain mkdocs-material + static-i18n build.

The baseline builds the same Markdown (the content/ pages with the association's values already filled in,
and the form pages the plugin generates from forms/, written out as files) with the same mkdocs.yml minus the
project's own plugin: the ratio is the cost of the mustafid plugin (loading association.yml and the forms,
rendering the form pages, Jinja rendering, twin check, 404, sitemap and search-index fix-ups). Both are measured in
this run, interleaved, in this process. Goal: ratio <= 1.3.

    .venv/bin/python benchmarks/site_build.py [--runs 5]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

import jinja2
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from mustafid.config.association import load_association  # noqa: E402
from mustafid.site.context import SiteContext  # noqa: E402

EXAMPLES = {"ajaa": ROOT / "examples" / "ajaa", "kahatain": ROOT / "examples" / "kahatain"}


class ConfigLoader(yaml.SafeLoader):
    """yaml.SafeLoader plus the one Python tag mkdocs.yml uses (`!!python/object/apply:pymdownx.slugs.slugify`),
    built as yaml.Loader builds it; any other Python tag is refused."""


def _apply(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> object:
    if suffix != "pymdownx.slugs.slugify":
        raise yaml.constructor.ConstructorError(None, None, f"!!python/object/apply:{suffix} is not allowed",
                                                node.start_mark)
    from pymdownx.slugs import slugify

    if isinstance(node, yaml.SequenceNode):
        return slugify(*loader.construct_sequence(node, deep=True))
    value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return slugify(*value.get("args", []), **value.get("kwds", {}))


ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/object/apply:", _apply)


def render_content(assoc_dir: Path, out: Path) -> None:
    """content/ with the association's values inserted: what the baseline builds."""
    assoc = load_association(assoc_dir)
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             comment_start_string="{##", comment_end_string="##}")
    content = ROOT / "content"
    for src in content.rglob("*.md"):
        rel = src.relative_to(content)
        if any(part.startswith("_") for part in rel.parts):
            continue
        lang, page_uri = rel.parts[0], "/".join(rel.parts[1:])
        text = env.from_string(src.read_text(encoding="utf-8")).render(SiteContext(assoc, lang).as_dict(page_uri))
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
    # the form pages the plugin generates from forms/: the same Markdown, written out as files
    from mustafid.site.pages import generated_pages

    for page in generated_pages(assoc):
        target = out / page.lang / page.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.markdown, encoding="utf-8")


def plain_config(assoc_dir: Path, docs: Path, path: Path) -> Path:
    """The project's mkdocs.yml without the mustafid plugin (and so without its theme overrides)."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("  - mustafid\n", "").replace("docs_dir: content", f"docs_dir: {docs}")
    site_url = load_association(assoc_dir).site_url
    text = text.replace("site_url: https://example.invalid/", f"site_url: {site_url}")
    # still valid YAML (pymdownx tags included)
    yaml.load(text, Loader=ConfigLoader)  # noqa: S506 - SafeLoader plus the one allowed call
    path.write_text(text, encoding="utf-8")
    return path


def time_mustafid(assoc_dir: Path, out: Path) -> float:
    from mustafid.site.build import build_site

    start = time.perf_counter()
    build_site(assoc_dir, out)
    return time.perf_counter() - start


def time_plain(cfg: Path, out: Path) -> float:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    start = time.perf_counter()
    build(load_config(config_file=str(cfg), site_dir=str(out)))
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for name in ("mkdocs", "mkdocs.plugins"):
        logging.getLogger(name).setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="mustafid-bench-") as tmp:
        t = Path(tmp)
        plain_cfgs = {}
        for name, folder in EXAMPLES.items():
            docs = t / f"{name}-content"
            render_content(folder, docs)
            plain_cfgs[name] = plain_config(folder, docs, t / f"{name}-mkdocs.yml")
        # one warm-up of each (imports, theme templates), not counted
        for name, folder in EXAMPLES.items():
            time_mustafid(folder, t / "warm")
            time_plain(plain_cfgs[name], t / "warm-plain")
        ours: dict[str, list[float]] = {n: [] for n in EXAMPLES}
        base: dict[str, list[float]] = {n: [] for n in EXAMPLES}
        for i in range(args.runs):
            for name, folder in EXAMPLES.items():  # interleaved, so drift on a shared machine hits both
                ours[name].append(time_mustafid(folder, t / f"{name}-site-{i}"))
                base[name].append(time_plain(plain_cfgs[name], t / f"{name}-plain-{i}"))
    print(f"site build, median of {args.runs} runs (after one warm-up), Arabic + English")
    print(f"{'association':<12} {'mustafid build':>15} {'plain material+i18n':>21} {'ratio':>7}")
    ratios = []
    for name in EXAMPLES:
        m, b = statistics.median(ours[name]), statistics.median(base[name])
        ratios.append(m / b)
        print(f"{name:<12} {m * 1000:>12.0f} ms {b * 1000:>18.0f} ms {m / b:>7.2f}")
    worst = max(ratios)
    print(f"worst ratio {worst:.2f} (goal <= 1.3): {'ok' if worst <= 1.3 else 'ABOVE GOAL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The mkdocs build of one association's site: the shared mkdocs.yml and content/ (``settings.PROJECT_ROOT``),
the association's values filled in by the ``mustafid`` plugin (``plugin.py``).

What the pages can say about the association is in ``context.py``; the second engine's project (Zensical) is
``zensical.py``. Both build from the same functions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from mustafid.core.errors import Problem, UserError
from mustafid.site.context import load_site_association
from mustafid.site.settings import PROJECT_ROOT


def mkdocs_config_path(assoc_dir: Path) -> Path:
    """The site definition: an association folder may carry its own mkdocs.yml, else the project's."""
    own = assoc_dir / "mkdocs.yml"
    return own if own.is_file() else PROJECT_ROOT / "mkdocs.yml"


@contextmanager
def _quiet(*, enabled: bool) -> Iterator[None]:
    """mkdocs and static-i18n narrate every language build at INFO: WARNING and above only, for the build."""
    names = ("mkdocs", "mkdocs.plugins") if enabled else ()
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


@contextmanager
def _said_once(plugin: object) -> Iterator[None]:
    """mkdocs logs a plugin's error before aborting; the UserError of build_site says it once, with the fix."""

    def not_reported_twice(record: logging.LogRecord) -> bool:
        failure = getattr(plugin, "failure", None)
        msg = record.getMessage()
        return not (record.levelno >= logging.ERROR and (
            (failure and failure in msg) or msg.startswith("Error reading page")))

    # logger filters see only their own logger's records: mkdocs logs build errors on mkdocs.commands.build
    filtered = [logging.getLogger(n) for n in ("mkdocs", "mkdocs.commands.build")]
    for logger in filtered:
        logger.addFilter(not_reported_twice)
    try:
        yield
    finally:
        for logger in filtered:
            logger.removeFilter(not_reported_twice)


def build_site(assoc_dir: Path, out_dir: Path, *, quiet: bool = True,
               progress: Callable[[str], None] | None = None) -> Path:
    """Build the bilingual site of the association in ``assoc_dir`` into ``out_dir``; return ``out_dir``.

    Raises ConfigError (every problem of association.yml, or missing ``policy:`` sentences) and UserError
    (a page without its twin in the other language, a template error naming the page) — both exit 1 in the CLI.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    assoc = load_site_association(Path(assoc_dir))  # fails before mkdocs starts, with every problem listed
    out_dir = Path(out_dir).resolve()
    cfg_path = mkdocs_config_path(Path(assoc_dir))
    if progress:
        progress(f"{cfg_path} -> {out_dir}")
    config = None
    with _quiet(enabled=quiet):
        try:
            # mkdocs resolves docs_dir against the config file, so the build does not depend on the current folder
            config = load_config(config_file=str(cfg_path), site_dir=str(out_dir))
            plugin = config.plugins["mustafid"]
            plugin.association_dir = Path(assoc_dir).resolve()  # type: ignore[attr-defined]
            plugin.association = assoc  # type: ignore[attr-defined]
            with _said_once(plugin):
                build(config)
        except (PluginError, Abort) as exc:
            # mkdocs logs a page's error and raises a bare Abort: the plugin kept the message that says what to fix
            failure = getattr(config.plugins.get("mustafid"), "failure", None) if config is not None else None
            raise UserError("تعذّر بناء الموقع | the site could not be built", str(failure or exc)) from None
        except ConfigurationError as exc:
            raise UserError("إعداد mkdocs غير صالح", "the mkdocs configuration is not valid",
                            [Problem(str(cfg_path), "", str(exc), str(exc))]) from None
    return out_dir

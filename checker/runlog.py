"""The run log (``run.log`` in the output folder): every caught error with its traceback.

A failed look is not a finding, and a check that errs is recorded in the report with one line; the full
story (which site, which family, the traceback) goes here, so nothing the run swallowed is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOG = logging.getLogger("govcheck")
"""The package's logger: modules log caught errors through it (``LOG.warning(..., exc_info=True)``)."""

RUN_LOG_NAME = "run.log"


@contextmanager
def run_log(out_dir: Path) -> Iterator[Path]:
    """Append the package's log records to ``out_dir/run.log`` while the block runs."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / RUN_LOG_NAME
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    previous = LOG.level
    LOG.addHandler(handler)
    if LOG.level == logging.NOTSET or LOG.level > logging.INFO:
        LOG.setLevel(logging.INFO)
    try:
        yield path
    finally:
        LOG.removeHandler(handler)
        LOG.setLevel(previous)
        handler.close()

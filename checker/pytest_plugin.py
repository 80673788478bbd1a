"""pytest plugin (entry point ``pytest11``): scenario YAML files given on the command line become test items.

``pytest scenarios/demo.yaml`` runs the suite once with the real engine and yields one item per
site × check family (failing on that family's veto or deduction findings, skipped when the family could not
look) plus one ``结论`` item per site that fails when the site is 不合格. Only files named on the command
line are collected, so the project's other YAML files never become tests. pytest-playwright's options are
honoured where they apply: ``--browser`` (Chromium only), ``--headed``, ``--output`` (run folder),
``--screenshot`` (copy evidence next to failing items; ``on`` for every item), ``--base-url`` (rebase the
suite). JUnit XML comes from pytest's own ``--junitxml``; evidence paths are item properties there.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.context import CheckFamily
from checker.pytest_items import SiteItem, item_outcome
from checker.results import RunResult, SiteResult
from checker.scenario import Suite

DEMO_SUITE = Path(__file__).parent / "demo" / "suite.yaml"


def pytest_addoption(parser: pytest.Parser) -> None:
    """govcheck's own options (pytest-playwright supplies --browser, --headed, --output, --screenshot)."""
    group = parser.getgroup("govcheck", "govcheck 场景文件")
    group.addoption("--govcheck-as-of", default=None, help="监测时间点 YYYY-MM-DD（覆盖场景文件）")
    group.addoption("--govcheck-rebase", default=None, metavar="OLD=NEW",
                    help="把场景中以 OLD 开头的网址改为 NEW（例如在另一端口运行的示例网站）")


def _is_suite(path: Path) -> bool:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return True  # let collection report the broken file with its line
    return isinstance(data, dict) and "sites" in data and "suite" in data


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect a .yaml/.yml scenario only when it was named on the command line."""
    if file_path.suffix in (".yaml", ".yml") and parent.session.isinitpath(file_path) and _is_suite(file_path):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def _option(config: pytest.Config, name: str, default: Any = None) -> Any:
    try:
        return config.getoption(name)
    except ValueError:  # pytest-playwright not installed
        return default


class ScenarioFile(pytest.File):
    """A scenario file: collects the items and runs the suite once, on the first item that needs it."""

    def collect(self) -> Iterator[pytest.Collector]:
        """One node per site (its items: one per family, then the site's verdict), so that a node id pytest
        prints (``demo.yaml::示例市教育局::columns``) selects that item when given back, and ``--lf`` works."""
        from checker.scenario import ScenarioError, load_suite

        try:
            self.suite = load_suite(self.path)
        except ScenarioError as error:
            raise self.CollectError(str(error)) from None
        self._result: RunResult | BaseException | None = None
        self._positions: dict[int, int] = {}
        for index, site in enumerate(self.suite.sites):
            yield SiteNode.from_parent(self, name=site.name, index=index)

    def site_result(self, index: int) -> SiteResult:
        """The result of the suite's site ``index`` (running the suite, or the part of it selected, first)."""
        result = self.run()
        return result.sites[self._positions.get(index, index)]

    def out_dir(self) -> Path:
        """Where the run's results, report and evidence go: ``--output``/govcheck-<file>."""
        return Path(_option(self.config, "output", "test-results")) / f"govcheck-{self.path.stem}"

    def run(self) -> RunResult:
        """The suite's result, running it the first time (in its own thread and event loop)."""
        if self._result is None:
            try:
                self._result = self._run()
            except BaseException as error:  # every item of the file reports the same failure
                self._result = error
        if isinstance(self._result, BaseException):
            raise self._result
        return self._result

    def _run(self) -> RunResult:
        from checker.engine import RunOptions, run_suite_in_thread
        from checker.reports.html import write_report

        browsers = _option(self.config, "browser", []) or []
        if any(name != "chromium" for name in browsers):
            raise pytest.UsageError("govcheck 只使用 Chromium（--browser chromium）")
        suite = self._rebased_suite()
        selected = [item for item in self.session.items
                    if isinstance(item, SiteItem) and item.getparent(ScenarioFile) is self]
        sites, families = needed(selected, len(suite.sites))
        self._positions = {index: position for position, index in enumerate(sites)}
        suite = suite.model_copy(update={"sites": [suite.sites[index] for index in sites]})
        as_of = _option(self.config, "govcheck_as_of")
        options = RunOptions(self.out_dir(), as_of=None if as_of is None else _day(as_of),
                             browser_path=os.environ.get("GOVCHECK_CHROMIUM"),
                             headed=bool(_option(self.config, "headed", False)), families=families)
        result = run_suite_in_thread(suite, options)
        write_report(result, options.out_dir)
        return result

    def _rebased_suite(self) -> Suite:
        from checker.cli import DEMO_BASE

        suite = self.suite
        rebase = _option(self.config, "govcheck_rebase")
        base_url = _option(self.config, "base_url")
        if rebase:
            old, _, new = rebase.partition("=")
            return suite.rebase(old, new)
        if self.path.resolve() != DEMO_SUITE.resolve():
            return suite
        if base_url:
            return suite.rebase(DEMO_BASE, base_url.rstrip("/") + "/")
        from checker.demo.server import DemoServer

        server = DemoServer(port=0)
        server.start()
        self.config.add_cleanup(server.stop)
        return suite.rebase(DEMO_BASE, server.base_url)


class SiteNode(pytest.Collector):
    """One site of a scenario file: its family items and its verdict item."""

    def __init__(self, *, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index = index

    def collect(self) -> Iterator[pytest.Item]:
        """One item per check family, then the site's verdict (结论)."""
        from checker.checks.registry import FAMILIES

        for family in FAMILIES:
            yield SiteItem.from_parent(self, name=family.name, index=self.index, family=family)
        yield SiteItem.from_parent(self, name="结论", index=self.index, family=None)

    def site_result(self, index: int) -> SiteResult:
        """The site's result, from the scenario file's run."""
        parent = self.parent
        assert isinstance(parent, ScenarioFile)
        return parent.site_result(index)


ALWAYS = ("availability", "sitemap")
"""Families every selection runs: the home page opens first and the walk is what the others read."""
REQUIRES = {"newmedia_accounts": ("newmedia_qr",)}
"""Families that read what another family gathered (the accounts the footer QR codes point to)."""


def needed(selected: list[SiteItem], site_count: int) -> tuple[list[int], tuple[CheckFamily, ...]]:
    """The sites and families a selection of items needs: the selected sites only; every family when a
    verdict (结论) is selected or nothing is, else the selected families, their prerequisites and
    :data:`ALWAYS`, in the registry's order. Pure."""
    from checker.checks.registry import FAMILIES

    if not selected:
        return list(range(site_count)), FAMILIES
    sites = sorted({item.index for item in selected})
    if any(item.family is None for item in selected):
        return sites, FAMILIES
    names = set(ALWAYS) | {item.family.name for item in selected if item.family is not None}
    names |= {required for name in list(names) for required in REQUIRES.get(name, ())}
    return sites, tuple(family for family in FAMILIES if family.name in names)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise pytest.UsageError(f"--govcheck-as-of 日期无效：{text!r}，应为 YYYY-MM-DD") from None


def copy_evidence(item: SiteItem, paths: list[str]) -> None:
    """Copy an item's evidence into ``--output``/<item> the way pytest-playwright keeps screenshots."""
    parent = item.getparent(ScenarioFile)
    assert parent is not None
    slug = "".join(ch if ch.isalnum() else "-" for ch in item.nodeid).strip("-")[:120]
    target = Path(_option(item.config, "output", "test-results")) / slug
    target.mkdir(parents=True, exist_ok=True)
    for relative in paths:
        source = parent.out_dir() / relative
        if source.is_file():
            shutil.copy2(source, target / source.name)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Attach evidence (as JUnit properties and copies under --output) according to --screenshot."""
    report = (yield).get_result()
    if not isinstance(item, SiteItem) or call.when != "call":
        return
    mode = _option(item.config, "screenshot", "off")
    if item.evidence and (mode == "on" or (mode == "only-on-failure" and report.failed)):
        copy_evidence(item, item.evidence)


__all__ = ["ScenarioFile", "SiteNode", "item_outcome", "needed", "pytest_addoption", "pytest_collect_file"]

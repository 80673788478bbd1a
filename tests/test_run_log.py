"""Every caught error goes to run.log in the output folder, with its traceback."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from checker.context import SiteOutcome
from checker.results import CheckStatus
from checker.runlog import LOG, run_log
from checker.site_run import run_families
from tests.aio import run_async


class _NoWalk:
    name = "site_map"
    label = "遍历站点"
    indicators: tuple[str, ...] = ()

    async def run(self, context: object) -> str:
        return "未遍历（测试）"


class _Boom:
    name = "boom"
    label = "出错的检查"
    indicators: tuple[str, ...] = ()

    async def run(self, context: object) -> str:
        return deeply_broken()


def deeply_broken() -> str:
    raise KeyError("栏目")


@dataclass
class _Site:
    name: str = "示例市"


@dataclass
class _Context:
    site: _Site = field(default_factory=_Site)
    outcome: SiteOutcome = field(default_factory=SiteOutcome)

    def step(self, text: str) -> None:
        pass


def test_a_family_that_errs_leaves_its_traceback_in_run_log(tmp_path: Path) -> None:
    context = _Context()
    with run_log(tmp_path) as path:
        run_async(run_families(context, [_NoWalk(), _Boom()]))  # type: ignore[arg-type]
    record = {r.check: r for r in context.outcome.checks}["boom"]
    assert record.status is CheckStatus.ERROR and "KeyError" in record.note
    text = path.read_text(encoding="utf-8")
    assert "示例市 · boom: 检查出错" in text
    assert "Traceback (most recent call last)" in text and "deeply_broken" in text


def test_the_log_file_is_released_after_the_run(tmp_path: Path) -> None:
    with run_log(tmp_path) as path:
        LOG.warning("一条记录")
    LOG.warning("运行结束后的记录不写入")
    assert path.read_text(encoding="utf-8").count("记录") == 1

"""The browser half of 首页不更新, 栏目不更新 and 空白栏目: read the home page's lists, find the columns a
citizen can reach (navigation, home blocks, the 政府信息公开 directory) and read each column's list.
"""

from __future__ import annotations

from dataclasses import replace

from checker.checks.freshness import ColumnJudgement, ColumnObservation, column_findings, judge_column, judge_home
from checker.context import SiteContext
from checker.discover import (
    ColumnCandidate,
    columns_from_page,
    disclosure_sections,
    home_items,
    main_list,
    merge_columns,
    newest,
    normalise_url,
)
from checker.observe import PageSnapshot
from checker.results import ColumnRecord
from checker.visit import now

MAX_DIRECTORY_PAGES = 4


def _home(context: SiteContext) -> PageSnapshot:
    context.require_home()
    return context.home


class HomeFreshnessCheck:
    """首页不更新: the newest dated item on the home page against the home age rule."""

    name = "home"
    label = "检查首页更新"
    indicators = ("home.not_updated",)

    async def run(self, context: SiteContext) -> str:
        """Judge the home page snapshot; box the newest item when it is too old."""
        items = home_items(context.require_home(), context.as_of)
        finding = judge_home(items, context.rules, context.as_of, url=context.page.url, seen_at=now())
        if finding:
            latest = newest(items, context.as_of, context.rules.freshness.future_slack_days)
            anchor = latest.anchor if latest else (items[0].anchor if items else "")
            await _back_home(context)
            finding = finding.model_copy(update={"evidence": await context.evidence().capture(anchor)})
        context.add([finding])
        return f"首页列表信息{len(items)}条"


async def _back_home(context: SiteContext) -> None:
    """Make sure the page shows the home page again (an earlier family may have moved on)."""
    home = context.require_home()
    if normalise_url(context.page.url) != normalise_url(home.url):
        await context.visit(home.url, "首页")


class ColumnsCheck:
    """栏目不更新 and 空白栏目: discover the columns like a citizen, read each list, judge by class."""

    name = "columns"
    label = "发现并读取栏目"
    indicators = ("column.not_updated", "column.empty")

    async def run(self, context: SiteContext) -> str:
        """Discover, read and judge every column within the limit of the settings."""
        context.columns = await self._discover(context)
        judgements: list[ColumnJudgement] = []
        unreadable = []
        for column in context.columns:
            context.step(f"栏目：{column.name}")
            visit, snapshot = await context.visit(column.url, column.name)
            if snapshot is None:
                unreadable.append(f"{column.name}（{visit.error or f'HTTP {visit.status}'}）")
                continue
            judgements.append(await self._judge(context, column, snapshot))
        context.add(column_findings(judgements, context.rules, context.as_of))
        note = f"发现栏目{len(context.columns)}个，读取{len(judgements)}个"
        if unreadable:
            note += f"；无法打开{len(unreadable)}个，未判定：" + "、".join(unreadable)
        return note

    async def _discover(self, context: SiteContext) -> list[ColumnCandidate]:
        hints = context.site.hints
        home = context.require_home()
        found = [columns_from_page(home, context.scope, hints)]
        sections = disclosure_sections(home, context.scope)
        visited: list[str] = []
        while sections and len(visited) < MAX_DIRECTORY_PAGES:
            url = sections.pop(0)
            if url in visited:
                continue
            visited.append(url)
            _, snapshot = await context.visit(url, "信息公开目录")
            if snapshot is None:
                continue
            found.append(columns_from_page(snapshot, context.scope, hints, directory=True))
            sections += [s for s in disclosure_sections(snapshot, context.scope) if s not in visited]
        skip = {normalise_url(context.site.url), *visited}
        columns = merge_columns(*found, hints=hints, limit=context.settings.max_columns)
        return [column for column in columns if column.url not in skip]

    async def _judge(self, context: SiteContext, column: ColumnCandidate, snapshot: PageSnapshot) -> ColumnJudgement:
        group, items = main_list(snapshot, context.as_of)
        observation = ColumnObservation(
            column, context.page.url, tuple(items), snapshot.main_text, snapshot.main_length, now()
        )
        judgement = judge_column(observation, context.rules, context.as_of)
        latest = judgement.latest
        context.column_items[column.url] = tuple(items)
        context.outcome.columns.append(ColumnRecord(
            name=column.name, url=context.page.url, column_class=column.column_class.value, source=column.source,
            items=len(items), latest=latest.date if latest else None,
        ))
        if judgement.is_problem:
            anchor = (latest.anchor if latest else "") or (group.anchor if group else "") or snapshot.main_anchor
            judgement = replace(judgement, evidence=await context.evidence().capture(anchor))
        return judgement

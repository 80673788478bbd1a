"""首页不更新, 栏目不更新 and 空白栏目: the home page's lists, and every column of the site map.

The columns are the ones the walk found at any depth (navigation, dropdowns, hub menus, directories built by
script, 网站地图, 更多 blocks); their lists were read there, across their list pages. The browser is used
again only to photograph a column with a problem.
"""

from __future__ import annotations

from dataclasses import replace

from checker.checks.freshness import ColumnJudgement, ColumnObservation, column_findings, judge_column, judge_home
from checker.checks.publishing_io import tag_text
from checker.classify import classify_column, is_placeholder
from checker.context import SiteContext
from checker.discover import ColumnCandidate, DatedItem, home_items, newest, normalise_url
from checker.observe import PageSnapshot
from checker.results import ColumnRecord, Evidence
from checker.rules import ColumnClass
from checker.sitemap.columns import SOURCES, column_items, map_columns
from checker.sitemap.model import MapColumn
from checker.sitemap.structure import column_list, content_text
from checker.visit import now


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


def _placeholder_line(column: MapColumn) -> str:
    """A line of the column page's own content that is only a placeholder (暂无信息, 信息整理中 …), if any."""
    parsed = column.page.parsed
    return next((line for line in parsed.lines if is_placeholder(line)), "") if parsed else ""


class ColumnsCheck:
    """栏目不更新 and 空白栏目 on every column the site map found, at any depth, whatever its name."""

    name = "columns"
    label = "判定栏目更新"
    indicators = ("column.not_updated", "column.empty")

    async def run(self, context: SiteContext) -> str:
        """Judge each column of the map from its list pages as read; photograph the problem ones."""
        site_map = context.require_map()
        columns = map_columns(site_map, context.site.hints)[: context.settings.max_columns]
        judgements: list[ColumnJudgement] = []
        for column in columns:
            judgements.append(await self._judge(context, column))
        context.add(column_findings(judgements, context.rules, context.as_of))
        unread = self._record_unread(context)
        note = f"栏目{len(columns)}个（含各级菜单、目录与网站地图中找到的），均按遍历时读取的列表判定"
        if unread:
            note += f"；无法打开{len(unread)}个，未判定：" + "、".join(unread[:8]) + ("等" if len(unread) > 8 else "")
        return note

    def _record_unread(self, context: SiteContext) -> list[str]:
        """Columns the walk was led to but could not read: in the inventory as 未能读取, never a finding."""
        site_map = context.require_map()
        unread = []
        for page in site_map.failed():
            name = page.path[-1] if page.path else page.url
            if not page.via.structural or classify_column(name) is None:
                continue
            reason = page.error or f"HTTP {page.status}"
            unread.append(f"{name}（{reason}）")
            context.outcome.columns.append(ColumnRecord(
                name=name, url=page.url, column_class=(classify_column(name) or ColumnClass.STATIC).value,
                source=SOURCES.get(page.via, ""), path=list(page.path), verdict="unread",
                note=f"无法打开（{reason}），已尝试{page.attempts}次", pages_read=0,
            ))
        return unread

    async def _judge(self, context: SiteContext, column: MapColumn) -> ColumnJudgement:
        items = column_items(column, context.as_of)
        snapshot = column.page.snapshot
        assert snapshot is not None
        candidate = ColumnCandidate(column.name, column.url, column.column_class, column.source, column.path)
        own_text = content_text(snapshot)
        length = len(own_text) if len(snapshot.main_text) < 2000 else snapshot.main_length
        placeholder = _placeholder_line(column) if not items else ""
        if placeholder:  # the list's place holds only 暂无信息 or the like
            own_text, length = placeholder, len(placeholder)
        observation = ColumnObservation(candidate, column.page.final_url or column.url, items, own_text, length,
                                        column.page.seen_at or now())
        judgement = judge_column(observation, context.rules, context.as_of)
        latest = judgement.latest
        notes = [n for n in (column.page.note, *(p.note for p in column.list_pages)) if n]
        context.outcome.columns.append(ColumnRecord(
            name=column.name, url=column.page.final_url or column.url, column_class=column.column_class.value,
            source=column.source, items=len(items), latest=latest.date if latest else None, path=list(column.path),
            verdict=judgement.state.value, note="；".join(dict.fromkeys(notes)), pages_read=1 + len(column.list_pages),
        ))
        if judgement.is_problem:
            judgement = replace(judgement, evidence=await self._photograph(context, column, latest, placeholder))
        return judgement

    async def _photograph(self, context: SiteContext, column: MapColumn, latest: DatedItem | None,
                          placeholder: str) -> list[Evidence]:
        """Open the column's first list page again (evidence only) and box its newest entry; for a column
        without entries, the placeholder it shows (暂无信息), else its list, else its content."""
        _, snapshot = await context.visit(column.page.final_url or column.url, column.name)
        if snapshot is None:
            return []
        group, items = column_list(snapshot, context.as_of)
        anchor = ""
        if latest is not None:
            same = [item.anchor for item in items if item.href == latest.href and item.title == latest.title]
            anchor = same[0] if same else ""
        elif placeholder:
            anchor = await tag_text(context.page, placeholder)
        anchor = anchor or (group.anchor if group else "") or snapshot.main_anchor
        return await context.evidence().capture(anchor)

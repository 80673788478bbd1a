"""文件未标注文号, 失效文件未标注, 文件与解读未关联, 解读形式单一: the files and 解读 a site publishes.

Lists are read in the browser (a citizen's view, pager included); the file and 解读 pages are fetched
and parsed without rendering, concurrently, and only the pages a finding is about are opened in the
browser to be photographed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from checker.checks.interpretation_judge import Interpretation, judge_links, judge_rich_format, pair
from checker.checks.policy_judge import PolicyFile, judge_doc_numbers, judge_expired
from checker.checks.publishing_io import ColumnList, fetcher, read_list, sample_items, with_evidence
from checker.context import SiteContext, SkipCheck
from checker.discover import ColumnCandidate, main_list
from checker.docmeta import read_meta
from checker.fetch import Fetched
from checker.rules import age_cutoff
from checker.sitemap.columns import map_columns
from checker.visit import now


def _named(column: ColumnCandidate, words: Sequence[str]) -> bool:
    return any(word in column.name for word in words)


def window_of(context: SiteContext) -> tuple[date, date]:
    """The check period: the suite's window, else the rule set's look-back before as_of."""
    if context.window:
        return context.window.start, min(context.window.end, context.as_of)
    return age_cutoff(context.as_of, context.rules.publishing.rich_format_lookback), context.as_of


class PublishingCheck:
    """Policy files (文号, validity marks) and their 解读 (links both ways, rich forms in the window)."""

    name = "publishing"
    label = "检查政策文件与解读"
    indicators = (
        "policy.no_doc_number", "policy.expired_unmarked", "interpretation.not_linked",
        "interpretation.no_rich_format",
    )

    async def run(self, context: SiteContext) -> str:
        """Read the 政策文件 and 解读 columns, judge files, pairs and forms, photograph each finding."""
        words = context.rules.publishing
        site_map = context.require_map()
        columns = [ColumnCandidate(c.name, c.url, c.column_class, c.source)
                   for c in map_columns(site_map, context.site.hints)]
        readings_columns = [c for c in columns if _named(c, words.interpretation_column_words)]
        file_columns = [c for c in columns
                        if _named(c, words.normative_column_words) and c not in readings_columns]
        if not file_columns and not readings_columns:
            raise SkipCheck("未发现政策文件或政策解读栏目，未进行此项检查")
        start, end = window_of(context)
        notes: list[str] = []
        files = await self._files(context, file_columns, start, notes)
        lists, readings = await self._readings(context, readings_columns, start, notes)
        planned = judge_doc_numbers(files) + judge_expired(files, context.as_of)
        planned += judge_links(pair(files, readings, words.title_similarity))
        context.add(await with_evidence(context, planned, "政策文件"))
        if lists:
            await self._rich_format(context, lists, readings, start, end)
        return "；".join(notes)

    async def _read(self, context: SiteContext, column: ColumnCandidate, since: date,
                    notes: list[str]) -> tuple[ColumnList | None, dict[str, Fetched]]:
        context.step(f"读取栏目：{column.name}")
        listing = await read_list(context, column)
        if listing is None:
            notes.append(f"{column.name}：列表无法打开")
            return None, {}
        chosen = sample_items(listing.items, since, context.settings.max_detail_pages_per_column)
        fetched = await fetcher(context).fetch(item.href for item in chosen)
        failed = [f"{url}（{page.reason()}）" for url, page in fetched.items() if not page.ok]
        pages = f"列表{listing.pages_read}页" + (f"/共{listing.pages_total}页" if listing.pages_total else "")
        if listing.truncated:
            pages += "，已达列表页数上限，其后未读"
        note = f"{column.name}：读取详情页{len(fetched) - len(failed)}件/共{listing.items_total}件（{pages}）"
        if failed:
            note += f"，无法读取{len(failed)}件：" + "、".join(failed[:5])
        notes.append(note)
        return listing, fetched

    async def _files(self, context: SiteContext, columns: list[ColumnCandidate], since: date,
                     notes: list[str]) -> list[PolicyFile]:
        files = []
        for column in columns:
            listing, fetched = await self._read(context, column, since, notes)
            if listing is None:
                continue
            for item in listing.items:
                got = fetched.get(item.href)
                if got is None:
                    continue
                page = got.page
                meta = read_meta(page.lines, context.as_of) if page else read_meta((), context.as_of)
                files.append(PolicyFile(item.title, item.href, column.name, True, item.title, item.date, page,
                                        meta, now()))
        return files

    async def _readings(self, context: SiteContext, columns: list[ColumnCandidate], since: date,
                        notes: list[str]) -> tuple[list[ColumnList], list[Interpretation]]:
        lists, readings = [], []
        for column in columns:
            listing, fetched = await self._read(context, column, since, notes)
            if listing is None:
                continue
            lists.append(listing)
            for item in listing.items:
                got = fetched.get(item.href)
                if got is not None:
                    readings.append(Interpretation(item.title, item.href, column.name, item.date, got.page, now()))
        return lists, readings

    async def _rich_format(self, context: SiteContext, lists: list[ColumnList], readings: list[Interpretation],
                           start: date, end: date) -> None:
        first = lists[0]
        finding = judge_rich_format(readings, start, end, column=first.column.name, url=first.url, seen_at=now())
        if finding is None or not context.rules.enabled(finding.indicator):
            return
        _, snapshot = await context.visit(first.url, first.column.name)
        anchor = ""
        if snapshot:
            group, _ = main_list(snapshot, context.as_of)
            anchor = group.anchor if group else snapshot.main_anchor
        evidence = await context.evidence().capture(anchor) if snapshot else []
        context.add([finding.model_copy(update={"evidence": evidence})])

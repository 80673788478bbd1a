"""文件未标注文号, 失效文件未标注, 文件与解读未关联, 解读形式单一: the files and 解读 a site publishes.

Lists are read as the site map read them (a citizen's view, pager included); the file and 解读 pages are
fetched and parsed without rendering, concurrently, and only the pages a finding is about are opened in the
browser to be photographed.

Every list and every page is a probe. A list the walk could not read whole (after its re-tests) and a page
whose fetch failed (timeout, reset, 5xx; fetched again with a fresh request, after a pause) are coverage
(未能核查) while they still fail, never a finding: a file that could not be read has no 文号 problem, and
解读形式单一 is not concluded while a 解读 list or an in-window 解读 page is unknown.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from checker.checks.interpretation_judge import Interpretation, judge_links, judge_rich_format, pair
from checker.checks.policy_judge import Evidenced, PolicyFile, judge_doc_numbers, judge_expired
from checker.checks.publishing_io import (
    ColumnList,
    fetch_failure,
    fetcher,
    mapped_list,
    refetch,
    sample_items,
    with_evidence,
)
from checker.checks.reach import unique_key
from checker.context import SiteContext, SkipCheck
from checker.discover import ColumnCandidate, DatedItem, main_list
from checker.docmeta import read_meta
from checker.family import ObservingFamily
from checker.fetch import Fetched
from checker.observation import Observation, Probe, absent, failed, seen
from checker.results import Finding
from checker.rules import RuleSet, age_cutoff
from checker.sitemap.columns import map_columns
from checker.sitemap.model import MapColumn
from checker.visit import now

FILES = "file"
READINGS = "reading"
RICH = "interpretation.no_rich_format"


def _named(column: MapColumn, words: Sequence[str]) -> bool:
    return any(word in column.name for word in words)


def window_of(context: SiteContext) -> tuple[date, date]:
    """The check period: the suite's window, else the rule set's look-back before as_of."""
    if context.window:
        return context.window.start, min(context.window.end, context.as_of)
    return age_cutoff(context.as_of, context.rules.publishing.rich_format_lookback), context.as_of


@dataclass(frozen=True)
class Listing:
    """A 政策文件 or 解读 column's list probe value: the column, which kind it is, and its list as read
    (None when its first page did not open)."""

    column: ColumnCandidate
    kind: str
    listing: ColumnList | None = None


@dataclass(frozen=True)
class Detail:
    """A file or 解读 page's probe value: the list it was sampled from (its probe key) and the record the
    judges read (its page None when it could not be read)."""

    list_key: str
    record: PolicyFile | Interpretation


@dataclass
class PublishingObservation(Observation):
    """The 政策文件 and 解读 columns' lists (one probe each, a :class:`Listing`) and the pages sampled from them
    (one probe each, a :class:`Detail`), with the check period."""

    start: date | None = None
    end: date | None = None


def _record(column: ColumnCandidate, kind: str, item: DatedItem, got: Fetched, as_of: date,
            at: datetime) -> PolicyFile | Interpretation:
    page = got.page
    if kind == FILES:
        meta = read_meta(page.lines, as_of) if page else read_meta((), as_of)
        return PolicyFile(item.title, item.href, column.name, True, item.title, item.date, page, meta, at)
    return Interpretation(item.title, item.href, column.name, item.date, page, at)


def _detail_probe(key: str, list_key: str, record: PolicyFile | Interpretation, got: Fetched, timeout: float,
                  at: datetime) -> Probe:
    """A page as fetched: seen, a definite answer (404: nothing to judge), or a failed look."""
    failure = fetch_failure(got, timeout)
    if failure:
        unread = replace(record, page=None, unread=True) if isinstance(record, Interpretation) else record
        return failed(key, failure, url=record.url, at=at, value=Detail(list_key, unread))
    if got.ok:
        return seen(key, Detail(list_key, record), url=record.url, at=at)
    return absent(key, reason=got.reason(), url=record.url, at=at, value=Detail(list_key, record))


def _list_key(used: set[str], column: ColumnCandidate, kind: str) -> str:
    return unique_key(used, f"{'政策文件' if kind == FILES else '政策解读'}栏目“{column.name}”列表", column.url)


def _detail_keys(column: ColumnCandidate, items: Sequence[DatedItem]) -> list[str]:
    """Stable keys for a column's sampled pages (the same on a re-test): 政策文件《title》."""
    used: set[str] = set()
    return [unique_key(used, f"{column.name}《{item.title}》", item.href) for item in items]


class PublishingCheck(ObservingFamily[PublishingObservation]):
    """Policy files (文号, validity marks) and their 解读 (links both ways, rich forms in the window)."""

    name = "publishing"
    label = "检查政策文件与解读"
    indicators = (
        "policy.no_doc_number", "policy.expired_unmarked", "interpretation.not_linked",
        "interpretation.no_rich_format",
    )

    async def observe(self, context: SiteContext) -> PublishingObservation:
        """The 政策文件 and 解读 columns' lists as the site map read them, and the pages sampled from them."""
        words = context.rules.publishing
        site_map = context.require_map()
        columns = map_columns(site_map, context.site.hints)
        readings_columns = [c for c in columns if _named(c, words.interpretation_column_words)]
        file_columns = [c for c in columns
                        if _named(c, words.normative_column_words) and c not in readings_columns]
        if not file_columns and not readings_columns:
            raise SkipCheck("未发现政策文件或政策解读栏目，未进行此项检查")
        start, end = window_of(context)
        observation = PublishingObservation([], now(), start, end)
        used: set[str] = set()
        for kind, kind_columns in ((FILES, file_columns), (READINGS, readings_columns)):
            for column in kind_columns:
                observation.probes += await self._read(context, _list_key(used, column, kind), column, kind, start)
        return observation

    async def _read(self, context: SiteContext, key: str, column: MapColumn, kind: str, since: date) -> list[Probe]:
        """A column's list probe and the probes of the pages sampled from it. A list the walk could not read
        whole (after its re-tests) is a failed probe carrying the walk's attempts."""
        context.step(f"读取栏目：{column.name}")
        candidate = ColumnCandidate(column.name, column.url, column.column_class, column.source)
        if not column.page.complete:
            return [replace(column.page.unread_probe(key), value=Listing(candidate, kind))]
        listing = mapped_list(context.require_map(), column, context.as_of, context.scope)
        value = Listing(candidate, kind, listing)
        if listing.unread:  # later list pages were not read whole: their entries are unknown
            probe = replace(listing.unread[0].unread_probe(key), value=value)
            reasons = "、".join(f"第{p.list_page}页（{p.reason}）" for p in listing.unread)
            probe = replace(probe, reason=f"列表{reasons}未能完整读取")
        else:
            probe = replace(seen(key, value, url=listing.url), attempts=column.page.attempt_times)
        chosen = sample_items(listing.items, since, context.settings.max_detail_pages_per_column)
        fetched = await fetcher(context).fetch(item.href for item in chosen)
        at = now()
        timeout = context.settings.page_timeout_seconds
        details = [
            _detail_probe(detail_key, key, _record(candidate, kind, item, fetched[item.href], context.as_of, at),
                          fetched[item.href], timeout, at)
            for detail_key, item in zip(_detail_keys(candidate, chosen), chosen, strict=True)
        ]
        return [probe, *details]

    async def observe_again(self, context: SiteContext, earlier: PublishingObservation) -> Observation:
        """Fetch each file or 解读 page that failed again (fresh requests, not the run's cache); the lists were
        re-tested by the walk."""
        details = [probe for probe in earlier.failures() if isinstance(probe.value, Detail)]
        again = Observation([], now())
        if not details:
            return again
        context.step(f"复测文件页面{len(details)}件")
        at = now()
        got = await asyncio.gather(*(refetch(context, probe.value.record.url) for probe in details))
        timeout = context.settings.page_timeout_seconds
        for probe, page in zip(details, got, strict=True):
            detail: Detail = probe.value
            record = _refreshed(detail.record, page, context.as_of, at)
            again.probes.append(_detail_probe(probe.key, detail.list_key, record, page, timeout, at))
        return again

    def judge(self, observation: PublishingObservation, rules: RuleSet, as_of: date,
              seen_at: datetime) -> list[Finding]:
        """文号, validity marks and links over the pages read; 解读形式单一 when every 解读 list was read."""
        findings = [planned.finding for planned in _planned(observation, rules, as_of)]
        rich = _rich_format(observation, seen_at)
        if rich is not None:
            findings.append(rich)
        return [finding for finding in findings if rules.enabled(finding.indicator)]

    async def photograph(self, context: SiteContext, observation: PublishingObservation,
                         findings: list[Finding]) -> list[Finding]:
        """Open each page a finding is about and box the element it names; the 解读 list for 解读形式单一."""
        planned = [p for p in _planned(observation, context.rules, context.as_of) if p.finding in findings]
        shown = await with_evidence(context, planned, "政策文件")
        for finding in findings:
            if finding.indicator == RICH:
                shown.append(await self._photograph_list(context, finding))
        return shown

    async def _photograph_list(self, context: SiteContext, finding: Finding) -> Finding:
        _, snapshot = await context.visit(finding.url, finding.target)
        anchor = ""
        if snapshot:
            group, _ = main_list(snapshot, context.as_of)
            anchor = group.anchor if group else snapshot.main_anchor
        evidence = await context.evidence().capture(anchor) if snapshot else []
        return finding.model_copy(update={"evidence": evidence})

    def note(self, observation: PublishingObservation) -> str:
        """Per column: how many pages were read of how many entries, and how much of its list."""
        notes = []
        for probe in observation.probes:
            if not isinstance(probe.value, Listing):
                continue
            column, listing = probe.value.column, probe.value.listing
            if listing is None:
                if not probe.failed:
                    notes.append(f"{column.name}：列表无法打开（{probe.reason}）")
                continue
            details = [p for p in observation.probes if isinstance(p.value, Detail) and p.value.list_key == probe.key]
            read = sum(1 for p in details if p.value.record.page is not None)
            gone = [f"{p.url}（{p.reason}）" for p in details if not p.failed and p.value.record.page is None]
            pages = f"列表{listing.pages_read}页" + (f"/共{listing.pages_total}页" if listing.pages_total else "")
            if listing.truncated:
                pages += "，已达列表页数上限，其后未读"
            note = f"{column.name}：读取详情页{read}件/共{listing.items_total}件（{pages}）"
            if gone:
                note += f"，无法读取{len(gone)}件：" + "、".join(gone[:5])
            notes.append(note)
        return "；".join(notes)


def _refreshed(record: PolicyFile | Interpretation, got: Fetched, as_of: date,
               at: datetime) -> PolicyFile | Interpretation:
    """A record with the page a re-test fetched."""
    if isinstance(record, PolicyFile):
        meta = read_meta(got.page.lines, as_of) if got.page else read_meta((), as_of)
        return replace(record, page=got.page, meta=meta, seen_at=at)
    return replace(record, page=got.page, seen_at=at, unread=False)


def _records(observation: PublishingObservation) -> tuple[list[PolicyFile], list[Interpretation]]:
    """The files and 解读 whose pages were looked at and answered (read, or definitely not there)."""
    files, readings = [], []
    for probe in observation.probes:
        if not isinstance(probe.value, Detail) or not probe.judgeable:
            continue
        record = probe.value.record
        if isinstance(record, PolicyFile):
            files.append(record)
        else:
            readings.append(record)
    return files, readings


def _planned(observation: PublishingObservation, rules: RuleSet, as_of: date) -> list[Evidenced]:
    """The file and pairing findings with where their evidence is (pure)."""
    files, readings = _records(observation)
    planned = judge_doc_numbers(files) + judge_expired(files, as_of)
    return planned + judge_links(pair(files, readings, rules.publishing.title_similarity))


def _rich_format(observation: PublishingObservation, seen_at: datetime) -> Finding | None:
    """解读形式单一 over every 解读 sampled (a 解读 whose page failed counts as unknown), judged only when every
    解读 list was read whole."""
    lists = [probe for probe in observation.probes
             if isinstance(probe.value, Listing) and probe.value.kind == READINGS]
    read = [probe.value.listing for probe in lists if probe.value.listing is not None]
    if not read or any(probe.failed for probe in lists) or observation.start is None or observation.end is None:
        return None
    readings = [probe.value.record for probe in observation.probes
                if isinstance(probe.value, Detail) and isinstance(probe.value.record, Interpretation)]
    first = read[0]
    return judge_rich_format(readings, observation.start, observation.end, column=first.column.name, url=first.url,
                             seen_at=seen_at)

"""首页不更新, 栏目不更新 and 空白栏目: the home page's lists, and every column of the site map.

The columns are the ones the walk found at any depth (navigation, dropdowns, hub menus, directories built by
script, 网站地图, 更多 blocks); their lists were read there, across their list pages. A column whose first
list page the walk could not open, or read only in part (its list script or data request failed), after the
walk's own re-tests, is a ``failed`` probe carrying those attempts: coverage (未能核查), never an empty or
stale column. The browser is used only to photograph a column with a problem.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from checker.checks.freshness import ColumnObservation, column_findings, judge_column, judge_home
from checker.checks.publishing_io import tag_text
from checker.checks.reach import unique_key
from checker.classify import classify_column, is_placeholder
from checker.context import SiteContext
from checker.discover import ColumnCandidate, DatedItem, home_items, newest, normalise_url
from checker.family import ObservingFamily
from checker.observation import Observation, Probe, ProbeStatus, absent, attempts_text, seen
from checker.observe import PageSnapshot
from checker.results import ColumnRecord, Evidence, Finding
from checker.rules import ColumnClass, RuleSet
from checker.sitemap.columns import SOURCES, column_items, map_columns
from checker.sitemap.model import LinkKind, MapColumn, SitePage
from checker.sitemap.structure import column_list, content_text
from checker.visit import now

HOME_KEY = "首页列表"


@dataclass
class HomeObservation(Observation):
    """The home page's list items (probe ``首页列表``, its value the dated items) and the page's address."""

    url: str = ""


class HomeFreshnessCheck(ObservingFamily[HomeObservation]):
    """首页不更新: the newest dated item on the home page against the home age rule."""

    name = "home"
    label = "检查首页更新"
    indicators = ("home.not_updated",)
    retests = False

    async def observe(self, context: SiteContext) -> HomeObservation:
        """The home page's items as it was read; a home page the walk could not read whole (a list its script
        or data request failed to fill, after the walk's re-tests) is a failed look."""
        home = context.require_home()
        at = now()
        mapped = context.site_map.home if context.site_map else None
        if mapped is not None and not mapped.complete:
            probe: Probe = mapped.unread_probe(HOME_KEY)
        else:
            probe = seen(HOME_KEY, tuple(home_items(home, context.as_of)), url=home.url, at=at)
            if mapped is not None and mapped.attempt_times:
                probe = replace(probe, attempts=mapped.attempt_times)
        return HomeObservation([probe], at, context.page.url or home.url)

    def judge(self, observation: HomeObservation, rules: RuleSet, as_of: date, seen_at: datetime) -> list[Finding]:
        """首页不更新 from the items seen (nothing when the home page's list could not be read)."""
        probe = observation.probe(HOME_KEY)
        if probe is None or not probe.judgeable:
            return []
        finding = judge_home(probe.value or (), rules, as_of, url=observation.url, seen_at=seen_at)
        return [finding] if finding else []

    async def photograph(self, context: SiteContext, observation: HomeObservation,
                         findings: list[Finding]) -> list[Finding]:
        """Box the newest item on the home page (or its first) for a 首页不更新 finding."""
        if not findings:
            return findings
        probe = observation.probe(HOME_KEY)
        items: tuple[DatedItem, ...] = probe.value if probe and probe.value else ()
        latest = newest(items, context.as_of, context.rules.freshness.future_slack_days)
        anchor = latest.anchor if latest else (items[0].anchor if items else "")
        await _back_home(context)
        evidence = await context.evidence().capture(anchor)
        return [finding.model_copy(update={"evidence": evidence}) for finding in findings]

    def note(self, observation: HomeObservation) -> str:
        """How many list items the home page showed."""
        probe = observation.probe(HOME_KEY)
        return f"首页列表信息{len(probe.value)}条" if probe and probe.judgeable and probe.value is not None else ""


async def _back_home(context: SiteContext) -> None:
    """Make sure the page shows the home page again (an earlier family may have moved on)."""
    home = context.require_home()
    if normalise_url(context.page.url) != normalise_url(home.url):
        await context.visit(home.url, "首页")


@dataclass(frozen=True)
class ColumnSeen:
    """One column as read: its first list page, the column it is (None when the walk could not read the page),
    what the judge reads of it (None unless read whole), the placeholder it shows (暂无信息) and its further
    list pages the walk could not read whole."""

    page: SitePage
    column: MapColumn | None = None
    reading: ColumnObservation | None = None
    placeholder: str = ""
    unread_pages: tuple[SitePage, ...] = ()


@dataclass
class ColumnsObservation(Observation):
    """Every column of the map, and every page the walk was led to as a column but could not read, one probe
    each (its value a :class:`ColumnSeen`)."""


def _placeholder_line(page: SitePage) -> str:
    """A line of the column page's own content that is only a placeholder (暂无信息, 信息整理中 …), if any."""
    if page.parsed is not None:
        lines: tuple[str, ...] | list[str] = page.parsed.lines
    else:
        lines = page.snapshot.main_text.splitlines() if page.snapshot else []
    return next((line for line in lines if is_placeholder(line)), "")


def column_reading(column: MapColumn, as_of: date, seen_at: datetime | None) -> tuple[ColumnObservation, str]:
    """What the judge reads of a column (its entries across its list pages, its own text), and the
    placeholder line it shows when it lists nothing."""
    items = column_items(column, as_of)
    snapshot = column.page.snapshot
    assert snapshot is not None
    candidate = ColumnCandidate(column.name, column.url, column.column_class, column.source, column.path)
    own_text = content_text(snapshot)
    length = len(own_text) if len(snapshot.main_text) < 2000 else snapshot.main_length
    placeholder = _placeholder_line(column.page) if not items else ""
    if placeholder:  # the list's place holds only 暂无信息 or the like
        own_text, length = placeholder, len(placeholder)
    reading = ColumnObservation(candidate, column.page.final_url or column.url, items, own_text, length,
                                column.page.seen_at or seen_at)
    return reading, placeholder


def _column_probe(key: str, column: MapColumn, as_of: date, at: datetime,
                  unread_pages: tuple[SitePage, ...] = ()) -> Probe:
    reading, placeholder = column_reading(column, as_of, at)
    value = ColumnSeen(column.page, column, reading, placeholder, unread_pages)
    url = reading.url
    if reading.items:
        probe: Probe = seen(key, value, url=url, at=at)
    else:
        probe = absent(key, reason="栏目无信息条目", url=url, at=at, value=value)
    return replace(probe, attempts=column.page.attempt_times or probe.attempts)


def _unread_name(page: SitePage) -> str:
    return page.path[-1] if page.path else page.url


def _unread_column(page: SitePage) -> bool:
    """A page the walk was led to as a column (a structural link named like one) but could not read."""
    if page.via is LinkKind.PAGER and page.column_of:
        return False
    return page.via.structural and classify_column(_unread_name(page)) is not None


class ColumnsCheck(ObservingFamily[ColumnsObservation]):
    """栏目不更新 and 空白栏目 on every column the site map found, at any depth, whatever its name."""

    name = "columns"
    label = "判定栏目更新"
    indicators = ("column.not_updated", "column.empty")
    retests = False

    async def observe(self, context: SiteContext) -> ColumnsObservation:
        """Each column of the map from its list pages as read. A column page the walk could not read whole
        (after its re-tests) is a failed probe carrying the walk's attempts: neither empty nor stale."""
        site_map = context.require_map()
        at = now()
        used: set[str] = set()
        observation = ColumnsObservation([], at)
        unread_lists: dict[str, list[SitePage]] = {}
        for page in site_map.pages.values():
            if page.column_of and page.unverified:
                unread_lists.setdefault(page.column_of, []).append(page)
        for column in map_columns(site_map, context.site.hints)[: context.settings.max_columns]:
            key = unique_key(used, f"栏目“{column.name}”", column.url)
            if not column.page.complete:  # read, but not whole: a list its script or data request did not fill
                probe = replace(column.page.unread_probe(key), value=ColumnSeen(column.page, column))
            else:
                probe = _column_probe(key, column, context.as_of, at, tuple(unread_lists.get(column.url, ())))
            observation.probes.append(probe)
        for page in site_map.failed():
            if not _unread_column(page):
                continue
            key = unique_key(used, f"栏目“{_unread_name(page)}”", page.url)
            if page.gone:  # the server said it is not there: the link family's matter
                probe = absent(key, reason=page.reason, url=page.url, at=at, value=ColumnSeen(page))
                observation.probes.append(replace(probe, attempts=page.attempt_times or probe.attempts))
            else:
                observation.probes.append(replace(page.unread_probe(key), value=ColumnSeen(page)))
        return observation

    def judge(self, observation: ColumnsObservation, rules: RuleSet, as_of: date,
              seen_at: datetime) -> list[Finding]:
        """栏目不更新 and 空白栏目 from the columns read (a column whose page failed is never judged)."""
        judgements = [judge_column(reading, rules, as_of) for reading in _readings(observation)]
        return column_findings(judgements, rules, as_of)

    async def photograph(self, context: SiteContext, observation: ColumnsObservation,
                         findings: list[Finding]) -> list[Finding]:
        """Record every column in the inventory; photograph each column a finding is about."""
        shots: dict[tuple[str, str], list[Evidence]] = {}
        wanted = {(finding.url, finding.target) for finding in findings}
        for probe in observation.probes:
            value: ColumnSeen = probe.value
            if value.reading is None or value.column is None:
                self._record_unread(context, probe, value)
                continue
            judgement = judge_column(value.reading, context.rules, context.as_of)
            self._record(context, probe, judgement.state.value, judgement.latest)
            where = (value.reading.url, value.column.name)
            if where in wanted and where not in shots:
                shots[where] = await self._photograph(context, value.column, judgement.latest, value.placeholder)
        return [finding.model_copy(update={"evidence": shots.get((finding.url, finding.target), [])})
                for finding in findings]

    def note(self, observation: ColumnsObservation) -> str:
        """How many columns were judged, and from what; the columns whose link answered 4xx (not judged)."""
        judged = len(_readings(observation))
        note = f"栏目{judged}个（含各级菜单、目录与网站地图中找到的），均按遍历时读取的列表判定"
        gone = [f"{_unread_name(p.value.page)}（{p.reason}）" for p in observation.probes
                if p.status is ProbeStatus.ABSENT and p.value.reading is None]
        if gone:
            note += f"；无法打开{len(gone)}个，未判定：" + "、".join(gone[:8]) + ("等" if len(gone) > 8 else "")
        return note

    def _record(self, context: SiteContext, probe: Probe, verdict: str, latest: DatedItem | None) -> None:
        value: ColumnSeen = probe.value
        column, reading = value.column, value.reading
        assert column is not None and reading is not None
        notes = [n for n in (column.page.note, *(p.note for p in column.list_pages)) if n]
        notes += [f"第{p.list_page}页未能完整读取（{p.reason}）" for p in value.unread_pages]
        if len(probe.attempts) > 1:  # the walk's first looks failed
            notes.append(f"遍历时{attempts_text(probe)}")
        context.outcome.columns.append(ColumnRecord(
            name=column.name, url=reading.url, column_class=column.column_class.value, source=column.source,
            items=len(reading.items), latest=latest.date if latest else None, path=list(column.path),
            verdict=verdict, note="；".join(dict.fromkeys(notes)), pages_read=1 + len(column.list_pages),
        ))

    def _record_unread(self, context: SiteContext, probe: Probe, value: ColumnSeen) -> None:
        """A column that could not be read (whole): in the inventory as 未能读取, never a finding."""
        page = value.page
        name = value.column.name if value.column else _unread_name(page)
        column_class = value.column.column_class if value.column else (classify_column(name) or ColumnClass.STATIC)
        tried = attempts_text(probe) or "未加载"
        what = "未能完整读取" if page.ok else "无法打开"
        context.outcome.columns.append(ColumnRecord(
            name=name, url=page.url, column_class=column_class.value, source=SOURCES.get(page.via, ""),
            path=list(page.path), verdict="unread", note=f"{what}（{probe.reason}），{tried}", pages_read=0,
        ))

    async def _photograph(self, context: SiteContext, column: MapColumn, latest: DatedItem | None,
                          placeholder: str) -> list[Evidence]:
        """Open the column's first list page again (evidence only) and box its newest entry; for a column
        without entries, the placeholder it shows (暂无信息), else its list, else its content."""
        _, snapshot = await context.visit(column.page.final_url or column.url, column.name)
        if snapshot is None:
            return []
        return await _box(context, snapshot, latest, placeholder)


async def _box(context: SiteContext, snapshot: PageSnapshot, latest: DatedItem | None,
               placeholder: str) -> list[Evidence]:
    group, items = column_list(snapshot, context.as_of)
    anchor = ""
    if latest is not None:
        same = [item.anchor for item in items if item.href == latest.href and item.title == latest.title]
        anchor = same[0] if same else ""
    elif placeholder:
        anchor = await tag_text(context.page, placeholder)
    anchor = anchor or (group.anchor if group else "") or snapshot.main_anchor
    return await context.evidence().capture(anchor)


def _readings(observation: ColumnsObservation) -> list[ColumnObservation]:
    """What the judge reads of each column that was read (seen or absent, and a column)."""
    return [probe.value.reading for probe in observation.probes
            if probe.judgeable and probe.value is not None and probe.value.reading is not None]

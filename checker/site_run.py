"""One site's inspection in its own browser context: open the home page like a citizen, find the
columns, read them, and judge as it goes so evidence is captured while the page is still open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from playwright.async_api import BrowserContext, Page

from checker.checks.availability import Probe, describe_probe_error, judge_availability
from checker.checks.footer_marks import FooterPage, footer_missing, judge_footer
from checker.checks.freshness import (
    ColumnJudgement,
    ColumnObservation,
    column_findings,
    judge_column,
    judge_home,
)
from checker.checks.newmedia_qr import QrSeen, judge_qr, observe_qr
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
from checker.evidence import EvidenceStore
from checker.observe import PageSnapshot, take_snapshot
from checker.results import CheckRecord, CheckStatus, ColumnRecord, Evidence, Finding
from checker.rules import RuleSet
from checker.scenario import Settings, Site
from checker.visit import PageEvidence, Visit, now, open_page

MAX_DIRECTORY_PAGES = 4

Step = Callable[[str], None]


@dataclass
class SiteOutcome:
    """What the inspection gathered: findings, check coverage, columns read and QR payloads."""

    findings: list[Finding] = field(default_factory=list)
    checks: list[CheckRecord] = field(default_factory=list)
    columns: list[ColumnRecord] = field(default_factory=list)
    qr_payloads: list[str] = field(default_factory=list)

    def record(self, check: str, status: CheckStatus, note: str = "") -> None:
        """Note what a check did, so the report never implies what was not looked at."""
        self.checks.append(CheckRecord(check=check, status=status, note=note))


class SiteInspection:
    """The citizen-like walk over one site; :meth:`run` fills :attr:`outcome` as it goes."""

    def __init__(
        self, context: BrowserContext, site: Site, index: int, rules: RuleSet, settings: Settings,
        as_of: date, store: EvidenceStore, step: Step,
    ) -> None:
        self.context = context
        self.site = site
        self.index = index
        self.rules = rules
        self.settings = settings
        self.as_of = as_of
        self.store = store
        self.step = step
        self.scope = site.scope_prefix()
        self.outcome = SiteOutcome()
        self.footer_pages: list[FooterPage] = []
        self._footer_evidenced: set[str] = set()

    def _evidence(self, page: Page) -> PageEvidence:
        return PageEvidence(page, self.store, self.index, self.settings.max_screenshot_height)

    async def run(self) -> None:
        """Inspect the site; every finding lands in :attr:`outcome` as soon as it is judged."""
        page = await self.context.new_page()
        self.step("打开首页")
        home = await self._open_home(page)
        if home is None:
            for check in ("home", "columns", "footer", "newmedia_qr"):
                self.outcome.record(check, CheckStatus.SKIPPED, "首页无法打开，未进行此项检查")
            return
        self.step("检查首页更新与页脚")
        await self._check_home(page, home)
        await self._note_footer(page, home, "首页")
        self.step("识别页脚二维码")
        await self._check_qr(page, home)
        self.step("发现栏目")
        columns = await self._discover(page, home)
        self.step(f"读取栏目（共{len(columns)}个）")
        await self._check_columns(page, columns)
        self._judge_footer()

    async def _open_home(self, page: Page) -> PageSnapshot | None:
        rules = self.rules.availability
        probes: list[Probe] = []
        evidence: list[Evidence] = []
        visit: Visit | None = None
        for _ in range(1 + rules.attempts_after_failure):
            visit = await open_page(page, self.site.url, rules.timeout_seconds)
            reason = "" if visit.ok else describe_probe_error(visit.error, visit.status, rules.timeout_seconds)
            probes.append(Probe(visit.ok, visit.seconds, reason, visit.status, visit.at))
            if visit.ok:
                break
            if not evidence:
                evidence = await self._evidence(page).capture("")
        assert visit is not None
        finding = judge_availability(probes, self.rules, url=self.site.url, evidence=evidence)
        if finding:
            self.outcome.findings.append(finding)
        self.outcome.record("availability", CheckStatus.DONE, f"探测{len(probes)}次")
        if not visit.ok:
            return None
        return await take_snapshot(page, self.site.hints.footer_selector)

    async def _check_home(self, page: Page, home: PageSnapshot) -> None:
        items = home_items(home, self.as_of)
        finding = judge_home(items, self.rules, self.as_of, url=page.url, seen_at=now())
        if finding:
            latest = newest(items, self.as_of, self.rules.freshness.future_slack_days)
            anchor = latest.anchor if latest else (items[0].anchor if items else "")
            finding = finding.model_copy(update={"evidence": await self._evidence(page).capture(anchor)})
            self.outcome.findings.append(finding)
        self.outcome.record("home", CheckStatus.DONE, f"首页列表信息{len(items)}条")

    async def _note_footer(self, page: Page, snapshot: PageSnapshot, label: str) -> None:
        missing = footer_missing(snapshot)
        evidence = []
        if set(missing) - self._footer_evidenced:
            anchor = snapshot.footer.anchor if snapshot.footer else ""
            evidence = await self._evidence(page).capture(anchor)
            self._footer_evidenced |= set(missing)
        self.footer_pages.append(FooterPage(page.url, label, missing, now(), evidence))

    def _judge_footer(self) -> None:
        enabled = self.rules.enabled("footer.identifier_missing")
        self.outcome.findings += judge_footer(self.footer_pages, enabled=enabled)
        self.outcome.record("footer", CheckStatus.DONE, f"检查页面{len(self.footer_pages)}个")

    async def _check_qr(self, page: Page, home: PageSnapshot) -> None:
        evidence = self._evidence(page)
        codes: list[QrSeen] = await observe_qr(page, home, evidence, self.rules.availability.timeout_seconds)
        for code in codes:
            self.outcome.qr_payloads += [p for p in code.payloads if p not in self.outcome.qr_payloads]
        footer_evidence = await evidence.capture(home.footer.anchor) if not codes and home.footer else []
        findings = judge_qr(codes, self.site.hints.newmedia, url=page.url, footer_evidence=footer_evidence,
                            seen_at=now())
        self.outcome.findings += [f for f in findings if self.rules.enabled(f.indicator)]
        self.outcome.record("newmedia_qr", CheckStatus.DONE, f"页脚二维码{len(codes)}个")

    async def _discover(self, page: Page, home: PageSnapshot) -> list[ColumnCandidate]:
        hints = self.site.hints
        found = [columns_from_page(home, self.scope, hints)]
        sections = disclosure_sections(home, self.scope)
        visited: list[str] = []
        while sections and len(visited) < MAX_DIRECTORY_PAGES:
            url = sections.pop(0)
            if url in visited:
                continue
            visited.append(url)
            visit = await open_page(page, url, self.settings.page_timeout_seconds)
            if not visit.ok:
                continue
            snapshot = await take_snapshot(page, hints.footer_selector)
            await self._note_footer(page, snapshot, snapshot.title or url)
            found.append(columns_from_page(snapshot, self.scope, hints, directory=True))
            sections += [s for s in disclosure_sections(snapshot, self.scope) if s not in visited]
        skip = {normalise_url(self.site.url), *visited}
        columns = merge_columns(*found, hints=hints, limit=self.settings.max_columns)
        return [column for column in columns if column.url not in skip]

    async def _check_columns(self, page: Page, columns: list[ColumnCandidate]) -> None:
        judgements: list[ColumnJudgement] = []
        unreadable = []
        for column in columns:
            self.step(f"栏目：{column.name}")
            visit = await open_page(page, column.url, self.settings.page_timeout_seconds)
            if not visit.ok:
                unreadable.append(f"{column.name}（{visit.error or f'HTTP {visit.status}'}）")
                continue
            snapshot = await take_snapshot(page, self.site.hints.footer_selector)
            await self._note_footer(page, snapshot, column.name)
            judgements.append(await self._judge_column(page, column, snapshot))
        self.outcome.findings += column_findings(judgements, self.rules, self.as_of)
        note = f"读取栏目{len(judgements)}个"
        if unreadable:
            note += f"；无法打开{len(unreadable)}个，未判定：" + "、".join(unreadable)
        self.outcome.record("columns", CheckStatus.DONE, note)

    async def _judge_column(self, page: Page, column: ColumnCandidate, snapshot: PageSnapshot) -> ColumnJudgement:
        group, items = main_list(snapshot, self.as_of)
        observation = ColumnObservation(column, page.url, tuple(items), snapshot.main_text, snapshot.main_length,
                                        now())
        judgement = judge_column(observation, self.rules, self.as_of)
        latest = judgement.latest
        self.outcome.columns.append(ColumnRecord(
            name=column.name, url=page.url, column_class=column.column_class.value, source=column.source,
            items=len(items), latest=latest.date if latest else None,
        ))
        if judgement.is_problem:
            anchor = (latest.anchor if latest else "") or (group.anchor if group else "") or snapshot.main_anchor
            judgement = replace(judgement, evidence=await self._evidence(page).capture(anchor))
        return judgement

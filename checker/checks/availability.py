"""站点无法访问: judge the home-page probes of this run (each a success or a failure with its reason)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from checker.checks.findings import make_finding
from checker.context import SiteContext, SiteUnreachable
from checker.observe import FAILURE_MESSAGE_SELECTORS, tag_first
from checker.politeness import ROBOTS_REFUSAL
from checker.probe_store import ProbeStore
from checker.results import Evidence, Finding, Severity
from checker.rules import RuleSet
from checker.tls import TlsProblem, probe_tls
from checker.visit import describe_probe_error, now, open_page

BEIJING = ZoneInfo("Asia/Shanghai")
PLAIN_HTTP_SELECTORS = ("input[type=password]", "form", "header", "#header", ".header", "body > *")
"""What the evidence of a plain-HTTP home page boxes: a form first (its data travels unencrypted), else the top."""


@dataclass(frozen=True)
class Probe:
    """One attempt to open the home page within the time budget."""

    ok: bool
    seconds: float
    error: str = ""
    status: int | None = None
    at: datetime | None = None


def judge_availability(
    probes: Sequence[Probe], rules: RuleSet, *, url: str, evidence: list[Evidence] | None = None,
    monitored: bool = False,
) -> Finding | None:
    """站点无法访问, judged from home-page probes (pure).

    ``monitored``: the probes are the stored samples of the last 7 days (``govcheck probe``) plus this run's;
    the rule's failure share over that window decides (a veto at the rule set's ratio, advisory below it).
    Otherwise the probes are this run's looks alone: a home page that opened on a later look is not
    unreachable (no finding), and the veto needs the failure repeated across the run's spread-out looks,
    which the detail says; a single failed look with no re-test configured is advisory only.
    """
    failures = [probe for probe in probes if not probe.ok]
    if not probes or not failures or not rules.enabled("availability.unreachable"):
        return None
    reasons = "；".join(dict.fromkeys(probe.error for probe in failures))
    threshold = rules.availability.veto_failure_ratio
    if monitored:
        ratio = len(failures) / len(probes)
        severity = Severity.VETO if ratio >= threshold else Severity.ADVISORY
        detail = (
            f"近7天监测与本次运行共探测首页{len(probes)}次，失败{len(failures)}次（{ratio:.0%}），原因：{reasons}。"
            f"规则：失败比例≥{threshold:.0%}为单项否决（按近7天的监测数据计算）。"
        )
    else:
        if probes[-1].ok:
            return None
        severity = Severity.VETO if len(failures) >= 2 else Severity.ADVISORY
        span = _span_text(failures)
        basis = ("本次运行的多次探测均失败，判定为单项否决" if severity is Severity.VETO
                 else "仅探测1次且未复测，不作单项否决")
        detail = (
            f"本次运行探测首页{len(probes)}次{span}，均未打开，原因：{reasons}。"
            f"规则：失败比例≥{threshold:.0%}为单项否决；未使用7天监测数据，{basis}。"
        )
    return make_finding(
        "availability.unreachable", severity, detail, url=url, target=url,
        seen_at=failures[-1].at, evidence=evidence,
    )


def _span_text(probes: Sequence[Probe]) -> str:
    """（10:01:02 至 10:01:14） for looks with times, in Beijing time; empty without times."""
    times = [probe.at for probe in probes if probe.at is not None]
    if len(times) < 2:
        return ""
    first, last = (at.astimezone(BEIJING).strftime("%H:%M:%S") for at in (min(times), max(times)))
    return f"（{first} 至 {last}，间隔共{(max(times) - min(times)).total_seconds():.0f}秒）"


def judge_tls(problem: TlsProblem, rules: RuleSet, *, url: str, evidence: list[Evidence],
              seen_at: datetime) -> Finding | None:
    """A certificate error: an ordinary browser stops at a full-page warning, so a citizen cannot open the site."""
    if not rules.enabled("availability.unreachable"):
        return None
    detail = (
        f"{problem.reason}。普通浏览器打开首页时显示安全警告页，无法直接访问；"
        "检查时已忽略证书错误继续读取页面内容，其他问题照常判定。"
    )
    return make_finding("availability.unreachable", Severity.VETO, detail, url=url, target=url, seen_at=seen_at,
                        evidence=evidence, title="首页证书错误，无法正常访问")


async def _warning_evidence(context: SiteContext) -> list[Evidence]:
    """What a citizen sees: the page opened in a fresh context that does not ignore certificate errors."""
    browser = context.browser_context.browser
    if browser is None:
        return []
    strict = await browser.new_context(locale="zh-CN", viewport=context.page.viewport_size,
                                       **({"proxy": context.browser_proxy} if context.browser_proxy else {}))
    try:
        page = await strict.new_page()
        await open_page(page, context.site.url, context.rules.availability.timeout_seconds,
                        context.settings.load_wait_seconds)
        anchor = await tag_first(page, FAILURE_MESSAGE_SELECTORS)
        return await context.evidence(page).capture(anchor)
    finally:
        await strict.close()


def _stored_probes(context: SiteContext) -> tuple[list[Probe], list[Evidence]]:
    """The last 7 days of ``govcheck probe`` samples of this site, when the suite names a probe store, and
    the screenshots of the latest stored failures copied into this run's evidence."""
    if not context.settings.probe_store:
        return [], []
    samples = ProbeStore(context.settings.probe_store).window(context.site.url, context.as_of)
    evidence = []
    for sample in [s for s in samples if not s.ok and s.evidence and Path(s.evidence).is_file()][-2:]:
        evidence.append(context.store.save(Path(sample.evidence).read_bytes(), site_index=context.index,
                                           role="page", url=sample.site_url, captured_at=sample.at))
    return [Probe(s.ok, s.seconds, s.reason, None, s.at) for s in samples], evidence


def transport_note(requested: str, landed: str) -> str:
    """A coverage remark when the home page travels in plain HTTP."""
    if requested.startswith("https://") and landed.startswith("http://"):
        return "；HTTPS 地址被重定向到 HTTP 明文页面"
    if landed.startswith("http://"):
        return "；首页通过 HTTP 明文传输，未使用 HTTPS"
    return ""


def judge_transport(requested: str, landed: str, rules: RuleSet, *, evidence: list[Evidence] | None = None,
                    seen_at: datetime | None = None) -> Finding | None:
    """未使用HTTPS (``security.no_https``, advisory): the home page opened over plain HTTP, or its HTTPS address
    redirected down to HTTP (pure; ``requested`` is the suite's address, ``landed`` where the page opened)."""
    if not landed.lower().startswith("http://") or not rules.enabled("security.no_https"):
        return None
    if requested.lower().startswith("https://"):
        detail = (f"首页 HTTPS 地址 {requested} 被重定向到 HTTP 明文地址 {landed}，"
                  "访问者与网站之间的数据未加密传输。")
        title = "HTTPS 被降级为 HTTP"
    else:
        detail = f"首页通过 HTTP 明文传输（{landed}），未使用 HTTPS，访问者与网站之间的数据未加密传输。"
        title = "首页未使用HTTPS"
    return make_finding("security.no_https", Severity.ADVISORY, detail, url=landed, target=requested,
                        seen_at=seen_at, evidence=evidence, title=title)


class AvailabilityCheck:
    """Opens the home page like a citizen, retrying after a failure; gates every later family."""

    name = "availability"
    label = "打开首页"
    indicators = ("availability.unreachable", "security.no_https")

    async def run(self, context: SiteContext) -> str:
        """Probe the home page; leave its snapshot on the context, or raise SiteUnreachable."""
        rules = context.rules.availability
        if not await context.politeness.allowed(context.site.url, context.browser_context.request):
            raise SiteUnreachable(f"{ROBOTS_REFUSAL}首页，按场景设置未检查", f"{ROBOTS_REFUSAL}首页，未进行此项检查")
        probes: list[Probe] = []
        evidence: list[Evidence] = []
        pause = context.settings.retest.pause_seconds()
        for look in range(1 + rules.attempts_after_failure):
            if look:
                await asyncio.sleep(pause)  # the looks are spread like any re-test (settings.retest)
            await context.politeness.wait_turn(context.site.url)
            visit = await open_page(context.page, context.site.url, rules.timeout_seconds,
                                    context.settings.load_wait_seconds)
            reason = "" if visit.ok else describe_probe_error(visit.error, visit.status, rules.timeout_seconds)
            probes.append(Probe(visit.ok, visit.seconds, reason, visit.status, visit.at))
            if visit.ok:
                break
            if not evidence:
                anchor = await tag_first(context.page, FAILURE_MESSAGE_SELECTORS)
                evidence = await context.evidence().capture(anchor)
        stored, stored_evidence = _stored_probes(context)
        context.add([judge_availability([*stored, *probes], context.rules, url=context.site.url,
                                        evidence=evidence + stored_evidence, monitored=bool(stored))])
        note = f"探测首页{len(probes)}次，失败{sum(1 for probe in probes if not probe.ok)}次"
        if probes[-1].ok and len(probes) > 1:
            note += f"（首次未打开：{probes[0].error}；复测后打开，不判定为无法访问）"
        if stored:
            note += f"；另有近7天监测样本{len(stored)}个，失败{sum(1 for probe in stored if not probe.ok)}个"
        problem = await probe_tls(context.site.url, rules.timeout_seconds)
        if problem:
            context.add([judge_tls(problem, context.rules, url=context.site.url,
                                   evidence=await _warning_evidence(context), seen_at=now())])
            note += f"；{problem.reason}，已忽略证书错误继续检查"
        if not probes[-1].ok:
            raise SiteUnreachable(note)
        note += transport_note(context.site.url, context.page.url)
        plain = judge_transport(context.site.url, context.page.url, context.rules, seen_at=probes[-1].at)
        if plain is not None:  # the page as it opened over plain HTTP, boxing what a visitor would send or see
            anchor = await tag_first(context.page, PLAIN_HTTP_SELECTORS)
            plain = plain.model_copy(update={"evidence": await context.evidence().capture(anchor)})
        context.add([plain])
        context.home = await context.snapshot("首页")
        return note

"""新媒体不更新 and 新媒体无互动功能: follow each footer QR payload and each declared account.

A web profile page is read like any page: its newest post date and a 留言/评论/咨询 entry. An account
that only an app can open (a WeChat official account) is recorded for a person's check, with the QR
evidence, instead of guessed. An account page that does not load (timeout, reset, 5xx) is a failed look:
it is opened again (``settings.retest``) and judged when it opens, else it is coverage (未能核查) — its
freshness and interaction are neither guessed nor dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError

from checker.checks.findings import iso, make_finding
from checker.context import SiteContext, SkipCheck
from checker.dates import find_dates
from checker.discover import home_items, newest
from checker.family import ObservingFamily, failed_load, load_failure_reason
from checker.observation import Observation, Probe, ProbeStatus, absent, failed, seen
from checker.observe import PageSnapshot
from checker.results import Evidence, Finding, Severity
from checker.rules import RuleSet, age_cutoff, describe_age
from checker.runlog import LOG
from checker.visit import now

APP_ONLY_HOSTS = ("weixin.qq.com", "mp.weixin.qq.com", "open.weixin.qq.com", "u.wechat.com", "douyin.com",
                  "v.douyin.com", "kuaishou.com")
INTERACTION_WORDS = ("留言", "评论", "咨询", "私信", "互动", "回复", "提问")


@dataclass(frozen=True)
class AccountSeen:
    """One account as followed: its name, address, whether a browser could read it, and what it showed."""

    name: str
    url: str
    readable: bool
    newest: date | None = None
    interaction: str = ""
    seen_at: datetime | None = None
    evidence: tuple[Evidence, ...] = ()


def needs_app(url: str) -> bool:
    """Whether the address opens only in an app (WeChat and the like), or is not a web address at all."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return True
    host = parts.hostname or ""
    return any(host == h or host.endswith("." + h) for h in APP_ONLY_HOSTS)


def judge_account(account: AccountSeen, rules: RuleSet, as_of: date) -> list[Finding]:
    """Age of the newest post against the local and veto rules; no interaction entry is a veto."""
    common = {"url": account.url, "target": account.name, "seen_at": account.seen_at,
              "evidence": list(account.evidence)}
    if not account.readable:
        detail = (f"政务新媒体账号“{account.name}”（{account.url}）需在手机应用中查看，自动检查无法读取，"
                  "请人工核查更新和互动情况。")
        return [make_finding("newmedia.not_updated", Severity.ADVISORY, detail,
                             title="政务新媒体账号需人工核查", **common)]
    limits = rules.interaction
    findings = []
    local, veto = age_cutoff(as_of, limits.newmedia_max_age), age_cutoff(as_of, limits.newmedia_veto_age)
    if account.newest is None or account.newest < local:
        days = f"，距{iso(as_of)}已{(as_of - account.newest).days}天" if account.newest else ""
        late = account.newest is None or account.newest < veto
        rule = limits.newmedia_veto_age if late else limits.newmedia_max_age
        detail = f"政务新媒体账号“{account.name}”最新发布{iso(account.newest)}{days}，超过{describe_age(rule)}未更新。"
        findings.append(make_finding("newmedia.not_updated", Severity.VETO if late else Severity.DEDUCTION,
                                     detail, **common))
    if not account.interaction:
        detail = f"政务新媒体账号“{account.name}”页面未见留言、评论或咨询等互动功能。"
        findings.append(make_finding("newmedia.no_interaction", Severity.VETO, detail, **common))
    return findings


def accounts_to_follow(payloads: Sequence[str], captions: dict[str, str],
                       declared: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """(name, url) of each decoded QR payload and each declared account with an address, once per address."""
    found: dict[str, tuple[str, str]] = {}
    for payload in payloads:
        found.setdefault(payload.rstrip("/"), (captions.get(payload, payload), payload))
    for name, url in declared:
        found.setdefault(url.rstrip("/"), (name, url))
    return list(found.values())


@dataclass
class AccountsObservation(Observation):
    """The accounts followed, one probe each (keyed by name): ``seen`` holds an :class:`AccountSeen`, ``absent``
    an account page that answered it is not there (a 4xx), ``failed`` one that did not load."""

    targets: list[tuple[str, str, str]] = field(default_factory=list)
    """(probe key, name, address) of every account followed, in order."""


def account_keys(targets: Sequence[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """Each (name, url) with its probe key: 新媒体账号“name”, the address added when two share a name."""
    keyed: list[tuple[str, str, str]] = []
    for name, url in targets:
        key = f"新媒体账号“{name}”"
        if any(key == earlier for earlier, _, _ in keyed):
            key = f"新媒体账号“{name}”（{url}）"
        keyed.append((key, name, url))
    return keyed


def judge_accounts(observation: AccountsObservation, rules: RuleSet, as_of: date,
                   seen_at: datetime) -> list[Finding]:
    """Findings of every account seen (a pure function); an account page that did not load makes none."""
    findings: list[Finding] = []
    for probe in observation.probes:
        if probe.status is not ProbeStatus.SEEN or probe.value is None:
            continue
        account: AccountSeen = probe.value
        if account.seen_at is None:
            account = replace(account, seen_at=probe.attempts[-1] if probe.attempts else seen_at)
        findings += judge_account(account, rules, as_of)
    return findings


class NewMediaAccountsCheck(ObservingFamily[AccountsObservation]):
    """Open each account the footer's QR codes or the suite point to; judge freshness and interaction."""

    name = "newmedia_accounts"
    label = "检查政务新媒体账号"
    indicators = ("newmedia.not_updated", "newmedia.no_interaction")

    async def observe(self, context: SiteContext) -> AccountsObservation:
        """Follow and read every account; app-only ones are marked for a person, with the QR evidence."""
        declared = [(f"{a.name} {a.platform}".strip(), a.url) for a in context.site.hints.newmedia if a.url]
        targets = account_keys(accounts_to_follow(context.outcome.qr_payloads, context.qr_captions, declared))
        if not targets:
            raise SkipCheck("页脚二维码未解出账号地址，场景也未申报账号地址，无账号可核查")
        probes = [await self._read(context, key, name, url) for key, name, url in targets]
        return AccountsObservation(probes, now(), targets=targets)

    async def observe_again(self, context: SiteContext, earlier: AccountsObservation) -> Observation:
        """Open again, in a fresh page load, the account pages that did not load."""
        retry = {probe.key for probe in earlier.failures()}
        probes = [await self._read(context, key, name, url) for key, name, url in earlier.targets if key in retry]
        return Observation(probes, now())

    def judge(self, observation: AccountsObservation, rules: RuleSet, as_of: date,
              seen_at: datetime) -> list[Finding]:
        """Freshness and interaction of every account seen."""
        return judge_accounts(observation, rules, as_of, seen_at)

    def note(self, observation: AccountsObservation) -> str:
        """Each account with its newest post, 需人工核查, or 无法打开."""
        notes = []
        for probe in observation.probes:
            name = next((n for key, n, _ in observation.targets if key == probe.key), probe.key)
            if probe.status is ProbeStatus.SEEN and probe.value is not None:
                account: AccountSeen = probe.value
                notes.append(f"{name}（{'最新' + iso(account.newest) if account.readable else '需人工核查'}）")
            elif probe.status is ProbeStatus.ABSENT:
                notes.append(f"{name}（无法打开：{probe.reason}，见二维码检查）")
        return "；".join(notes)

    async def _read(self, context: SiteContext, key: str, name: str, url: str) -> Probe:
        at = now()
        if needs_app(url):
            shots = await self._qr_evidence(context)
            return seen(key, AccountSeen(name, url, False, seen_at=at, evidence=tuple(shots)), url=url, at=at)
        context.step(f"新媒体账号：{name}")
        try:
            visit, snapshot = await context.visit(url, name)
        except PlaywrightError as error:
            LOG.warning("新媒体账号页面未能读取：%s", url, exc_info=True)
            first_line = str(error).splitlines()[0][:120] if str(error) else type(error).__name__
            return failed(key, f"页面未能读取：{first_line}", url=url, at=at)
        if failed_load(visit):
            reason = load_failure_reason(visit, context.settings.page_timeout_seconds)
            said = reason if reason.startswith("页面") else f"页面未能打开：{reason}"
            return failed(key, said, url=url, at=at,
                          evidence=await context.evidence().capture(None))
        if snapshot is None or not visit.ok:
            return absent(key, reason=f"HTTP {visit.status}" if visit.status else visit.error[:120], url=url, at=at)
        latest = _newest_post(snapshot, context)
        entry = next((row for group in snapshot.groups if group.region in ("main", "aside") for row in group.rows
                      if len(row.title) <= 8 and any(w in row.title for w in INTERACTION_WORDS)), None)
        account = AccountSeen(name, context.page.url, True, latest[0] if latest else None,
                              entry.title if entry else "", at)
        if judge_account(account, context.rules, context.as_of):
            anchor = (await _tag_text(context, latest[1]) if latest else "") or snapshot.main_anchor
            account = replace(account, evidence=tuple(await context.evidence().capture(anchor)))
        return seen(key, account, url=account.url, at=at, evidence=account.evidence)

    async def _qr_evidence(self, context: SiteContext) -> list[Evidence]:
        """The home page's footer (where the QR code is), boxed."""
        home = context.home
        if home is None or home.footer is None:
            return []
        try:
            _, snapshot = await context.visit(home.url, "首页")
        except PlaywrightError:
            LOG.warning("首页未能打开，二维码证据缺失：%s", home.url, exc_info=True)
            return []
        anchor = snapshot.footer.anchor if snapshot and snapshot.footer else ""
        return await context.evidence().capture(anchor)


_TAG_TEXT_JS = """(text) => {
  const all = [...document.querySelectorAll('body *')].filter(el => el.children.length === 0
    && (el.innerText || '').includes(text) && el.getBoundingClientRect().height > 0);
  if (!all.length) return '';
  const el = all[0].closest('li, tr, .item, p') || all[0];
  window.__gcSeq = (window.__gcSeq || 0) + 1;
  if (!el.hasAttribute('data-gc')) el.setAttribute('data-gc', 'n' + window.__gcSeq);
  return el.getAttribute('data-gc');
}"""


def _newest_post(snapshot: PageSnapshot, context: SiteContext) -> tuple[date, str] | None:
    """The newest date the page shows (list rows, else its text) not after as_of, with its printed text."""
    slack = context.rules.freshness.future_slack_days
    latest = newest(home_items(snapshot, context.as_of), context.as_of, slack)
    if latest and latest.date:
        return latest.date, latest.date_text
    limit = context.as_of + timedelta(days=slack)
    hits = [hit for hit in find_dates(snapshot.main_text, context.as_of) if hit.value and hit.value <= limit]
    best = max(hits, key=lambda hit: hit.value, default=None)  # type: ignore[arg-type, return-value]
    return (best.value, best.text) if best and best.value else None


async def _tag_text(context: SiteContext, text: str) -> str:
    """Tag the list row showing ``text`` (the newest date) for the evidence box."""
    try:
        return str(await context.page.evaluate(_TAG_TEXT_JS, text))
    except PlaywrightError:
        return ""

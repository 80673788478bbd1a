"""未添加政务新媒体二维码 and 二维码无法识别或失效: observe the footer QR images (decoded and followed), then judge.

A QR code is invalid only when it was *seen* to be: its image loaded and does not decode, its payload is
no usable address, or its target answered that it is not there (404, 410, 403…). An image or a target that
did not answer (timeout, reset, 5xx) is a failed look: it is looked at again (``settings.retest``) and, if it
still fails, is coverage (未能核查), never 二维码失效.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from checker.checks.findings import make_finding
from checker.context import SiteContext
from checker.discover import normalise_url
from checker.family import TRANSIENT_STATUSES, ObservingFamily, failed_load
from checker.netguard import active_guard, blocked_reason, explain_error, is_blocked_error, refused
from checker.observation import Observation, Probe, ProbeStatus, absent, attempts_text, failed, seen
from checker.observe import FooterImageSeen, PageSnapshot
from checker.qr import MAX_RATIO, MIN_RATIO, decode_data_uri, decode_qr, looks_like_qr_slot
from checker.results import Evidence, Finding, Severity
from checker.rules import RuleSet
from checker.runlog import LOG
from checker.scenario import NewMediaAccount
from checker.visit import PageEvidence, in_image_thread, now

MIN_IMAGE_SIDE = 24
_RENDERED_JS = "el => Boolean(el.complete && el.naturalWidth > 0)"


@dataclass(frozen=True)
class QrSeen:
    """A footer image that decodes as a QR code or is meant to be one, and what following it gave.

    ``target_status`` is the HTTP answer of the first payload's address (None: not followed, or not an
    http(s) address); ``unusable`` says why the payload is no address a phone could open; ``image_status``
    is the error status the image file itself answered (a 404 image cannot be scanned).
    """

    caption: str
    src: str
    payloads: tuple[str, ...]
    slot: bool
    target_status: int | None = None
    unusable: str = ""
    image_status: int | None = None
    seen_at: datetime | None = None
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How the finding names the code: its caption, else its image address."""
        return self.caption or self.src


@dataclass
class QrObservation(Observation):
    """The footer's QR codes, one probe per footer image that is (or may be) a QR code.

    A ``seen`` probe holds a :class:`QrSeen`; an ``absent`` one is an image that, once it loaded, proved to
    be no QR code; a ``failed`` one is an image or a target that did not answer (its value holds what was
    known: the caption, the payloads when they were decoded). ``footer_evidence`` is the boxed footer, taken
    when no QR code was seen in it; ``declared`` are the accounts the suite says the unit has (each must have
    its code in the footer).
    """

    url: str = ""
    footer_evidence: list[Evidence] = field(default_factory=list)
    declared: list[NewMediaAccount] = field(default_factory=list)
    images: list[tuple[str, FooterImageSeen]] = field(default_factory=list)
    """The footer images looked at, with their probe keys (a re-test looks at the same ones)."""


def _dead_target(code: QrSeen) -> bool:
    """Whether the target answered that it is not there (a 4xx that is no stumble)."""
    status = code.target_status
    return status is not None and status >= 400 and status not in TRANSIENT_STATUSES and status < 500


def invalid_detail(code: QrSeen) -> str:
    """Why a seen code is invalid (二维码无法识别或失效), or "" when it is fine."""
    if not code.payloads:
        image = f"图片返回 HTTP {code.image_status}，" if code.image_status else ""
        return f"页脚二维码“{code.label}”无法识别（{image}图片：{code.src[:200]}）。"
    if code.unusable:
        return f"页脚二维码“{code.label}”可识别，内容为 {code.payloads[0]}，但{code.unusable}。"
    if _dead_target(code):
        return (f"页脚二维码“{code.label}”可识别，内容为 {code.payloads[0]}，"
                f"但该地址无法打开（HTTP {code.target_status}）。")
    return ""


def judge_qr_probes(
    probes: Sequence[Probe], declared: Sequence[NewMediaAccount], *, url: str, footer_evidence: list[Evidence],
    seen_at: datetime,
) -> list[Finding]:
    """Findings for missing, undecodable and dead QR codes; a pure function of the probes.

    Only ``seen`` codes may be invalid. A failed probe makes no finding, and keeps 未添加二维码 from being
    said when it might be the code that is missing (an image whose file never loaded).
    """
    findings = []
    for probe in probes:
        if probe.status is not ProbeStatus.SEEN or probe.value is None:
            continue
        code: QrSeen = probe.value
        detail = invalid_detail(code)
        if not detail:
            continue
        if len(probe.attempts) > 1:
            detail += f"复测后确认（{attempts_text(probe)}）。"
        findings.append(make_finding("newmedia.qr_invalid", Severity.DEDUCTION, detail, url=url,
                                     target=code.label, seen_at=code.seen_at or _last(probe, seen_at),
                                     evidence=code.evidence))
    codes = [probe.value for probe in probes if probe.value is not None and _is_code(probe)]
    unknown = [probe for probe in probes if probe.failed and not (probe.value and probe.value.payloads)]
    if not codes and not unknown:
        findings.append(make_finding(
            "newmedia.qr_missing", Severity.DEDUCTION,
            "页脚未展示任何政务新媒体二维码（未找到可识别的二维码，也未找到二维码图片位）。",
            url=url, target="页脚", seen_at=seen_at, evidence=footer_evidence,
        ))
    for account in declared:
        if any(_matches(account, code) for code in codes) or unknown:
            continue
        findings.append(make_finding(
            "newmedia.qr_missing", Severity.DEDUCTION,
            f"单位申报的政务新媒体账号“{account.name}”（{account.platform or '平台未注明'}）未在页脚展示二维码。",
            url=url, target=account.name, seen_at=seen_at, evidence=footer_evidence,
        ))
    return findings


def _is_code(probe: Probe) -> bool:
    """Whether the probe is a QR code (seen, or failed after it decoded or while it is a QR slot)."""
    if probe.status is ProbeStatus.SEEN:
        return True
    return probe.failed and probe.value is not None and bool(probe.value.payloads or probe.value.slot)


def _last(probe: Probe, default: datetime) -> datetime:
    return probe.attempts[-1] if probe.attempts else default


def _matches(account: NewMediaAccount, code: QrSeen) -> bool:
    if account.url and any(payload.rstrip("/") == account.url.rstrip("/") for payload in code.payloads):
        return True
    return bool(account.name) and account.name in code.caption


def request_failure(error: str, timeout_seconds: float) -> str:
    """A Chinese reason for a request (Playwright's API request) that got no answer."""
    if is_blocked_error(error):
        return blocked_reason(error)
    lowered = error.lower()
    reasons = (
        (("econnreset", "socket hang up", "err_connection_reset"), "连接被重置"),
        (("timeout", "timed out", "etimedout"), f"{timeout_seconds:g}秒内无应答（超时）"),
        (("econnrefused", "err_connection_refused"), "连接被拒绝"),
        (("enotfound", "eai_again", "err_name_not_resolved"), "域名无法解析"),
        (("cert", "ssl", "tls"), "TLS 证书或握手错误"),
        (("redirect",), "重定向次数过多"),
        (("empty", "parse error", "hpe_"), "服务器未返回有效应答"),
    )
    for needles, reason in reasons:
        if any(needle in lowered for needle in needles):
            return reason
    first_line = error.strip().splitlines()[0] if error.strip() else "未知错误"
    return f"无法打开：{first_line[:160]}"


def _stumbled(status: int) -> bool:
    """An HTTP answer that says the server stumbled (a failed look), not that the thing is missing."""
    return status in TRANSIENT_STATUSES or status >= 500


@dataclass(frozen=True)
class _Fetched:
    """The image file as requested: its bytes, the error status it answered, or why it got no answer."""

    data: bytes | None = None
    status: int | None = None
    failure: str = ""


async def _image_file(page: Page, image: FooterImageSeen, timeout_seconds: float) -> _Fetched:
    if image.src.startswith("data:"):
        return _Fetched(decode_data_uri(image.src))
    try:
        response = await page.context.request.get(image.src, timeout=timeout_seconds * 1000)
        if response.ok:
            return _Fetched(await response.body())
        if _stumbled(response.status):
            return _Fetched(status=response.status, failure=f"HTTP {response.status}")
        return _Fetched(status=response.status)
    except PlaywrightError as error:
        LOG.info("页脚图片请求失败：%s", image.src[:200], exc_info=True)
        return _Fetched(failure=request_failure(str(error), timeout_seconds))


async def _rendered_payloads(page: Page, image: FooterImageSeen, timeout_seconds: float) -> tuple[bool, list[str]]:
    """Whether the image shows in the page, and what its pixels as rendered decode to (what a phone scans)."""
    locator = page.locator(f'[data-gc="{image.anchor}"]')
    try:
        shown = bool(await locator.evaluate(_RENDERED_JS, timeout=timeout_seconds * 1000))
        if not shown:
            return False, []
        return True, await in_image_thread(decode_qr, await locator.screenshot(timeout=timeout_seconds * 1000))
    except PlaywrightError:
        LOG.info("页脚图片截图失败：%s", image.src[:200], exc_info=True)
        return False, []


def _usable(payload: str) -> tuple[bool, str]:
    """Whether to follow the payload, and why it is no usable address ("" when it is one, or is an app link)."""
    try:
        parts = urlsplit(payload.strip())
    except ValueError:
        return False, "其内容不是有效的网址"
    if parts.scheme.lower() not in ("http", "https"):
        return False, ""  # an app link (weixin://…) or plain text: a person checks it, as before
    if not parts.hostname:
        return False, "其内容不是有效的网址（缺少主机名）"
    return True, ""


async def _follow(page: Page, payload: str, timeout_seconds: float) -> tuple[int | None, str]:
    """The HTTP status the payload's address answered, or why it gave no answer (a payload that points
    inside the network boundary is not requested at all)."""
    guard = active_guard()
    verdict = await guard.assess_url(payload) if guard else None
    if verdict is not None and refused(verdict):
        return None, verdict.reason
    since = time.monotonic()
    try:
        response = await page.context.request.get(payload, timeout=timeout_seconds * 1000, max_redirects=5)
        return response.status, ""
    except PlaywrightError as error:
        LOG.info("二维码指向的地址请求失败：%s", payload[:200], exc_info=True)
        return None, request_failure(explain_error(str(error), payload, since), timeout_seconds)


def image_key(image: FooterImageSeen, index: int) -> str:
    """The probe key of a footer image (页脚二维码“caption” for a QR slot, else 页脚图片“…”): stable between
    the first look and its re-tests."""
    name = image.caption or image.alt or (image.src if not image.src.startswith("data:") else "")
    kind = "页脚二维码" if _slot(image) else "页脚图片"
    return f"{kind}“{name[:80]}”" if name else f"{kind}（第{index + 1}张）"


def _slot(image: FooterImageSeen) -> bool:
    return looks_like_qr_slot(image.src, image.alt, f"{image.caption} {image.hints}", image.width, image.height)


class _Looker:
    """One look at footer images: fetch and decode the file (else the rendered pixels), follow the payload."""

    def __init__(self, context: SiteContext) -> None:
        self.page = context.page
        self.timeout = context.settings.page_timeout_seconds
        self.action_timeout = context.settings.action_timeout_seconds
        self.evidence: PageEvidence = context.evidence()

    async def look(self, key: str, image: FooterImageSeen) -> Probe | None:
        """The image's probe, or None when it is no QR code and not meant to be one."""
        at = now()
        slot = _slot(image)
        fetched = await _image_file(self.page, image, self.timeout)
        payloads = tuple(dict.fromkeys(await in_image_thread(decode_qr, fetched.data))) if fetched.data else ()
        shown = True
        if not payloads:
            shown, pixels = await _rendered_payloads(self.page, image, self.action_timeout)
            payloads = tuple(dict.fromkeys(pixels))
        code = QrSeen(image.caption, image.src, payloads, slot, image_status=fetched.status, seen_at=at)
        if not payloads:
            if fetched.failure and (slot or not shown):  # a broken image (0×0) may be a QR slot: look again
                return failed(key, f"图片未能加载：{fetched.failure}", url=image.src, at=at, value=code,
                              evidence=await self.evidence.capture(image.anchor))
            if not slot:
                return None
            code = replace(code, evidence=await self._box(image))  # the judge boxes the code it calls unreadable
            return seen(key, code, url=image.src, at=at, evidence=code.evidence)
        follow, unusable = _usable(payloads[0])
        code = replace(code, unusable=unusable)
        if follow:
            status, failure = await _follow(self.page, payloads[0], self.timeout)
            code = replace(code, target_status=status)
            if failure or (status is not None and _stumbled(status)):
                why = failure or f"HTTP {status}"
                reason = why if why.startswith("未访问") else f"指向的页面未能打开：{why}"  # refused: not opened
                return failed(key, reason, url=payloads[0], at=at, value=code,
                              evidence=await self.evidence.capture(image.anchor))
        if invalid_detail(code):
            code = replace(code, evidence=await self._box(image))
        return seen(key, code, url=payloads[0], at=at, evidence=code.evidence)

    async def _box(self, image: FooterImageSeen) -> list[Evidence]:
        return await self.evidence.capture(image.anchor)


def _squarish(image: FooterImageSeen) -> bool:
    return image.width > 0 and image.height > 0 and MIN_RATIO <= image.width / image.height <= MAX_RATIO


def footer_images(snapshot: PageSnapshot) -> list[tuple[str, FooterImageSeen]]:
    """The footer images big enough to be a QR code, each with its probe key."""
    if snapshot.footer is None:
        return []
    images = [image for image in snapshot.footer.images
              if image.src and min(image.width, image.height) >= MIN_IMAGE_SIDE]
    keys: list[str] = []
    for index, image in enumerate(images):
        key = image_key(image, index)
        keys.append(key if key not in keys else f"{key}（第{index + 1}张）")
    return list(zip(keys, images, strict=True))


def _publish(context: SiteContext, observation: Observation) -> None:
    """Hand the decoded payloads to the accounts family (which follows them), once each."""
    for probe in observation.probes:
        code = probe.value
        if code is None:
            continue
        context.outcome.qr_payloads += [p for p in code.payloads if p not in context.outcome.qr_payloads]
        context.qr_captions.update({p: code.label for p in code.payloads if p not in context.qr_captions})


class FooterQrCheck(ObservingFamily[QrObservation]):
    """未添加政务新媒体二维码 / 二维码无法识别或失效: decode the home footer's QR codes and follow them."""

    name = "newmedia_qr"
    label = "识别页脚二维码"
    indicators = ("newmedia.qr_missing", "newmedia.qr_invalid")

    async def observe(self, context: SiteContext) -> QrObservation:
        """Decode and follow every footer image that is or may be a QR code; box the footer when none is.

        The footer is read on the home page in the browser tab (opened again when the tab is elsewhere, so
        the images can be photographed). A footer that shows no QR code at all is read once more on a fresh
        load of the home page before 未添加二维码 may be said: a home page read while its server stumbled
        may have shown a footer cut short.
        """
        home = context.require_home()
        if not _showing(context, home):
            home = await _reopen_home(context) or home
        observation = await self._look_at(context, home)
        if not any(_is_code(probe) for probe in observation.probes) and not observation.failures():
            fresh = await _reopen_home(context)
            if fresh is not None:
                kept = observation.footer_evidence if _same_footer(home, fresh) else []
                observation = await self._look_at(context, fresh, kept)
        _publish(context, observation)
        return observation

    async def _look_at(self, context: SiteContext, home: PageSnapshot,
                       footer_evidence: Sequence[Evidence] = ()) -> QrObservation:
        """One look at the footer's images; ``footer_evidence``: a photograph of this same footer already
        taken (on the first read of the home page), used instead of taking another."""
        looker = _Looker(context)
        images = footer_images(home)
        probes = [probe for key, image in images if (probe := await looker.look(key, image))]
        observation = QrObservation(probes, now(), url=context.page.url, declared=list(context.site.hints.newmedia),
                                    images=images)
        if home.footer is not None and not any(_is_code(probe) for probe in probes):
            observation.footer_evidence = list(footer_evidence) or await looker.evidence.capture(home.footer.anchor)
        return observation

    async def observe_again(self, context: SiteContext, earlier: QrObservation) -> Observation:
        """Look again, with fresh requests, at the images and targets that did not answer."""
        looker = _Looker(context)
        retry = {probe.key for probe in earlier.failures()}
        probes: list[Probe] = []
        for key, image in earlier.images:
            if key in retry:
                probe = await looker.look(key, image)
                probes.append(probe or absent(key, reason="不是二维码", url=image.src, at=now()))
        again = Observation(probes, now())
        _publish(context, again)
        return again

    def judge(self, observation: QrObservation, rules: RuleSet, as_of: date, seen_at: datetime) -> list[Finding]:
        """Invalid codes among those seen; missing codes when nothing that might be one failed to load."""
        return judge_qr_probes(observation.probes, observation.declared, url=observation.url,
                               footer_evidence=observation.footer_evidence, seen_at=seen_at)

    def note(self, observation: QrObservation) -> str:
        """How many QR codes the footer shows."""
        return f"页脚二维码{sum(_is_code(probe) for probe in observation.probes)}个"


def _same_footer(first: PageSnapshot, again: PageSnapshot) -> bool:
    """Whether two reads of the home page show the same footer (its text and images): a photograph of the
    first then shows what the second saw. A first read cut short by a stumbling server differs."""
    if first.footer is None or again.footer is None:
        return False

    def images(snapshot: PageSnapshot) -> list[tuple[str, float, float]]:
        assert snapshot.footer is not None
        return [(image.src, image.width, image.height) for image in snapshot.footer.images]

    return first.footer.text == again.footer.text and images(first) == images(again)


def _showing(context: SiteContext, home: PageSnapshot) -> bool:
    """Whether the browser tab shows the page the home snapshot was read from."""
    return normalise_url(context.page.url) == normalise_url(home.url)


async def _reopen_home(context: SiteContext) -> PageSnapshot | None:
    """The home page loaded afresh in the browser tab, or None when it did not open (the earlier read stands)."""
    home = context.require_home()
    try:
        visit, snapshot = await context.visit(home.url, "首页")
    except PlaywrightError:
        LOG.warning("首页重新打开失败：%s", home.url, exc_info=True)
        return None
    if failed_load(visit) or snapshot is None:
        LOG.info("首页重新打开未成功（%s %s），沿用先前读取的页脚", visit.status, visit.error)
        return None
    return snapshot

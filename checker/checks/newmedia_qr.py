"""未添加政务新媒体二维码 and 二维码无法识别或失效: judge the footer QR images as decoded and followed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from checker.checks.findings import make_finding
from checker.context import SiteContext
from checker.observe import FooterImageSeen, PageSnapshot
from checker.qr import decode_data_uri, decode_qr, looks_like_qr_slot
from checker.results import Evidence, Finding, Severity
from checker.scenario import NewMediaAccount
from checker.visit import PageEvidence, now

MIN_IMAGE_SIDE = 24


@dataclass(frozen=True)
class QrSeen:
    """A footer image that decodes as a QR code or is meant to be one, and what following it gave."""

    caption: str
    src: str
    payloads: tuple[str, ...]
    slot: bool
    target_status: int | None = None
    target_error: str = ""
    seen_at: datetime | None = None
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How the finding names the code: its caption, else its image address."""
        return self.caption or self.src


def _follow_failed(seen: QrSeen) -> bool:
    return bool(seen.target_error) or (seen.target_status is not None and seen.target_status >= 400)


def judge_qr(
    codes: Sequence[QrSeen], declared: Sequence[NewMediaAccount], *, url: str, footer_evidence: list[Evidence],
    seen_at: datetime | None,
) -> list[Finding]:
    """Findings for missing, undecodable and dead QR codes; declared accounts must appear among them."""
    findings = []
    for seen in codes:
        if not seen.payloads:
            detail = f"页脚二维码“{seen.label}”无法识别（图片：{seen.src[:200]}）。"
        elif _follow_failed(seen):
            outcome = f"HTTP {seen.target_status}" if seen.target_status else seen.target_error
            detail = f"页脚二维码“{seen.label}”可识别，内容为 {seen.payloads[0]}，但该地址无法打开（{outcome}）。"
        else:
            continue
        findings.append(make_finding("newmedia.qr_invalid", Severity.DEDUCTION, detail, url=url,
                                     target=seen.label, seen_at=seen.seen_at, evidence=seen.evidence))
    if not codes:
        findings.append(make_finding(
            "newmedia.qr_missing", Severity.DEDUCTION,
            "页脚未展示任何政务新媒体二维码（未找到可识别的二维码，也未找到二维码图片位）。",
            url=url, target="页脚", seen_at=seen_at, evidence=footer_evidence,
        ))
    for account in declared:
        if not any(_matches(account, seen) for seen in codes):
            findings.append(make_finding(
                "newmedia.qr_missing", Severity.DEDUCTION,
                f"单位申报的政务新媒体账号“{account.name}”（{account.platform or '平台未注明'}）未在页脚展示二维码。",
                url=url, target=account.name, seen_at=seen_at, evidence=footer_evidence,
            ))
    return findings


def _matches(account: NewMediaAccount, seen: QrSeen) -> bool:
    if account.url and any(payload.rstrip("/") == account.url.rstrip("/") for payload in seen.payloads):
        return True
    return bool(account.name) and account.name in seen.caption


async def _image_bytes(page: Page, image: FooterImageSeen, timeout_seconds: float) -> bytes | None:
    if image.src.startswith("data:"):
        return decode_data_uri(image.src)
    try:
        response = await page.context.request.get(image.src, timeout=timeout_seconds * 1000)
        return await response.body() if response.ok else None
    except PlaywrightError:
        return None


async def _decode(page: Page, image: FooterImageSeen, timeout_seconds: float) -> tuple[str, ...]:
    """Decode the image file itself; failing that, the pixels as rendered (what a phone would scan)."""
    data = await _image_bytes(page, image, timeout_seconds)
    payloads = decode_qr(data) if data else []
    if not payloads:
        try:
            shot = await page.locator(f'[data-gc="{image.anchor}"]').screenshot(timeout=5_000)
            payloads = decode_qr(shot)
        except PlaywrightError:
            payloads = []
    return tuple(dict.fromkeys(payloads))


async def _follow(page: Page, payload: str, timeout_seconds: float) -> tuple[int | None, str]:
    if not payload.startswith(("http://", "https://")):
        return None, ""
    try:
        response = await page.context.request.get(payload, timeout=timeout_seconds * 1000, max_redirects=5)
        return response.status, ""
    except PlaywrightError as error:
        return None, (str(error).splitlines() or ["无法打开"])[0][:160]


async def observe_qr(
    page: Page, snapshot: PageSnapshot, evidence: PageEvidence, timeout_seconds: float
) -> list[QrSeen]:
    """Every footer image that decodes as a QR code or is a QR slot, decoded, followed and evidenced."""
    if snapshot.footer is None:
        return []
    seen = []
    for image in snapshot.footer.images:
        if not image.src or min(image.width, image.height) < MIN_IMAGE_SIDE:
            continue
        payloads = await _decode(page, image, timeout_seconds)
        slot = looks_like_qr_slot(image.src, image.alt, f"{image.caption} {image.hints}", image.width, image.height)
        if not payloads and not slot:
            continue
        status, error = await _follow(page, payloads[0], timeout_seconds) if payloads else (None, "")
        code = QrSeen(image.caption, image.src, payloads, slot, status, error, now())
        if not payloads or _follow_failed(code):
            code = replace(code, evidence=await evidence.capture(image.anchor))
        seen.append(code)
    return seen


class FooterQrCheck:
    """未添加政务新媒体二维码 / 二维码无法识别或失效: decode the home footer's QR codes and follow them."""

    name = "newmedia_qr"
    label = "识别页脚二维码"
    indicators = ("newmedia.qr_missing", "newmedia.qr_invalid")

    async def run(self, context: SiteContext) -> str:
        """Decode, follow and judge the QR codes of the home page footer."""
        home = context.require_home()
        evidence = context.evidence()
        codes = await observe_qr(context.page, home, evidence, context.rules.availability.timeout_seconds)
        for code in codes:
            context.outcome.qr_payloads += [p for p in code.payloads if p not in context.outcome.qr_payloads]
            context.qr_captions.update({p: code.label for p in code.payloads if p not in context.qr_captions})
        footer_evidence = await evidence.capture(home.footer.anchor) if not codes and home.footer else []
        context.add(judge_qr(codes, context.site.hints.newmedia, url=context.page.url,
                             footer_evidence=footer_evidence, seen_at=now()))
        return f"页脚二维码{len(codes)}个"

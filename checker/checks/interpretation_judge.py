"""文件与解读未关联 and 解读形式单一: pair files with their 解读 and judge the links and the forms (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from checker.checks.findings import make_finding
from checker.checks.policy_judge import Evidenced, PolicyFile
from checker.discover import normalise_url
from checker.htmlpage import MEDIA_FILE, ParsedPage
from checker.results import Finding, Severity

RICH_TITLE = re.compile(r"图解|一图读懂|一图看懂|图说|动漫|动画|漫画|视频|音频|微视频|新闻发布会|发布会|H5|长图")
_NAMED = re.compile(r"《([^》]{4,80})》")
_NOISE = re.compile(r"关于|印发|的通知|的意见|政策解读|解读|图解|一图读懂|问答|《|》|[\s，,。：:（）()]")


@dataclass(frozen=True)
class Interpretation:
    """A 解读 as read from its column list and its page."""

    title: str
    url: str
    column: str
    listed: date | None
    page: ParsedPage | None
    seen_at: datetime | None = None
    unread: bool = False
    """True when its page failed to load (after the re-tests): its form is unknown, not text only."""


@dataclass(frozen=True)
class Pairing:
    """A file and its 解读, the rule that paired them, and which way the links go."""

    file: PolicyFile
    interpretation: Interpretation
    rule: str
    file_links: bool
    back_links: bool


def book(title: str) -> str:
    """A title in 《》 unless it already starts with one (《…》政策解读 stays as it is)."""
    return title if title.startswith("《") else f"《{title}》"


def _links_to(page: ParsedPage | None, url: str) -> bool:
    target = normalise_url(url)
    return page is not None and any(normalise_url(link.href) == target for link in page.links)


def _bigrams(text: str) -> set[str]:
    bare = _NOISE.sub("", text)
    return {bare[i:i + 2] for i in range(len(bare) - 1)}


def title_similarity(file_title: str, interpretation_title: str) -> float:
    """How much of the 解读's title (without 解读/图解/关于/的通知 …) is in the file's title, 0 … 1."""
    named = _NAMED.findall(interpretation_title)
    if any(_NOISE.sub("", name) and _NOISE.sub("", name) in _NOISE.sub("", file_title) for name in named):
        return 1.0
    mine, theirs = _bigrams(interpretation_title), _bigrams(file_title)
    return len(mine & theirs) / len(mine) if mine else 0.0


def pair(files: Sequence[PolicyFile], interpretations: Sequence[Interpretation], threshold: float) -> list[Pairing]:
    """Pair each 解读 with one file: by an explicit link either way first, then by title similarity."""
    pairings = []
    for reading in interpretations:
        linked = [f for f in files if _links_to(f.page, reading.url) or _links_to(reading.page, f.url)]
        if linked:
            file, rule = linked[0], "页面之间的链接"
        else:
            scored = sorted(((title_similarity(f.title, reading.title), f) for f in files), key=lambda p: -p[0])
            if not scored or scored[0][0] < threshold:
                continue
            file = scored[0][1]
            rule = f"标题相似（相似度{scored[0][0]:.2f}，阈值{threshold:.2f}）"
        pairings.append(Pairing(file, reading, rule, _links_to(file.page, reading.url),
                                _links_to(reading.page, file.url)))
    return pairings


def judge_links(pairings: Sequence[Pairing]) -> list[Evidenced]:
    """文件与解读未关联: each side of a pair whose page does not link to the other, naming both pages."""
    out = []
    for pairing in pairings:
        file, reading = pairing.file, pairing.interpretation
        if file.page is None or reading.page is None:
            continue
        both = (f"文件{book(file.title)}（{file.url}）与解读{book(reading.title)}（{reading.url}），"
                f"配对依据：{pairing.rule}")
        sides = []
        if not pairing.file_links:
            sides.append(("文件页面未链接到其解读", file.url, file.title, file.seen_at))
        if not pairing.back_links:
            sides.append(("解读页面未链接回原文件", reading.url, reading.title, reading.seen_at))
        for what, url, needle, seen_at in sides:
            detail = f"{what}：{both}。文件与解读应相互链接。"
            finding = make_finding("interpretation.not_linked", Severity.DEDUCTION, detail, url=url,
                                   target=file.title, seen_at=seen_at)
            out.append(Evidenced(finding, url, needle))
    return out


def rich_form(reading: Interpretation) -> str:
    """The rich form of a 解读 (视频/音频 player, media file, 图解 title …), or '' for text only."""
    match = RICH_TITLE.search(reading.title)
    if match:
        return f"标题含“{match.group(0)}”"
    page = reading.page
    if page is None:
        return ""
    if page.media:
        return f"页面含音视频（{page.media[0][:80]}）"
    if any(MEDIA_FILE.search(link.href) for link in page.links):
        return "页面含音视频文件链接"
    return ""


def judge_rich_format(
    readings: Sequence[Interpretation], start: date, end: date, *, column: str, url: str,
    seen_at: datetime | None,
) -> Finding | None:
    """解读形式单一: no 解读 dated within [start, end] in a rich form (press conference, audio/video, 图解).

    Not concluded while an in-window 解读 whose page failed to load (``unread``) might be the rich one.
    """
    in_window = [r for r in readings if r.listed and start <= r.listed <= end]
    if any(rich_form(r) for r in in_window) or any(r.unread for r in in_window):
        return None
    if in_window:
        names = "、".join(f"{book(r.title)}（{r.listed}）" for r in in_window[:5])
        seen = f"期间{len(in_window)}条解读均为纯文字：{names}"
    else:
        seen = "期间没有发布解读"
    detail = (
        f"检查期 {start.isoformat()} 至 {end.isoformat()}，{seen}；应至少有一条以新闻发布会、音视频或图解动漫"
        f"等形式发布的解读。"
    )
    return make_finding("interpretation.no_rich_format", Severity.DEDUCTION, detail, url=url, target=column,
                        seen_at=seen_at)

"""What a 整改通知 says, independent of format: the rows of problems per unit, and the document settings.

Pure functions of results.json, shared by the .docx and .html notices and the 通报.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from checker.catalogue import indicator
from checker.results import ColumnRecord, Evidence, Finding, RunResult, Severity, SiteResult
from checker.rulecite import rule_of
from checker.rules import COLUMN_CLASS_NAMES, ColumnClass
from checker.scenario import SITE_KIND_NAMES

DEFAULT_DEADLINE = "自收到本通知之日起15个工作日内"
DEFAULT_ISSUER = "政府网站与政务新媒体检查工作组"
DEFAULT_REQUIREMENTS = (
    "各单位要对照本通报指出的问题，逐项核实、立即整改，整改情况于15个工作日内报送检查工作组。",
    "各单位要落实网站与政务新媒体日常监测和内容保障责任，建立栏目更新台账，杜绝“不更新”“空白栏目”等问题反复出现。",
    "检查工作组将对本次发现的问题进行复查，对整改不到位的单位予以再次通报。",
)


COLUMN_VERDICT_NAMES = {
    "stale": "超期未更新", "undated": "无日期", "empty": "空白栏目", "unread": "未能读取",
    "fresh": "正常", "static_ok": "静态页面", "": "未判定",
}
COLUMN_PATH_SEPARATOR = " › "
ANNEX_TITLE = "附件：栏目清单"


@dataclass(frozen=True)
class DocumentSettings:
    """Settings of the documents that are not in the results: deadline, issuer, date, requirements text."""

    deadline: str = DEFAULT_DEADLINE
    issuer: str = DEFAULT_ISSUER
    issued_on: date | None = None
    requirements: tuple[str, ...] = DEFAULT_REQUIREMENTS


@dataclass(frozen=True)
class NoticeRow:
    """One problem of a notice: 问题类别, 问题描述, 页面地址, 发现时间, 依据 and the screenshot to show."""

    category: str
    description: str
    url: str
    finding: Finding
    rule: str
    screenshot: Evidence | None


@dataclass
class UnitNotice:
    """Everything one unit's notice lists: its sites and their problems."""

    unit: str
    sites: list[SiteResult] = field(default_factory=list)
    rows: list[tuple[SiteResult, NoticeRow]] = field(default_factory=list)
    advisories: list[tuple[SiteResult, NoticeRow]] = field(default_factory=list)
    """Findings that cost no points (未使用HTTPS …): listed apart as 提示事项, for the unit to know."""


ADVISORY_HEADING = "提示事项"
ADVISORY_LEAD = "以下事项不扣分，不影响检查结论，请一并关注："


def advisory_line(site: SiteResult, row: NoticeRow, several: bool) -> str:
    """One 提示事项 as a sentence: 【网站】类别：描述（页面地址）."""
    where = f"（{row.url}）" if row.url else ""
    return f"{f'【{site.name}】' if several else ''}{row.category}：{row.description}{where}"


@dataclass(frozen=True)
class ColumnAnnex:
    """One site's part of 附件：栏目清单: its columns with problems, and how many were checked and unread."""

    site: SiteResult
    problems: list[ColumnRecord]
    total: int
    unread: int
    unjudged: int

    def tally(self) -> str:
        """共检查栏目N个，其中存在问题x个（超期未更新a个、无日期b个、空白栏目c个），未能读取d个。"""
        kinds = "、".join(
            f"{COLUMN_VERDICT_NAMES[verdict]}{count}个" for verdict in ColumnRecord.PROBLEMS
            if (count := sum(c.verdict == verdict for c in self.problems))
        )
        text = f"共检查栏目{self.total}个，其中存在问题{len(self.problems)}个" + (f"（{kinds}）" if kinds else "")
        text += f"，未能读取{self.unread}个"
        if self.unjudged:
            text += f"，未判定{self.unjudged}个"
        return text + "。"


def column_annexes(notice: UnitNotice) -> list[ColumnAnnex]:
    """附件：栏目清单 of a unit's notice: one part per site that has column records, problems in walk order."""
    return [
        ColumnAnnex(
            site=site,
            problems=[c for c in site.columns if c.problem],
            total=len(site.columns),
            unread=sum(c.verdict == "unread" for c in site.columns),
            unjudged=sum(c.verdict == "" for c in site.columns),
        )
        for site in notice.sites if site.columns
    ]


def column_path(column: ColumnRecord) -> str:
    """首页 › 政务公开 › 规划计划: the link texts clicked from the home page, or — when not recorded."""
    return COLUMN_PATH_SEPARATOR.join(["首页", *column.path]) if column.path else "—"


def column_class_name(value: str) -> str:
    """动态要闻类 and the like for a column class; an unknown class is shown as written."""
    try:
        return COLUMN_CLASS_NAMES[ColumnClass(value)]
    except (ValueError, KeyError):
        return value


def column_verdict_name(verdict: str) -> str:
    """超期未更新 and the like for a column verdict; an unknown verdict is shown as written."""
    return COLUMN_VERDICT_NAMES.get(verdict, verdict)


def _screenshot(evidence: list[Evidence]) -> Evidence | None:
    images = [item for item in evidence if item.path.lower().endswith((".png", ".jpg", ".jpeg"))]
    crops = [item for item in images if item.role == "element"]
    return (crops or images or [None])[0]


def subject_of(finding: Finding) -> str:
    """The finding's target quoted for a sentence (“教育动态”), or '' when it is a URL or the title says it; a
    target that carries its own quotes (附件“申报表.docx”) is not quoted again."""
    target = finding.target
    if not target or target.startswith(("http://", "https://")) or target in finding.title:
        return ""
    return target if "“" in target else f"“{target}”"


def notice_row(finding: Finding) -> NoticeRow:
    """The notice's view of one finding."""
    name = indicator(finding.indicator).name
    category = name + ("（单项否决）" if finding.severity is Severity.VETO else "")
    description = f"{subject_of(finding)}{finding.title}：{finding.detail}"
    return NoticeRow(category, description, finding.url, finding, rule_of(finding), _screenshot(finding.evidence))


def counted(finding: Finding) -> bool:
    """Whether a finding goes into notices and the 通报 (vetoes and deductions, not advisories)."""
    return finding.severity is not Severity.ADVISORY


def unit_notices(result: RunResult) -> list[UnitNotice]:
    """One notice per unit that has at least one counted finding, in the suite's order; its advisory findings
    come with it as 提示事项."""
    notices: dict[str, UnitNotice] = {}
    for site in result.sites:
        rows = [(site, notice_row(f)) for f in site.findings if counted(f)]
        if not rows:
            continue
        notice = notices.setdefault(site.unit, UnitNotice(site.unit))
        notice.sites.append(site)
        notice.rows.extend(rows)
        notice.advisories.extend((site, notice_row(f)) for f in site.findings if not counted(f))
    return list(notices.values())


def opening(result: RunResult) -> str:
    """The notice's first paragraph: which check, when, by which rules."""
    return (f"根据“{result.suite}”工作安排，于{check_period(result)}对你单位的政府网站及政务新媒体进行了检查"
            f"（监测时间点 {result.as_of:%Y年%m月%d日}，检查依据：{result.rule_set or '国家指标'}）。"
            "现将发现的问题通知如下，请认真整改。")


def closing(settings: DocumentSettings) -> tuple[str, str]:
    """The notice's closing paragraphs: the deadline, and how the screenshots can be verified."""
    return (f"请你单位{settings.deadline}完成上述问题的整改，逐条说明整改情况并附整改后的页面截图，报送检查单位。"
            "对确因客观原因无法按期整改的，应书面说明原因和计划完成时间。",
            "截图为检查时留存的原始证据，其 SHA-256 校验值记录在检查结果的证据清单（manifest.json）中，"
            "可用 govcheck verify 核验。")


def kind_name(kind: str) -> str:
    """Chinese name of a site kind (门户网站 …); an unknown kind is shown as written."""
    names = {key.value: value for key, value in SITE_KIND_NAMES.items()}
    return names.get(kind, kind)


def check_period(result: RunResult) -> str:
    """检查期 wording: the window when given, else the monitoring point."""
    if result.window_start and result.window_end:
        return f"{result.window_start:%Y年%m月%d日}至{result.window_end:%Y年%m月%d日}"
    return f"{result.as_of:%Y年%m月%d日}"


def issue_day(result: RunResult, settings: DocumentSettings) -> str:
    """The date printed under the issuer: the setting, else the day the run finished."""
    day = settings.issued_on or result.finished_at.date()
    return f"{day.year}年{day.month}月{day.day}日"


def safe_file_name(text: str) -> str:
    """A unit name usable as a file name on Windows and Linux."""
    cleaned = "".join("_" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in text).strip(" .")
    return cleaned[:80] or "单位"

"""Column (栏目) names → update-rule classes, and "this page is empty" placeholders (pure).

Spot checks judge a column by its class: 动态/要闻 must be updated within 2 weeks, 通知公告/政策文件 within
6 months, 人事/规划计划 within a year, and static pages (机构概况, 办事指南) only must not be blank. Real
portals name the same column in many ways, so the class is read from keywords in the visible name. A suite
can still override any column's class; this module only gives the default.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from checker.dates import find_dates
from checker.rules import ColumnClass

_D, _N, _Y, _S = ColumnClass.DYNAMIC, ColumnClass.NOTICE, ColumnClass.YEARLY, ColumnClass.STATIC

# (keyword, class). The LONGEST keyword found in the name wins; among keywords of equal length, the one
# listed first wins. Length settles the known conflicts: 统计公报 (yearly) beats 公报 (notice), 领导活动
# (dynamic) beats 领导 (static), 人事信息 beats 人事 (both yearly), 规划计划 beats 计划. 信息 alone is not a
# keyword on purpose: 领导信息, 人事信息 and 政府信息公开 are all different classes. The short keywords
# come in the class order DYNAMIC, NOTICE, YEARLY, STATIC, so a tie such as 人事动态 reads as dynamic.
COLUMN_KEYWORDS: tuple[tuple[str, ColumnClass], ...] = (
    # 8 and more characters
    ("政府信息公开指南", _S), ("政府信息公开制度", _S),
    # 4–6 characters: compounds that must beat a shorter keyword inside them
    ("信息公开年报", _Y), ("政府工作报告", _Y), ("规范性文件", _N),
    ("人事任免", _Y), ("人事信息", _Y), ("规划计划", _Y), ("发展规划", _Y), ("财政预决算", _Y),
    ("财政资金", _Y), ("统计数据", _Y), ("统计公报", _Y), ("统计信息", _Y), ("年度报告", _Y),
    ("工作总结", _Y), ("领导活动", _D), ("领导动态", _D), ("领导讲话", _D), ("图片新闻", _D),
    ("视频新闻", _D),
    ("工作动态", _D), ("政务动态", _D), ("部门动态", _D), ("镇街动态", _D), ("区县动态", _D),
    ("通知公告", _N), ("公示公告", _N), ("政策文件", _N), ("政策法规", _N), ("政策解读", _N),
    ("机构概况", _S), ("机构职能", _S), ("机构设置", _S), ("内设机构", _S), ("领导信息", _S),
    ("领导之窗", _S), ("领导简介", _S), ("领导分工", _S), ("办事指南", _S), ("联系我们", _S),
    ("信息公开制度", _S), ("信息公开指南", _S),
    # 2–3 characters, by class
    ("要闻", _D), ("动态", _D), ("新闻", _D), ("资讯", _D), ("热点", _D), ("快讯", _D), ("头条", _D),
    ("活动", _D), ("联播", _D), ("播报", _D),
    ("公告", _N), ("通知", _N), ("公示", _N), ("政策", _N), ("文件", _N), ("法规", _N), ("规章", _N),
    ("解读", _N), ("公报", _N), ("招标", _N), ("采购", _N), ("招聘", _N), ("招考", _N),
    ("人事", _Y), ("任免", _Y), ("规划", _Y), ("计划", _Y), ("预决算", _Y), ("预算", _Y), ("决算", _Y),
    ("统计", _Y), ("年报", _Y),
    ("概况", _S), ("简介", _S), ("走进", _S), ("职能", _S), ("职责", _S), ("领导", _S), ("指南", _S),
)

# Links every portal has that are not content columns (navigation, accessibility, account, tools).
# 联系我们 is deliberately NOT here: it is a static page that must not be blank (STATIC above).
_NOT_COLUMNS_EXACT = frozenset({
    "首页", "网站首页", "返回首页", "主页", "网站地图", "站点地图", "设为首页", "加入收藏", "收藏本站",
    "繁体", "简体", "繁體", "繁体版", "简体版", "手机版", "移动版", "搜索", "站内搜索", "高级搜索",
    "登录", "注册", "退出", "网站帮助", "帮助", "隐私声明", "隐私申明", "版权声明", "网站声明", "免责声明",
    "关于我们", "关于本网", "上一页", "下一页", "尾页", "打印", "关闭", "关闭窗口", "分享",
    "更多", "纠错", "网站纠错", "我要纠错",
})
_NOT_COLUMNS_CONTAINED = ("无障碍", "长者", "关怀版", "适老", "读屏", "登录", "注册")
_MAX_COLUMN_NAME = 20
# Only used to ask "is there a date in this text at all?": any fixed day works, no clock is read.
_ANY_DAY = date(2000, 1, 1)

_DECORATION = " \t\r\n\u3000\xa0>»›<«‹+＋·•|｜【】[]()（）〔〕{}:：-—_/\\■□●○◆◇▪▶►★☆"
_MORE = re.compile(r"^(?:更多|more|MORE|More)|(?:更多|more|MORE|More)$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def clean_column_name(text: str) -> str:
    """The bare name of a column from its visible text: no spaces, 更多/more, >>, brackets or bullets.

    Sites pad names with full-width spaces (要　　闻) and decorate them (【通知公告】, 工作动态 更多>>).
    """
    name = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    previous = None
    while previous != name:
        previous = name
        name = _MORE.sub("", name.strip(_DECORATION))
    return name


def _is_not_a_column(name: str) -> bool:
    """Whether a cleaned name is navigation/tooling, an article title or a dated item, not a column."""
    if not name or len(name) > _MAX_COLUMN_NAME or not _CJK.search(name):
        return True
    if name in _NOT_COLUMNS_EXACT or any(word in name for word in _NOT_COLUMNS_CONTAINED):
        return True
    return bool(find_dates(name, _ANY_DAY))


def classify_column(name: str) -> ColumnClass | None:
    """The update-rule class of a column from its visible name, or None when it is not a content column.

    None covers navigation and tools (首页, 网站地图, 无障碍, 登录 …), text without Chinese (English, RSS),
    texts longer than 20 characters (article titles) and texts holding a date. A column whose name has no
    keyword (专项工作, 在线访谈) is STATIC: no update rule is assumed, but it still must not be blank, and
    a suite can give it a class.
    """
    cleaned = clean_column_name(name)
    if _is_not_a_column(cleaned):
        return None
    best: tuple[int, ColumnClass] | None = None
    for keyword, column_class in COLUMN_KEYWORDS:
        if keyword in cleaned and (best is None or len(keyword) > best[0]):
            best = (len(keyword), column_class)
    return best[1] if best else ColumnClass.STATIC


# Phrases a site shows instead of content. One counts only as a piece of text of its own (between spaces,
# line breaks or punctuation), optionally after a subject (本栏目, 该栏目, 信息, 内容 …): "栏目建设中" is a
# placeholder, "政府网站建设中存在的问题" (a title) is not.
_PLACEHOLDER_SUBJECT = (
    r"(?:(?:本|该|此|当前|这个)?(?:栏目|页面|频道|专栏|网站|板块|版块|分类|目录|专题|网页|页)(?:下|中|内)?的?)?"
    r"(?:相关)?(?:信息|内容|数据|资料|文章|页面)?"
)
_PLACEHOLDER_CORE = (
    r"(?:暂|尚|暂时|目前|当前)(?:无|没有|未有)(?:相关|任何|可显示的|可供显示的)?"
    r"(?:信息|内容|数据|记录|文章|新闻|公告|通知|文件|结果|资料|条目|信息发布)?"
    r"|(?:暂|尚)未(?:发布|公开|上传|更新|录入)(?:相关|任何)?(?:信息|内容|数据)?"
    r"|(?:没有|无)(?:相关|任何)(?:信息|内容|数据|记录|结果|文章)?(?:可显示|可供显示)?"
    r"|(?:没有|无)(?:信息|内容|数据|记录|结果|文章)(?:可显示|可供显示)?"
    r"|(?:没有|未|无法)(?:找到|查询到|查到|检索到|搜索到)(?:相关|任何|符合条件的|您要的)?"
    r"(?:信息|内容|数据|记录|结果|文章)?"
    r"|(?:查询|搜索|检索)(?:无|没有|不到)(?:相关|任何)?(?:结果|记录|数据|信息)|(?:查询|搜索|检索)结果为空"
    r"|正在(?:加紧)?(?:建设|整理|完善|更新|维护|筹建|制作|录入|开发|升级|上传)中?"
    r"|(?:建设|整理|完善|更新|维护|筹建|制作|录入|开发|升级|上传)中"
    r"|敬请期待|共0条(?:记录|信息|数据)?|0条记录"
)
_PLACEHOLDER_PIECE = re.compile(
    rf"(?:{_PLACEHOLDER_SUBJECT}(?:{_PLACEHOLDER_CORE}))+(?:哦|啦|呢|了|敬请期待|请稍后(?:访问|再来|查看)?)?"
)
# Where a page's text breaks into pieces: spaces (text nodes are joined by spaces) and punctuation.
_PIECE_BREAK = re.compile(r"[\s,.;:!?()\[\]<>|/\\…·•、，。；：！？（）【】《》〈〉「」“”‘’>»›«‹—–\-~～*#]+")
# "共 0 条 记录" as one piece, before the text is cut at its spaces.
_ZERO_COUNT = re.compile(r"共\s*0\s*(?:条|篇|项)(?:\s*(记录|信息|数据))?")
_PLACEHOLDER_MAX_CHARS = 60


def _meaningful(text: str) -> str:
    """Letters, digits and CJK characters only: what a reader would count as content."""
    normalised = unicodedata.normalize("NFKC", text)
    return "".join(char for char in normalised if unicodedata.category(char)[0] in "LN")


def _pieces(text: str) -> list[str]:
    """The text cut at spaces and punctuation, each piece reduced to its letters and digits."""
    normalised = _ZERO_COUNT.sub(lambda m: "共0条" + (m.group(1) or ""), unicodedata.normalize("NFKC", text))
    return [piece for piece in (_meaningful(part) for part in _PIECE_BREAK.split(normalised)) if piece]


def _is_placeholder_piece(piece: str) -> bool:
    """Whether one piece of text (no spaces or punctuation) is nothing but a placeholder phrase."""
    return bool(_PLACEHOLDER_PIECE.fullmatch(_meaningful(piece)))


def is_placeholder(text: str) -> bool:
    """Whether a page or list body says it is empty (暂无信息, 栏目建设中, 信息整理中, 敬请期待, 查询无结果 …).

    The phrase must stand as a piece of its own (a line, a text node, a clause between punctuation), so
    a title that merely contains 建设中 does not count; what else a short page shows (a breadcrumb, the
    column's name, an empty pager) does not matter. Only short texts count (fewer than 60 letters/digits)
    and none with a date in it: an article that mentions 暂无, or a dated list, is content. An empty text is
    not a placeholder: "no items at all" is the caller's finding, with its own wording.
    """
    meaningful = _meaningful(text)
    if not meaningful or len(meaningful) >= _PLACEHOLDER_MAX_CHARS:
        return False
    if find_dates(unicodedata.normalize("NFKC", text), _ANY_DAY):
        return False
    return any(_is_placeholder_piece(piece) for piece in _pieces(text))

"""Body text of demo articles that the content files do not spell out, by genre.

The text is plain, credible boilerplate of the kind Chinese government sites publish; it is picked
deterministically from the title so every run renders the same pages.
"""

from __future__ import annotations

import re
import zlib
from datetime import date


def cn_date(day: date) -> str:
    """``2020年11月5日`` (no zero padding, as in official documents)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _pick(options: list[str], title: str) -> str:
    return options[zlib.crc32(title.encode("utf-8")) % len(options)]


def _topic(title: str) -> str:
    match = re.search(r"关于(.+?)的(通知|公告|通告|意见)$", title)
    return match.group(1) if match else title


_NEWS_MIDDLE = [
    "会议指出，要深入贯彻落实党中央、国务院和省委、省政府决策部署，坚持稳中求进工作总基调，"
    "统筹推进疫情防控和经济社会发展，确保完成全年目标任务。",
    "据了解，此项工作自今年以来稳步推进，各相关部门密切配合，累计投入资金和人力均超过往年同期水平，"
    "取得了阶段性成效，得到群众广泛好评。",
    "活动现场气氛热烈，参与群众纷纷表示，通过活动进一步增强了获得感和幸福感，希望此类活动能够常态化开展。",
]
_NEWS_END = [
    "下一步，各地各部门将进一步压实工作责任，加强协调配合，以钉钉子精神抓好各项任务落实，"
    "为示例市经济社会高质量发展作出积极贡献。",
    "有关负责人表示，将持续跟踪工作进展，及时总结推广经验做法，推动各项措施落地见效。",
]


def _news(title: str, day: date, unit: str) -> list[str]:
    return [f"{cn_date(day)}，{title}。", _pick(_NEWS_MIDDLE, title), _pick(_NEWS_END, title[::-1])]


def _notice(title: str, day: date, unit: str) -> list[str]:
    return [
        "各有关单位：",
        f"根据工作安排，现就{_topic(title)}有关事项通知如下：",
        "一、请各单位高度重视，明确责任分工，认真组织实施，按要求做好相关工作。",
        "二、请于规定时间内将有关材料报送主管部门，逾期不予受理。",
        "三、联系人及电话详见附件说明，如有疑问请在工作时间咨询。",
        f">> {unit}",
        f">> {cn_date(day)}",
    ]


def _policy(title: str, day: date, unit: str) -> list[str]:
    match = re.search(r"印发(.+)的通知", title)
    if unit == "示例市人民政府":
        lead = "各县（市、区）人民政府，市政府各部门、各直属机构："
    else:
        lead = "各县（市、区）有关部门，局（委）属各单位："
    if match:
        body = f"现将《{match.group(1)}》印发给你们，请认真贯彻执行。执行过程中遇到的问题，请径向有关部门反映。"
    else:
        body = f"为进一步做好{_topic(title)}工作，经市人民政府同意，现提出如下要求，请认真贯彻落实。"
    return [
        lead,
        body,
        "一、总体要求",
        "坚持以人民为中心的发展思想，聚焦群众关切，完善制度机制，提升治理水平。",
        "二、主要任务",
        "明确职责分工，强化督促检查，确保各项措施落到实处。",
        f">> {unit}",
        f">> {cn_date(day)}",
    ]


def _interpretation(title: str, day: date, unit: str) -> list[str]:
    return [
        "一、起草背景",
        "为贯彻落实国家和省有关决策部署，结合示例市实际，有关部门在深入调研、广泛征求意见的基础上起草了该文件。",
        "二、主要内容",
        "文件共分为总体要求、重点任务、保障措施三个部分，明确了工作目标、责任分工和时间节点。",
        "三、政策亮点",
        "一是突出问题导向，回应群众和企业关切；二是注重可操作性，细化各项措施；三是强化落实保障，建立督办机制。",
    ]


def _personnel(title: str, day: date, unit: str) -> list[str]:
    name = title.split("关于")[-1].split("等同志")[0] if "等同志" in title else "有关同志"
    return [
        f"经{unit}研究决定：",
        f"任命{name}为示例市发展和改革局副局长；",
        "免去王晓东的示例市统计局副局长职务。",
        "以上人员任职时间自发文之日起计算。",
    ]


def _plan(title: str, day: date, unit: str) -> list[str]:
    return [
        f"{title}经示例市人民代表大会审议批准，现予公布。",
        "一、发展基础：经济运行总体平稳，产业结构持续优化，民生保障不断加强。",
        "二、主要目标：地区生产总值保持稳定增长，城乡居民收入与经济增长基本同步。",
        "三、重点任务：推进产业转型升级，加强基础设施建设，提升公共服务水平。",
    ]


def _finance(title: str, day: date, unit: str) -> list[str]:
    return [
        f"根据《中华人民共和国预算法》有关规定，现将{title}公开如下：",
        "一、一般公共预算收支情况",
        "二、政府性基金预算收支情况",
        "三、国有资本经营预算收支情况",
        "四、“三公”经费预决算情况说明",
        "如需了解详细数据，请到示例市财政局政务公开窗口查阅。",
    ]


def _report(title: str, day: date, unit: str) -> list[str]:
    return [
        "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制。",
        "一、总体情况：全年主动公开政府信息4862条，受理政府信息公开申请126件，均按期答复。",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
    ]


_GENRES = {
    "news": _news,
    "notice": _notice,
    "policy": _policy,
    "interpretation": _interpretation,
    "personnel": _personnel,
    "plan": _plan,
    "finance": _finance,
    "report": _report,
}


def article_body(genre: str, title: str, day: date, unit: str) -> list[str]:
    """Paragraphs of an article's body for its column genre (news, notice, policy …)."""
    return _GENRES.get(genre, _news)(title, day, unit)

"""The metadata block of a policy file (索引号 / 发布机构 / 文号 / 成文日期 / 发布日期 / 有效期) and 文号 shapes.

Sites print the block as a table (label cell, value cell), a list of ``<p><strong>文号</strong>：无</p>``
or inline text; :func:`read_meta` reads all three from the text lines of :mod:`checker.htmlpage`, where
table cells are separated by tabs. Files often state their validity only in a sentence of the body
("本办法自2018年1月1日起施行，有效期2年"): :func:`body_validity` reads it, conservatively. Pure: no I/O,
dates through :mod:`checker.dates`.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from checker.dates import FoundDate, find_dates

# 江府办函〔2020〕216号, 粤府〔2019〕12号, 国办秘函[2019]19号, 示府(2020)8号, 金罚决字〔2024〕36号; not 2007年第23号.
DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fffA-Za-z]{1,12}\s*[〔\[［(（【]\s*(?:19|20)\d\d\s*[〕\]］)）】]\s*(?:第\s*)?\d{1,5}\s*号"
)
_LABELS = {
    "index_no": ("索引号", "索 引 号"),
    "publisher": ("发布机构", "发文机关", "发文机构", "发文单位"),
    "doc_number": ("文号", "发文字号", "文　　号", "文 号"),
    "written": ("成文日期", "成文时间"),
    "published": ("发布日期", "发布时间", "公开日期"),
    "valid": ("有效期至", "有效期", "施行至", "废止日期", "失效日期"),
    "status": ("时效性", "时效", "效力状态", "效力", "有效性"),
}
_LABEL_ALTS = sorted((label for labels in _LABELS.values() for label in labels), key=len, reverse=True)
_LABEL = re.compile(
    r"(?:^|(?<=[\t ：:]))([\u4e00-\u9fff]{0,8}?)(" + "|".join(map(re.escape, _LABEL_ALTS)) + r")\s*[:：]?"
)
_NONE_VALUES = re.compile(r"^(?:无|暂无|空|/|-+|—+|null|none)$", re.IGNORECASE)
INVALID_MARK = re.compile(r"已经?失效|已经?废止|[【\[（(](?:失效|废止)[】\]）)]")
_KIND_BY_LABEL = {label: kind for kind, labels in _LABELS.items() for label in labels}


@dataclass(frozen=True)
class DocMeta:
    """What a file's page says about itself; a field is '' when the page does not say it."""

    index_no: str = ""
    publisher: str = ""
    doc_number_raw: str = ""
    doc_number_label: bool = False
    written: date | None = None
    published: date | None = None
    valid_text: str = ""
    valid_until: date | None = None
    status: str = ""
    has_block: bool = False

    @property
    def doc_number(self) -> str:
        """The 文号 when the page shows one in a recognised shape ("文号：无" is none)."""
        match = DOC_NUMBER.search(self.doc_number_raw)
        return match.group(0) if match else ""


def _pairs(line: str) -> list[tuple[str, str]]:
    """(label kind, value) pairs in one line: a value runs to the next label or the end of the line."""
    found = [m for m in _LABEL.finditer(line) if not m.group(1) or m.group(1).endswith(("决定书", "文件"))]
    pairs = []
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(line)
        value = line[match.end():end].strip(" \t：:")
        pairs.append((_KIND_BY_LABEL[match.group(2)], value.split("\t")[0].strip()))
    return pairs


def _value_below(lines: tuple[str, ...] | list[str], index: int, kind: str) -> str:
    """A label alone on its line: its value is on the next line, or (a 文号 column head) a few rows down."""
    following = [line.split("\t")[0].strip() for line in lines[index + 1:index + 9]]
    if not following or _pairs(lines[index + 1]):
        return ""
    if kind != "doc_number" or DOC_NUMBER.search(following[0]) or _NONE_VALUES.match(following[0]):
        return following[0]
    return next((line for line in following if DOC_NUMBER.fullmatch(line)), "")


def read_meta(lines: tuple[str, ...] | list[str], as_of: date) -> DocMeta:
    """Read the metadata block from a page's text lines (the first non-empty value of each label wins)."""
    values: dict[str, str] = {}
    for index, line in enumerate(lines):
        pairs = _pairs(line)
        for position, (kind, value) in enumerate(pairs):
            if not value and position == len(pairs) - 1:
                value = _value_below(lines, index, kind)
            if not values.get(kind):
                values[kind] = value
    def first_date(text: str) -> date | None:
        """The first date written in a value, or None."""
        found = find_dates(text, as_of)
        return found[0].value if found else None

    valid = values.get("valid", "")
    written, published = first_date(values.get("written", "")), first_date(values.get("published", ""))
    return DocMeta(
        index_no=values.get("index_no", ""),
        publisher=values.get("publisher", ""),
        doc_number_raw=values.get("doc_number", ""),
        doc_number_label="doc_number" in values,
        written=written,
        published=published,
        valid_text=valid,
        valid_until=_valid_until(valid, as_of, written, published),
        status=values.get("status", ""),
        has_block=len(values) >= 2,
    )


def _valid_until(valid: str, as_of: date, written: date | None, published: date | None) -> date | None:
    """The last day in force an info bar's 有效期 value gives: the last date of "2017年4月1日至2020年3月31日".

    A value that is a sentence ("本办法自2019年1月1日起施行，有效期5年", "自2017年4月1日起施行") is read as
    one (:func:`body_validity`): its first date is a start, not an end.
    """
    if _VALIDITY.search(valid) or _COMMENCES.search(valid):
        stated = body_validity([valid], written=written, published=published)
        return stated.until if stated else None
    until = find_dates(valid, as_of)
    return until[-1].value if until else None


def doc_number_in(text: str) -> str:
    """A 文号 written anywhere in a text (a heading, a title), or ''."""
    match = DOC_NUMBER.search(text)
    return match.group(0) if match else ""


def subtitle_doc_number(lines: tuple[str, ...] | list[str]) -> str:
    """A 文号 printed as a line of its own under the heading ("（浙金罚决字〔2024〕52号）"), or ''.

    Only a line that is nothing but a 文号 counts: body text citing another file's 文号 does not.
    """
    for line in lines:
        bare = line.strip(" （）()【】[]")
        if len(bare) <= 30 and DOC_NUMBER.fullmatch(bare):
            return bare
    return ""


def is_marked_invalid(*texts: str) -> bool:
    """Whether any of the texts marks the file as no longer in force (已失效 / 已废止 / 失效 …)."""
    return any(INVALID_MARK.search(text) or text.strip() in ("失效", "废止", "已失效", "已废止") for text in texts)


_REPEAL = re.compile(r"《([^》]{4,80})》[^。；;《]{0,40}?(?:同时|予以|自行|即行)?废止")


def repealed_titles(text: str) -> list[str]:
    """The names of documents a text says it repeals ("《…管理办法》同时废止")."""
    return [match.group(1) for match in _REPEAL.finditer(text)]


_EXTENDED = re.compile(
    r"《([^》]{4,80})》[^。；;《]{0,30}?有效期[^。；;《]{0,10}?(?:延长|顺延|延续)"
    r"|(?:延长|顺延|延续)《([^》]{4,80})》[^。；;《]{0,10}?有效期"
)


def extended_titles(text: str) -> list[str]:
    """The names of documents whose validity a text extends ("《…办法》有效期延长至…", "延长《…》有效期")."""
    return [match.group(1) or match.group(2) for match in _EXTENDED.finditer(text)]


# ---- Validity stated in a file's body ("本办法自2018年1月1日起施行，有效期2年") --------------------------

# One character for one, so offsets in the normalised text are offsets in the original.
_BODY_WIDTH = str.maketrans("０１２３４５６７８９：　", "0123456789: ")
# The file speaking of itself: 本办法, 本规定, 本通知, 本实施细则, 本若干措施, 本政策措施 ...
_SELF = (
    r"本(?:实施|暂行|试行|管理|若干|补充|工作|行动|指导|专项)?"
    r"(?:办法|规定|通知|意见|细则|方案|文件|政策|决定|规划|计划|措施|规则|制度|指引|公告)+"
)
_OPENS_WITH_SELF = re.compile(_SELF)
_SELF_SUBJECT = re.compile(rf"(?:{_SELF})的?(?:执行|实施|施行|试行)?")
# A sentence's numbering: 第二十条, 二十、, （二十）, 20. / 20、
_NUMBERING = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+条|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]"
    r"|\d+[.、．](?!\d))\s*"
)
_ISSUED_WRITTEN = ("印发", "下发", "发文", "签发", "制发")
_ISSUED_PUBLISHED = ("发布", "公布", "颁布")
# The file's commencement as a clause of its own: "本办法自2018年1月1日起施行", "自印发之日起施行".
_EFFECT = re.compile(
    rf"^(?:{_SELF})?的?(?:自|从|于)?\s*"
    r"(?P<when>(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日"
    rf"|(?:公开)?(?:{'|'.join(_ISSUED_WRITTEN + _ISSUED_PUBLISHED)}))"
    r"\s*(?:之日)?\s*起?\s*(?:开始)?\s*(?:正式)?(?:施行|实施|执行|生效|试行)[。；;！!]?$"
)
# A commencement this module cannot date ("自印发之日起30日后施行"): then no start is guessed.
_COMMENCES = re.compile(r"起\S{0,8}?(?:施行|实施|执行|生效|试行)|(?:施行|实施|生效)(?:日期|时间)")
_VALIDITY = re.compile(r"有效期(?:限)?")
_CONNECTOR = re.compile(r"(?:延长|顺延)?(?:为|是|暂定为?|定为)?\s*:?\s*")
_UNTIL_WORD = re.compile(r"(?:至|到|截止到?|截至)\s*")
_RANGE_WORD = re.compile(r"\s*起?\s*(?:至|到|—|－|-|~|～)\s*")
_TERM = re.compile(r"(?P<n>\d{1,2}|[一二两三四五六七八九十]{1,3})\s*(?P<unit>年|个月)")
_SENTENCE_END = re.compile(r"(?<=[。；;！!])|\t")
_CLAUSE_BREAK = re.compile(r"[，,]")
# A sentence at the end of the file that opens with 有效期 is the file's own unless the text before it is about
# a licence, a permit or a certificate.
_END_SENTENCES = 6
_LICENCE = re.compile(r"证|执照|许可|资质|资格|备案|登记|合同|协议")
_CN_NUMBER = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# Only dates written with their year are read; this day only settles month-days, which are not used.
_NO_CLOCK = date(2000, 1, 1)


@dataclass(frozen=True)
class BodyValidity:
    """A file's validity as a sentence of its body states it.

    ``until`` is the last day in force; ``sentence`` quotes the sentence it came from and ``phrase`` the
    validity words in it (for boxing). For a term ("有效期2年") ``start`` is the first day, ``term`` the
    term as written and ``start_from`` where the start came from ("2018年1月1日起施行", "成文日期" …).
    """

    until: date
    sentence: str
    phrase: str
    start: date | None = None
    term: str = ""
    start_from: str = ""


@dataclass(frozen=True)
class _Sentence:
    """A sentence of the body: as written (to quote), and normalised with its numbering cut off (to read).

    ``text`` and ``norm`` have the same offsets; ``quote`` is the sentence with its numbering (第二十条 …).
    """

    quote: str
    text: str
    norm: str
    whole_line: bool = False

    @property
    def is_the_files(self) -> bool:
        """Whether the file speaks of itself here: it opens with 本办法 … or with the file's commencement."""
        return bool(_OPENS_WITH_SELF.match(self.norm) or _EFFECT.match(_CLAUSE_BREAK.split(self.norm)[0]))


@dataclass(frozen=True)
class _Stated:
    """What follows 有效期: an end date (with its start when a range is given) or a term in months."""

    end: int
    until: date | None = None
    start: date | None = None
    months: int = 0
    term: str = ""


def _sentences(lines: Sequence[str]) -> list[_Sentence]:
    """The body cut into sentences (at 。；！ and between table cells), numbering such as 第二十条 cut off."""
    out = []
    for line in lines:
        parts = [part.strip() for part in _SENTENCE_END.split(line) if part.strip()]
        for part in parts:
            numbering = _NUMBERING.match(part.translate(_BODY_WIDTH))
            text = part[numbering.end():] if numbering else part
            if text:
                out.append(_Sentence(part, text, text.translate(_BODY_WIDTH), len(parts) == 1))
    return out


def _count(text: str) -> int:
    """2, 两, 五, 十, 十二, 二十 → the number (0 when it is not one)."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        if (tens and tens not in _CN_NUMBER) or (units and units not in _CN_NUMBER):
            return 0
        return (_CN_NUMBER[tens] if tens else 1) * 10 + (_CN_NUMBER[units] if units else 0)
    return _CN_NUMBER.get(text, 0) if len(text) == 1 else 0


def _end_of_term(start: date, months: int) -> date:
    """The last day of a term of ``months`` from ``start``: the day before the same date that many months on.

    When that date does not exist (29 February in a common year) the term runs to the end of its month.
    """
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    last = monthrange(year, month)[1]
    if start.day > last:
        return date(year, month, last)
    return date(year, month, start.day) - timedelta(days=1)


def _dated(text: str) -> list[FoundDate]:
    """The dates written with their year in a text."""
    return [found for found in find_dates(text, _NO_CLOCK) if found.has_year]


def _stated(rest: str) -> _Stated | None:
    """Read what follows 有效期: "至2020年12月31日", "为2017年4月1日至2020年3月31日", "为两年", "6个月"."""
    connector = _CONNECTOR.match(rest)
    at = connector.end() if connector else 0
    until_word = _UNTIL_WORD.match(rest, at)
    if until_word:
        dated = [found for found in _dated(rest) if found.start == until_word.end()]
        return _Stated(dated[0].end, until=dated[0].value) if dated else None
    term = _TERM.match(rest, at)
    if term:
        count = _count(term.group("n"))
        months = count * 12 if term.group("unit") == "年" else count
        return _Stated(term.end(), months=months, term=term.group(0).replace(" ", "")) if count else None
    at += 1 if rest[at:at + 1] in ("自", "从") else 0
    dated = _dated(rest)
    first = next((found for found in dated if found.start == at), None)
    link = _RANGE_WORD.match(rest, first.end) if first else None
    last = next((found for found in dated if link and found.start == link.end()), None)
    return _Stated(last.end, until=last.value, start=first.value) if first and last else None


def _own_validity(sentences: list[_Sentence], index: int, position: int) -> bool:
    """Whether the 有效期 at ``position`` of a sentence is the file's own, not a licence's or a permit's.

    The words before it in its clause must be the file naming itself (本办法, 本规定的 …), or nothing in
    a sentence the file speaks and that names no licence ("本办法自…起施行，有效期2年", "自印发之日起施行，
    有效期3年"); when 有效期
    opens the sentence, the sentence before must be the file's, or it must be a line of its own among the
    last sentences of the file, not after words about a licence.
    """
    sentence = sentences[index]
    clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(sentence.norm, 0, position)), default=0)
    before = sentence.norm[clause_start:position].strip()
    if before:
        return bool(_SELF_SUBJECT.fullmatch(before))
    if clause_start:
        return sentence.is_the_files and not _LICENCE.search(sentence.norm[:position])
    if index > 0 and sentences[index - 1].is_the_files:
        return True
    at_end = index >= len(sentences) - _END_SENTENCES and sentence.whole_line
    return at_end and not (index > 0 and _LICENCE.search(sentences[index - 1].norm))


def _commencements(sentence: _Sentence, upto: int | None = None) -> list[str]:
    """The commencement words (a date, 印发 …) of the clauses of a sentence the file speaks."""
    if not sentence.is_the_files:
        return []
    clauses = _CLAUSE_BREAK.split(sentence.norm[:upto])
    return [match.group("when") for clause in clauses if (match := _EFFECT.match(clause.strip()))]


def _start_of(when: str, written: date | None, published: date | None) -> tuple[date | None, str]:
    """The day a commencement names: its date, or 成文日期 for 印发之日 and 发布日期 for 发布之日."""
    dated = _dated(when)
    if dated:
        return dated[0].value, f"{when}起施行"
    issued = [(written, "成文日期"), (published, "发布日期")]
    if any(word in when for word in _ISSUED_PUBLISHED) and not any(word in when for word in _ISSUED_WRITTEN):
        issued.reverse()
    return next(((day, source) for day, source in issued if day), (None, ""))


def _term_start(sentences: list[_Sentence], index: int, position: int, written: date | None,
                published: date | None) -> tuple[date | None, str]:
    """The first day of a term, and where it came from.

    The commencement stated in the same sentence wins, then the one in the sentence before, then the
    latest the file states anywhere (a later start is the safer guess). A file stating none starts on
    the later of 成文日期 and 发布日期; one whose commencement cannot be dated gives no start at all.
    """
    whens = _commencements(sentences[index], position)
    if not whens and position == 0 and index:
        whens = _commencements(sentences[index - 1])
    whens = whens or [when for sentence in sentences for when in _commencements(sentence)]
    if whens:
        starts = [_start_of(when, written, published) for when in whens]
    elif any(sentence.is_the_files and _COMMENCES.search(sentence.norm) for sentence in sentences):
        return None, ""
    else:
        starts = [(published, "发布日期"), (written, "成文日期")]
    dated = [(day, source) for day, source in starts if day is not None]
    return max(dated, key=lambda found: found[0]) if dated else (None, "")


def body_validity(lines: Sequence[str], *, written: date | None = None,
                  published: date | None = None) -> BodyValidity | None:
    """The validity a file's body states for the file itself, or None (pure; no clock).

    Reads "有效期至2020年12月31日", "有效期为2017年4月1日至2020年3月31日", "本办法自2018年1月1日起施行，
    有效期2年" (the term ends the day before the same date 2 years on), "自印发之日起施行，有效期3年"
    (the term starts on ``written``, the 成文日期, else ``published``), "本通知有效期为两年", "有效期限为
    5年", "有效期延长至…". Only the file's own validity counts: the words before 有效期 must be the file
    naming itself (本办法, 本规定 …), or nothing in a sentence the file speaks (opening with 本办法 … or
    with its commencement); 有效期内, 有效期满前30日申请延续, 证件有效期, a permit's 有效期 do not. Where
    in doubt it says nothing: of several statements the latest end wins, and a commencement it cannot
    date gives no term.
    """
    sentences = _sentences(lines)
    found: list[BodyValidity] = []
    for index, sentence in enumerate(sentences):
        for match in _VALIDITY.finditer(sentence.norm):
            stated = _stated(sentence.norm[match.end():])
            if stated is None or not _own_validity(sentences, index, match.start()):
                continue
            until, start, source = stated.until, stated.start, ""
            if stated.months:
                start, source = _term_start(sentences, index, match.start(), written, published)
                until = _end_of_term(start, stated.months) if start else None
            if until is not None:
                phrase = sentence.text[match.start():match.end() + stated.end]
                found.append(BodyValidity(until, sentence.quote, phrase, start, stated.term, source))
    return max(found, key=lambda validity: validity.until, default=None)

"""The typo lexicon (错别字词表): the built-in data file plus what a suite adds, and matching it on text.

Each entry is a wrong form, its right form, words around a hit that make it correct after all (台风登陆
is right, 登陆系统 is not) and whether it is a serious wording error (veto). Pure: no I/O but reading
the package's own data file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

CONTEXT_CHARS = 40


class TypoEntry(BaseModel):
    """One lexicon entry: a wrong form and the right one (suite key ``typos``)."""

    model_config = ConfigDict(extra="forbid")
    wrong: str = Field(min_length=2)
    right: str = Field(min_length=1)
    unless: list[str] = Field(default_factory=list)
    serious: bool = False


@cache
def builtin_lexicon() -> tuple[TypoEntry, ...]:
    """The lexicon shipped in ``checker/data/typos.yaml``."""
    text = resources.files("checker").joinpath("data/typos.yaml").read_text(encoding="utf-8")
    return tuple(TypeAdapter(list[TypoEntry]).validate_python(yaml.safe_load(text)))


def lexicon(extra: list[TypoEntry] | tuple[TypoEntry, ...] = ()) -> tuple[TypoEntry, ...]:
    """The built-in lexicon with a suite's entries; a suite entry replaces a built-in one of the same form."""
    added = {entry.wrong for entry in extra}
    return (*[e for e in builtin_lexicon() if e.wrong not in added], *extra)


@dataclass(frozen=True)
class TypoHit:
    """A wrong form found in a text, with the sentence around it."""

    entry: TypoEntry
    start: int
    sentence: str


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end], cut to CONTEXT_CHARS either side."""
    left = max(text.rfind(mark, 0, start) for mark in "。！？\n；") + 1
    rights = [i for i in (text.find(mark, end) for mark in "。！？\n；") if i >= 0]
    right = min(rights) + 1 if rights else len(text)
    return text[max(left, start - CONTEXT_CHARS):min(right, end + CONTEXT_CHARS)].strip()


def find_typos(text: str, entries: tuple[TypoEntry, ...]) -> list[TypoHit]:
    """Every lexicon hit in a text, in order; a hit inside one of the entry's ``unless`` words is not one."""
    hits = []
    for entry in entries:
        start = text.find(entry.wrong)
        while start >= 0:
            end = start + len(entry.wrong)
            window = text[max(0, start - 8):end + 8]
            if not any(word in window for word in entry.unless):
                hits.append(TypoHit(entry, start, _sentence(text, start, end)))
            start = text.find(entry.wrong, end)
    return sorted(hits, key=lambda hit: hit.start)

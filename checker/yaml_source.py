"""YAML files a person writes (scenarios, rule schemes): parsed with the line of every key, and their
validation errors told in Chinese as ``file:line: key: problem``.

The bottom of the configuration layer: :mod:`checker.scenario` and :mod:`checker.schemes` both read their
files through it, so neither needs the other to report a mistake.
"""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

LineMap = dict[tuple[Any, ...], int]
"""The 1-based line of every key and list item, by its path from the document's top (``()`` is the top)."""


class ScenarioError(Exception):
    """A scenario or scheme file that cannot be used; the message names the file and, where known, the line."""


_MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "不认识的键（请检查拼写）",
    "date_from_datetime_parsing": "日期无效，应为 YYYY-MM-DD",
    "date_parsing": "日期无效，应为 YYYY-MM-DD",
    "date_type": "日期无效，应为 YYYY-MM-DD",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "string_type": "应为文本",
    "list_type": "应为列表",
    "dict_type": "应为键值映射",
    "model_type": "应为键值映射",
    "int_parsing": "应为整数",
    "float_parsing": "应为数字",
    "too_short": "不能为空",
    "greater_than": "数值过小",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
}


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so pydantic reports a bad date with its line."""


_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _line_map(loader: _LineLoader, node: yaml.Node, path: tuple[Any, ...], lines: LineMap) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _line_map(loader, value_node, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(loader, item, (*path, index), lines)


def parse_yaml(text: str, source: str) -> tuple[Any, LineMap]:
    """The document in ``text`` and the line of each of its keys; an empty file or bad YAML raises
    :class:`ScenarioError` naming ``source`` (and the line)."""
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError(f"{source}: 文件为空")
        data = loader.construct_document(node)
        lines: LineMap = {}
        _line_map(loader, node, (), lines)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{source}:{mark.line + 1}" if mark else source
        raise ScenarioError(f"{where}: YAML 语法错误：{error.problem or error}") from None
    finally:
        loader.dispose()
    return data, lines


def format_errors(error: ValidationError, lines: LineMap, source: str) -> str:
    """One Chinese line per validation error, ``source:line: dotted.key: problem`` (the nearest known line)."""
    messages = []
    for item in error.errors():
        loc = tuple(item["loc"])
        line = None
        for cut in range(len(loc), -1, -1):
            if loc[:cut] in lines:
                line = lines[loc[:cut]]
                break
        dotted = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
        text = _MESSAGES.get(item["type"], item["msg"])
        if item["type"] in ("value_error", "assertion_error"):
            text = str(item.get("ctx", {}).get("error", item["msg"]))
        elif item["type"] in ("enum", "literal_error") and item.get("ctx", {}).get("expected"):
            allowed = str(item["ctx"]["expected"]).replace(" or ", "、").replace(", ", "、")
            text += f"（可选：{allowed}）"
        where = f"{source}:{line}" if line else source
        messages.append(f"{where}: {dotted or '(顶层)'}: {text}")
    return "\n".join(messages)

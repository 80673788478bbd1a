"""Rule schemes as data: the national scheme and local ones, named by a suite as ``rules: {scheme: NAME}``.

A scheme file (``checker/data/schemes/NAME.yaml``, or a path relative to the scenario file) holds the same
keys as a suite's ``rules:``; it is validated on its own, so a mistake in it is reported with the scheme
file's name and line. The suite's own ``rules:`` keys then override the scheme's, nested maps key by key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from checker.rules import RuleSet
from checker.yaml_source import LineMap, ScenarioError, format_errors, parse_yaml

SCHEME_DIR = Path(__file__).parent / "data" / "schemes"


def scheme_names() -> list[str]:
    """The bundled schemes' names (file names without ``.yaml``)."""
    return sorted(path.stem for path in SCHEME_DIR.glob("*.yaml"))


def scheme_path(name: str, scenario_dir: Path) -> Path | None:
    """Where a scheme lives: a bundled name, or a .yaml path relative to the scenario's folder."""
    if name.endswith((".yaml", ".yml")):
        path = Path(name) if Path(name).is_absolute() else scenario_dir / name
    else:
        path = SCHEME_DIR / f"{name}.yaml"
    return path if path.is_file() else None


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` on top of ``base``: nested maps merged key by key, anything else replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_scheme_data(path: Path) -> dict[str, Any]:
    """Read and validate a scheme file; errors raise ScenarioError naming the scheme file and line."""
    data, lines = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}:1: 检查方案的顶层应为键值映射（name、deductions 等）")
    try:
        RuleSet.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(format_errors(error, lines, str(path))) from None
    return data


def apply_scheme(data: dict[str, Any], lines: LineMap, source: str) -> dict[str, Any]:
    """The suite data with ``rules.scheme`` replaced by the scheme's rules under the suite's own overrides."""
    rules = data.get("rules")
    if not isinstance(rules, dict) or "scheme" not in rules:
        return data
    name = rules["scheme"]
    where = f"{source}:{lines.get(('rules', 'scheme'), 1)}"
    if not isinstance(name, str) or not name.strip():
        raise ScenarioError(f"{where}: rules.scheme: 应为检查方案名称或 .yaml 文件路径")
    path = scheme_path(name.strip(), Path(source).parent)
    if path is None:
        raise ScenarioError(f"{where}: rules.scheme: 找不到检查方案 {name!r}（内置方案：{'、'.join(scheme_names())}）")
    own = {key: value for key, value in rules.items() if key != "scheme"}
    return {**data, "rules": merge(load_scheme_data(path), own)}

"""Splitting a suite across machines and joining the pieces: ``govcheck run --shard K/N`` runs a
deterministic share of the sites (a CI matrix job each), ``govcheck merge DIR...`` joins their outputs
into one results.json, report and manifest, as if one machine had run the whole suite.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from checker.results import RunResult, read_results
from checker.scenario import Site

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


class ShardError(ValueError):
    """A shard specification or a set of shard outputs that cannot be used; the message says why."""


def parse_shard(text: str) -> tuple[int, int]:
    """``K/N`` (1 ≤ K ≤ N) as a pair of integers."""
    match = _SHARD.match(text)
    if not match:
        raise ShardError(f"分片应写作 K/N（如 1/4），实际为 {text!r}")
    part, total = int(match.group(1)), int(match.group(2))
    if not 1 <= part <= total:
        raise ShardError(f"分片 {text} 无效：K 应在 1 到 N 之间")
    return part, total


def shard_of(site: Site, total: int) -> int:
    """The shard (1..total) a site belongs to, from its name and URL: stable when other sites are added."""
    digest = hashlib.sha256(f"{site.name}\n{site.url}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % total + 1


def shard_indices(sites: Sequence[Site], part: int, total: int) -> list[int]:
    """The suite positions of the sites in shard ``part`` of ``total``."""
    return [index for index, site in enumerate(sites) if shard_of(site, total) == part]


def merge_results(results: Sequence[RunResult]) -> RunResult:
    """One result from shard results of the same suite and as_of: sites in suite order, times spanning all."""
    if not results:
        raise ShardError("没有可合并的结果")
    first = results[0]
    for other in results[1:]:
        if (other.suite, other.as_of, other.rule_set) != (first.suite, first.as_of, first.rule_set):
            raise ShardError("各分片的场景、监测时间点或规则不一致，不能合并")
    indexed = [(site.index if site.index is not None else 10**9, n, site)
               for n, result in enumerate(results) for site in result.sites]
    names = [site.name for _, _, site in indexed]
    if len(set(zip(names, (s.url for _, _, s in indexed), strict=True))) != len(indexed):
        raise ShardError("多个分片包含同一站点，不能合并")
    sites = [site for _, _, site in sorted(indexed, key=lambda item: (item[0], item[1]))]
    return first.model_copy(update={
        "sites": sites,
        "unchecked": [u for result in results for u in result.unchecked],
        "started_at": min(result.started_at for result in results),
        "finished_at": max(result.finished_at for result in results),
        "shard": None,
    })


def merge_dirs(sources: Sequence[Path], out_dir: Path) -> RunResult:
    """Read each shard folder's results.json, copy its evidence into ``out_dir``, and return the merge."""
    results = []
    for source in sources:
        try:
            results.append(read_results(source))
        except (OSError, ValueError) as error:
            raise ShardError(f"{source}: 无法读取 results.json：{error}") from None
    merged = merge_results(results)
    for source in sources:
        evidence = source / "evidence"
        if evidence.is_dir() and source.resolve() != out_dir.resolve():
            shutil.copytree(evidence, out_dir / "evidence", dirs_exist_ok=True)
    return merged

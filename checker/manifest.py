"""Evidence integrity: ``manifest.json`` lists every evidence file with its SHA-256, size, URL and capture time.

Written at the end of a run; :func:`verify` recomputes each hash so a notice's screenshots can be shown
to be the ones the run captured. Pure file I/O, no browser.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from checker.results import Evidence, RunResult

MANIFEST_NAME = "manifest.json"
MANIFEST_SCHEMA = 1


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _all_evidence(result: RunResult) -> dict[str, Evidence]:
    """Every evidence item of the run by relative path (the same file may back several findings)."""
    items: dict[str, Evidence] = {}
    for site in result.sites:
        for finding in site.findings:
            for item in finding.evidence:
                items.setdefault(item.path, item)
        for check in site.checks:
            for item in check.evidence:
                items.setdefault(item.path, item)
    return items


def build_manifest(result: RunResult, out_dir: Path) -> dict:
    """The manifest of ``result``'s evidence as found on disk now, plus results.json itself."""
    files = []
    for path, item in sorted(_all_evidence(result).items()):
        target = out_dir / PurePosixPath(path)
        present = target.is_file()
        files.append({
            "path": path,
            "sha256": item.sha256,
            "size": target.stat().st_size if present else None,
            "url": item.url,
            "captured_at": item.captured_at.isoformat() if item.captured_at else None,
            "role": item.role,
        })
    listed = {entry["path"] for entry in files}
    folder = out_dir / "evidence"
    for extra in sorted(folder.rglob("*") if folder.is_dir() else []):
        relative = extra.relative_to(out_dir).as_posix()
        if extra.is_file() and relative not in listed:  # captured but cited by no finding or check
            files.append({"path": relative, "sha256": _file_sha256(extra), "size": extra.stat().st_size,
                          "url": "", "captured_at": None, "role": "unreferenced"})
    results_file = out_dir / "results.json"
    if results_file.is_file():
        files.append({"path": "results.json", "sha256": _file_sha256(results_file),
                      "size": results_file.stat().st_size, "url": "", "captured_at": None, "role": "results"})
    return {"schema": MANIFEST_SCHEMA, "suite": result.suite, "finished_at": result.finished_at.isoformat(),
            "files": files}


def write_manifest(result: RunResult, out_dir: Path) -> Path:
    """Write ``manifest.json`` beside results.json and return its path."""
    path = out_dir / MANIFEST_NAME
    text = json.dumps(build_manifest(result, out_dir), ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")
    return path


@dataclass
class Verification:
    """The outcome of :func:`verify`: files checked, and those changed or missing since the run."""

    checked: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        """True when every listed file is present with its recorded hash."""
        return not self.changed and not self.missing


class ManifestError(Exception):
    """No usable manifest.json in the folder."""


def verify(out_dir: Path) -> Verification:
    """Recompute every listed file's SHA-256 and compare it with the manifest."""
    try:
        data = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
        entries = data["files"]
    except FileNotFoundError:
        raise ManifestError(f"{out_dir / MANIFEST_NAME} 不存在（该运行未生成证据清单）") from None
    except (ValueError, KeyError, TypeError) as error:
        raise ManifestError(f"{out_dir / MANIFEST_NAME} 格式无效：{error}") from None
    outcome = Verification()
    for entry in entries:
        relative = PurePosixPath(str(entry["path"]))
        if relative.is_absolute() or ".." in relative.parts:
            outcome.changed.append(str(relative))
            continue
        target = out_dir / relative
        outcome.checked += 1
        if not target.is_file():
            outcome.missing.append(str(relative))
        elif _file_sha256(target) != entry["sha256"] or target.stat().st_size != entry.get("size"):
            outcome.changed.append(str(relative))
    return outcome

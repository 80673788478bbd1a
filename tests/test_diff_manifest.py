"""Run-to-run comparison (govcheck diff) and evidence integrity (manifest.json, govcheck verify)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from checker.diff import compare, read_diff, render_text
from checker.manifest import build_manifest, verify, write_manifest
from checker.reports.html import render_report
from checker.results import Severity
from tests.document_sample import finding, sample_run

ROOT = Path(__file__).resolve().parents[1]


def govcheck(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would."""
    return subprocess.run([sys.executable, "-m", "checker", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


def test_diff_new_fixed_persisting_matched_across_ports(tmp_path: Path) -> None:
    old = sample_run(tmp_path / "old", port=8765)
    new = sample_run(tmp_path / "new", port=40001)
    edu = new.sites[0]
    unreachable = finding("availability.unreachable", "http://127.0.0.1:40001/bm/jyj/", Severity.VETO)
    old_edu = old.sites[0].model_copy(update={"findings": [
        *old.sites[0].findings, finding("availability.unreachable", "http://127.0.0.1:8765/bm/jyj/", Severity.VETO)]})
    old = old.model_copy(update={"sites": [old_edu, *old.sites[1:]]})
    new_edu = edu.model_copy(update={"findings": [edu.findings[0], unreachable,
                                                  finding("column.not_updated", "通知公告")]})
    new = new.model_copy(update={"sites": [new_edu, *new.sites[1:]]})
    diff = compare(old, new)
    unit = diff.units[0]
    assert [i.target for i in unit.persisting] == ["首页", "http://127.0.0.1:40001/bm/jyj/"]
    assert [i.target for i in unit.new] == ["通知公告"]
    assert sorted(i.target for i in unit.fixed) == ["专项工作", "教育动态"]
    assert diff.totals() == (1, 2, 4)
    text = render_text(diff)
    assert "新增问题 1 条，已整改 2 条，仍存在 4 条" in text and "[已整改] 空白栏目（column.empty）：专项工作" in text


def test_diff_site_only_in_one_run_and_duplicates(tmp_path: Path) -> None:
    old = sample_run(tmp_path / "old")
    twice = old.sites[1].model_copy(update={"findings": [*old.sites[1].findings, old.sites[1].findings[0]]})
    new = old.model_copy(update={"sites": [twice]})
    diff = compare(old, new)
    assert [len(diff.units[0].new), len(diff.units[0].persisting)] == [1, 2]
    gone = next(u for u in diff.units if u.site == "示例市教育局")
    assert len(gone.fixed) == 3 and gone.new_verdict is None


def test_diff_cli_writes_json_and_report_section(tmp_path: Path) -> None:
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    sample_run(old_dir)
    new = sample_run(new_dir)
    (new_dir / "results.json").write_text(
        new.model_copy(update={"sites": new.sites[1:]}).model_dump_json(by_alias=True), encoding="utf-8")
    done = govcheck("diff", str(old_dir), str(new_dir), "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert sum(len(u["fixed"]) for u in payload["units"]) == 3
    saved = read_diff(new_dir)
    assert saved is not None and saved.totals() == (0, 3, 2)
    report = (new_dir / "report.html").read_text(encoding="utf-8")
    assert "整改复查：与上次检查对比" in report and "已整改 <b>3</b> 条" in report
    assert "整改复查" not in render_report(new)


def test_report_cites_the_rule_of_each_finding(tmp_path: Path) -> None:
    page = render_report(sample_run(tmp_path))
    assert "<dt>依据</dt>" in page and "每项扣2分，最多扣20分" in page


def test_manifest_lists_every_evidence_file_and_verify_finds_changes(tmp_path: Path) -> None:
    result = sample_run(tmp_path)
    stray = tmp_path / "evidence" / "site-01" / "stray.png"
    stray.write_bytes(b"png")
    write_manifest(result, tmp_path)
    entries = {e["path"]: e for e in json.loads((tmp_path / "manifest.json").read_text("utf-8"))["files"]}
    crop = entries["evidence/site-01/crop-1.png"]
    assert crop["url"] == "http://127.0.0.1:8765/bm/jyj/" and crop["captured_at"].startswith("2020-11-06T02:30")
    assert crop["size"] == (tmp_path / crop["path"]).stat().st_size and len(crop["sha256"]) == 64
    assert entries["evidence/site-01/stray.png"]["role"] == "unreferenced"
    assert "results.json" in entries
    assert verify(tmp_path).intact and verify(tmp_path).checked == len(entries)
    (tmp_path / "evidence" / "site-01" / "page-1.png").write_bytes(b"tampered")
    stray.unlink()
    outcome = verify(tmp_path)
    assert outcome.changed == ["evidence/site-01/page-1.png"]
    assert outcome.missing == ["evidence/site-01/stray.png"]


def test_manifest_refuses_paths_outside_the_folder(tmp_path: Path) -> None:
    result = sample_run(tmp_path)
    manifest = build_manifest(result, tmp_path)
    manifest["files"].append({"path": "../outside.png", "sha256": "0" * 64, "size": 1})
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert verify(tmp_path).changed == ["../outside.png"]


def test_verify_cli_exit_codes(tmp_path: Path) -> None:
    result = sample_run(tmp_path)
    assert govcheck("verify", str(tmp_path)).returncode == 3  # no manifest yet
    write_manifest(result, tmp_path)
    done = govcheck("verify", str(tmp_path))
    assert done.returncode == 0 and "核验通过" in done.stderr
    (tmp_path / "evidence" / "site-01" / "crop-1.png").unlink()
    done = govcheck("verify", str(tmp_path))
    assert done.returncode == 2 and "缺失：evidence/site-01/crop-1.png" in done.stderr


def test_report_cli_writes_notices_and_bulletin(tmp_path: Path) -> None:
    sample_run(tmp_path)
    done = govcheck("report", str(tmp_path), "--notices", "--bulletin", "--previous", str(tmp_path),
                    "--deadline", "2020年12月1日前", "--issued-on", "2020-11-10")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "通报.docx").is_file()
    assert (tmp_path / "notices" / "整改通知-示例市教育局.docx").is_file()
    assert "2020年12月1日前" in (tmp_path / "notices" / "整改通知-示例市教育局.html").read_text("utf-8")

"""PDF copies of the notices and the bulletin (issue #15): LibreOffice found or clearly missing, and the
pages it makes looked at (where LibreOffice and poppler are installed)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from checker.documents import write_documents
from checker.reports.notice_model import DocumentSettings
from checker.reports.pdf import KNOWN_PLACES, SOFFICE_VARIABLE, PdfUnavailable, convert_to_pdf, find_soffice
from tests.document_sample import sample_run

SETTINGS = DocumentSettings(deadline="2020年12月1日前", issuer="示例市政务公开办", issued_on=date(2020, 11, 10))
HAS_TOOLS = shutil.which("soffice") is not None and shutil.which("pdftoppm") is not None


def test_soffice_is_found_where_the_user_named_it_or_on_path() -> None:
    def nowhere(_: str) -> None:
        return None

    named = find_soffice({SOFFICE_VARIABLE: "/opt/lo/soffice"}, which=nowhere, exists=lambda p: p == "/opt/lo/soffice")
    assert named == "/opt/lo/soffice"
    on_path = find_soffice({}, which=lambda name: "/usr/local/bin/libreoffice" if name == "libreoffice" else None,
                           exists=lambda _: False)
    assert on_path == "/usr/local/bin/libreoffice"
    assert find_soffice({}, which=nowhere, exists=lambda p: p == KNOWN_PLACES[1]) == KNOWN_PLACES[1]


def test_a_missing_libreoffice_says_what_to_install() -> None:
    with pytest.raises(PdfUnavailable, match=r"未找到 LibreOffice.*apt-get install libreoffice-writer"):
        find_soffice({}, which=lambda _: None, exists=lambda _: False)
    with pytest.raises(PdfUnavailable, match=f"{SOFFICE_VARIABLE} 指定的 LibreOffice 不存在"):
        find_soffice({SOFFICE_VARIABLE: "/nowhere/soffice"}, which=lambda _: "/usr/bin/soffice", exists=lambda _: False)


def test_a_conversion_that_fails_is_named(tmp_path: Path) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    document = tmp_path / "整改通知-某单位.docx"
    document.write_bytes(b"not a docx")
    with pytest.raises(PdfUnavailable, match=r"未能转换：整改通知-某单位\.docx.*could not be loaded"):
        convert_to_pdf([document], str(fake))


@pytest.mark.skipif(not HAS_TOOLS, reason="需要 LibreOffice（soffice）与 poppler-utils（pdftoppm）")
def test_notices_and_bulletin_become_pdfs_that_show_their_pages(tmp_path: Path) -> None:
    result = sample_run(tmp_path)
    documents = [p for p in write_documents(result, tmp_path, SETTINGS, notices=True, bulletin=True)
                 if p.suffix == ".docx"]
    pdfs = convert_to_pdf(documents, find_soffice())
    assert [p.stem for p in pdfs] == [d.stem for d in documents] and all(p.stat().st_size > 5000 for p in pdfs)
    for pdf in pdfs:
        stem = tmp_path / f"page-{pdf.stem}"
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(stem)], check=True,
                       timeout=60)
        with Image.open(next(tmp_path.glob(f"{stem.name}*.png"))) as image:
            grey = image.convert("L")
            dark = sum(grey.histogram()[:128])
            assert dark > 0.004 * grey.size[0] * grey.size[1], pdf.name  # text and tables, not a blank page


def _govcheck(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "checker", *args], capture_output=True, text=True, timeout=300,
                          env=env)


def test_report_xlsx_and_a_pdf_without_libreoffice(tmp_path: Path) -> None:
    sample_run(tmp_path)
    done = _govcheck("report", str(tmp_path), "--xlsx", "--deadline", "2020年12月1日前")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "问题清单.xlsx").is_file() and "问题清单.xlsx" in done.stdout
    lonely = _govcheck("report", str(tmp_path), "--pdf")
    assert lonely.returncode == 3 and "--pdf 需要与 --notices 或 --bulletin 一起使用" in lonely.stderr
    # No LibreOffice anywhere: named by the variable to a file that is not there, so PATH is not searched.
    env = {**os.environ, SOFFICE_VARIABLE: str(tmp_path / "没有的" / "soffice")}
    missing = _govcheck("report", str(tmp_path), "--notices", "--bulletin", "--pdf", env=env)
    assert missing.returncode == 3 and "LibreOffice 不存在" in missing.stderr
    assert not (tmp_path / "通报.docx").exists()  # asked before anything was written


@pytest.mark.skipif(not HAS_TOOLS, reason="需要 LibreOffice（soffice）与 poppler-utils（pdftoppm）")
def test_report_pdf_writes_a_pdf_beside_each_document(tmp_path: Path) -> None:
    sample_run(tmp_path)
    done = _govcheck("report", str(tmp_path), "--bulletin", "--pdf")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "通报.pdf").stat().st_size > 5000 and "通报.pdf" in done.stdout

"""PDF copies of the notices and the bulletin, made by LibreOffice from the DOCX files (issue #15).

An office sends notices as PDF. govcheck writes DOCX (editable, the office may still change a word) and,
when asked, has LibreOffice convert them: ``soffice --headless --convert-to pdf``. LibreOffice is not a
Python package; where it is missing, :class:`PdfUnavailable` says how to get it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

SOFFICE_VARIABLE = "GOVCHECK_SOFFICE"
"""Names the LibreOffice program when it is not on PATH."""

KNOWN_PLACES: tuple[str, ...] = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    "C:/Program Files/LibreOffice/program/soffice.exe",
)
CONVERT_TIMEOUT_SECONDS = 300


class PdfUnavailable(RuntimeError):
    """LibreOffice could not be found or could not convert; the message says why in Chinese."""


def find_soffice(environ: dict[str, str] | None = None, which: Callable[[str], str | None] = shutil.which,
                 exists: Callable[[str], bool] = os.path.exists) -> str:
    """The LibreOffice program to convert with: ``GOVCHECK_SOFFICE``, else ``soffice``/``libreoffice`` on
    PATH, else a usual install place. Raises :class:`PdfUnavailable` with what to install."""
    environ = os.environ if environ is None else environ
    named = environ.get(SOFFICE_VARIABLE)
    if named:
        if not exists(named):
            raise PdfUnavailable(f"环境变量 {SOFFICE_VARIABLE} 指定的 LibreOffice 不存在：{named}")
        return named
    found = which("soffice") or which("libreoffice") or next((p for p in KNOWN_PLACES if exists(p)), None)
    if found is None:
        raise PdfUnavailable(
            "未找到 LibreOffice（soffice），无法生成 PDF。请安装 LibreOffice"
            "（Debian/Ubuntu：apt-get install libreoffice-writer），"
            f"或用环境变量 {SOFFICE_VARIABLE} 指定 soffice 的路径；DOCX 文件不受影响。")
    return found


def convert_to_pdf(documents: Sequence[Path], soffice: str,
                   timeout_seconds: float = CONVERT_TIMEOUT_SECONDS) -> list[Path]:
    """Convert each DOCX into a PDF beside it (same name, ``.pdf``); returns the PDFs in the given order.

    LibreOffice runs headless with a profile of its own in a temporary folder, so a LibreOffice the user
    has open is neither disturbed nor waited for.
    """
    pdfs: list[Path] = []
    by_folder: dict[Path, list[Path]] = {}
    for document in documents:
        by_folder.setdefault(document.parent, []).append(document)
    with tempfile.TemporaryDirectory(prefix="govcheck-soffice-") as profile:
        for folder, files in by_folder.items():
            command = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                       "--convert-to", "pdf", "--outdir", str(folder), *map(str, files)]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_seconds,
                                      env={**os.environ, "HOME": profile})
            except (OSError, subprocess.TimeoutExpired) as error:
                raise PdfUnavailable(f"LibreOffice 转换 PDF 失败：{error}") from None
            missing = [f.name for f in files if not f.with_suffix(".pdf").is_file()]
            if done.returncode != 0 or missing:
                why = (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"退出码 {done.returncode}"]
                raise PdfUnavailable(f"LibreOffice 未能转换：{'、'.join(missing) or '全部文件'}（{why[0][:200]}）")
    for document in documents:
        pdfs.append(document.with_suffix(".pdf"))
    return pdfs

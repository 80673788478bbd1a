"""What ``govcheck report --notices --bulletin`` writes, given a run folder and the document settings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from checker.reports.bulletin import write_bulletin
from checker.reports.notice_docx import write_notices_docx
from checker.reports.notice_html import write_notices_html
from checker.reports.notice_model import DEFAULT_REQUIREMENTS, DocumentSettings
from checker.results import RunResult


def load_settings(deadline: str | None, issuer: str | None, issued_on: date | None,
                  requirements_file: Path | None) -> DocumentSettings:
    """Document settings from the command line; the requirements file holds one paragraph per non-empty line."""
    requirements = DEFAULT_REQUIREMENTS
    if requirements_file is not None:
        lines = requirements_file.read_text(encoding="utf-8").splitlines()
        requirements = tuple(line.strip() for line in lines if line.strip()) or DEFAULT_REQUIREMENTS
    defaults = DocumentSettings()
    return DocumentSettings(deadline=deadline or defaults.deadline, issuer=issuer or defaults.issuer,
                            issued_on=issued_on, requirements=requirements)


def write_documents(result: RunResult, out_dir: Path, settings: DocumentSettings, *, notices: bool,
                    bulletin: bool, previous: RunResult | None = None) -> list[Path]:
    """Write the requested documents into ``out_dir`` and return their paths."""
    paths: list[Path] = []
    if notices:
        paths += write_notices_docx(result, out_dir, settings)
        paths += write_notices_html(result, out_dir, settings)
    if bulletin:
        paths.append(write_bulletin(result, out_dir, settings, previous))
    return paths

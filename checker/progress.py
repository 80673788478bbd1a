"""The rich progress display of a run: one line per site with its current step, and a total."""

from __future__ import annotations

import re

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from checker.results import SiteResult, Verdict
from checker.scenario import Site

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def terminal_text(text: str) -> str:
    """A site-derived string made safe for the terminal: rich markup escaped, control characters shown
    as ``\\x1b``-style text so no escape sequence from a page can recolour or retitle the terminal."""
    return escape(_CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text))


def terminal_lines(text: str) -> str:
    """A message of several lines made safe for the terminal: each line as :func:`terminal_text`, the line
    breaks between them kept (a scenario with three errors prints three lines, not ``\\x0a``)."""
    return "\n".join(terminal_text(line) for line in text.split("\n"))


class RichProgress:
    """Shows sites and their checks while a run goes; every site-derived string is escaped."""

    def __init__(self, total_sites: int, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self._progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(), console=self.console, transient=False,
        )
        self._total = self._progress.add_task("站点", total=total_sites)
        self._tasks: dict[int, TaskID] = {}
        self._names: dict[int, str] = {}

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def site_started(self, index: int, site: Site) -> None:
        """Add a line for the site."""
        self._names[index] = terminal_text(site.name)
        self._tasks[index] = self._progress.add_task(f"{self._names[index]}：开始", total=None)

    def step(self, index: int, text: str) -> None:
        """Show the site's current step."""
        if index in self._tasks:
            self._progress.update(self._tasks[index], description=f"{self._names[index]}：{terminal_text(text)}")

    def site_finished(self, index: int, result: SiteResult) -> None:
        """Replace the site's line with its verdict."""
        verdict = "[green]合格[/green]" if result.verdict is Verdict.PASS else "[red]不合格[/red]"
        score = "—" if result.score is None else f"{result.score:g}分"
        task = self._tasks.get(index)
        if task is not None:
            self._progress.update(task, description=f"{self._names[index]}：{verdict} {score}"
                                  f"（问题{len(result.findings)}项）", total=1, completed=1)
        self._progress.advance(self._total)

    def warn(self, text: str) -> None:
        """Print a warning above the progress lines."""
        self._progress.console.print(f"[yellow]警告：{terminal_text(text)}[/yellow]")

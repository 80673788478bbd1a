"""``govcheck links``: check one site's links (crawled from a URL) or a list of URLs, without a scenario."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from pydantic import ValidationError
from rich.console import Console

from checker.links.model import FAILING, STATUS_NAMES, LinkStatus
from checker.scenario import LinkSettings

if TYPE_CHECKING:
    from checker.links.standalone import LinkRun

console = Console(stderr=True, highlight=False, soft_wrap=True)


def _settings(**values: object) -> LinkSettings:
    chosen = {key: value for key, value in values.items() if value is not None}
    try:
        return LinkSettings(**chosen)
    except ValidationError as error:
        problems = "；".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        console.print(f"[red]参数无效：{problems}[/red]")
        raise SystemExit(3) from error


def _run(work: Coroutine[Any, Any, LinkRun]) -> LinkRun:
    """Run the check; the main coroutine hands its result over outside its own return value.

    ``asyncio.run`` restores the Ctrl-C handler at the end, and Python then builds the repr of the main
    task, result included: for a run of thousands of links that alone took a fifth of a second.
    """
    outcome: list[LinkRun] = []

    async def main() -> None:
        outcome.append(await work)

    asyncio.run(main())
    return outcome[0]


@click.command("links")
@click.argument("url", required=False)
@click.option("--urls", "urls_file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="只检查文件中的网址（每行一个），不抓取页面")
@click.option("--json", "json_file", type=click.Path(path_type=Path), help="把每个链接的结果写入 JSON 文件")
@click.option("--scope", help="抓取范围（网址前缀；默认为起始网址所在目录）")
@click.option("--max-pages", type=int, help="最多抓取的页面数（默认 200）")
@click.option("--max-depth", type=int, help="从起始页起最多跟随的层数（默认 3）")
@click.option("--tabs", "crawl_tabs", type=int, help="同时渲染页面的标签页数（默认 hybrid 10、render 3）")
@click.option("--mode", "crawl_mode", type=click.Choice(["hybrid", "render", "fetch"]),
              help="hybrid（默认）：读取每个页面的 HTML，只渲染需要脚本才能看全的页面；"
                   "render：浏览器渲染每个页面；fetch：只读取 HTML，不执行脚本")
@click.option("--per-host", type=int, help="同一主机同时检查的链接数（默认 2）")
@click.option("--concurrency", type=int, help="同时检查的链接总数（默认 32）")
@click.option("--min-interval", "min_interval_seconds", type=float, help="同一主机两次请求的最小间隔秒数（默认 0.1）")
@click.option("--timeout", "timeout_seconds", type=float, help="单个链接的超时秒数（默认 15）")
@click.option("--retry-pause", "retry_pause_seconds", type=float,
              help="5xx、超时、连接重置后等待多少秒再重试一次（默认 2）")
@click.option("--no-external", is_flag=True, help="不检查外部链接")
@click.option("--exclude", multiple=True, help="不检查的网址（正则表达式，可多次给出）")
@click.option("--browser-path", envvar="GOVCHECK_CHROMIUM", help="Chromium 可执行文件路径")
def links_command(url: str | None, urls_file: Path | None, json_file: Path | None, scope: str | None,
                  browser_path: str | None, no_external: bool, exclude: tuple[str, ...], **limits: object) -> None:
    """单独检查链接可用性：从 URL 抓取站点并检查全部链接，或用 --urls 检查一份网址清单。

    退出码：0 没有不可用链接；2 有不可用或疑似不可用的链接；3 参数无效。
    """
    from checker.links.standalone import check_site, check_urls, write_json

    if bool(url) == bool(urls_file):
        console.print("[red]请给出起始网址，或用 --urls 给出网址清单（二者选一）[/red]")
        raise SystemExit(3)
    settings = _settings(external=False if no_external else None, exclude=list(exclude) or None, **limits)
    browser_missing: tuple[type[Exception], ...] = ()
    if not urls_file and settings.crawl_mode == "render":  # hybrid reads pages from HTML without a browser
        from checker.browser import BrowserNotFound
        from checker.links.crawl import RenderUnavailable

        browser_missing = (BrowserNotFound, RenderUnavailable)
    try:
        if urls_file:
            lines = urls_file.read_text(encoding="utf-8", errors="replace").splitlines()
            run = _run(check_urls(lines, settings))
        else:
            run = _run(check_site(str(url), settings, scope=scope, browser_path=browser_path))
    except browser_missing as error:
        console.print(f"[red]{error}[/red]")
        raise SystemExit(3) from error
    if json_file:
        write_json(run, json_file)
    counts = run.by_status()
    shown = "，".join(f"{STATUS_NAMES[LinkStatus(key)]}{value}" for key, value in counts.items() if value)
    rendered = f"（其中在浏览器中渲染{run.pages_rendered}个）" if run.pages_rendered else ""
    console.print(f"抓取页面{run.pages}个{rendered}，发现链接{run.links_found}个，检查唯一链接{len(run.results)}个"
                  f"（{shown or '无'}），用时{run.elapsed_seconds:.1f}秒")
    for note in run.notes[:5]:
        console.print(f"  说明：{note}", markup=False)
    failing = [(u, r) for u, r in run.results.items() if r.status in FAILING]
    for link_url, result in failing[:50]:
        console.print(f"  {STATUS_NAMES[result.status]}  {link_url}  {result.reason or result.http_status or ''}",
                      markup=False)
    if len(failing) > 50:
        console.print(f"  …另有{len(failing) - 50}个，见 JSON 文件")
    raise SystemExit(2 if failing else 0)

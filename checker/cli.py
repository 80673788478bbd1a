"""The ``govcheck`` command: parse, call the library, print, exit with the documented code.

Exit codes: 0 every site passes; 2 at least one site fails (不合格); 3 invalid scenario or configuration;
1 internal error.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

if TYPE_CHECKING:
    from checker.engine import RunOptions
    from checker.results import RunResult
    from checker.scenario import Suite

EXIT_OK, EXIT_INTERNAL, EXIT_FAILED_SITES, EXIT_BAD_INPUT = 0, 1, 2, 3
DEMO_BASE = "http://127.0.0.1:8765/"

console = Console(stderr=True, highlight=False, soft_wrap=True)


def _parse_day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"日期无效：{value!r}，应为 YYYY-MM-DD") from None


def _fail(message: str, code: int) -> None:
    from checker.progress import terminal_lines

    console.print(f"[red]错误：[/red]{terminal_lines(message)}")
    sys.exit(code)


def _summarise(result: RunResult, out_dir: Path, report: Path) -> int:
    from rich.table import Table

    from checker.progress import terminal_text
    from checker.results import Verdict
    from checker.scoring import pass_rate

    rate = pass_rate(result.sites)
    table = Table(title=f"{terminal_text(result.suite)}（监测时间点 {result.as_of}）", title_justify="left")
    for header in ("结论", "得分", "网站", "问题", "单项否决"):
        table.add_column(header, justify="right" if header in ("得分", "问题") else "left", overflow="fold")
    for site in result.sites:
        verdict = "[green]合格[/green]" if site.verdict is Verdict.PASS else "[red]不合格[/red]"
        score = "—" if site.score is None else f"{site.score:g}"
        vetoes = terminal_text("；".join(site.veto_reasons))
        table.add_row(verdict, score, terminal_text(site.name), str(len(site.findings)), vetoes)
    console.print(table)
    console.print(f"合格 {rate.describe()}")
    console.print(f"结果：{out_dir / 'results.json'}")
    console.print(f"报告：{report}")
    click.echo(str(report))
    return EXIT_OK if all(site.verdict is Verdict.PASS for site in result.sites) else EXIT_FAILED_SITES


def _check_probe_store(suite: Suite) -> None:
    """Open the scenario's probe store before any site is checked: a bad URL or an unreachable server is a
    configuration error (exit 3), not a failure of every site's availability check."""
    from checker.probe_store import ProbeStore, ProbeStoreError

    if suite.settings.probe_store:
        try:
            ProbeStore(suite.settings.probe_store)
        except ProbeStoreError as error:
            _fail(str(error), EXIT_BAD_INPUT)


def _execute(suite: Suite, options: RunOptions) -> int:
    """Run with the progress display, write the report, print the summary; the exit code of the run."""
    from checker.browser import BrowserEndpointError, BrowserNotFound
    from checker.engine import run_suite
    from checker.journal import ResumeError
    from checker.progress import RichProgress
    from checker.reports.html import write_report
    from checker.shards import shard_indices
    total = len(shard_indices(suite.sites, *options.shard)) if options.shard else len(suite.sites)
    try:
        with RichProgress(total, console) as progress:
            options.progress = progress
            result = run_suite(suite, options)
    except (BrowserNotFound, BrowserEndpointError, ResumeError) as error:
        _fail(str(error), EXIT_BAD_INPUT)
    report = write_report(result, options.out_dir)
    return _summarise(result, options.out_dir, report)


def _default_out() -> Path:
    return Path("screenshots") / datetime.now().strftime("run-%Y%m%d-%H%M%S")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="govcheck")
def cli() -> None:
    """govcheck：像抽查人员一样检查政府网站与政务新媒体，并留存截图证据。"""


@cli.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), help="输出目录（默认 screenshots/run-时间）")
@click.option("--as-of", callback=_parse_day, help="监测时间点 YYYY-MM-DD（覆盖场景文件）")
@click.option("--browser-path", envvar="GOVCHECK_CHROMIUM", help="Chromium 可执行文件路径")
@click.option("--headed", is_flag=True, help="显示浏览器窗口")
@click.option("--resume", "resume_dir", type=click.Path(path_type=Path, file_okay=False),
              help="续跑：完成该目录中被中断的运行（已完成的站点不再检查）")
@click.option("--allow-submit", is_flag=True,
              help="允许互动检查真实提交留言表单（默认只在场景标为测试目标 form_test_target 时提交）")
@click.option("--shard", "shard_text", help="只检查第 K 份（共 N 份）站点，如 1/4；各份输出用 govcheck merge 合并")
@click.option("--browser-endpoint", help="使用远程 Playwright 浏览器服务（ws://…）")
@click.option("--cdp-endpoint", help="使用已启动调试端口的远程 Chromium（http://主机:端口）")
@click.option("--remote-browser-path", help="远程浏览器服务所在机器上 Chromium 的路径（服务需以 --unsafe 启动）")
@click.option("--allow-private", is_flag=True,
              help="允许访问内网与本机地址（检查内网门户时使用；默认只访问公网与场景中站点本身的地址）")
def run(
    scenario: Path, out_dir: Path | None, as_of: date | None, browser_path: str | None, headed: bool,
    resume_dir: Path | None, allow_submit: bool, shard_text: str | None, browser_endpoint: str | None,
    cdp_endpoint: str | None, remote_browser_path: str | None, allow_private: bool,
) -> None:
    """按场景文件检查全部站点，写出 results.json 与 report.html。"""
    from checker.engine import RunOptions
    from checker.scenario import ScenarioError, load_suite
    from checker.shards import ShardError, parse_shard

    try:
        suite = load_suite(scenario)
    except ScenarioError as error:
        _fail(str(error), EXIT_BAD_INPUT)
    if resume_dir and out_dir and out_dir != resume_dir:
        _fail("--resume 与 --out 指向不同目录", EXIT_BAD_INPUT)
    try:
        shard = parse_shard(shard_text) if shard_text else None
    except ShardError as error:
        _fail(str(error), EXIT_BAD_INPUT)
    _check_probe_store(suite)
    options = RunOptions(resume_dir or out_dir or _default_out(), as_of, browser_path, headed,
                         resume=resume_dir is not None, allow_submit=allow_submit, shard=shard,
                         browser_endpoint=browser_endpoint, cdp_endpoint=cdp_endpoint,
                         remote_browser_path=remote_browser_path, allow_private=allow_private)
    sys.exit(_execute(suite, options))


@cli.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--store", "store_location",
              help="样本库：SQLite 文件路径，或 PostgreSQL 地址 postgresql://用户:密码@主机:端口/库名"
                   "（默认为场景 settings.probe_store，再默认 govcheck-probes.sqlite）")
@click.option("--evidence", "evidence_dir", type=click.Path(path_type=Path), default=Path("screenshots/probes"),
              show_default=True, help="失败截图的保存目录")
@click.option("--browser-path", envvar="GOVCHECK_CHROMIUM", help="Chromium 可执行文件路径")
def probe(scenario: Path, store_location: str | None, evidence_dir: Path, browser_path: str | None) -> None:
    """打开每个站点首页一次并存入样本库（供定时任务每天运行20次以上；run 按近7天样本判定站点无法访问）。"""
    from checker.browser import BrowserNotFound
    from checker.probe_run import probe_suite
    from checker.probe_store import ProbeStore, ProbeStoreError
    from checker.progress import terminal_text
    from checker.scenario import ScenarioError, load_suite

    try:
        suite = load_suite(scenario)
    except ScenarioError as error:
        _fail(str(error), EXIT_BAD_INPUT)
    try:
        store = ProbeStore(store_location or suite.settings.probe_store or "govcheck-probes.sqlite")
        samples = probe_suite(suite, store, evidence_dir, browser_path)
    except (BrowserNotFound, ProbeStoreError) as error:
        _fail(str(error), EXIT_BAD_INPUT)
    for site, sample in zip(suite.sites, samples, strict=True):
        state = "[green]可访问[/green]" if sample.ok else f"[red]无法访问[/red]：{terminal_text(sample.reason)}"
        console.print(f"  {terminal_text(site.name)}  {sample.seconds:.1f}秒  {state}")
    console.print(f"样本已存入 {terminal_text(store.where)}")
    sys.exit(EXIT_OK if all(sample.ok for sample in samples) else EXIT_FAILED_SITES)


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="合并后的输出目录")
def merge(sources: tuple[Path, ...], out_dir: Path) -> None:
    """合并 --shard 各份的输出目录为一个 results.json、报告与证据清单（退出码同 run）。"""
    from checker.manifest import write_manifest
    from checker.reports.html import write_report
    from checker.results import write_results
    from checker.shards import ShardError, merge_dirs

    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        result = merge_dirs(list(sources), out_dir)
    except ShardError as error:
        _fail(str(error), EXIT_BAD_INPUT)
    write_results(result, out_dir)
    write_manifest(result, out_dir)
    sys.exit(_summarise(result, out_dir, write_report(result, out_dir)))


@cli.command()
@click.argument("scenario", type=click.Path(path_type=Path))
def validate(scenario: Path) -> None:
    """只校验场景文件（不启动浏览器）。"""
    from checker.progress import terminal_text
    from checker.scenario import ScenarioError, load_suite

    try:
        suite = load_suite(scenario)
    except ScenarioError as error:
        _fail(str(error), EXIT_BAD_INPUT)
    console.print(f"[green]场景文件有效[/green]：{terminal_text(suite.suite)}，站点 {len(suite.sites)} 个")


@cli.group()
def scenario() -> None:
    """场景文件工具：从网站名录导入站点。"""


MAX_SHOWN_PROBLEMS = 100
"""How many bad cells ``scenario import`` lists before it only counts the rest."""


@scenario.command("import")
@click.argument("site_list", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--out", "out_file", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="写出的场景文件（.yaml）")
@click.option("--suite", "suite_name", help="场景名称（默认为名录文件名）")
@click.option("--sheet", help="读取的工作表（默认为第一个含表头的工作表）")
@click.option("--force", is_flag=True, help="覆盖已存在的场景文件")
def import_site_list_command(site_list: Path, out_file: Path, suite_name: str | None, sheet: str | None,
                             force: bool) -> None:
    """从网站名录（.xlsx 或 .csv：网站名称、主办单位、首页网址、网站标识码、类型）生成场景文件。

    任何一行有误时列出全部错误（文件:第N行 列名），不写出文件，退出码 3。
    """
    from checker.progress import terminal_text
    from checker.scenario import ScenarioError
    from checker.site_list import SiteListError, describe_counts, import_site_list, suite_yaml

    if out_file.exists() and not force:
        _fail(f"{out_file} 已存在，未覆盖（确需覆盖时加 --force）", EXIT_BAD_INPUT)
    try:
        outcome = import_site_list(site_list, sheet)
    except SiteListError as error:
        _fail(str(error), EXIT_BAD_INPUT)
        raise
    if outcome.sheet:
        console.print(f"读取工作表“{terminal_text(outcome.sheet)}”，表头在第{outcome.header_row}行")
    for warning in outcome.warnings:
        console.print(f"[yellow]警告：[/yellow]{terminal_text(warning)}")
    if outcome.problems:
        for problem in outcome.problems[:MAX_SHOWN_PROBLEMS]:
            console.print(f"[red]错误：[/red]{terminal_text(problem)}")
        if len(outcome.problems) > MAX_SHOWN_PROBLEMS:
            console.print(f"……另有 {len(outcome.problems) - MAX_SHOWN_PROBLEMS} 处错误未列出")
        _fail(f"{site_list} 中有 {len(outcome.problems)} 处错误，未写出 {out_file}", EXIT_BAD_INPUT)
    try:
        text = suite_yaml(suite_name or site_list.stem, outcome.sites, site_list.name)
    except ScenarioError as error:
        _fail(f"生成的场景文件无效，未写出：{error}", EXIT_BAD_INPUT)
        raise
    try:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        partial = out_file.with_name(out_file.name + ".part")
        partial.write_text(text, encoding="utf-8")
        partial.replace(out_file)
    except OSError as error:
        _fail(f"无法写出 {out_file}：{error.strerror}", EXIT_BAD_INPUT)
    console.print(f"[green]导入站点{len(outcome.sites)}个[/green]（{describe_counts(outcome)}）→ {out_file}")
    click.echo(str(out_file))


def _read_run(out_dir: Path) -> RunResult:
    from checker.results import read_results

    try:
        return read_results(out_dir)
    except (OSError, ValueError) as error:
        _fail(f"无法读取 {out_dir / 'results.json'}：{error}", EXIT_BAD_INPUT)
        raise


@cli.command()
@click.argument("out_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--notices", is_flag=True, help="按单位生成整改通知（notices/整改通知-单位.docx 与 .html）")
@click.option("--bulletin", is_flag=True, help="生成全部站点的通报（通报.docx）")
@click.option("--previous", "previous_dir", type=click.Path(path_type=Path, exists=True, file_okay=False),
              help="上次检查的输出目录：通报写明与上次相比的变化")
@click.option("--deadline", help="整改期限的表述（默认：自收到本通知之日起15个工作日内）")
@click.option("--issuer", help="落款单位")
@click.option("--issued-on", callback=_parse_day, help="落款日期 YYYY-MM-DD（默认为运行结束当天）")
@click.option("--requirements", "requirements_file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="替换通报“三、下一步工作要求”的文本文件（每行一段）")
@click.option("--xlsx", is_flag=True, help="写出问题清单.xlsx（每个问题一行，另有站点汇总与通报附件）")
@click.option("--pdf", is_flag=True,
              help="另用 LibreOffice 把整改通知与通报转成 PDF（需与 --notices 或 --bulletin 一起使用）")
def report(out_dir: Path, notices: bool, bulletin: bool, previous_dir: Path | None, deadline: str | None,
           issuer: str | None, issued_on: date | None, requirements_file: Path | None, xlsx: bool, pdf: bool) -> None:
    """根据已有的 results.json 重新生成 report.html，并可生成整改通知、通报、问题清单与 PDF。"""
    from checker.reports.html import write_report

    if pdf and not (notices or bulletin):
        _fail("--pdf 需要与 --notices 或 --bulletin 一起使用（转换的是生成的整改通知与通报）", EXIT_BAD_INPUT)
    soffice = _soffice() if pdf else None
    result = _read_run(out_dir)
    click.echo(str(write_report(result, out_dir)))
    if xlsx:
        from checker.reports.xlsx import write_problem_list

        click.echo(str(write_problem_list(result, out_dir, deadline=deadline)))
    if notices or bulletin:
        from checker.documents import load_settings, write_documents

        settings = load_settings(deadline, issuer, issued_on, requirements_file)
        previous = _read_run(previous_dir) if previous_dir else None
        written = write_documents(result, out_dir, settings, notices=notices, bulletin=bulletin, previous=previous)
        for path in written:
            click.echo(str(path))
        if soffice is not None:
            from checker.reports.pdf import PdfUnavailable, convert_to_pdf

            try:
                for path in convert_to_pdf([p for p in written if p.suffix == ".docx"], soffice):
                    click.echo(str(path))
            except PdfUnavailable as error:
                _fail(str(error), EXIT_BAD_INPUT)


def _soffice() -> str:
    """LibreOffice for --pdf, asked for before anything is written (a missing one ends the command, exit 3)."""
    from checker.reports.pdf import PdfUnavailable, find_soffice

    try:
        return find_soffice()
    except PdfUnavailable as error:
        _fail(str(error), EXIT_BAD_INPUT)
        raise


@cli.command("diff")
@click.argument("old_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.argument("new_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出到标准输出")
def diff_command(old_dir: Path, new_dir: Path, as_json: bool) -> None:
    """对比两次检查：新增、已整改、仍存在的问题（按站点、指标和检查对象匹配）。

    结果写入 NEW_DIR/diff.json，并在 NEW_DIR/report.html 中增加“整改复查”一节。
    """
    from checker.diff import compare, render_json, render_text, write_diff
    from checker.reports.html import write_report

    comparison = compare(_read_run(old_dir), _read_run(new_dir))
    write_diff(comparison, new_dir)
    write_report(_read_run(new_dir), new_dir)
    click.echo(render_json(comparison) if as_json else render_text(comparison))


@cli.command()
@click.argument("run_dirs", nargs=-1, type=click.Path(path_type=Path, file_okay=False))
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="输出目录（写出 history.html）")
def history(run_dirs: tuple[Path, ...], out_dir: Path) -> None:
    """多次检查的趋势：合格率、各指标问题数、各网站得分与整改情况，写出 OUT/history.html。

    RUN_DIRS 为各次检查的输出目录（含 results.json，至少两个），按监测时间点排序。
    """
    from checker.reports.history import HISTORY_NAME, MIN_RUNS, render_history

    if len(run_dirs) < MIN_RUNS:
        _fail(f"趋势分析至少需要两次检查的输出目录，只提供了 {len(run_dirs)} 个"
              "（用法：govcheck history 目录1 目录2 … --out 输出目录）", EXIT_BAD_INPUT)
    page = render_history([_read_run(run_dir) for run_dir in run_dirs])
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / HISTORY_NAME
        path.write_text(page, encoding="utf-8")
    except OSError as error:
        _fail(f"无法写出 {out_dir / HISTORY_NAME}：{error.strerror}", EXIT_BAD_INPUT)
        raise
    click.echo(str(path))


@cli.command()
@click.argument("out_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
def verify(out_dir: Path) -> None:
    """按 manifest.json 核验证据文件：有文件被改动或缺失时退出码为 2。"""
    from checker.manifest import ManifestError
    from checker.manifest import verify as verify_manifest
    from checker.progress import terminal_text

    try:
        outcome = verify_manifest(out_dir)
    except ManifestError as error:
        _fail(str(error), EXIT_BAD_INPUT)
        raise
    for path in outcome.changed:
        console.print(f"[red]已改动[/red]：{terminal_text(path)}")
    for path in outcome.missing:
        console.print(f"[red]缺失[/red]：{terminal_text(path)}")
    if not outcome.intact:
        console.print(f"核验 {outcome.checked} 个文件：改动 {len(outcome.changed)} 个，缺失 {len(outcome.missing)} 个")
        sys.exit(EXIT_FAILED_SITES)
    console.print(f"[green]核验通过[/green]：{outcome.checked} 个文件与运行时记录一致")


def demo_suite() -> Suite:
    """The bundled demo suite (its URLs point at the demo server's default port)."""
    from importlib import resources

    from checker.scenario import parse_suite

    text = resources.files("checker.demo").joinpath("suite.yaml").read_text(encoding="utf-8")
    return parse_suite(text, "checker/demo/suite.yaml")


@cli.command()
@click.option("--serve", is_flag=True, help="只启动示例网站，供浏览器查看")
@click.option("--port", type=int, default=8765, show_default=True, help="示例网站端口（0 为任选空闲端口）")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("screenshots/demo"), show_default=True)
@click.option("--browser-path", envvar="GOVCHECK_CHROMIUM", help="Chromium 可执行文件路径")
@click.option("--headed", is_flag=True, help="显示浏览器窗口")
def demo(serve: bool, port: int, out_dir: Path, browser_path: str | None, headed: bool) -> None:
    """启动内置示例政府网站并对其运行示例抽查（运行完成即退出码 0：其中的不合格站点是有意设置的）。"""
    from checker.demo.server import DemoServer
    from checker.engine import RunOptions
    from checker.progress import terminal_text

    try:
        server = DemoServer(port=port)
        server.start()
    except OSError as error:
        if serve:
            _fail(f"无法在端口 {port} 启动示例网站：{error}（可用 --port 0 任选端口）", EXIT_BAD_INPUT)
        console.print(f"[yellow]端口 {port} 已被占用，示例网站改用空闲端口。[/yellow]")
        server = DemoServer(port=0)
        server.start()
    try:
        suite = demo_suite().rebase(DEMO_BASE, server.base_url)
        if serve:
            console.print(f"示例网站已启动：{server.base_url}（按 Ctrl-C 停止）")
            for site in suite.sites:
                console.print(f"  {terminal_text(site.name)}：{site.url}")
            _wait_forever()
            return
        _execute(suite, RunOptions(out_dir, None, browser_path, headed))
        console.print("示例网站中的问题均为有意设置（见 checker/demo/ground_truth.yaml），不合格站点属预期结果。")
    finally:
        server.stop()


def _wait_forever() -> None:
    import time

    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        console.print("已停止。")


def _register_extra_commands() -> None:
    from checker.cli_links import links_command

    cli.add_command(links_command)


_register_extra_commands()


def main() -> None:
    """Console entry point: any unexpected exception is an internal error (exit 1), said plainly."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(EXIT_BAD_INPUT)
    except click.exceptions.Abort:
        console.print("已中止。")
        sys.exit(EXIT_INTERNAL)
    except SystemExit:
        raise
    except Exception as error:
        from checker.progress import terminal_text

        console.print_exception(show_locals=False)
        console.print(f"[red]内部错误：[/red]{terminal_text(type(error).__name__)}: {terminal_text(str(error))}")
        sys.exit(EXIT_INTERNAL)

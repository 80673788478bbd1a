"""The walk's HTML reads on a worker process: the same read as on the event loop's thread, the site scripts
asked for when a page uses them, and a worker that dies costs nothing but speed."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from checker.htmlpage import decode_html, parse_html
from checker.links.render_need import render_reasons
from checker.links.static_links import parse_document, static_links
from checker.sitemap.html_read import HtmlRead, read_page_html
from checker.sitemap.html_readers import HtmlReaders
from checker.sitemap.static_read import read_snapshot, read_structure
from tests.corpus import CORPUS, corpus_file

URL = "http://www.example.gov.cn/xxgk/index.html"
SCRIPT = "http://www.example.gov.cn/js/list.js"
PAGES = sorted(str(path.relative_to(CORPUS)) for path in CORPUS.rglob("*.htm*"))[:12] if CORPUS.is_dir() else []
STATIC = ("<html><head><title>通知公告</title></head><body><div class='nav'><a href='/'>首页</a></div>"
          "<ul class='list'><li><a href='/a/1.html'>关于开展森林防火检查的通知</a><span>2020-11-02</span></li></ul>"
          "<div class='footer'>主办单位：示例县人民政府 网站标识码 4400000099</div></body></html>")
SCRIPTED = STATIC.replace("</body>", "<ul id='more'></ul><script src='/js/list.js'></script></body>")
FILLS_LIST = ("fetch('/api/list').then(r => r.json())"
              ".then(d => { document.getElementById('more').innerHTML = d.html; });")


def _read_here(html: str) -> HtmlRead:
    return read_page_html(html, URL, {}, None, 5000, 3_000_000)


@pytest.mark.parametrize("relative", PAGES or ["(corpus absent)"])
def test_a_read_is_what_the_readers_give_when_called_one_by_one(relative: str) -> None:
    html = decode_html(corpus_file(relative).read_bytes())
    root = parse_document(html)
    scripts = dict.fromkeys(read_page_html(html, URL, {}, None, 5000, 3_000_000).missing_scripts, "")
    read = read_page_html(html, URL, scripts, None, 5000, 3_000_000)
    assert not read.missing_scripts
    expected = render_reasons(html, URL, scripts, root=root)
    if expected:
        assert set(expected) <= set(read.reasons) and read.snapshot is None
        return
    assert read.snapshot == read_snapshot(html, URL, None, root)
    assert read.structure == read_structure(html, URL, root)
    assert read.links == static_links(html, URL, 5000, root)
    assert read.parsed == parse_html(html, URL, root)


def test_a_page_using_a_site_script_asks_for_it_and_is_then_judged_with_it() -> None:
    assert _read_here(SCRIPTED).missing_scripts == (SCRIPT,)
    harmless = read_page_html(SCRIPTED, URL, {SCRIPT: "console.log('hi');"}, None, 5000, 3_000_000)
    assert not harmless.reasons and harmless.has_script and harmless.snapshot is not None
    filling = read_page_html(SCRIPTED, URL, {SCRIPT: FILLS_LIST}, None, 5000, 3_000_000)
    assert filling.reasons and filling.snapshot is None


def test_a_worker_process_reads_what_the_loop_would_read_and_a_dead_worker_is_replaced_by_the_loop() -> None:
    readers = HtmlReaders(1)

    def read() -> HtmlRead:  # on a thread of its own: pytest-playwright may run an event loop on this one
        with ThreadPoolExecutor(1) as thread:
            return thread.submit(asyncio.run, readers.read(STATIC, URL, {}, None, 5000, 3_000_000)).result()

    try:
        inline = _read_here(STATIC)
        assert inline.parsed is not None and "关于开展森林防火检查的通知" in inline.parsed.text
        assert read() == inline
        assert len(readers._started) == 1
        worker = readers._started[0].process
        assert worker.pid != os.getpid() and worker.poll() is None
        assert read() == inline and readers._started[0].process is worker  # the same worker, kept
        worker.send_signal(signal.SIGKILL)
        worker.wait(5)
        assert read() == inline  # read on the loop's side instead
        assert readers.workers == 0 and not readers._started
    finally:
        readers.close()


def test_a_read_that_raises_in_the_worker_raises_where_the_walk_handles_it(monkeypatch: pytest.MonkeyPatch) -> None:
    readers = HtmlReaders(1)
    try:
        with ThreadPoolExecutor(1) as thread:
            with pytest.raises(TypeError):  # a bad argument: the worker answers that it failed; read inline, it raises
                thread.submit(asyncio.run, readers.read(STATIC, URL, {}, None, "not a number",  # type: ignore[arg-type]
                                                        3_000_000)).result()
            assert readers.workers == 1 and len(readers._started) == 1  # the worker itself is fine and kept
    finally:
        readers.close()


def test_the_worker_imports_only_the_readers_not_the_callers_script(tmp_path: Path) -> None:
    """``multiprocessing`` would run the caller's unguarded script again in each worker; ours never does."""
    marker = tmp_path / "ran"
    script = tmp_path / "caller.py"
    script.write_text(
        "import asyncio, pathlib\n"
        f"pathlib.Path({str(marker)!r}).open('a').write('x')\n"
        "from checker.sitemap.html_readers import HtmlReaders\n"
        "readers = HtmlReaders(1)\n"
        "read = asyncio.run(readers.read('<p>示例</p>', 'http://x.gov.cn/', {}, None, 10, 1000))\n"
        "assert readers._started and read.parsed is not None\n"
        "readers.close()\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=Path(__file__).resolve().parent.parent, timeout=60,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert marker.read_text() == "x"

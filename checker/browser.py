"""The only module that launches a browser: which Chromium to use, with which flags.

Order of choice: a path the user names (option or ``GOVCHECK_CHROMIUM``), then Playwright's own Chromium
when ``playwright install chromium`` has put it on the machine, then a system Chromium or Chrome.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.async_api import Browser, Page, Playwright
from playwright.async_api import Error as PlaywrightError

from checker.scenario import DEFAULT_SETTINGS

ENV_VARIABLE = "GOVCHECK_CHROMIUM"

SYSTEM_CHROMIUMS: tuple[str, ...] = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "C:/Program Files/Google/Chrome/Application/chrome.exe",
)

# Without these Chromium keeps calling home, which a closed network answers with refused connections.
QUIET_FLAGS: tuple[str, ...] = (
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--disable-gpu",
)


class BrowserNotFound(RuntimeError):
    """No usable Chromium was found; the message tells the user how to get one."""


@dataclass(frozen=True)
class BrowserChoice:
    """The Chromium executable to launch (None: Playwright's own) and where the choice came from."""

    executable: str | None
    source: str

    def describe(self) -> str:
        """A short Chinese description for the run's log."""
        where = self.executable or "Playwright 自带 Chromium"
        names = {"user": "用户指定", "env": f"环境变量 {ENV_VARIABLE}", "playwright": "Playwright", "system": "系统"}
        return f"{names.get(self.source, self.source)}：{where}"


def choose_browser(
    user_path: str | None,
    bundled_path: str | None,
    environ: dict[str, str] | None = None,
    exists: Callable[[str], bool] = os.path.exists,
    candidates: tuple[str, ...] = SYSTEM_CHROMIUMS,
) -> BrowserChoice:
    """Decide which Chromium to launch (pure: the file-system test is passed in).

    A path named by the user must exist, else :class:`BrowserNotFound` says so rather than silently
    falling back to another browser.
    """
    environ = os.environ if environ is None else environ
    for source, path in (("user", user_path), ("env", environ.get(ENV_VARIABLE))):
        if path:
            if not exists(path):
                raise BrowserNotFound(f"指定的浏览器不存在：{path}")
            return BrowserChoice(path, source)
    if bundled_path and exists(bundled_path):
        return BrowserChoice(None, "playwright")
    for path in candidates:
        if exists(path):
            return BrowserChoice(path, "system")
    raise BrowserNotFound(
        "找不到可用的 Chromium。请运行 `playwright install chromium`，"
        "或安装系统 Chromium（Debian/Ubuntu：apt-get install chromium fonts-noto-cjk），"
        f"或用 --browser-path / 环境变量 {ENV_VARIABLE} 指定浏览器路径。"
    )


def launch_arguments() -> list[str]:
    """Command-line flags every launch uses."""
    return list(QUIET_FLAGS)


def launch_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment Chromium is started with: the user's, in Chinese, so that the browser's own pages in
    the evidence (无法访问此网站, certificate warnings) read in Chinese like the rest of a notice. Chromium picks
    its interface language from LANG/LANGUAGE (``--lang`` is ignored headless); a Chromium without its
    Chinese resources (Debian: ``chromium-l10n``) falls back to English."""
    environ = dict(os.environ if environ is None else environ)
    environ.update({"LANG": "zh_CN.UTF-8", "LANGUAGE": "zh_CN:zh"})
    return environ


class BrowserEndpointError(RuntimeError):
    """A remote browser named by --browser-endpoint / --cdp-endpoint could not be reached."""


async def connect_browser(playwright: Playwright, ws_endpoint: str | None, cdp_endpoint: str | None,
                          remote_browser_path: str | None = None,
                          timeout_seconds: float = DEFAULT_SETTINGS.browser_connect_timeout_seconds) -> Browser:
    """Use a browser running elsewhere: a Playwright browser server (ws://) or a Chromium's DevTools port.

    A browser server launches the browser it was installed with; ``remote_browser_path`` names another
    Chromium on the server's machine (with govcheck's quiet flags), which the server accepts only when
    started with ``--unsafe``. ``timeout_seconds``: the suite's ``settings.browser_connect_timeout_seconds``.
    """
    try:
        if ws_endpoint:
            headers = {}
            if remote_browser_path:
                options = {"executablePath": remote_browser_path, "args": launch_arguments(), "headless": True}
                headers["x-playwright-launch-options"] = json.dumps(options)
            return await playwright.chromium.connect(ws_endpoint, timeout=timeout_seconds * 1000, headers=headers)
        return await playwright.chromium.connect_over_cdp(cdp_endpoint or "", timeout=timeout_seconds * 1000)
    except PlaywrightError as error:
        where = ws_endpoint or cdp_endpoint
        raise BrowserEndpointError(f"无法连接远程浏览器 {where}：{str(error).splitlines()[0]}") from None


async def launch_browser(playwright: Playwright, user_path: str | None = None, headed: bool = False,
                         proxy: dict[str, str] | None = None) -> Browser:
    """Launch the chosen Chromium for a run (one per run; contexts isolate the sites). ``proxy``: the run's
    network boundary (:class:`checker.netguard.PolicyProxy`), for what the browser itself asks outside any
    context; each context is given it too."""
    try:
        bundled = playwright.chromium.executable_path
    except Exception:
        bundled = None
    choice = choose_browser(user_path, bundled)
    return await playwright.chromium.launch(
        executable_path=choice.executable,
        headless=not headed,
        args=launch_arguments(),
        env=launch_environment(),
        **({"proxy": proxy} if proxy else {}),
    )


def resolve_for_pytest(user_path: str | None = None) -> dict[str, object]:
    """Launch keyword arguments for pytest-playwright's ``browser_type_launch_args`` fixture."""
    bundled = _bundled_chromium_path()
    choice = choose_browser(user_path, bundled)
    arguments: dict[str, object] = {"args": launch_arguments(), "env": launch_environment()}
    if choice.executable:
        arguments["executable_path"] = choice.executable
    return arguments


def _bundled_chromium_path() -> str | None:
    """Where Playwright's own Chromium would be, without starting Playwright (its cache folder)."""
    root = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache" / "ms-playwright")
    if not root.is_dir():
        return None
    layouts = ("chrome-linux/chrome", "chrome-linux64/chrome", "chrome-mac/Chromium.app", "chrome-win/chrome.exe")
    for folder in sorted(root.glob("chromium-*"), reverse=True):
        for relative in layouts:
            if (folder / relative).exists():
                return str(folder / relative)
    return None


# Draws two different characters and a private-use one: with no CJK font they all come out as the same box.
CJK_PROBE_SCRIPT = """() => {
  const canvas = document.createElement('canvas');
  canvas.width = 64; canvas.height = 32;
  const ctx = canvas.getContext('2d');
  const draw = (ch) => {
    ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, 64, 32);
    ctx.fillStyle = '#000'; ctx.font = '24px sans-serif'; ctx.fillText(ch, 4, 26);
    return Array.from(ctx.getImageData(0, 0, 64, 32).data).join(',');
  };
  return draw('政') !== draw('府') && draw('政') !== draw('\\u{10FFFD}');
}"""


async def cjk_renders(page: Page) -> bool:
    """Whether Chinese glyphs render (different characters draw differently, not as the same tofu box)."""
    return bool(await page.evaluate(CJK_PROBE_SCRIPT))

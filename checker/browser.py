"""The only module that launches a browser: which Chromium to use, with which flags.

Order of choice: a path the user names (option or ``GOVCHECK_CHROMIUM``), then Playwright's own Chromium
when ``playwright install chromium`` has put it on the machine, then a system Chromium or Chrome.

Two builds are in play. The headless shell (Playwright's own, or a system one such as Debian's
``chromium-headless-shell``) costs about a third less CPU per page and less memory (benchmarks/README.md), and
every run prefers it. It draws no error page of its own: a page that does not open is given one by govcheck,
stating Chromium's error and saying who wrote it (:func:`checker.visit.blank_error_page`). The full Chromium
draws its own (无法访问此网站, the certificate warning); a suite that wants those in its evidence sets
``settings.browser_build: full``, and a headed run always uses it (Playwright's own in its ``chromium``
channel, since Playwright otherwise runs its headless shell).
"""

from __future__ import annotations

import json
import os
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.async_api import Browser, Page, Playwright
from playwright.async_api import Error as PlaywrightError

from checker.chromium_features import disable_features_flag
from checker.runlog import LOG
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

SYSTEM_HEADLESS_SHELLS: tuple[str, ...] = (
    "/usr/bin/chromium-headless-shell",
    "/usr/lib/chromium/chromium-headless-shell",
)
"""Headless shells preferred to the full Chromium unless a run asks for the full build (Debian:
chromium-headless-shell)."""
FULL_CHANNEL = "chromium"
"""Playwright's channel for its full Chromium in headless mode (without it, Playwright runs its headless shell)."""

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
    channel: str | None = None
    """Playwright's channel for its own browser: ``chromium`` for the full build, None for its headless shell."""

    @property
    def shell(self) -> bool:
        """Whether this is a headless shell (Playwright's own without a channel, or one named like it)."""
        if self.executable is None:
            return self.channel is None
        name = Path(self.executable).name.lower()
        return "headless" in name and "shell" in name

    @property
    def build(self) -> str:
        """The build in Chinese, for the run's log: 无界面精简版 or 完整版."""
        return "无界面精简版" if self.shell else "完整版"

    def describe(self) -> str:
        """A short Chinese description for the run's log."""
        bundled = "Playwright 自带 Chromium" if self.channel else "Playwright 自带 Chromium（无界面精简版）"
        where = self.executable or bundled
        names = {"user": "用户指定", "env": f"环境变量 {ENV_VARIABLE}", "playwright": "Playwright", "system": "系统"}
        return f"{names.get(self.source, self.source)}：{where}"


def choose_browser(
    user_path: str | None,
    bundled_path: str | None,
    environ: dict[str, str] | None = None,
    exists: Callable[[str], bool] = os.path.exists,
    candidates: tuple[str, ...] = SYSTEM_CHROMIUMS,
    *,
    full: bool = False,
    shells: tuple[str, ...] = SYSTEM_HEADLESS_SHELLS,
) -> BrowserChoice:
    """Decide which Chromium to launch (pure: the file-system test is passed in).

    A path named by the user must exist, else :class:`BrowserNotFound` says so rather than silently
    falling back to another browser. Otherwise a headless shell is preferred; ``full``: the run needs the
    full Chromium (a headed window, or a suite that wants Chromium's own error pages in its evidence).
    """
    environ = os.environ if environ is None else environ
    for source, path in (("user", user_path), ("env", environ.get(ENV_VARIABLE))):
        if path:
            if not exists(path):
                raise BrowserNotFound(f"指定的浏览器不存在：{path}")
            return BrowserChoice(path, source)
    if bundled_path and exists(bundled_path):
        return BrowserChoice(None, "playwright", FULL_CHANNEL if full else None)
    for path in () if full else shells:
        if exists(path):
            return BrowserChoice(path, "system")
    for path in candidates:
        if exists(path):
            return BrowserChoice(path, "system")
    raise BrowserNotFound(
        "找不到可用的 Chromium。请运行 `playwright install chromium`，"
        "或安装系统 Chromium（Debian/Ubuntu：apt-get install chromium fonts-noto-cjk），"
        f"或用 --browser-path / 环境变量 {ENV_VARIABLE} 指定浏览器路径。"
    )


def launch_arguments(evidence: bool = True) -> list[str]:
    """Command-line flags for a launch: always quiet on the network. A browser that takes no evidence (the
    link crawler's) also gets the features govcheck turns off for speed, merged with Playwright's
    (:mod:`checker.chromium_features`); one that photographs renders as Chromium ships."""
    return [*QUIET_FLAGS, *([] if evidence else disable_features_flag())]


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
                         proxy: dict[str, str] | None = None, *, full: bool = False,
                         evidence: bool = True) -> Browser:
    """Launch the chosen Chromium for a run (one per run; contexts isolate the sites). ``proxy``: the run's
    network boundary (:class:`checker.netguard.PolicyProxy`), for what the browser itself asks outside any
    context; each context is given it too. ``full``: the run wants the full Chromium (a headed run always
    does); otherwise a headless shell is used when there is one, and a shell that will not start gives way
    to the full Chromium. ``evidence``: False for a browser that photographs nothing (:func:`launch_arguments`)."""
    try:
        bundled = playwright.chromium.executable_path
    except Exception:
        bundled = None
    full = full or headed
    choice = choose_browser(user_path, bundled, full=full)
    options: dict[str, object] = {"headless": not headed, "args": launch_arguments(evidence),
                                  "env": launch_environment(),
                                  **({"proxy": proxy} if proxy else {})}
    try:
        return await _launch(playwright, choice, options)
    except PlaywrightError:
        if full or not choice.shell or choice.source not in ("playwright", "system"):
            raise  # a named browser is used as named; only a shell govcheck chose itself gives way
        LOG.info("无界面精简版 Chromium 无法启动，改用完整版：%s", choice.describe(), exc_info=True)
        return await _launch(playwright, choose_browser(None, bundled, full=True), options)


async def _launch(playwright: Playwright, choice: BrowserChoice, options: dict[str, object]) -> Browser:
    if choice.executable is not None:
        browser = await playwright.chromium.launch(executable_path=choice.executable, **options)  # type: ignore[arg-type]
    else:
        browser = await playwright.chromium.launch(channel=choice.channel, **options)  # type: ignore[arg-type]
    _SHELLS[browser] = choice.shell
    LOG.info("浏览器：%s（%s，版本 %s）", choice.describe(), choice.build, browser.version)
    return browser


_SHELLS: weakref.WeakKeyDictionary[Browser, bool] = weakref.WeakKeyDictionary()
"""Whether each browser :func:`launch_browser` started is a headless shell."""


def is_headless_shell(browser: Browser) -> bool:
    """Whether ``browser`` is a headless shell govcheck launched (False for the full build and for a remote
    browser, whose build is not known)."""
    return _SHELLS.get(browser, False)


def resolve_for_pytest(user_path: str | None = None, full: bool = False) -> dict[str, object]:
    """Launch keyword arguments for pytest-playwright's ``browser_type_launch_args`` fixture (the same choice
    as a run: a headless shell unless ``full``)."""
    bundled = _bundled_chromium_path()
    choice = choose_browser(user_path, bundled, full=full or (bundled is not None and not _bundled_shell_present()))
    arguments: dict[str, object] = {"args": launch_arguments(), "env": launch_environment()}
    if choice.executable:
        arguments["executable_path"] = choice.executable
    elif choice.channel:
        arguments["channel"] = choice.channel
    return arguments


def _playwright_browsers() -> Path:
    """Where ``playwright install`` puts its browsers."""
    return Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache" / "ms-playwright")


def _bundled_chromium_path() -> str | None:
    """Where Playwright's own Chromium would be, without starting Playwright (its cache folder)."""
    root = _playwright_browsers()
    if not root.is_dir():
        return None
    layouts = ("chrome-linux/chrome", "chrome-linux64/chrome", "chrome-mac/Chromium.app", "chrome-win/chrome.exe")
    for folder in sorted(root.glob("chromium-*"), reverse=True):
        for relative in layouts:
            if (folder / relative).exists():
                return str(folder / relative)
    return None


def _bundled_shell_present() -> bool:
    """Whether Playwright's own headless shell is installed beside its Chromium (``playwright install
    chromium --no-shell`` leaves it out): pytest-playwright launches without a fallback."""
    root = _playwright_browsers()
    return root.is_dir() and any(root.glob("chromium_headless_shell-*"))


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

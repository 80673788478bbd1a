"""Which Chromium is launched: user's, then Playwright's own, then the system's."""

import pytest

from checker.browser import (
    ENV_VARIABLE,
    BrowserChoice,
    BrowserNotFound,
    choose_browser,
    launch_arguments,
    launch_environment,
)


def exists_in(*paths: str):
    return lambda path: path in paths


def test_user_path_wins() -> None:
    choice = choose_browser("/opt/c", "/pw/chrome", {}, exists_in("/opt/c", "/pw/chrome", "/usr/bin/chromium"))
    assert (choice.executable, choice.source) == ("/opt/c", "user")


def test_environment_variable_next() -> None:
    choice = choose_browser(None, "/pw/chrome", {ENV_VARIABLE: "/e/c"}, exists_in("/e/c", "/pw/chrome"))
    assert (choice.executable, choice.source) == ("/e/c", "env")


def test_playwright_browser_preferred_over_system() -> None:
    choice = choose_browser(None, "/pw/chrome", {}, exists_in("/pw/chrome", "/usr/bin/chromium"))
    assert (choice.executable, choice.source) == (None, "playwright")


def test_system_fallback() -> None:
    choice = choose_browser(None, "/pw/chrome", {}, exists_in("/usr/bin/chromium"))
    assert (choice.executable, choice.source) == ("/usr/bin/chromium", "system")


def test_named_browser_missing_is_an_error_not_a_fallback() -> None:
    with pytest.raises(BrowserNotFound, match="/nope"):
        choose_browser("/nope", None, {}, exists_in("/usr/bin/chromium"))


def test_nothing_found_explains_how_to_get_one() -> None:
    with pytest.raises(BrowserNotFound, match="playwright install chromium"):
        choose_browser(None, None, {}, exists_in())


def test_quiet_flags() -> None:
    flags = launch_arguments()
    for flag in ("--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"):
        assert flag in flags


def test_chromium_starts_in_chinese_and_keeps_the_users_environment() -> None:
    environment = launch_environment({"PATH": "/usr/bin", "LANG": "C.UTF-8", "HTTPS_PROXY": "http://p:1"})
    assert environment["LANG"] == "zh_CN.UTF-8" and environment["LANGUAGE"].startswith("zh_CN")
    assert environment["PATH"] == "/usr/bin" and environment["HTTPS_PROXY"] == "http://p:1"


def test_a_run_asking_for_the_full_build_gets_playwrights_full_chromium() -> None:
    """Playwright runs its headless shell unless asked for the ``chromium`` channel; a suite that wants
    Chromium's own error pages in its evidence (``browser_build: full``), or a headed run, asks for it."""
    choice = choose_browser(None, "/pw/chrome", {}, exists_in("/pw/chrome"), full=True)
    assert (choice.executable, choice.channel) == (None, "chromium")


def test_a_run_prefers_a_headless_shell() -> None:
    shell = "/usr/bin/chromium-headless-shell"
    assert choose_browser(None, "/pw/chrome", {}, exists_in("/pw/chrome", shell)) \
        == BrowserChoice(None, "playwright", None)
    assert choose_browser(None, None, {}, exists_in("/usr/bin/chromium", shell)).executable == shell
    assert choose_browser(None, None, {}, exists_in("/usr/bin/chromium", shell), full=True).executable \
        == "/usr/bin/chromium"
    assert choose_browser(None, None, {}, exists_in("/usr/bin/chromium")).executable == "/usr/bin/chromium"


def test_a_named_browser_is_used_as_named_even_when_a_shell_is_there() -> None:
    both = exists_in("/usr/bin/chromium", "/usr/bin/chromium-headless-shell")
    choice = choose_browser("/usr/bin/chromium", None, {}, both)
    assert choice.executable == "/usr/bin/chromium"


def test_a_choice_knows_whether_it_is_a_headless_shell() -> None:
    assert BrowserChoice(None, "playwright", None).shell
    assert not BrowserChoice(None, "playwright", "chromium").shell
    assert BrowserChoice("/usr/bin/chromium-headless-shell", "system").shell
    assert BrowserChoice("/pw/chromium_headless_shell-1148/chrome-linux/headless_shell", "user").shell
    assert not BrowserChoice("/usr/bin/chromium", "system").shell

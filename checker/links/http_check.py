"""The HTTP side of link checking (链接不可用): one LinkChecker per run checks each unique URL once, politely.

A check asks HEAD first and confirms any HEAD failure with GET (many servers refuse or mishandle HEAD;
a wrong 链接不可用 costs a site points, so a failure is only believed when GET agrees). GET never reads a
large body: the answer's headers decide. Redirects are followed here (at most 10) so the chain is recorded
and loops are named. 404/403/410 and other 4xx are definite at the first look.

Everything else that fails is looked at again (with GET), as the run's re-test policy says
(``settings.retest``: ``attempts`` looks in all, spread over ``spread_seconds``; the pause between looks is
``max(retry_pause_seconds, spread_seconds / (attempts - 1))``, and a Retry-After the server sent holds the
host's gate at least that long): 5xx, 408/425/429, timeouts, resets, refused connections and TLS failures
become suspect/timeout only if every look failed; a host name that does not resolve is broken only if it
still does not resolve at the last look. Without a policy (``govcheck links``) a failure is looked at once
more after ``retry_pause_seconds``. When each look was made is kept (:meth:`LinkChecker.looks`), so a report
can say how often and when a failure was confirmed. A certificate error is recorded in ``note`` and the
check goes on without verification for that host.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urljoin

import aiohttp

from checker import USER_AGENT_SUFFIX
from checker.links.http_support import (
    LOOPBACK_HOSTS,
    EnvProxies,
    Failure,
    HostGate,
    Target,
    UnsupportedUrl,
    certificate_problem,
    describe_failure,
    http_session,
    loopback_only_from_env,
    prepare_url,
    retry_after_seconds,
)
from checker.links.model import LinkResult, LinkStatus
from checker.netguard import NetworkGuard
from checker.runlog import LOG
from checker.scenario import LinkSettings, RetestSettings

MAX_REDIRECTS = 10
DEFAULT_USER_AGENT = f"Mozilla/5.0 (compatible; {USER_AGENT_SUFFIX})"
EXTERNAL_OFF = "未检查外部链接（设置）"
LOOPBACK_ONLY = "测试环境只访问本机"
_SMALL_BODY = 64 * 1024  # GET bodies up to this size are read so the connection can be reused
_RETRY_STATUSES = frozenset({408, 425, 429, 502, 503, 504})
"""Answers that say "not now" (a look to repeat), not "not there"; every other 5xx is repeated too."""
ONE_RETRY = RetestSettings(attempts=2, spread_seconds=0)
"""Without the run's policy: one more look after ``retry_pause_seconds`` (the ``govcheck links`` command)."""
_STATUS_NAMES = {403: "禁止访问", 404: "页面不存在", 410: "页面已删除", 401: "需要登录", 429: "请求过多"}


@dataclass
class _Trace:
    """What one check has done so far: requests made and notes to pass on."""

    requests: int = 0
    notes: list[str] = field(default_factory=list)
    urgent: bool = False
    sent: list[tuple[float, datetime]] = field(default_factory=list)
    """When each request went out (past the host's gate): monotonic and wall-clock time."""


@dataclass(frozen=True)
class _Answer:
    """What a request's answer tells the checker: its status and headers (case-insensitive; the body is
    never kept)."""

    status_code: int
    headers: Mapping[str, str]


@dataclass(frozen=True)
class _Outcome:
    """One attempt (a HEAD or GET chain): a status, or ``transient`` when a retry could change it.

    ``unresolved``: the host name did not resolve; looked at again like a transient failure, but broken
    (not suspect) when it still does not resolve at the last look.
    """

    status: LinkStatus
    reason: str = ""
    http_status: int | None = None
    chain: tuple[str, ...] = ()
    transient: bool = False
    timed_out: bool = False
    retry_after: float | None = None
    unresolved: bool = False


class LinkChecker:
    """Checks link URLs over HTTP for a whole run (shared by all sites, so each unique URL is asked once).

    ``check`` never raises (short of cancellation); ``results`` gives every outcome so far, keyed by the URL
    as the caller gave it, and ``looks`` when each look at a URL was made. ``retest`` is the run's re-test
    policy (``settings.retest``); without it a failure is looked at once more. With ``loopback_only``
    (default: env GOVCHECK_LOOPBACK_ONLY=1) nothing but 127.0.0.1 / localhost / ::1 is contacted; other
    hosts are excluded, which keeps tests off the network.
    """

    def __init__(self, settings: LinkSettings, *, retest: RetestSettings | None = None,
                 user_agent: str | None = None, loopback_only: bool | None = None,
                 guard: NetworkGuard | None = None) -> None:
        self.settings = settings
        self.retest = retest or ONE_RETRY
        self.user_agent = user_agent or DEFAULT_USER_AGENT
        self.loopback_only = loopback_only_from_env() if loopback_only is None else loopback_only
        self._exclude = [re.compile(pattern) for pattern in settings.exclude]
        self._guard = guard
        self._gate = HostGate(settings.per_host, settings.concurrency, settings.min_interval_seconds)
        self._session: aiohttp.ClientSession | None = None
        self._proxies = EnvProxies(enabled=not self.loopback_only)
        self._verifying: ssl.SSLContext | None = None
        self._tasks: dict[str, asyncio.Task[LinkResult]] = {}
        self._results: dict[str, LinkResult] = {}
        self._looks: dict[str, tuple[datetime, ...]] = {}

    async def __aenter__(self) -> LinkChecker:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        traceback: TracebackType | None) -> None:
        await self.aclose()

    @property
    def gate(self) -> HostGate:
        """The run's per-host politeness (slots, interval, Retry-After), which the fetch-mode crawl shares."""
        return self._gate

    def results(self) -> dict[str, LinkResult]:
        """Every URL checked (or excluded, or refused as unsupported) so far, by the URL as given."""
        return dict(self._results)

    @property
    def pause_seconds(self) -> float:
        """The pause between two looks at a failing URL: the policy's spread over its looks, at least
        ``retry_pause_seconds``."""
        return max(self.settings.retry_pause_seconds, self.retest.pause_seconds())

    def looks(self, url: str) -> tuple[datetime, ...]:
        """When each look at ``url`` (as given to :meth:`check`) started; empty when it was not requested."""
        try:
            return self._looks.get(prepare_url(url).request_url, ())
        except UnsupportedUrl:
            LOG.debug("链接地址无法处理：%s", url, exc_info=True)
            return ()

    async def aclose(self) -> None:
        """Stop unfinished checks and close the HTTP connections."""
        pending = [task for task in self._tasks.values() if not task.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def check(self, url: str, *, external: bool = False, urgent: bool = False) -> LinkResult:
        """Check one URL (memoised: concurrent and later callers of the same URL share one check).

        ``urgent``: the crawl's own business (a page it could not open), served before other checks.
        """
        try:
            return await self._check(url, external, urgent)
        except Exception as error:  # odd input the parsers did not foresee must not stop the run
            LOG.warning("链接地址无法处理：%s", url, exc_info=True)
            reason = f"链接地址无法处理（{type(error).__name__}）"
            return self._keep(LinkResult(url, LinkStatus.UNSUPPORTED, reason=reason))

    async def _check(self, url: str, external: bool, urgent: bool) -> LinkResult:
        try:
            target = prepare_url(url)
        except UnsupportedUrl as error:
            LOG.debug("不支持检查的链接：%s", url, exc_info=True)
            return self._keep(LinkResult(url, LinkStatus.UNSUPPORTED, reason=str(error)))
        if external and not self.settings.external:
            # Only this caller's view: the same URL may be internal to another site of the run.
            result = LinkResult(url, LinkStatus.EXCLUDED, reason=EXTERNAL_OFF)
            self._results.setdefault(url, result)
            return result
        pattern = next((p.pattern for p in self._exclude if p.search(url)), None)
        if pattern is not None:
            return self._keep(LinkResult(url, LinkStatus.EXCLUDED, reason=f"按设置排除（{pattern}）"))
        if self.loopback_only and target.host not in LOOPBACK_HOSTS:
            return self._keep(LinkResult(url, LinkStatus.EXCLUDED, reason=LOOPBACK_ONLY))
        task = self._tasks.get(target.request_url)
        if task is None:
            task = self._tasks[target.request_url] = asyncio.ensure_future(self._guarded(target, urgent))
        result = await asyncio.shield(task)
        chain = (url, *result.redirects[1:]) if result.redirects else ()
        return self._keep(replace(result, url=url, redirects=chain))

    def _keep(self, result: LinkResult) -> LinkResult:
        self._results[result.url] = result
        return result

    async def _guarded(self, target: Target, urgent: bool) -> LinkResult:
        started = time.monotonic()
        trace = _Trace(urgent=urgent)
        try:
            return await self._run(target, trace, started)
        except Exception as error:  # a bug or an unforeseen library error must not stop the run
            LOG.error("链接检查出错：%s", target.request_url, exc_info=True)
            return LinkResult(target.request_url, LinkStatus.SUSPECT, reason=f"检查出错（{type(error).__name__}）",
                              attempts=trace.requests, elapsed_seconds=time.monotonic() - started)

    async def _run(self, target: Target, trace: _Trace, started: float) -> LinkResult:
        looks: list[tuple[float, datetime]] = []
        outcome = await self._look(target, trace, looks)
        while outcome.transient and len(looks) < self.retest.attempts:
            # Look k goes out no earlier than k pauses after the first, so the looks span the policy's
            # spread; a Retry-After the server sent holds the host's gate (this look too) at least as long.
            await asyncio.sleep(max(0.0, looks[0][0] + len(looks) * self.pause_seconds - time.monotonic()))
            outcome = await self._look(target, trace, looks)
        if outcome.transient:
            outcome = _after_looks(outcome, len(looks))
        return LinkResult(
            target.request_url, outcome.status, http_status=outcome.http_status, reason=outcome.reason,
            redirects=outcome.chain if len(outcome.chain) > 1 else (), note="；".join(dict.fromkeys(trace.notes)),
            attempts=trace.requests, elapsed_seconds=time.monotonic() - started,
        )

    async def _look(self, target: Target, trace: _Trace, looks: list[tuple[float, datetime]]) -> _Outcome:
        """One look (an attempt), noting when its first request went out."""
        sent = len(trace.sent)
        try:
            return await self._attempt(target, trace, first=not looks)
        finally:
            looks.append(trace.sent[sent] if len(trace.sent) > sent else (time.monotonic(), datetime.now(UTC)))
            self._looks[target.request_url] = tuple(at for _, at in looks)

    async def _attempt(self, target: Target, trace: _Trace, *, first: bool) -> _Outcome:
        use_head = first and not self._gate.host(target.host).head_refused
        outcome = await self._follow(target, "HEAD" if use_head else "GET", trace)
        if not use_head or outcome.http_status is None or outcome.http_status < 400:
            return outcome
        if outcome.http_status in _RETRY_STATUSES:
            return outcome
        final = prepare_url(outcome.chain[-1])
        confirmed = await self._follow(final, "GET", trace)
        if confirmed.status is LinkStatus.OK:
            self._gate.host(final.host).head_refused = True
        return replace(confirmed, chain=outcome.chain + confirmed.chain[1:])

    async def _follow(self, target: Target, method: str, trace: _Trace) -> _Outcome:
        chain = [target.request_url]
        current = target
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                response = await self._request(current, method, trace)
            except Exception as error:
                LOG.info("请求失败：%s %s（%s）", method, current.request_url, type(error).__name__, exc_info=True)
                return _failed(describe_failure(error, self.settings.timeout_seconds), tuple(chain))
            code = response.status_code
            location = response.headers.get("location")
            if not (300 <= code < 400 and code != 304):
                return self._judge(current, response, tuple(chain))
            if not location:
                return _Outcome(LinkStatus.SUSPECT, f"HTTP {code} 重定向缺少目标地址", code, tuple(chain))
            try:
                current = prepare_url(urljoin(current.request_url, location.strip()))
            except UnsupportedUrl as error:
                return _Outcome(LinkStatus.UNSUPPORTED, f"重定向到无法检查的地址：{error}", code, tuple(chain))
            repeat = current.request_url in chain and "set-cookie" not in response.headers
            chain.append(current.request_url)
            if repeat:
                return _Outcome(LinkStatus.BROKEN, "重定向循环", code, tuple(chain))
            if self.loopback_only and current.host not in LOOPBACK_HOSTS:
                return _Outcome(LinkStatus.EXCLUDED, f"重定向到外部主机，{LOOPBACK_ONLY}", code, tuple(chain))
        return _Outcome(LinkStatus.BROKEN, f"重定向次数过多（超过 {MAX_REDIRECTS} 次）", None, tuple(chain))

    def _judge(self, target: Target, response: _Answer, chain: tuple[str, ...]) -> _Outcome:
        code = response.status_code
        if code < 400:
            return _Outcome(LinkStatus.OK, "", code, chain)
        if code in _RETRY_STATUSES or code >= 500:
            wait = retry_after_seconds(response.headers.get("retry-after")) if code in (429, 503) else None
            if wait is not None:
                wait = min(wait, self.settings.max_retry_after_seconds)
                self._gate.block(target.host, wait)
            kind = "请求过多" if code == 429 else "服务器错误"
            return _Outcome(LinkStatus.SUSPECT, f"{kind} HTTP {code}", code, chain, transient=True, retry_after=wait)
        name = _STATUS_NAMES.get(code, "无法访问")
        return _Outcome(LinkStatus.BROKEN, f"{name}（HTTP {code}）", code, chain)

    async def _request(self, target: Target, method: str, trace: _Trace) -> _Answer:
        host = self._gate.host(target.host)
        if target.scheme == "https" and host.certificate is not None:
            trace.notes.append(_certificate_note(host.certificate))
            return await self._send(target, method, trace, verify=False)
        try:
            return await self._send(target, method, trace, verify=True)
        except aiohttp.ClientConnectorError as error:
            problem = certificate_problem(error)
            if problem is None:
                raise
            LOG.info("证书错误，忽略证书继续检查：%s（%s）", target.request_url, problem, exc_info=True)
            host.certificate = problem
            trace.notes.append(_certificate_note(problem))
            return await self._send(target, method, trace, verify=False)

    async def _send(self, target: Target, method: str, trace: _Trace, *, verify: bool) -> _Answer:
        async with self._gate.turn(target.host, urgent=trace.urgent):
            trace.requests += 1
            trace.sent.append((time.monotonic(), datetime.now(UTC)))
            tls: ssl.SSLContext | bool = self._tls_context() if verify else False
            async with asyncio.timeout(self.settings.timeout_seconds):
                proxy = self._proxies.for_url(target.scheme, target.host)
                async with self._client().request(method, target.request_url, ssl=tls, proxy=proxy,
                                                  allow_redirects=False) as response:
                    size = response.headers.get("content-length", "")
                    # Reading a small body to the end lets the connection be reused; a large one is not
                    # downloaded (leaving it unread closes the connection).
                    if method == "GET" and size.isdigit() and int(size) <= _SMALL_BODY:
                        await response.read()
                    return _Answer(response.status, response.headers)

    def _tls_context(self) -> ssl.SSLContext:
        # Loading the CA store takes tens of milliseconds: once per run, not once per request.
        if self._verifying is None:
            self._verifying = ssl.create_default_context()
        return self._verifying

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = http_session(
                self.settings.timeout_seconds, self.settings.concurrency,
                {"User-Agent": self.user_agent, "Accept": "*/*", "Accept-Language": "zh-CN,zh;q=0.9"},
                guard=self._guard)
        return self._session


def _certificate_note(problem: str) -> str:
    return f"证书错误：{problem}，已忽略证书继续检查"


def _failed(failure: Failure, chain: tuple[str, ...]) -> _Outcome:
    if failure.kind == "timeout":
        return _Outcome(LinkStatus.TIMEOUT, failure.reason, None, chain, transient=True, timed_out=True)
    if failure.kind == "invalid":
        return _Outcome(LinkStatus.UNSUPPORTED, failure.reason, None, chain)
    if failure.kind == "blocked":  # the network boundary: not requested, so neither broken nor fine
        return _Outcome(LinkStatus.EXCLUDED, failure.reason, None, chain)
    if failure.kind == "dns":  # a resolver may stumble too: broken only if the name still does not resolve
        return _Outcome(LinkStatus.BROKEN, failure.reason, None, chain, transient=True, unresolved=True)
    status = LinkStatus.SUSPECT if failure.transient else LinkStatus.BROKEN
    return _Outcome(status, failure.reason, None, chain, transient=failure.transient)


def _after_looks(outcome: _Outcome, looks: int) -> _Outcome:
    """The final word on a URL whose every look failed transiently: a name that never resolved is broken,
    a timeout stays timeout, the rest suspect; the reason says when the failure was looked at again."""
    if looks < 2:
        return replace(outcome, transient=False) if outcome.unresolved else outcome
    if outcome.unresolved:
        return replace(outcome, transient=False, reason=f"{outcome.reason}（重试后仍失败）")
    if outcome.timed_out:
        return replace(outcome, reason=f"超时（{outcome.reason}，重试后仍超时）")
    return replace(outcome, status=LinkStatus.SUSPECT, reason=f"{outcome.reason}（重试后仍失败）")

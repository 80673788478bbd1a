"""Deterministic fault injection for the demo server: a flaky government server, reproducible by seed.

A :class:`FaultPlan` decides, for every request the demo server receives, whether to answer normally or to
misbehave like an overloaded server: reset the connection without a word (:attr:`Fault.RESET`), answer 503
(:attr:`Fault.ERROR`) or answer normally after a long pause (:attr:`Fault.STALL`).

The decision does not depend on thread scheduling: it is drawn from a hash of (seed, method, target, n), where
target is the path and query as requested and n counts the earlier requests of the same method and target.
So a retry of a URL gets a fresh draw, and the k-th request of a URL draws the same fault in every run with
the same seed, whatever order the requests of *different* URLs arrive in. Every injected fault is logged
(:attr:`FaultPlan.log`) so that tests and benchmarks can count them.

``FaultPlan.even(0.1, seed=7)`` splits a total share of 10 % into 4 % resets, 4 % 503 answers and 2 % stalls.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import unquote, urlsplit

_SCALE = float(1 << 64)
EVEN_SPLIT = (0.4, 0.4, 0.2)
"""How :meth:`FaultPlan.even` splits a total share: resets, 503 answers, stalls."""


class Fault(StrEnum):
    """What the server does with one request."""

    NONE = "none"
    RESET = "reset"
    ERROR = "error"
    STALL = "stall"


def _check_share(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} 应在 0 与 1 之间，实为 {value}")


def asking_page(referer: str) -> str:
    """The path and query of the page that asked (a Referer without scheme, host and port); '' for none."""
    if not referer:
        return ""
    parts = urlsplit(referer)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class FaultPlan:
    """Which share of requests the demo server resets, answers 503 or stalls, drawn deterministically by seed.

    ``spare`` (called with method and target) and ``spare_paths`` name requests that are never faulted: a
    spare path matches a request path equal to it, or starting with it when it ends with ``/``. Spared
    requests do not count towards n. The plan holds its own request counters and fault log; use
    :meth:`fresh` for a plan with the same settings and nothing counted yet (one per run).
    """

    reset_share: float = 0.0
    error_share: float = 0.0
    stall_share: float = 0.0
    stall_seconds: float = 4.0
    seed: int = 0
    spare: Callable[[str, str], bool] | None = None
    spare_paths: tuple[str, ...] = ()
    _seen: Counter[tuple[str, str, str]] = field(default_factory=Counter, init=False, repr=False, compare=False)
    _log: list[tuple[Fault, str, str]] = field(default_factory=list, init=False, repr=False, compare=False)
    _askers: list[str] = field(default_factory=list, init=False, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Refuse shares outside 0…1, a total above 1 and a negative stall."""
        for name in ("reset_share", "error_share", "stall_share"):
            _check_share(name, getattr(self, name))
        if self.total_share > 1.0 + 1e-9:
            raise ValueError(f"故障比例合计不能超过 1，实为 {self.total_share}")
        if self.stall_seconds < 0:
            raise ValueError(f"stall_seconds 不能为负数，实为 {self.stall_seconds}")

    @classmethod
    def even(cls, total_share: float, seed: int = 0, stall_seconds: float = 4.0,
             spare: Callable[[str, str], bool] | None = None, spare_paths: tuple[str, ...] = ()) -> FaultPlan:
        """A plan faulting ``total_share`` of requests: 40 % of them reset, 40 % answered 503, 20 % stalled."""
        _check_share("total_share", total_share)
        reset, error, stall = (total_share * part for part in EVEN_SPLIT)
        return cls(reset_share=reset, error_share=error, stall_share=stall, stall_seconds=stall_seconds,
                   seed=seed, spare=spare, spare_paths=spare_paths)

    @property
    def total_share(self) -> float:
        """The share of requests faulted in some way."""
        return self.reset_share + self.error_share + self.stall_share

    def fresh(self) -> FaultPlan:
        """The same plan with no request counted and an empty log (the next run draws the same faults)."""
        return FaultPlan(self.reset_share, self.error_share, self.stall_share, self.stall_seconds, self.seed,
                         self.spare, self.spare_paths)

    def spared(self, method: str, target: str) -> bool:
        """Whether this request is never faulted (``spare`` or ``spare_paths``)."""
        if self.spare is not None and self.spare(method, target):
            return True
        path = unquote(urlsplit(target).path)
        return any(path == spare or (spare.endswith("/") and path.startswith(spare)) for spare in self.spare_paths)

    def draw(self, method: str, target: str, n: int, source: str = "") -> Fault:
        """The fault for the ``n``-th earlier-seen request (0 = first) of ``method`` and ``target`` asked by
        ``source`` (the page that asked, from its Referer; '' for a page loaded by itself): a pure function of
        the seed and these four."""
        if self.total_share <= 0:
            return Fault.NONE
        origin = f"\0{source}" if source else ""
        key = f"{self.seed}\0{method.upper()}\0{target}\0{n}{origin}".encode()
        value = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big") / _SCALE
        if value < self.reset_share:
            return Fault.RESET
        if value < self.reset_share + self.error_share:
            return Fault.ERROR
        if value < self.total_share:
            return Fault.STALL
        return Fault.NONE

    def decide(self, method: str, target: str, source: str = "") -> Fault:
        """The fault for this request (counted, and logged when it is one); thread-safe.

        Requests are counted per (method, target, source): a script every page loads draws its faults per
        page that asks for it, so which page gets a reset does not depend on the order pages were opened in.
        ``source`` may be a whole Referer: only its path and query count, since the demo's port changes
        from run to run and the same seed must draw the same faults in every run.
        """
        if self.spared(method, target):
            return Fault.NONE
        source = asking_page(source)
        key = (method.upper(), target)
        with self._lock:
            n = self._seen[(*key, source)]
            self._seen[(*key, source)] = n + 1
        fault = self.draw(method, target, n, source)
        if fault is not Fault.NONE:
            with self._lock:
                self._log.append((fault, key[0], target))
                self._askers.append(source)
        return fault

    @property
    def log(self) -> list[tuple[Fault, str, str]]:
        """Every fault injected so far, as (fault, method, target), in the order decided (a copy)."""
        with self._lock:
            return list(self._log)

    def faults_seen_by(self, page: str) -> int:
        """How many faults a look at ``page`` (a URL or path) could have met: faults on the page itself and on
        the scripts, styles and data requests it asked for, over the whole run so far."""
        wanted = asking_page(page)
        with self._lock:
            return sum(1 for (_, _, target), asker in zip(self._log, self._askers, strict=True)
                       if target == wanted or asker == wanted)

    def counts(self) -> dict[str, int]:
        """Faults injected so far by kind (``reset``, ``error``, ``stall``; zero included) and ``requests``: how
        many requests were decided (spared ones not counted)."""
        with self._lock:
            kinds = Counter(fault for fault, _, _ in self._log)
            requests = sum(self._seen.values())
        return {**{fault.value: kinds[fault] for fault in Fault if fault is not Fault.NONE}, "requests": requests}

    def describe(self) -> str:
        """A short Chinese description of the plan, for the server's start-up line."""
        return (f"故障注入：连接重置 {self.reset_share:.1%}、503 {self.error_share:.1%}、"
                f"延迟 {self.stall_share:.1%}（每次 {self.stall_seconds:g} 秒），种子 {self.seed}")

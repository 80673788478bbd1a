"""A citizen journey as a recorded sequence of steps, each with the screenshot of the moment it ended.

A failed journey keeps every step's screenshot as the finding's evidence trail; a passed one keeps the
last step's, so a notice can show the form did work.

Most journeys pass, so a journey may be walked *sparingly* (``every_step=False``): a step that went as
expected is not photographed as it happens, only a step that did not (or one marked ``final``), and a
passed journey's last step when :meth:`Journey.trail` is asked for. A sparing journey that found a problem
has gaps in its trail (:attr:`Journey.sparing_gaps`); the check then walks it again photographing every
step, and judges from that second walk, so a finding always carries the whole trail and rests on two looks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from checker.capture import capture_png
from checker.evidence import DeferredEvidenceStore, EvidenceStore
from checker.results import Evidence
from checker.scenario import DEFAULT_SETTINGS
from checker.visit import PageEvidence, Shot, in_image_thread, now


@dataclass(frozen=True)
class JourneyStep:
    """One step: what it did, whether it went as expected, what the page was, and its screenshots (taken as
    the step ended; made into evidence files only for the steps :meth:`Journey.trail` keeps)."""

    label: str
    ok: bool
    url: str
    note: str = ""
    evidence: tuple[Evidence, ...] = ()
    shot: tuple[PageEvidence, Shot] | None = field(default=None, repr=False, compare=False)
    anchor: str = ""
    deferred: bool = False
    """Not photographed when it happened (a sparing journey's step that went as expected)."""


@dataclass
class Journey:
    """The steps taken so far on one page; :meth:`step` photographs the page as the step left it (a sparing
    journey, ``every_step=False``, only the steps that did not go as expected; see the module's docstring)."""

    page: Page
    store: EvidenceStore
    site_index: int
    max_height: int
    screenshot_timeout_seconds: float = DEFAULT_SETTINGS.screenshot_timeout_seconds
    every_step: bool = True
    steps: list[JourneyStep] = field(default_factory=list)
    _staged: DeferredEvidenceStore | None = field(default=None, init=False, repr=False)

    @property
    def _stage(self) -> DeferredEvidenceStore:
        """Step screenshots wait here; :meth:`trail` writes only the ones it returns."""
        if self._staged is None:
            self._staged = DeferredEvidenceStore(self.store)
        return self._staged

    async def step(self, label: str, anchor: str = "", *, ok: bool = True, note: str = "",
                   final: bool = False) -> JourneyStep:
        """Record a step with the page boxed around ``anchor`` (the element the step is about).

        ``final``: no step follows on this page (it may close), so even a sparing journey photographs it now.
        """
        if ok and not final and not self.every_step:
            done = JourneyStep(label, ok, self.page.url, note, anchor=anchor, deferred=True)
        else:
            done = await self._photographed(label, anchor, ok, note)
        self.steps.append(done)
        return done

    async def _photographed(self, label: str, anchor: str, ok: bool, note: str) -> JourneyStep:
        if anchor:
            evidence = PageEvidence(self.page, self._stage, self.site_index, self.max_height,
                                    screenshot_timeout_seconds=self.screenshot_timeout_seconds)
            shot = await evidence.take(anchor)
            return JourneyStep(label, ok, self.page.url, note, shot=(evidence, shot) if shot else None,
                               anchor=anchor)
        return JourneyStep(label, ok, self.page.url, note, tuple(await self._viewport()))

    async def _viewport(self) -> list[Evidence]:
        """What a person sees on arriving: the window, not the whole (possibly endless) page."""
        try:
            png = await capture_png(self.page, None, self.screenshot_timeout_seconds)
        except PlaywrightError:
            return []
        return [self._stage.save(png, site_index=self.site_index, role="page", url=self.page.url, captured_at=now())]

    @property
    def failed(self) -> bool:
        """Whether some step did not go as expected."""
        return any(not step.ok for step in self.steps)

    @property
    def sparing_gaps(self) -> bool:
        """Whether the journey failed with steps it did not photograph: its trail would have gaps, so the
        check walks it again with ``every_step=True``."""
        return self.failed and any(step.deferred for step in self.steps)

    async def trail(self) -> list[Evidence]:
        """Every step's screenshots when the journey failed, else the last step's (made into files and written
        to disk now, on a thread: a passed journey's earlier steps are never boxed or encoded).

        A sparing journey that passed photographs its last step now: the caller asks for the trail while
        the page still shows what that step left (a step that leaves the page was marked ``final``).
        """
        if not self.failed and self.steps and self.steps[-1].deferred:
            last = self.steps[-1]
            if self.page.url == last.url and not self.page.is_closed():
                self.steps[-1] = await self._photographed(last.label, last.anchor, last.ok, last.note)
        steps = self.steps if self.failed else self.steps[-1:]
        return await in_image_thread(self._files, steps)

    def _files(self, steps: list[JourneyStep]) -> list[Evidence]:
        made = [item for step in steps for item in (step.shot[0].files(step.shot[1]) if step.shot else step.evidence)]
        shots = {shot.path: shot for shot in made}
        return self._stage.keep(list(shots.values()))

    def describe(self) -> str:
        """The steps in words: 1.打开首页 → 2.进入“我要留言”（未通过：…）."""
        parts = []
        for number, step in enumerate(self.steps, 1):
            text = f"{number}.{step.label}"
            if step.note:
                text += f"（{'' if step.ok else '未通过：'}{step.note}）"
            parts.append(text)
        return " → ".join(parts)

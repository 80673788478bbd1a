"""The crawl's tab pool: pages waiting for a tab are served when worn tabs are closed and made again.

The pool replaces a tab after ``TAB_PAGES`` pages. A page that waited for a tab while every tab was worn out
once waited forever (only a tab given back woke it): a 2000-page hybrid crawl stalled after 6 × 10 renders
until its time budget ran out.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest

from checker.links import crawl
from checker.links.crawl import TAB_PAGES, TabPool
from tests.aio import run_async


class _Tab:
    """A stand-in for a browser tab."""


def _fake_side(made: list[_Tab], closed: list[_Tab]) -> SimpleNamespace:
    async def new_tab(context: Any) -> _Tab:
        await asyncio.sleep(0)
        made.append(_Tab())
        return made[-1]

    async def close_tab(tab: _Tab) -> None:
        await asyncio.sleep(0)
        closed.append(tab)

    return SimpleNamespace(new_tab=new_tab, close_tab=close_tab)


def test_pages_waiting_for_a_tab_are_served_when_worn_tabs_are_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[_Tab] = []
    closed: list[_Tab] = []
    monkeypatch.setattr(crawl, "_render_side", lambda: _fake_side(made, closed))
    pool = TabPool(object(), size=2)  # type: ignore[arg-type]
    in_use = 0
    most = 0

    async def render(spoil: bool) -> None:
        nonlocal in_use, most
        tab = await pool.borrow()
        in_use += 1
        most = max(most, in_use)
        await asyncio.sleep(0.001)
        in_use -= 1
        await pool.give_back(tab, spoiled=spoil)

    async def crawl_pages() -> None:
        pages = [render(spoil=number % 13 == 0) for number in range(6 * TAB_PAGES + 7)]
        await asyncio.wait_for(asyncio.gather(*pages), timeout=10)

    run_async(crawl_pages())
    assert most == 2  # never more tabs than the pool's size
    assert len(made) - len(closed) <= 2 and len(closed) >= 6  # worn and spoiled tabs were replaced


def test_each_tab_takes_the_lowest_free_seat_and_a_replaced_tab_gives_its_seat_back(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The seat is what a context starter spreads over contexts (standalone.LazyBrowser: 5 tabs a context), so a
    replaced tab must come back in the seat, and the context, its predecessor left."""
    made: list[_Tab] = []
    closed: list[_Tab] = []
    monkeypatch.setattr(crawl, "_render_side", lambda: _fake_side(made, closed))
    asked: list[int] = []

    async def context_for(seat: int) -> str:
        asked.append(seat)
        return f"context {seat // 5}"

    pool = TabPool(context_for, size=7)

    async def use() -> None:
        tabs = [await pool.borrow() for _ in range(7)]
        assert asked == [0, 1, 2, 3, 4, 5, 6]
        await pool.give_back(tabs[2], spoiled=True)
        await pool.give_back(tabs[5], spoiled=True)
        await pool.borrow()
        await pool.borrow()

    run_async(use())
    assert asked[7:] == [2, 5]

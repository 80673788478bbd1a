"""The crawl's frontier keeps each page's shortest depth: pages read at different speeds cannot lose a page
that a longer path reached first."""

from __future__ import annotations

from checker.links.frontier import Frontier
from tests.aio import run_async


async def _pop(frontier: Frontier) -> tuple[int, str]:
    job = await frontier.next(False)
    assert job is not None
    return job


def test_a_shorter_path_found_later_moves_a_page_and_requeues_what_lay_beyond_the_limit() -> None:
    async def scenario() -> tuple[list[tuple[int, str]], int]:
        frontier = Frontier("S", max_depth=3)
        order = [await _pop(frontier)]
        frontier.add(["P", "Q"], "S")
        await frontier.done()
        order += [await _pop(frontier), await _pop(frontier)]  # P and Q both in flight; Q is slow
        frontier.add(["R"], "P")
        await frontier.done()
        order.append(await _pop(frontier))
        frontier.add(["T"], "R")
        await frontier.done()
        order.append(await _pop(frontier))  # T, reached first by the long path, at depth 3
        frontier.add(["U"], "T")  # U at 4: beyond the limit
        await frontier.done()
        assert frontier.left_over() == 1 and frontier.queued() == 0
        frontier.add(["T"], "Q")  # the slow page links T: T is at depth 2 after all, so U at 3
        await frontier.done()
        order.append(await _pop(frontier))
        await frontier.done()
        return order, frontier.left_over()

    order, left = run_async(scenario())
    assert order == [(0, "S"), (1, "P"), (1, "Q"), (2, "R"), (3, "T"), (3, "U")]
    assert left == 0


def test_a_queued_page_moves_up_when_a_shorter_path_turns_up_and_is_opened_once() -> None:
    async def scenario() -> list[tuple[int, str]]:
        frontier = Frontier("S", max_depth=5)
        await _pop(frontier)
        frontier.add(["A", "B"], "S")
        await frontier.done()
        opened = [await _pop(frontier)]  # A
        frontier.add(["C", "D"], "A")  # C and D at 2
        await frontier.done()
        opened.append(await _pop(frontier))  # B
        frontier.add(["D"], "B")  # D is still at 2: unchanged
        frontier.add(["C"], "S")  # a second look at S: C at 1 now
        await frontier.done()
        while (job := await frontier.next(False)) is not None:
            opened.append(job)
            await frontier.done()
        return opened

    assert run_async(scenario()) == [(1, "A"), (1, "B"), (1, "C"), (2, "D")]

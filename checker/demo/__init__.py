"""The bundled demo government website: a fictional city portal (示例市人民政府) and its channels.

:class:`~checker.demo.server.DemoServer` serves every demo site on 127.0.0.1. ``suite.yaml`` is the
demo scenario and ``ground_truth.yaml`` lists every seeded problem the checks must (and must not) find.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checker.demo.server import DemoServer

__all__ = ["DemoServer"]


def __getattr__(name: str) -> Any:
    # Imported lazily so ``python -m checker.demo.server`` does not load the module twice.
    if name == "DemoServer":
        from checker.demo.server import DemoServer

        return DemoServer
    raise AttributeError(name)

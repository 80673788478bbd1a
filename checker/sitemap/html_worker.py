"""The worker process of :mod:`checker.sitemap.html_readers`: ``python -m checker.sitemap.html_worker``.

It reads requests from standard input and answers on standard output, one at a time, in order: each
message is a 4-byte big-endian length and a pickle. A request is the arguments of
:func:`~checker.sitemap.html_read.read_page_html`; the answer is ``(True, HtmlRead)``, or ``(False, why)``
when the read raised. It stops at the end of its input. Nothing but the parent writes to it.
"""

from __future__ import annotations

import pickle
import struct
import sys
from typing import BinaryIO

from checker.sitemap.html_read import read_page_html

HEADER = struct.Struct(">I")


def send(stream: BinaryIO, value: object) -> None:
    """Write one message."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def receive(stream: BinaryIO) -> object:
    """Read one message; EOFError at the end of the stream (or a message cut short)."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        raise EOFError
    size = HEADER.unpack(header)[0]
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """Answer requests until the input ends."""
    while True:
        try:
            arguments = receive(requests)
        except EOFError:
            return
        try:
            answer: tuple[bool, object] = (True, read_page_html(*arguments))  # type: ignore[misc]
        except Exception as error:  # the parent reads the page itself, and meets the error where it is handled
            answer = (False, f"{type(error).__name__}: {error}")
        send(answers, answer)


if __name__ == "__main__":
    answers = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not land in the answers
    serve(sys.stdin.buffer, answers)

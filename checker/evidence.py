"""Evidence files: a page screenshot with the concerned element boxed in red, an element crop, SHA-256.

Pure Pillow and hashing; the browser layer hands over PNG bytes of a full-page screenshot and the
element's :class:`Box`, and this module turns them into files a 整改通知 can cite. File names derive only
from the content hash (never from page titles or URLs), so a name is safe on every file system, two
identical images are stored once, and a notice can be verified later by hashing the file again.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image, ImageDraw

from checker.results import Evidence

MARK_COLOUR = (230, 0, 18)  # #e60012, the red of official seals and notices
LINE_WIDTH = 4
GAP = 2  # blank pixels between the element and the red line, so the line never hides the element
MIN_MARK = 16  # a zero-size box is drawn as a square this wide around its point
HASH_NAME_LENGTH = 20
CROP_MARGIN = 120  # pixels of context around the element in its crop
CROP_MIN_WIDTH = 480  # a crop is widened to this (where the page allows) so a tiny element shows its context


@dataclass(frozen=True)
class Box:
    """An element's box in screenshot pixels, measured from the top-left corner of the whole page.

    Playwright's ``bounding_box()`` dict has the same keys, so ``Box(**bounding_box)`` works; a box from
    ``getBoundingClientRect`` needs the scroll offset added first. With a device scale factor other than
    1 use :meth:`scaled`.
    """

    x: float
    y: float
    width: float
    height: float

    def scaled(self, factor: float) -> Box:
        """The same box in device pixels (CSS pixels × ``factor``), for screenshots taken at a scale."""
        return Box(self.x * factor, self.y * factor, self.width * factor, self.height * factor)


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` as 64 lowercase hex digits: what a notice cites to prove a file unchanged."""
    return hashlib.sha256(data).hexdigest()


class EvidenceStore:
    """Writes evidence images under ``out_dir/<folder>/site-NN/`` and describes them as :class:`Evidence`.

    Paths in the returned records are relative to ``out_dir`` (forward slashes), which is what
    results.json and the HTML report expect. Saving is safe from several threads or tasks at once: a file
    is written to a temporary name and renamed into place, and the same content always lands on the
    same name, so a second writer only replaces a file with identical bytes.
    """

    def __init__(self, out_dir: Path, folder: str = "evidence") -> None:
        """Remember where evidence goes; nothing is created until the first image is saved."""
        self.out_dir = Path(out_dir)
        self.folder = folder

    def relative_path(self, digest: str, site_index: int) -> str:
        """The relative posix path an image with this SHA-256 gets for the site at ``site_index``."""
        return f"{self.folder}/site-{site_index:02d}/{digest[:HASH_NAME_LENGTH]}.png"

    def save(self, png: bytes, *, site_index: int, role: str, url: str, captured_at: datetime) -> Evidence:
        """Store PNG bytes (once per content) and return the evidence record pointing at the file.

        ``role`` is ``page`` (whole page) or ``element`` (the concerned element boxed); ``url`` is the page
        the image shows and ``captured_at`` when it was taken.
        """
        digest = sha256_hex(png)
        relative = self.relative_path(digest, site_index)
        target = self.out_dir / relative
        if not _holds(target, len(png)):
            _write_atomically(target, png)
        return Evidence(
            kind="screenshot", role=role, path=relative, sha256=digest, url=url, captured_at=captured_at
        )


class DeferredEvidenceStore(EvidenceStore):
    """An evidence store that keeps images in memory until :meth:`keep` says which ones a finding uses,
    so a journey's steps can all be photographed without leaving files nobody references."""

    def __init__(self, store: EvidenceStore) -> None:
        """Defer writes that would go to ``store``."""
        super().__init__(store.out_dir, store.folder)
        self._store = store
        self._pending: dict[str, bytes] = {}

    def save(self, png: bytes, *, site_index: int, role: str, url: str, captured_at: datetime) -> Evidence:
        """Describe the image as the real store would, without writing it yet."""
        digest = sha256_hex(png)
        relative = self.relative_path(digest, site_index)
        self._pending[relative] = png
        return Evidence(
            kind="screenshot", role=role, path=relative, sha256=digest, url=url, captured_at=captured_at
        )

    def keep(self, evidence: list[Evidence]) -> list[Evidence]:
        """Write the images behind these records to the real store; return the records unchanged."""
        for item in evidence:
            target = self.out_dir / item.path
            data = self._pending.get(item.path)
            if data is not None and not _holds(target, len(data)):
                _write_atomically(target, data)
        return evidence


def _holds(path: Path, size: int) -> bool:
    """Whether ``path`` already exists with the expected size (its name already vouches for the content)."""
    try:
        return path.stat().st_size == size
    except OSError:
        return False


def _write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``target`` and rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".png")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def boxed_page(png: bytes, box: Box, *, max_height: int = 8000) -> bytes:
    """The full-page screenshot with a red rectangle drawn around ``box``, as PNG bytes.

    The line sits just outside the element, so the element itself stays readable. A page taller than
    ``max_height`` is cut to a window of that height around the box (centred on it where the page allows),
    so very long pages stay small enough to open and print. A box partly or wholly outside the image is
    clamped to it; a zero-size box is drawn as a small square marker around its point.
    """
    image = _open_rgb(png)
    return _to_png(_page_window(image, _draw_mark(image, box), max_height))


def boxed_page_and_crop(png: bytes, box: Box, *, max_height: int = 8000) -> tuple[bytes, bytes]:
    """:func:`boxed_page` and :func:`element_crop` of one screenshot, decoded and marked once (the same bytes
    as the two calls: a finding's evidence is both, and decoding a tall page costs more than drawing on it)."""
    image = _open_rgb(png)
    marked = _draw_mark(image, box)
    return (_to_png(_page_window(image, marked, max_height)),
            _to_png(_crop_around(image, marked, CROP_MARGIN, CROP_MIN_WIDTH)))


def page_top(png: bytes, *, max_height: int = 8000) -> bytes:
    """The full-page screenshot unmarked, cut to ``max_height`` from the top (a page with no element to box)."""
    image = _open_rgb(png)
    if image.height > max_height:
        image = image.crop((0, 0, image.width, max_height))
    return _to_png(image)


def element_crop(png: bytes, box: Box, *, margin: int = CROP_MARGIN, min_width: int = CROP_MIN_WIDTH) -> bytes:
    """A crop around ``box`` with ``margin`` pixels of context on each side and the box drawn in red.

    The crop is widened to ``min_width`` (centred on the box) where the page is wide enough, so a tiny
    element still shows the text around it, and it is always clamped to the image.
    """
    image = _open_rgb(png)
    return _to_png(_crop_around(image, _draw_mark(image, box), margin, min_width))


def _page_window(image: Image.Image, marked: tuple[int, int, int, int], max_height: int) -> Image.Image:
    """The marked page, cut to a ``max_height`` window around the mark when it is taller."""
    if image.height <= max_height:
        return image
    top = _window_start(marked[1], marked[3], max_height, image.height)
    return image.crop((0, top, image.width, top + max_height))


def _crop_around(image: Image.Image, marked: tuple[int, int, int, int], margin: int, min_width: int) -> Image.Image:
    """The part of the image around the mark: ``margin`` on each side, at least ``min_width`` wide."""
    left, right = _span(marked[0] - margin, marked[2] + margin, min_width, image.width)
    top, bottom = _span(marked[1] - margin, marked[3] + margin, 0, image.height)
    return image.crop((left, top, right, bottom))


def _open_rgb(png: bytes) -> Image.Image:
    """Decode image bytes to RGB; transparent areas become white, as a browser shows them."""
    with Image.open(io.BytesIO(png)) as source:
        source.load()
        if source.mode in ("RGBA", "LA", "PA") or "transparency" in source.info:
            rgba = source.convert("RGBA")
            canvas = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            return Image.alpha_composite(canvas, rgba).convert("RGB")
        if source.mode == "RGB":  # a browser's screenshot: already what is wanted (converting would copy it)
            return source
        return source.convert("RGB")


def _to_png(image: Image.Image) -> bytes:
    """Encode an image as PNG bytes (light compression: on the benchmark suite's evidence, level 1 encoded
    1.4 times faster than level 6 for files 9% larger)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=1)
    return buffer.getvalue()


def _element_rect(box: Box, width: int, height: int) -> tuple[int, int, int, int]:
    """The box as whole pixels (left, top, right, bottom exclusive), clamped to the image, never empty.

    A box smaller than :data:`MIN_MARK` in a direction grows to that size around its centre, so a
    zero-size or hairline element still gets a visible marker; a NaN or infinite value counts as 0.
    """
    x, y, w, h = (value if math.isfinite(value) else 0.0 for value in (box.x, box.y, box.width, box.height))
    left, right = _grow(x, x + max(w, 0.0), width)
    top, bottom = _grow(y, y + max(h, 0.0), height)
    return left, top, right, bottom


def _grow(start: float, end: float, limit: int) -> tuple[int, int]:
    """One axis of :func:`_element_rect`: round outwards, clamp to [0, limit], grow to MIN_MARK."""
    low = min(max(math.floor(start), 0), max(limit - 1, 0))
    high = max(min(math.ceil(end), limit), low + 1)
    if high - low < MIN_MARK:
        centre = (low + high) // 2
        low, high = _span(centre - MIN_MARK // 2, centre + MIN_MARK // 2, MIN_MARK, limit)
    return low, high


def _draw_mark(image: Image.Image, box: Box) -> tuple[int, int, int, int]:
    """Draw the red rectangle around ``box`` on ``image``; return the outer edges of what was drawn."""
    left, top, right, bottom = _element_rect(box, image.width, image.height)
    offset = GAP + LINE_WIDTH
    outer = (
        max(left - offset, 0),
        max(top - offset, 0),
        min(right - 1 + offset, image.width - 1),
        min(bottom - 1 + offset, image.height - 1),
    )
    ImageDraw.Draw(image).rectangle(outer, outline=MARK_COLOUR, width=LINE_WIDTH)
    return outer[0], outer[1], outer[2] + 1, outer[3] + 1


def _span(low: int, high: int, minimum: int, limit: int) -> tuple[int, int]:
    """Clamp [low, high) to [0, limit); if narrower than ``minimum``, widen it around its centre, shifted
    to stay inside the image (never wider than the image)."""
    low, high = max(low, 0), min(high, limit)
    if high - low >= minimum:
        return low, high
    extra = minimum - (high - low)
    low, high = low - extra // 2, high + extra - extra // 2
    if low < 0:
        low, high = 0, high - low
    if high > limit:
        low, high = low - (high - limit), limit
    return max(low, 0), min(high, limit)


def _window_start(top: int, bottom: int, window: int, limit: int) -> int:
    """Top of a ``window``-high slice of [0, limit) that holds [top, bottom), centred when it fits."""
    if bottom - top >= window:
        return max(min(top, limit - window), 0)
    start = (top + bottom) // 2 - window // 2
    return max(min(start, limit - window), 0)

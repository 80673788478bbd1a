"""Evidence images: the red box, the crops and their clamping, and the content-addressed store."""

from __future__ import annotations

import hashlib
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from checker.evidence import (
    GAP,
    LINE_WIDTH,
    MARK_COLOUR,
    Box,
    EvidenceStore,
    boxed_page,
    boxed_page_and_crop,
    element_crop,
    sha256_hex,
)
from checker.results import Evidence

BACKGROUND = (200, 200, 200)
ELEMENT = (20, 60, 160)
WHEN = datetime(2020, 11, 6, 10, 30, tzinfo=UTC)


ELEMENT_BOX = Box(100, 150, 200, 100)


def page_png(width: int = 800, height: int = 600, element: Box | None = ELEMENT_BOX) -> bytes:
    """A grey page with one blue element, as PNG bytes."""
    image = Image.new("RGB", (width, height), BACKGROUND)
    if element is not None:
        right, bottom = element.x + element.width - 1, element.y + element.height - 1
        image.paste(ELEMENT, (int(element.x), int(element.y), int(right) + 1, int(bottom) + 1))
    return encode(image)


def encode(image: Image.Image) -> bytes:
    """PNG bytes of an image."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def decode(png: bytes) -> Image.Image:
    """An RGB image from PNG bytes."""
    return Image.open(io.BytesIO(png)).convert("RGB")


def red_pixels(image: Image.Image) -> list[tuple[int, int]]:
    """Where the image holds the mark colour."""
    data, target, width = image.tobytes(), bytes(MARK_COLOUR), image.width
    found = (i // 3 for i in range(0, len(data), 3) if data[i : i + 3] == target)
    return [(index % width, index // width) for index in found]


def test_boxed_page_draws_red_outside_the_element_and_leaves_it_untouched() -> None:
    box = Box(100, 150, 200, 100)
    image = decode(boxed_page(page_png(), box))
    assert image.size == (800, 600)
    offset = GAP + LINE_WIDTH
    middle_y, middle_x = 200, 200
    for step in range(LINE_WIDTH):
        assert image.getpixel((100 - offset + step, middle_y)) == MARK_COLOUR  # left edge
        assert image.getpixel((299 + offset - step, middle_y)) == MARK_COLOUR  # right edge
        assert image.getpixel((middle_x, 150 - offset + step)) == MARK_COLOUR  # top edge
        assert image.getpixel((middle_x, 249 + offset - step)) == MARK_COLOUR  # bottom edge
    for gap in range(1, GAP + 1):
        assert image.getpixel((100 - gap, middle_y)) == BACKGROUND
    for point in ((100, 150), (299, 249), (middle_x, middle_y), (101, 248)):
        assert image.getpixel(point) == ELEMENT
    assert image.getpixel((10, 10)) == BACKGROUND
    assert image.getpixel((100 - offset - 1, middle_y)) == BACKGROUND


def test_boxed_page_handles_fractional_boxes_without_covering_the_element() -> None:
    image = decode(boxed_page(page_png(), Box(100.4, 150.6, 199.2, 98.9)))
    assert image.getpixel((100, 151)) == ELEMENT
    assert image.getpixel((100 - GAP - LINE_WIDTH, 200)) == MARK_COLOUR


def test_tall_page_is_cut_to_a_window_holding_the_box() -> None:
    png = page_png(400, 20_000, element=Box(50, 15_000, 100, 40))
    image = decode(boxed_page(png, Box(50, 15_000, 100, 40), max_height=3000))
    assert image.size == (400, 3000)
    reds = red_pixels(image)
    assert reds
    top = min(y for _, y in reds)
    assert 0 < top < 3000 - 40
    assert image.getpixel((100, top + LINE_WIDTH + GAP)) == ELEMENT


def test_tall_page_window_stays_inside_the_page_for_a_box_near_the_end() -> None:
    png = page_png(300, 10_000, element=Box(10, 9_990, 50, 10))
    image = decode(boxed_page(png, Box(10, 9_990, 50, 10), max_height=2000))
    assert image.size == (300, 2000)
    assert image.getpixel((20, 1995)) == ELEMENT


def test_element_crop_keeps_margin_around_the_box() -> None:
    box = Box(100, 150, 200, 100)
    image = decode(element_crop(page_png(), box, margin=50, min_width=0))
    offset = GAP + LINE_WIDTH
    assert image.size == (200 + 2 * (offset + 50), 100 + 2 * (offset + 50))
    assert image.getpixel((50, 150)) == MARK_COLOUR
    assert image.getpixel((50 + offset + 10, 50 + offset + 10)) == ELEMENT


def test_element_crop_is_widened_to_the_minimum_width() -> None:
    image = decode(element_crop(page_png(element=Box(390, 290, 20, 20)), Box(390, 290, 20, 20)))
    assert image.width == 480
    assert image.height == 20 + 2 * (GAP + LINE_WIDTH + 120)
    assert image.getpixel((240, image.height // 2)) == ELEMENT  # the box stays centred


def test_element_crop_is_clamped_to_the_image() -> None:
    image = decode(element_crop(page_png(element=Box(5, 5, 20, 20)), Box(5, 5, 20, 20)))
    assert image.width == 480
    assert image.height == 5 + 20 + GAP + LINE_WIDTH + 120
    assert image.getpixel((10, 8)) == ELEMENT
    narrow = decode(element_crop(page_png(300, 200, element=None), Box(100, 100, 10, 10)))
    assert narrow.size == (300, 200)


@pytest.mark.parametrize(
    "box",
    [
        Box(-50, -40, 100, 80),
        Box(700, 500, 400, 400),
        Box(5000, 5000, 10, 10),
        Box(-500, 100, 20, 20),
        Box(float("nan"), 10, float("inf"), -5),
    ],
)
def test_boxes_outside_the_image_are_clamped(box: Box) -> None:
    page = decode(boxed_page(page_png(), box))
    assert page.size == (800, 600)
    assert red_pixels(page)
    crop = decode(element_crop(page_png(), box))
    assert crop.width >= 1 and crop.height >= 1
    assert red_pixels(crop)


def test_hairline_box_grows_to_a_visible_marker() -> None:
    image = decode(element_crop(page_png(element=None), Box(200, 300, 100, 0.5)))
    reds = red_pixels(image)
    assert max(y for _, y in reds) - min(y for _, y in reds) >= 16


def test_zero_size_box_gets_a_small_marker() -> None:
    page = decode(boxed_page(page_png(element=None), Box(400, 300, 0, 0)))
    reds = red_pixels(page)
    assert reds
    xs, ys = [x for x, _ in reds], [y for _, y in reds]
    assert min(xs) < 400 < max(xs) and min(ys) < 300 < max(ys)
    assert max(xs) - min(xs) < 60
    crop = decode(element_crop(page_png(element=None), Box(400, 300, 0, 0)))
    assert crop.width == 480 and red_pixels(crop)


def test_transparent_screenshots_are_flattened_on_white() -> None:
    image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    result = decode(boxed_page(encode(image), Box(50, 30, 20, 20)))
    assert result.getpixel((5, 5)) == (255, 255, 255)
    assert red_pixels(result)


def test_sha256_hex() -> None:
    assert sha256_hex(b"govcheck") == hashlib.sha256(b"govcheck").hexdigest()
    assert len(sha256_hex(b"")) == 64


def test_store_names_files_by_content_hash(tmp_path: Path) -> None:
    png = page_png()
    store = EvidenceStore(tmp_path)
    url = "http://www.jiangmen.gov.cn/"
    record = store.save(png, site_index=3, role="element", url=url, captured_at=WHEN)
    digest = hashlib.sha256(png).hexdigest()
    assert isinstance(record, Evidence)
    assert record.path == f"evidence/site-03/{digest[:20]}.png"
    assert record.sha256 == digest
    assert (record.kind, record.role, record.url, record.captured_at) == (
        "screenshot", "element", "http://www.jiangmen.gov.cn/", WHEN,
    )
    stored = (tmp_path / record.path).read_bytes()
    assert stored == png
    assert sha256_hex(stored) == record.sha256


def test_store_keeps_identical_images_once(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path, folder="shots")
    png = page_png()
    first = store.save(png, site_index=1, role="page", url="http://a.gov.cn/", captured_at=WHEN)
    second = store.save(png, site_index=1, role="element", url="http://a.gov.cn/x", captured_at=WHEN)
    blank = page_png(element=None)
    other = store.save(blank, site_index=1, role="page", url="http://a.gov.cn/", captured_at=WHEN)
    assert first.path == second.path and first.path.startswith("shots/site-01/")
    assert other.path != first.path
    assert sorted(p.name for p in (tmp_path / "shots" / "site-01").iterdir()) == sorted(
        {Path(first.path).name, Path(other.path).name}
    )


def test_store_is_safe_when_writers_race(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    png = page_png()

    def save(index: int) -> str:
        url = f"http://a.gov.cn/{index}"
        return store.save(png, site_index=2, role="page", url=url, captured_at=WHEN).path

    with ThreadPoolExecutor(max_workers=8) as pool:
        paths = set(pool.map(save, range(32)))
    assert len(paths) == 1
    folder = tmp_path / "evidence" / "site-02"
    assert [p.name for p in folder.iterdir()] == [Path(paths.pop()).name]
    assert sha256_hex(next(folder.iterdir()).read_bytes()) == sha256_hex(png)


def test_box_accepts_playwright_bounding_box_and_scales() -> None:
    box = Box(**{"x": 10.5, "y": 20.0, "width": 30.0, "height": 40.0})
    assert box.scaled(2) == Box(21.0, 40.0, 60.0, 80.0)


def test_deferred_store_writes_only_what_is_kept(tmp_path: Path) -> None:
    from checker.evidence import DeferredEvidenceStore

    stage = DeferredEvidenceStore(EvidenceStore(tmp_path))
    when = datetime.now(UTC)
    first, second = (
        stage.save(encode(Image.new("RGB", (8, 8), colour)), site_index=0, role="page", url="u", captured_at=when)
        for colour in ((10, 20, 30), (200, 20, 30))
    )
    assert not (tmp_path / first.path).exists()
    stage.keep([second])
    assert not (tmp_path / first.path).exists()
    assert hashlib.sha256((tmp_path / second.path).read_bytes()).hexdigest() == second.sha256


@pytest.mark.parametrize(("height", "box"),
                         [(600, ELEMENT_BOX), (9000, Box(40, 7000, 300, 80)), (600, Box(0, 0, 0, 0))])
def test_page_and_crop_from_one_decode_are_the_two_images_made_apart(height: int, box: Box) -> None:
    """The capture decodes a screenshot once for both files; they must be the very files made one by one."""
    png = page_png(height=height, element=None)
    assert boxed_page_and_crop(png, box) == (boxed_page(png, box), element_crop(png, box))

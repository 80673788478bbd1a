"""QR decoding with zxing-cpp, data URIs, and telling footer QR slots from logos (with real footers)."""

from __future__ import annotations

import base64
import io
import random
import re
from collections import OrderedDict
from html.parser import HTMLParser
from pathlib import Path

import pytest
import segno
from PIL import Image

from checker.qr import decode_data_uri, decode_qr, looks_like_qr_slot
from tests.corpus import corpus_file

PAYLOADS = [
    "https://www.jiangmen.gov.cn/",
    "江门市人民政府 微信公众号",
    "https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MzA5NjQ2NjQ3MA==#wechat_redirect",
]


def qr_image(payload: str, scale: int, border: int) -> Image.Image:
    """A QR code drawn by segno, as an RGB image."""
    buffer = io.BytesIO()
    segno.make(payload, micro=False).save(buffer, kind="png", scale=scale, border=border)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def encode(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    """Image bytes in a given format."""
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize(("scale", "border"), [(1, 4), (2, 4), (4, 1), (8, 4), (3, 0)])
def test_segno_codes_decode_at_several_scales_and_borders(payload: str, scale: int, border: int) -> None:
    assert decode_qr(encode(qr_image(payload, scale, border))) == [payload]


def test_small_code_without_quiet_zone() -> None:
    assert decode_qr(encode(qr_image(PAYLOADS[0], 2, 0))) == [PAYLOADS[0]]


@pytest.mark.parametrize("quality", [25, 50, 85])
def test_jpeg_compressed_code(quality: int) -> None:
    data = encode(qr_image(PAYLOADS[2], 3, 2), "JPEG", quality=quality)
    assert decode_qr(data) == [PAYLOADS[2]]


@pytest.mark.parametrize(
    ("fmt", "mode"), [("GIF", "P"), ("WEBP", "RGB"), ("BMP", "RGB"), ("PNG", "1"), ("PNG", "L")]
)
def test_other_formats_and_modes(fmt: str, mode: str) -> None:
    image = qr_image(PAYLOADS[1], 4, 4).convert(mode)
    options = {"lossless": True} if fmt == "WEBP" else {}
    assert decode_qr(encode(image, fmt, **options)) == [PAYLOADS[1]]


def test_animated_gif_reads_the_first_frame() -> None:
    first, second = qr_image(PAYLOADS[0], 4, 4), Image.new("RGB", (148, 148), "white")
    data = encode(first.convert("P"), "GIF", save_all=True, append_images=[second.convert("P")], duration=200)
    assert decode_qr(data) == [PAYLOADS[0]]


def test_code_with_a_transparent_background() -> None:
    gray = qr_image(PAYLOADS[0], 4, 4).convert("L")
    rgba = Image.new("RGBA", gray.size, (0, 0, 0, 0))
    rgba.putalpha(gray.point(lambda value: 255 - value))  # black modules, clear background
    assert decode_qr(encode(rgba)) == [PAYLOADS[0]]


def test_light_code_on_a_transparent_background() -> None:
    gray = qr_image(PAYLOADS[2], 4, 4).convert("L")
    rgba = Image.new("RGBA", gray.size, (255, 255, 255, 0))
    rgba.putalpha(gray)  # white background modules visible only, dark modules clear: for dark footers
    assert decode_qr(encode(rgba)) == [PAYLOADS[2]]


@pytest.mark.parametrize(
    ("payload", "factor", "resample"),
    [(PAYLOADS[0], 1.5, Image.Resampling.BILINEAR), (PAYLOADS[1], 1.3, Image.Resampling.BICUBIC)],
)
def test_smoothly_rescaled_tiny_codes_decode_on_a_retry(payload: str, factor: float, resample: int) -> None:
    # A 1 px/module code shown at a non-integer scale, as in a screenshot of a shrunken footer image:
    # with zxing-cpp 3.1 the image as given does not decode, the border and upscaled retries do.
    tiny = qr_image(payload, 1, 0)
    blurred = tiny.resize((round(tiny.width * factor),) * 2, resample)
    assert decode_qr(encode(blurred)) == [payload]


def test_two_codes_in_one_image() -> None:
    left, right = qr_image(PAYLOADS[0], 4, 4), qr_image(PAYLOADS[1], 4, 4)
    canvas = Image.new("RGB", (left.width + right.width + 40, max(left.height, right.height)), "white")
    canvas.paste(left, (0, 0))
    canvas.paste(right, (left.width + 40, 0))
    assert sorted(decode_qr(encode(canvas))) == sorted(PAYLOADS[:2])


def test_noise_and_non_images_give_nothing() -> None:
    generator = random.Random(20201106)
    noise = Image.frombytes("L", (120, 120), bytes(generator.randrange(256) for _ in range(120 * 120)))
    assert decode_qr(encode(noise)) == []
    assert decode_qr(b"<html>not an image</html>") == []
    assert decode_qr(b"") == []
    assert decode_qr(encode(qr_image(PAYLOADS[0], 4, 4))[:200]) == []  # truncated PNG
    assert decode_qr(encode(Image.new("RGB", (1, 1), "white"))) == []


def test_data_uri_round_trip() -> None:
    png = encode(qr_image(PAYLOADS[0], 3, 4))
    text = base64.b64encode(png).decode("ascii")
    assert decode_data_uri(f"data:image/png;base64,{text}") == png
    wrapped = "\n".join(text[i : i + 76] for i in range(0, len(text), 76))
    assert decode_data_uri(f"DATA:image/PNG;Base64,\n{wrapped}\n") == png
    assert decode_data_uri(f"data:image/png;base64,{text.rstrip('=')}") == png
    assert decode_qr(decode_data_uri(f"data:image/png;base64,{text}") or b"") == [PAYLOADS[0]]


@pytest.mark.parametrize(
    "uri",
    [
        "",
        "data:image/png;base64,",
        "data:image/png;base64,!!!notbase64***",
        "data:image/png;base64,abcde",
        "data:text/html;base64,PHNjcmlwdD4=",
        "https://www.gov.cn/images/qr.png",
        "data:image/png;base64",
    ],
)
def test_malformed_data_uris_give_none(uri: str) -> None:
    assert decode_data_uri(uri) is None


def test_percent_encoded_data_uri() -> None:
    assert decode_data_uri("data:image/svg+xml,%3Csvg%3E%3C/svg%3E") == b"<svg></svg>"


@pytest.mark.parametrize(
    ("src", "alt", "caption", "width", "height", "expected"),
    [
        ("/images/ewm_zwwx.png", "", "", 100, 100, True),
        ("/images/index_ewmWbDb_03.jpg", "", "", 126, 126, True),
        ("/img/a.png", "微信二维码", "", 120, 120, True),
        ("/img/a.png", "", "扫一扫关注", 90, 100, True),
        ("/images/%E4%BA%8C%E7%BB%B4%E7%A0%81.png", "", "", 100, 100, True),
        ("/static/QRCode.png", "", "", 80, 80, True),
        ("/img/a.png", "", "国务院客户端", 100, 100, True),
        ("/img/a.png", "", "政务微博", 64, 64, True),
        ("/static/qrcode.png", "", "", 200, 100, False),  # not square
        ("/static/qrcode.png", "", "", 32, 32, False),  # too small
        ("/img/a.png", "", "政务微博", 48, 48, False),  # a platform logo's size
        ("/images/weixin_logo.png", "微信", "", 100, 100, False),
        ("/img/share_wx.png", "", "分享到微信", 100, 100, False),
        ("https://wx.example.gov.cn/images/banner.png", "", "", 100, 100, False),
        ("data:image/png;base64,qrQRwxWBewmcode", "", "", 100, 100, False),
        ("/images/red.png", "", "党政机关", 100, 100, False),
        ("/images/ga.png", "", "粤公网安备 44070302000123号", 100, 100, False),
        ("/images/logo.png", "江门市人民政府", "", 100, 100, False),
        ("/images/qrcode.png", "", "", 0, 0, False),
        ("/images/recode.png", "", "", 100, 100, False),
    ],
)
def test_qr_slot_rules(src: str, alt: str, caption: str, width: float, height: float, expected: bool) -> None:
    assert looks_like_qr_slot(src, alt, caption, width, height) is expected


# --- real footers ---------------------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    """An element of a parsed page: tag, attributes, children (elements and text), parent."""

    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        """The element's text with whitespace collapsed."""
        parts = [child if isinstance(child, str) else child.text() for child in self.children]
        return re.sub(r"\s+", " ", " ".join(parts)).strip()


class TreeBuilder(HTMLParser):
    """A forgiving tree builder (enough for footers); scripts and styles are dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.current = self.root
        self.images: list[Node] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open an element (void elements close at once)."""
        if tag in ("script", "style"):
            self.skip += 1
            return
        node = Node(tag, {key: value or "" for key, value in attrs}, self.current)
        self.current.children.append(node)
        if tag == "img":
            self.images.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag: str) -> None:
        """Close the nearest open element with this tag, if any."""
        if tag in ("script", "style"):
            self.skip = max(self.skip - 1, 0)
            return
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        """Keep text outside scripts and styles."""
        if not self.skip:
            self.current.children.append(data)


def footer_images(path: Path) -> list[tuple[str, str, str, float, float]]:
    """(src, alt, caption, width, height) for every image, as the browser layer should report them.

    The caption is the image's aria-label, title and role, the class names of the image and of the
    containers climbed, and the text of the nearest container with short text (≤ 30 characters).
    Sizes come from width/height attributes, inline styles or GNE's recorded coordinates; 100 × 100
    otherwise (the worst case for logos: square and large).
    """
    parser = TreeBuilder()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return [
        (img.attrs.get("src", ""), img.attrs.get("alt", ""), _caption(img), *_size(img))
        for img in parser.images
    ]


def _caption(img: Node) -> str:
    words = [img.attrs.get(key, "") for key in ("aria-label", "title", "role", "class")]
    node = img.parent
    for _ in range(3):
        if node is None or node.tag in ("body", "#root"):
            break
        words.append(node.attrs.get("class", ""))
        text = node.text()
        if text:
            if len(text) <= 30:
                words.append(text)
            break
        node = node.parent
    return " ".join(word for word in words if word)


def _size(img: Node) -> tuple[float, float]:
    coordinate = re.search(r'"width":([\d.]+),"height":([\d.]+)', img.attrs.get("coordinate", ""))
    if coordinate:
        return float(coordinate[1]), float(coordinate[2])
    style = img.attrs.get("style", "")
    width = img.attrs.get("width") or (re.search(r"width:\s*([\d.]+)px", style) or [None, ""])[1]
    height = img.attrs.get("height") or (re.search(r"height:\s*([\d.]+)px", style) or [None, ""])[1]
    return (float(width), float(height)) if width and height else (100.0, 100.0)


FOOTERS = {
    "job/统计局/2015/万载县2015年国民经济和社会发展统计公报_files/stat.php": (
        ["ewm_zwwx.png", "ewm_mobile.png", "ewm_yshj.png"],
        ["/red.png", "slhwzgfw.png", "home_logo.png"],
    ),
    "job/统计局/2015/万载县2015年国民经济和社会发展统计公报.html": (
        ["ganfutong.png", "mobile.png", "zwwx.jpg"],
        [
            "/red.png", "jiucuo.png", "2b2791218d0e42198053e44e57932e5c.png", "logo.png", "jbzq.png",
            "slhwzgfw.png",
        ],
    ),
    "GeneralNewsExtractor/tests/other/1.html": (
        ["icon_1234.png", "icon_724.png"],
        [
            "icon_1434.png", "icon_1534.png", "/red.png", "gtrs_red.png", "2018guohui03.png",
            "gtrs_logo_lt.png",
        ],
    ),
    "GeneralNewsExtractor/visiable_test/cmse/1.html": (
        ["indexImg20200215_80.png", "index_ewmWbDb_03.jpg"],
        ["indexFooterImgL_03.png", "indexImg1400_20200220_03.png"],
    ),
}


@pytest.mark.parametrize("relative", sorted(FOOTERS))
def test_real_footer_qr_slots_are_recognised_and_marks_are_not(relative: str) -> None:
    images = footer_images(corpus_file(relative))
    slots, others = FOOTERS[relative]
    for name in slots + others:
        matching = [image for image in images if image[0].endswith(name)]
        assert matching, name
        for src, alt, caption, width, height in matching:
            expected = name in slots
            assert looks_like_qr_slot(src, alt, caption, width, height) is expected, (name, caption, width)


def test_nothing_else_in_the_wanzai_footer_is_a_slot() -> None:
    images = footer_images(corpus_file("job/统计局/2015/万载县2015年国民经济和社会发展统计公报.html"))
    slots = {Path(src).name for src, alt, text, w, h in images if looks_like_qr_slot(src, alt, text, w, h)}
    assert slots == {"ganfutong.png", "mobile.png", "zwwx.jpg"}


@pytest.mark.parametrize("name", ["merged_cells_page_source.html", "page_source_debug.html"])
def test_nfra_inline_qr_images_decode_to_the_page_address(name: str) -> None:
    text = corpus_file(f"nfra.gov.cn/tests/{name}").read_text(encoding="utf-8")
    page = re.search(r'<div id="qrcode"[^>]*title="([^"]+)"', text)
    assert page
    expected = page[1].replace("&amp;", "&")
    uris = re.findall(r'src="(data:image/[^"]+)"', text)
    assert len(uris) == 2
    for uri in uris:
        data = decode_data_uri(uri)
        assert data is not None
        assert decode_qr(data) == [expected]


def test_the_same_image_is_decoded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A footer read twice (or a logo on every page) costs one decode; the answer is the decoder's own."""
    from checker import qr

    data = encode(qr_image(PAYLOADS[0], scale=4, border=4))
    calls: list[bytes] = []
    decode = qr._decode
    monkeypatch.setattr(qr, "_DECODED", OrderedDict())
    monkeypatch.setattr(qr, "_decode", lambda image: calls.append(image) or decode(image))
    first = decode_qr(data)
    first.append("changed by a caller")
    assert decode_qr(data) == [PAYLOADS[0]] and len(calls) == 1
    other = encode(qr_image(PAYLOADS[1], scale=4, border=4))
    assert decode_qr(other) == [PAYLOADS[1]] and calls[-1] == other

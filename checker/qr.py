"""QR codes in footers: decode them with a real decoder (zxing-cpp), and tell QR slots from logos.

The 政务新媒体 indicators ask whether a site's footer shows the QR codes of the unit's new-media accounts
and whether those codes can be scanned. :func:`decode_qr` reads the payloads the way a phone would, with a
few retries for the ways footers spoil images (tiny, no quiet zone, JPEG noise, transparency);
:func:`looks_like_qr_slot` says whether an image is meant to be such a code even when it does not decode,
which is what turns "no payload" into 二维码无法识别 rather than silence. Nothing here raises for bad input.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

import zxingcpp
from PIL import Image, ImageOps

from checker.runlog import LOG

MAX_PIXELS = 40_000_000  # larger "images" are not footer QR codes; refuse them before decoding pixels
MAX_UPSCALED_PIXELS = 16_000_000  # upscaling retries stop here, so a large image costs at most one pass
MIN_BORDER = 8  # white pixels added around an image whose quiet zone was cropped away

MIN_RATIO, MAX_RATIO = 0.8, 1.25
MIN_SIDE_STRONG = 40  # an image named as a code (二维码, ewm, qrcode…) needs to be this big
MIN_SIDE_WEAK = 64  # an image named only after a platform (微信, 微博…) needs more: 48 px icons are logos

# Words that name the code itself.
STRONG_WORDS = ("二维码", "扫一扫", "扫码", "扫描", "qr码")
STRONG_TOKENS = ("ewm", "qr", "qrcode", "erweima", "code", "saoma", "scan")
# Words that name an account or a platform: a hint, but a logo of the platform carries them too.
WEAK_WORDS = (
    "微信", "微博", "公众号", "客户端", "头条", "抖音", "快手", "视频号", "政务新媒体", "新媒体", "小程序",
)
WEAK_TOKENS = ("app", "wx", "wb", "weixin", "weibo", "wechat", "douyin", "toutiao", "gzh", "xcx")
# Tokens that may carry a hint as a prefix or suffix (ewm_zwwx: 政务微信; gzwx; wxgzh; ewmWb).
AFFIX_TOKENS = ("ewm", "qr", "qrcode", "wx", "wb")
# A platform logo in a share bar is square and named after the platform, but is no account QR code.
NEGATIVE_WORDS = ("分享", "logo", "share", "fenxiang")

_DATA_URI = re.compile(r"^\s*data:(?P<type>[^,]*?),(?P<data>.*)$", re.IGNORECASE | re.DOTALL)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])")
_NON_WORD = re.compile(r"[^A-Za-z0-9]+")


_DECODED: OrderedDict[bytes, tuple[str, ...]] = OrderedDict()
_DECODED_KEPT = 256
_DECODED_LOCK = threading.Lock()


def decode_qr(image_bytes: bytes) -> list[str]:
    """All QR payloads in an image (PNG, JPEG, GIF first frame, WebP, BMP…), in reading order, no repeats.

    The image is read as it is first; when nothing decodes, it is retried converted to grayscale, with a
    white border added (many footers crop the quiet zone) and upscaled ×2 and ×3 without smoothing (tiny
    codes). Undecodable images and bytes that are no image at all give ``[]``. The same bytes are decoded
    once (the last 256 images are remembered): a footer read twice, a logo on every page.
    """
    key = hashlib.sha256(image_bytes).digest()
    with _DECODED_LOCK:
        known = _DECODED.get(key)
        if known is not None:
            _DECODED.move_to_end(key)
            return list(known)
    payloads = _decode(image_bytes)
    with _DECODED_LOCK:
        _DECODED[key] = tuple(payloads)
        while len(_DECODED) > _DECODED_KEPT:
            _DECODED.popitem(last=False)
    return payloads


def _decode(image_bytes: bytes) -> list[str]:
    for image in _open_images(image_bytes):
        for candidate in _variants(image):
            payloads = _read(candidate)
            if payloads:
                return payloads
    return []


def decode_data_uri(uri: str) -> bytes | None:
    """The bytes of a ``data:image/...`` URI (base64 or percent-encoded), or None when it is malformed.

    Pages such as NFRA's inline their QR images this way. Whitespace inside the base64 text (wrapped
    attributes) and missing padding are tolerated; a URI that is not an image is refused.
    """
    match = _DATA_URI.match(uri or "")
    if not match:
        return None
    media_type, *parameters = (part.strip().lower() for part in match["type"].split(";"))
    if not media_type.startswith("image/"):
        return None
    payload = match["data"]
    if "base64" not in parameters:
        return unquote(payload).encode("utf-8") or None
    return _base64_bytes(unquote(payload) if "%" in payload else payload)


def looks_like_qr_slot(src: str, alt: str, caption: str, width: float, height: float) -> bool:
    """Whether a footer image is meant to be the QR code of a new-media account, decodable or not.

    It must be nearly square (side ratio 0.8–1.25) and carry a hint in its address, ``alt`` or
    ``caption``. ``caption`` is the text around the image as a visitor reads it (the link or block text,
    e.g. 政务微信) plus its ``aria-label``/``title``/``role`` and the class names of the image and its
    nearby containers (``footer_ewm``); not the text of the whole footer. A hint naming the code itself
    (二维码, 扫一扫, ewm, qrcode…) needs a side of 40 px; one naming only a platform (微信, 微博, 客户端,
    app…) needs 64 px and no share-bar or logo word, because 48 px 微博/微信 logos sit in footers too.
    The 党政机关 mark, the 公安 badge and site logos carry no hint and are never slots.
    """
    if width <= 0 or height <= 0 or not MIN_RATIO <= width / height <= MAX_RATIO:
        return False
    side = min(width, height)
    words, tokens = _hint_text(src, alt, caption)
    if side >= MIN_SIDE_STRONG and _has_hint(words, tokens, STRONG_WORDS, STRONG_TOKENS):
        return True
    if side < MIN_SIDE_WEAK or any(word in words for word in NEGATIVE_WORDS):
        return False
    return _has_hint(words, tokens, WEAK_WORDS, WEAK_TOKENS)


def _open_images(data: bytes) -> list[Image.Image]:
    """The first frame of image bytes as RGB, or [] when they are not a usable image.

    An image with transparency is returned twice, on white and on black: a clear background is common,
    and a light code drawn for a dark footer only shows on a dark ground.
    """
    try:
        with Image.open(io.BytesIO(data)) as source:
            if source.width * source.height > MAX_PIXELS:
                return []
            source.seek(0)
            source.load()
            if source.mode in ("RGBA", "LA", "PA") or "transparency" in source.info:
                rgba = source.convert("RGBA")
                return [_on_ground(rgba, (255, 255, 255)), _on_ground(rgba, (0, 0, 0))]
            return [source.convert("RGB")]
    except Exception:  # Pillow raises many types for bad bytes; bad input must give []
        LOG.info("图片无法解码为二维码图像", exc_info=True)
        return []


def _on_ground(rgba: Image.Image, colour: tuple[int, int, int]) -> Image.Image:
    """An RGBA image composited on a solid colour, as RGB."""
    canvas = Image.new("RGBA", rgba.size, (*colour, 255))
    return Image.alpha_composite(canvas, rgba).convert("RGB")


def _variants(image: Image.Image) -> Iterator[Image.Image]:
    """The image as given, then the retries in order of cost; each is generated only when needed."""
    yield image
    gray = image.convert("L")
    yield gray
    bordered = _with_border(gray)
    yield bordered
    for factor in (2, 3):
        for base in (gray, bordered):
            if base.width * base.height * factor * factor <= MAX_UPSCALED_PIXELS:
                yield base.resize((base.width * factor, base.height * factor), Image.Resampling.NEAREST)


def _with_border(image: Image.Image) -> Image.Image:
    """The image with a white frame about four modules wide (a tenth of the side, at least 8 px)."""
    border = max(MIN_BORDER, min(image.size) // 10)
    return ImageOps.expand(image, border=border, fill=255)


def _read(image: Image.Image) -> list[str]:
    """QR payloads zxing-cpp finds in one image, without repeats; [] when it finds none or fails."""
    try:
        results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    except Exception:  # a decoder failure on one variant must not stop the others
        LOG.info("二维码解码出错", exc_info=True)
        return []
    payloads: list[str] = []
    for result in results:
        if result.text and result.text not in payloads:
            payloads.append(result.text)
    return payloads


def _base64_bytes(text: str) -> bytes | None:
    """Decode base64 (standard or URL-safe alphabet, any whitespace, padding optional), or None."""
    compact = "".join(text.split()).replace("-", "+").replace("_", "/").rstrip("=")
    if not compact or len(compact) % 4 == 1:
        return None
    try:
        return base64.b64decode(compact + "=" * (-len(compact) % 4), validate=True) or None
    except (binascii.Error, ValueError):
        return None


def _hint_text(src: str, alt: str, caption: str) -> tuple[str, set[str]]:
    """Lower-cased text to search for Chinese hints, and the Latin word tokens of all three fields.

    Of the address only the path and query count (a host such as wx.example.gov.cn says nothing about
    the image), and a data: URI contributes nothing (its base64 text would match anything).
    """
    address = "" if src.strip().lower().startswith("data:") else _address_part(src)
    words = " ".join((address, alt or "", caption or "")).lower()
    return words, _tokens(" ".join((address, alt or "", caption or "")))


def _address_part(src: str) -> str:
    """The decoded path and query of an image address."""
    try:
        parts = urlsplit(src.strip())
    except ValueError:
        return unquote(src)
    return unquote(f"{parts.path} {parts.query}")


def _tokens(text: str) -> set[str]:
    """Latin word tokens: whole words, and their parts split at camelCase and digits (ewmWbDb → ewm wb db)."""
    tokens: set[str] = set()
    for chunk in _NON_WORD.split(text):
        pieces = [chunk, *_CAMEL.split(chunk)]
        tokens.update(piece.lower() for piece in pieces if piece and not piece.isdigit())
    return tokens


def _has_hint(words: str, tokens: set[str], chinese: tuple[str, ...], latin: tuple[str, ...]) -> bool:
    """Whether the Chinese text holds one of ``chinese`` or a token matches one of ``latin``."""
    if any(word in words for word in chinese):
        return True
    for hint in latin:
        if hint in tokens:
            return True
        if hint in AFFIX_TOKENS and any(_affixed(token, hint) for token in tokens):
            return True
    return False


def _affixed(token: str, hint: str) -> bool:
    """Whether a short compound token starts or ends with ``hint`` (zwwx, wxgzh, ewmzwwx, qrimg)."""
    return token != hint and len(token) <= len(hint) + 5 and (token.startswith(hint) or token.endswith(hint))

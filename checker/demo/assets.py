"""Images of the demo site, drawn at start-up: emblems, badges, picture news and new-media QR codes.

Nothing is fetched from outside. QR codes are made with segno for the server's real base URL, because
the port is only known once the server is bound; one footer "QR code" is a deliberate fake that looks
like a QR code but does not decode (a seeded ``newmedia.qr_invalid``).
"""

from __future__ import annotations

import io
import math
import random
from functools import cache
from pathlib import Path

import segno
from PIL import Image, ImageColor, ImageDraw, ImageFilter, ImageFont

_FONT_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "/System/Library/Fonts/PingFang.ttc",
)


@cache
def _cjk_font_path() -> str | None:
    return next((path for path in _FONT_PATHS if Path(path).exists()), None)


def _font(size: int) -> ImageFont.FreeTypeFont | None:
    path = _cjk_font_path()
    return ImageFont.truetype(path, size) if path else None


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float, fill: str) -> None:
    points = []
    for index in range(10):
        r = radius if index % 2 == 0 else radius * 0.4
        angle = -math.pi / 2 + index * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=fill)


def party_government_mark() -> bytes:
    """The 党政机关网站标识: a red round emblem with a white hall outline and the words 党政机关."""
    scale = 4
    width, height = 56 * scale, 70 * scale
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    red = "#c8161d"
    draw.ellipse((2 * scale, 2 * scale, 54 * scale, 54 * scale), fill=red)
    draw.ellipse((7 * scale, 7 * scale, 49 * scale, 49 * scale), outline="white", width=2 * scale)
    # A stylised hall: roof, columns, base.
    draw.polygon([(14 * scale, 24 * scale), (28 * scale, 15 * scale), (42 * scale, 24 * scale)], fill="white")
    for x in range(17, 40, 5):
        draw.rectangle((x * scale, 26 * scale, (x + 2) * scale, 37 * scale), fill="white")
    draw.rectangle((13 * scale, 38 * scale, 43 * scale, 41 * scale), fill="white")
    font = _font(12 * scale)
    if font:
        draw.text((28 * scale, 63 * scale), "党政机关", fill=red, font=font, anchor="mm")
    return _png(image.resize((56, 70), Image.LANCZOS))


def police_badge() -> bytes:
    """The small 公安机关备案 badge shown before the 公网安备 number."""
    scale = 4
    image = Image.new("RGBA", (20 * scale, 20 * scale), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    shield = [(10, 1), (18, 4), (17, 12), (10, 19), (3, 12), (2, 4)]
    draw.polygon([(x * scale, y * scale) for x, y in shield], fill="#1f4e9c", outline="#d4a017")
    _star(draw, 10 * scale, 9.5 * scale, 5 * scale, "#f5c518")
    return _png(image.resize((20, 20), Image.LANCZOS))


def picture(width: int, height: int, palette: tuple[str, str, str], seed: int) -> bytes:
    """A picture-news photo stand-in: sky gradient, a city skyline, a river and the sun."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    top, bottom = ImageColor.getrgb(palette[0]), ImageColor.getrgb(palette[1])
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    draw.ellipse((width * 0.75, height * 0.12, width * 0.75 + 50, height * 0.12 + 50), fill="#fff3c4")
    ground = int(height * 0.72)
    x = 0
    while x < width:
        w = rng.randint(24, 70)
        h = rng.randint(int(height * 0.15), int(height * 0.5))
        shade = rng.randint(40, 90)
        draw.rectangle((x, ground - h, x + w, ground), fill=(shade, shade + 10, shade + 30))
        for wy in range(ground - h + 8, ground - 6, 12):
            for wx in range(x + 5, x + w - 6, 10):
                if rng.random() < 0.45:
                    draw.rectangle((wx, wy, wx + 4, wy + 5), fill="#ffe9a8")
        x += w + rng.randint(0, 8)
    draw.rectangle((0, ground, width, height), fill=palette[2])
    for y in range(ground + 6, height, 9):
        draw.line([(rng.randint(0, width // 2), y), (rng.randint(width // 2, width), y)], fill="#e8f1ff")
    return _png(image.filter(ImageFilter.SMOOTH))


def qr_code(payload: str) -> bytes:
    """A QR code PNG (scale 4, border 3) encoding ``payload``."""
    buffer = io.BytesIO()
    segno.make(payload, error="m").save(buffer, kind="png", scale=4, border=3)
    return buffer.getvalue()


def fake_qr_code(seed: int = 7) -> bytes:
    """An image that looks like a QR code (finder patterns, random modules) but does not decode."""
    rng = random.Random(seed)
    modules, scale, border = 25, 4, 3
    size = (modules + 2 * border) * scale
    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)

    def cell(col: int, row: int) -> None:
        x, y = (col + border) * scale, (row + border) * scale
        draw.rectangle((x, y, x + scale - 1, y + scale - 1), fill=0)

    finders = [(0, 0), (modules - 7, 0), (0, modules - 7)]
    for row in range(modules):
        for col in range(modules):
            in_finder = any(fx - 1 <= col <= fx + 7 and fy - 1 <= row <= fy + 7 for fx, fy in finders)
            if not in_finder and rng.random() < 0.5:
                cell(col, row)
    for fx, fy in finders:
        for i in range(7):
            for j in range(7):
                if i in (0, 6) or j in (0, 6) or (2 <= i <= 4 and 2 <= j <= 4):
                    cell(fx + i, fy + j)
    return _png(image.filter(ImageFilter.GaussianBlur(1.2)).convert("RGB"))


def _emblem(size: int) -> Image.Image:
    scale = 4
    image = Image.new("RGBA", (size * scale, size * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    full = size * scale
    draw.ellipse((scale, scale, full - scale, full - scale), fill="#c8161d", outline="#ffd700", width=scale * 2)
    _star(draw, full / 2, full / 2 + scale, full * 0.32, "#ffd700")
    return image.resize((size, size), Image.LANCZOS)


def logo() -> bytes:
    """The banner logo: a red disc with a golden star (a generic emblem, not a real one)."""
    return _png(_emblem(64))


def favicon() -> bytes:
    """A small favicon so browsers asking for /favicon.ico get one."""
    buffer = io.BytesIO()
    _emblem(32).save(buffer, format="ICO")
    return buffer.getvalue()


PALETTES: dict[str, tuple[str, str, str]] = {
    "city": ("#5b9bd5", "#cfe4f7", "#3d6f9e"),
    "dusk": ("#f08a5d", "#f9d8a7", "#52616b"),
    "green": ("#7fb77e", "#e3f2d9", "#4c7a52"),
}


def build_assets(qr_payloads: dict[str, str | None]) -> dict[str, bytes]:
    """Every generated image by URL path; ``qr_payloads`` maps a QR image path to its payload or None.

    A None payload makes the undecodable fake QR code for that slot.
    """
    assets = {
        "/static/dzjg.png": party_government_mark(),
        "/static/gongan.png": police_badge(),
        "/static/logo.png": logo(),
        "/favicon.ico": favicon(),
    }
    assets["/static/img/loading.png"] = picture(48, 32, next(iter(PALETTES.values())), seed=99)
    for index, name in enumerate(PALETTES):
        assets[f"/static/img/{name}.png"] = picture(560, 320, PALETTES[name], seed=index + 1)
        assets[f"/static/img/{name}_s.png"] = picture(280, 180, PALETTES[name], seed=index + 11)
    for path, payload in qr_payloads.items():
        assets[path] = qr_code(payload) if payload else fake_qr_code()
    return assets

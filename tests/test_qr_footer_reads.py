"""The QR check reads a footer with no code twice (the second time on a fresh load): a photograph of the first
read stands for the second only when both showed the same footer."""

from __future__ import annotations

from checker.checks.newmedia_qr import _same_footer
from checker.observe import FooterImageSeen, FooterSeen, PageSnapshot


def _home(text: str, *images: tuple[str, float], read: int = 0) -> PageSnapshot:
    """A home page read ``read``: each read tags its elements afresh."""
    seen = tuple(FooterImageSeen(f"gc-{read}-{n}", src, "", "", "", "", side, side)
                 for n, (src, side) in enumerate(images))
    return PageSnapshot(url="http://127.0.0.1/", title="首页", footer=FooterSeen(f"gc-{read}-f", text, seen))


def test_the_same_footer_read_again_is_the_same_footer_whatever_its_tags() -> None:
    first = _home("主办单位：示例市人民政府办公室 网站标识码4400000001", ("/images/dzjg.png", 60))
    again = _home("主办单位：示例市人民政府办公室 网站标识码4400000001", ("/images/dzjg.png", 60), read=1)
    assert _same_footer(first, again)


def test_a_footer_cut_short_or_changed_is_not_the_same() -> None:
    whole = _home("主办单位：示例市人民政府办公室 网站标识码4400000001", ("/images/dzjg.png", 60))
    assert not _same_footer(_home("主办单位：示例市人民政府办公室"), whole)  # the first read was cut short
    assert not _same_footer(_home(whole.footer.text if whole.footer else ""), whole)  # an image missing
    assert not _same_footer(_home("x", ("/images/dzjg.png", 0)), _home("x", ("/images/dzjg.png", 60)))
    assert not _same_footer(PageSnapshot(url="http://127.0.0.1/", title="首页"), whole)

// Links a visitor cannot see: hidden by display/visibility/opacity, zero size, off-screen, or drawn in the
// colour of their background. Each is returned with why it is hidden and a visible container tagged for
// evidence (the hidden link itself has no box to draw).
() => {
  window.__gcSeq = window.__gcSeq || 0;
  const tag = (el) => {
    if (!el.hasAttribute('data-gc')) el.setAttribute('data-gc', 'h' + (++window.__gcSeq));
    return el.getAttribute('data-gc');
  };
  const colour = (value) => {
    const m = /rgba?\(([^)]+)\)/.exec(value || '');
    if (!m) return null;
    const parts = m[1].split(',').map((p) => parseFloat(p));
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  };
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const c = colour(getComputedStyle(node).backgroundColor);
      if (c && c.a > 0.9) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const close = (a, b) => Math.abs(a.r - b.r) + Math.abs(a.g - b.g) + Math.abs(a.b - b.b) < 24;
  const why = (link) => {
    for (let node = link; node && node !== document.documentElement; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.display === 'none') return 'display:none';
      if (style.visibility === 'hidden' || style.visibility === 'collapse') return 'visibility:hidden';
      if (parseFloat(style.opacity) === 0) return 'opacity:0';
    }
    const rect = link.getBoundingClientRect();
    const style = getComputedStyle(link);
    if (rect.width < 1 || rect.height < 1 || parseFloat(style.fontSize) < 1) return '尺寸为零';
    const right = rect.right + window.scrollX;
    const bottom = rect.bottom + window.scrollY;
    if (right <= 0 || bottom <= 0 || rect.left + window.scrollX > document.documentElement.scrollWidth + 100) {
      return '移出可视区域';
    }
    const text = colour(style.color);
    if (text && close(text, background(link))) return '文字颜色与背景相同';
    return '';
  };
  const visibleContainer = (el) => {
    for (let node = el.parentElement; node; node = node.parentElement) {
      const r = node.getBoundingClientRect();
      if (r.width > 0 && r.height > 0 && getComputedStyle(node).display !== 'none') return node;
    }
    return document.body;
  };
  const found = [];
  for (const link of document.querySelectorAll('a[href]')) {
    if (!/^https?:/i.test(link.href)) continue;
    const reason = why(link);
    if (!reason) continue;
    found.push({
      href: link.href,
      text: (link.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 80),
      reason,
      html: link.outerHTML.slice(0, 300),
      anchor: tag(visibleContainer(link)),
    });
    if (found.length >= 200) break;
  }
  return found;
}

// Links a visitor cannot see: hidden by display/visibility/opacity, zero size, off-screen, or drawn in the
// colour of their background. Each is returned with why it is hidden, its computed style, how a visitor
// could reveal it (a menu, tab or carousel whose siblings show, a :hover/:focus rule, the page's own script
// or a control naming it; empty when nothing would), and a visible container tagged for evidence (the
// hidden link itself has no box to draw).
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
  const stateHidden = (style) => {
    if (style.display === 'none') return 'display:none';
    if (style.visibility === 'hidden' || style.visibility === 'collapse') return 'visibility:hidden';
    if (parseFloat(style.opacity) === 0) return 'opacity:0';
    return '';
  };
  // why: [reason, the element that hides it (the link or an ancestor)]
  const why = (link) => {
    let found = null;
    for (let node = link; node && node !== document.documentElement; node = node.parentElement) {
      const reason = stateHidden(getComputedStyle(node));
      if (reason) found = [reason, node];  // the outermost hidden ancestor is what a visitor would open
    }
    if (found) return found;
    const rect = link.getBoundingClientRect();
    const style = getComputedStyle(link);
    if (rect.width < 1 || rect.height < 1 || parseFloat(style.fontSize) < 1) return ['尺寸为零', link];
    const right = rect.right + window.scrollX;
    const bottom = rect.bottom + window.scrollY;
    if (right <= 0 || bottom <= 0 || rect.left + window.scrollX > document.documentElement.scrollWidth + 100) {
      return ['移出可视区域', link];
    }
    const text = colour(style.color);
    if (text && close(text, background(link))) return ['文字颜色与背景相同', link];
    return ['', null];
  };
  const styleOf = (link, hider) => {
    const s = getComputedStyle(link);
    const h = getComputedStyle(hider);
    const r = link.getBoundingClientRect();
    const own = `display:${s.display}; visibility:${s.visibility}; opacity:${s.opacity}; ` +
      `font-size:${s.fontSize}; color:${s.color}; position:${s.position}; ` +
      `box:${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}x${Math.round(r.height)}`;
    if (hider === link) return own;
    const name = hider.tagName.toLowerCase() + (hider.id ? '#' + hider.id : '') +
      (typeof hider.className === 'string' && hider.className.trim() ? '.' + hider.className.trim().split(/\s+/).join('.') : '');
    return `${own}；隐藏它的元素 ${name}：display:${h.display}; visibility:${h.visibility}; opacity:${h.opacity}`;
  };
  // The page's :hover / :focus rules, as the selectors they reveal once the pseudo-class holds.
  const revealRules = [];
  const collect = (rules) => {
    for (const rule of rules) {
      if (rule.cssRules && !rule.selectorText) { try { collect(rule.cssRules); } catch (e) { /* ignore */ } }
      if (!rule.selectorText || !/:(hover|focus|focus-within|active|checked|target)/.test(rule.selectorText)) continue;
      const st = rule.style;
      if (!st || !(st.display && st.display !== 'none') && !(st.visibility === 'visible') &&
          !(st.opacity && parseFloat(st.opacity) > 0) && !st.left && !st.transform) continue;
      for (const part of rule.selectorText.split(',')) {
        revealRules.push(part.replace(/:(hover|focus-within|focus|active|checked|target)/g, '').trim());
      }
    }
  };
  for (const sheet of document.styleSheets) {
    try { collect(sheet.cssRules); } catch (e) { /* a cross-origin sheet cannot be read */ }
  }
  const scripts = Array.from(document.scripts).map((s) => s.textContent || '').join('\n');
  const NAVISH = /menu|nav|drop|tab|slide|swiper|carousel|banner|scroll|marquee|accordion|collapse|toggle|popup|sub/i;
  const visible = (el) => !why(el)[0];  // shown on the page: not hidden by any of the ways above
  const revealedBy = (link, hider, reason) => {
    if (reason === '尺寸为零' || reason === '文字颜色与背景相同') return '';
    for (const selector of revealRules) {
      try {
        if (selector && (hider.matches(selector) || link.matches(selector))) return '悬停或聚焦时显示';
      } catch (e) { /* a selector matches() cannot read */ }
    }
    const id = hider.id;
    if (id && (document.querySelector(`[aria-controls~="${CSS.escape(id)}"], [data-target="#${CSS.escape(id)}"], ` +
        `[data-bs-target="#${CSS.escape(id)}"], a[href="#${CSS.escape(id)}"]`) || scripts.includes(id))) {
      return '页面脚本或控件可展开';
    }
    const parent = hider.parentElement;
    // a hidden pane, slide or menu item among shown ones of its kind (never a bare link among links)
    const grouped = hider !== link && ((typeof hider.className === 'string' && hider.className.trim()) ||
      hider.tagName === 'LI');
    if (parent && grouped) {
      const same = Array.from(parent.children).filter((el) => el !== hider && el.tagName === hider.tagName &&
        el.className === hider.className && visible(el));
      if (same.length) return '同组元素可见（选项卡、轮播或菜单项）';
    }
    for (let node = hider; node && node !== document.body; node = node.parentElement) {
      const label = (node.id || '') + ' ' + (typeof node.className === 'string' ? node.className : '');
      if (node.tagName === 'NAV' || NAVISH.test(label) || node.getAttribute('role') === 'menu' ||
          node.getAttribute('role') === 'tabpanel') {
        return '属于导航菜单、选项卡或轮播';
      }
    }
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
    const [reason, hider] = why(link);
    if (!reason) continue;
    found.push({
      href: link.href,
      text: (link.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 80),
      reason,
      html: link.outerHTML.slice(0, 300),
      anchor: tag(visibleContainer(link)),
      style: styleOf(link, hider),
      revealed: revealedBy(link, hider, reason),
    });
    if (found.length >= 200) break;
  }
  return found;
}

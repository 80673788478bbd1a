// Every link a browser shows on the rendered page: anchors, image sources (lazy ones too), frames.
// Called with the most links to return; answers {links, total, ids} where ids are the in-page targets.
(limit) => {
  const found = [];
  let total = 0;
  const textOf = (el) => {
    const own = (el.innerText || el.textContent || '').replace(/\s+/g, ' ').trim();
    if (own) return own.slice(0, 80);
    const img = el.querySelector && el.querySelector('img[alt]');
    return ((img && img.getAttribute('alt')) || el.getAttribute('title') || el.getAttribute('alt') || '').trim().slice(0, 80);
  };
  const add = (el, attr, position) => {
    const raw = el.getAttribute(attr);
    if (raw === null || raw.trim() === '') return;
    total += 1;
    if (found.length >= limit) return;
    let url = '';
    try { url = new URL(raw.trim(), document.baseURI).href; } catch (e) { url = ''; }
    found.push({tag: el.tagName.toLowerCase(), attr, raw, url, text: textOf(el), position});
  };
  const elements = document.querySelectorAll('a[href], area[href], img, iframe[src], frame[src]');
  elements.forEach((el, position) => {
    const tag = el.tagName.toLowerCase();
    if (tag === 'a' || tag === 'area') add(el, 'href', position);
    else if (tag === 'img') {
      add(el, 'src', position);
      for (const lazy of ['data-src', 'data-original', 'data-lazy-src']) add(el, lazy, position);
    } else add(el, 'src', position);
  });
  const ids = new Set();
  document.querySelectorAll('[id]').forEach((el) => ids.add(el.id));
  document.querySelectorAll('a[name]').forEach((el) => ids.add(el.getAttribute('name')));
  return {links: found, total, ids: Array.from(ids).slice(0, 20000)};
}

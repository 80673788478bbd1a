// Structural facts of a rendered page that say what kind of page it is: its breadcrumb, its pager (links
// and the total it prints), its forms, and whether it reads like an article (heading, publish label).
() => {
  const clean = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const attrs = (el) => ((el.id || '') + ' ' + (typeof el.className === 'string' ? el.className : '')).toLowerCase();
  const LABEL = /(当前位置|您的位置|你的位置|所在位置|您现在的位置|你现在的位置|当前栏目)/;
  let crumb = '';
  let crumbLinks = [];
  const named = Array.from(document.querySelectorAll('[class*="crumb" i], [id*="crumb" i], [class*="position" i], [id*="position" i], [class*="location" i], [id*="location" i], [class*="dqwz" i], [class*="weizhi" i]'));
  for (const el of named) {
    const text = clean(el.innerText || el.textContent);
    if (text && text.length <= 200 && el.querySelector('a')) {
      crumb = text;
      crumbLinks = Array.from(el.querySelectorAll('a[href]')).map((a) => ({ text: clean(a.innerText || a.textContent), href: a.href }));
      break;
    }
  }
  if (!crumb) {
    let best = null;
    for (const el of document.body ? document.body.querySelectorAll('div, td, p, span, li, section, nav') : []) {
      const text = clean(el.textContent);
      if (text.length > 200 || !LABEL.test(text)) continue;
      if (!best || text.length < clean(best.textContent).length) best = el;
    }
    if (best) {
      let holder = best;
      while (holder && !holder.querySelector('a') && holder.parentElement && clean(holder.parentElement.textContent).length <= 200) holder = holder.parentElement;
      crumb = clean((holder || best).textContent);
      crumbLinks = Array.from((holder || best).querySelectorAll('a[href]')).map((a) => ({ text: clean(a.innerText || a.textContent), href: a.href }));
    }
  }

  const PAGER = /下一页|下页|尾页|末页|上一页|共\s*\d+\s*页|第\s*\d+\s*页|共\s*\d+\s*条/;
  let pager = null;
  let pagerSize = Infinity;
  for (const el of document.body ? document.body.querySelectorAll('div, td, p, span, ul, nav, center, form') : []) {
    const text = clean(el.textContent);
    if (text.length > 400 || !PAGER.test(text) || !el.querySelector('a[href]')) continue;
    if (text.length < pagerSize) { pager = el; pagerSize = text.length; }
  }
  let pagerLinks = [];
  let pagerText = '';
  if (pager) {
    let holder = pager;
    // climb from a lone 下一页 to the bar holding the page numbers, never into the list the pager belongs to
    const rows = (el) => el.querySelectorAll('li, tr').length;
    while (holder.parentElement && holder.parentElement !== document.body && holder.querySelectorAll('a[href]').length < 2
           && clean(holder.parentElement.textContent).length <= 400
           && rows(holder.parentElement) <= rows(holder) + 1) holder = holder.parentElement;
    pagerText = clean(holder.textContent).slice(0, 400);
    pagerLinks = Array.from(holder.querySelectorAll('a[href]')).map((a) => ({ text: clean(a.innerText || a.textContent), href: a.href }));
  } else {
    const plain = Array.from(document.body ? document.body.querySelectorAll('div, td, p, span') : [])
      .find((el) => { const t = clean(el.textContent); return t.length <= 100 && /共\s*\d+\s*(页|条)/.test(t); });
    pagerText = plain ? clean(plain.textContent) : '';
  }

  const forms = Array.from(document.querySelectorAll('form')).map((form) => {
    const inputs = Array.from(form.querySelectorAll('input')).filter((i) => !['hidden', 'submit', 'button', 'image', 'reset', 'checkbox', 'radio'].includes((i.type || 'text').toLowerCase()));
    return { action: form.action || '', textareas: form.querySelectorAll('textarea').length, inputs: inputs.length,
      names: inputs.map((i) => (i.name || i.id || '').toLowerCase()).join(' ') };
  });
  const textareas = document.querySelectorAll('textarea').length;

  const heading = clean((document.querySelector('h1') || document.querySelector('h2') || {}).textContent || '');
  const metas = {};
  for (const meta of document.querySelectorAll('meta[name]')) metas[meta.getAttribute('name').toLowerCase()] = meta.getAttribute('content') || '';
  const bodyText = document.body ? clean(document.body.innerText).slice(0, 6000) : '';
  const publishLabel = /(发布|发表|成文|更新|印发)(日期|时间)\s*[:：]|发布时间|来源\s*[:：]/.test(bodyText);
  return { crumb, crumbLinks: crumbLinks.slice(0, 12), pagerText, pagerLinks: pagerLinks.slice(0, 60), forms, textareas, heading: heading.slice(0, 200),
    articleTitle: metas['articletitle'] || '', pubDate: metas['pubdate'] || '', columnName: metas['columnname'] || '',
    publishLabel };
}

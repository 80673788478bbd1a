// One pass over a rendered page: navigation links, "more" links with their block headings, groups of
// list rows (a link plus the text beside it), the footer with its images, and the page's own text.
// Elements that evidence may need to box later get a data-gc attribute.
(args) => {
  const footerSelector = args && args.footerSelector;
  window.__gcSeq = window.__gcSeq || 0;
  const tag = (el) => {
    if (!el.hasAttribute('data-gc')) el.setAttribute('data-gc', String(++window.__gcSeq));
    return el.getAttribute('data-gc');
  };
  const clean = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const attrs = (el) => ((el.id || '') + ' ' + (typeof el.className === 'string' ? el.className : '')).toLowerCase();

  // The footer: the element holding the site's identifiers (主办单位, 网站标识码, ICP备, 公网安备 …), found by
  // what it says, grown to the block around it (the 党政机关 logo and QR codes often sit in a cell beside
  // the text); a footer-named element is used when it holds them, or when no page text names them.
  const MARKER = /网站标识码|ICP备|ICP证|公网安备|公安备案|版权所有|主办单位|主办：|承办单位|Copyright|©/i;
  const markedFooter = () => {
    const marks = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (MARKER.test(node.textContent) && node.parentElement && !['SCRIPT', 'STYLE'].includes(node.parentElement.tagName)) {
        marks.push(node.parentElement);
      }
    }
    if (!marks.length) return null;
    const tail = marks.slice(-6);
    let common = tail[tail.length - 1];
    for (const el of tail) while (common && !common.contains(el)) common = common.parentElement;
    if (!common || common === document.body || common === document.documentElement) common = tail[tail.length - 1];
    const own = clean(common.innerText).length;
    while (common.parentElement && common.parentElement !== document.body
           && clean(common.parentElement.innerText).length <= Math.max(600, own * 2.5)) common = common.parentElement;
    return common;
  };
  const pickFooter = () => {
    if (footerSelector) return document.querySelector(footerSelector);
    const found = Array.from(document.querySelectorAll(
      'footer, [id*="foot" i], [class*="foot" i], [class*="copyright" i], [id*="copyright" i], [id*="bottom" i], [class*="bottom" i]'
    ));
    const outer = found.filter((el) => !found.some((other) => other !== el && other.contains(el)));
    const withText = outer.filter((el) => clean(el.innerText).length > 10);
    const named = withText.length ? withText[withText.length - 1] : null;
    if (named && MARKER.test(named.innerText || '')) return named;
    return markedFooter() || named;
  };
  const footer = pickFooter();

  const NAV = /^(.*[-_])?(nav|navbar|navigation|menu|mainnav|subnav|mainmenu)([-_].*)?$/;
  const HEADER = /^(header|head|top|topbar|banner|site-header|page-header)$/;
  const ASIDE = /^(.*[-_])?(side|sidebar|aside)([-_].*)?$/;
  const regionOf = (el) => {
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      if (footer && node === footer) return 'footer';
      const name = node.tagName.toLowerCase();
      const tokens = attrs(node).split(/\s+/).filter(Boolean);
      if (name === 'nav' || tokens.some((t) => NAV.test(t))) return 'nav';
      if (name === 'header' || tokens.some((t) => HEADER.test(t))) return 'header';
      if (name === 'aside' || tokens.some((t) => ASIDE.test(t))) return 'aside';
      if (name === 'footer') return 'footer';
    }
    return 'main';
  };

  // A page of 100,000 links must not take minutes: at most 30,000 are read, and what is asked of a row
  // (its text, its links) is computed once per row element, not once per link in it.
  const links = Array.from(document.querySelectorAll('a[href]')).slice(0, 30000);
  const rowFacts = new Map();
  const factsOf = (row) => {
    if (!rowFacts.has(row)) rowFacts.set(row, { text: clean(row.innerText), links: row.querySelectorAll('a[href]').length });
    return rowFacts.get(row);
  };
  const navLinks = [];
  const moreLinks = [];
  const rowsByGroup = new Map();
  const MORE = /^(更多|more|查看更多|more\s*>+|>>|更多\s*[>+»]*|[+＋]\s*更多)$/i;

  const headingFor = (link) => {
    let node = link.parentElement;
    for (let depth = 0; node && depth < 5; depth++, node = node.parentElement) {
      const heads = node.querySelectorAll('h1,h2,h3,h4,h5,[class*="tit" i],[class*="hd" i],[class*="head" i],[class*="name" i]');
      for (const head of heads) {
        if (head.contains(link) && head === link) continue;
        let text = clean(head.innerText);
        const linkText = clean(link.innerText);
        if (linkText && text.endsWith(linkText)) text = clean(text.slice(0, text.length - linkText.length));
        if (text && text.length <= 12 && !MORE.test(text)) return text;
      }
    }
    return '';
  };

  for (const link of links) {
    const href = link.href;
    if (!href || /^(javascript|mailto|tel):/i.test(link.getAttribute('href') || '')) continue;
    const region = regionOf(link);
    const text = clean(link.innerText) || clean(link.textContent) || clean(link.getAttribute('title'));
    if (region === 'nav' || region === 'header') {
      navLinks.push({ text, href, region });
      continue;
    }
    if (region === 'footer') continue;
    if (MORE.test(text) || /^更多/.test(text)) {
      moreLinks.push({ text, href, heading: headingFor(link), gc: tag(link) });
      continue;
    }
    let row = link.closest('li, tr, dd, dt');
    if (!row || !row.contains(link) || factsOf(row).text.length > 250) row = link.parentElement;
    if (!row) continue;
    let group = row.parentElement;
    if (factsOf(row).links > 3) {
      // A bar of links in one row or cell (a table-layout navigation row, a side menu of <a><br>): each link
      // is an entry of that bar.
      group = row;
      row = link;
    }
    const rowText = factsOf(row).text;
    if (rowText.length > 250) continue;
    if (!group) continue;
    if (!rowsByGroup.has(group)) rowsByGroup.set(group, { region, rows: [], seen: new Set() });
    const entry = rowsByGroup.get(group);
    if (entry.seen.has(row)) continue;
    entry.seen.add(row);
    const title = clean(link.getAttribute('title')) || text;
    const rest = clean(rowText.replace(clean(link.innerText), ' '));
    entry.rows.push({ gc: tag(row), title, href, rest, linkText: text });
  }

  const groups = [];
  for (const [group, entry] of rowsByGroup) {
    const rect = group.getBoundingClientRect();
    groups.push({ gc: tag(group), region: entry.region, rows: entry.rows, visible: rect.width > 0 && rect.height > 0 });
  }

  const mainText = [];
  const mainParents = [];
  let mainLength = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(parent.tagName)) continue;
    const text = clean(node.textContent);
    if (!text || regionOf(parent) !== 'main') continue;
    if (!parent.getClientRects().length) continue;
    mainLength += text.length;
    if (mainParents.length < 400) mainParents.push(parent);
    if (mainText.join(' ').length < 2000) mainText.push(text);
  }
  // The main content is the nearest element holding all of the page's own text.
  let mainBlock = mainParents.length ? mainParents[0] : null;
  for (const parent of mainParents) {
    while (mainBlock && !mainBlock.contains(parent)) mainBlock = mainBlock.parentElement;
  }

  let footerData = null;
  if (footer) {
    const images = Array.from(footer.querySelectorAll('img')).map((img) => {
      const rect = img.getBoundingClientRect();
      const holder = img.closest('a');
      let caption = clean(img.getAttribute('alt')) || clean(img.getAttribute('title'));
      const block = img.parentElement && img.parentElement.tagName === 'A' ? img.parentElement.parentElement : img.parentElement;
      const blockText = block ? clean(block.innerText) : '';
      if (blockText && blockText.length <= 30) caption = blockText;
      const containers = [img, img.parentElement, img.parentElement && img.parentElement.parentElement];
      const hints = containers.filter(Boolean).map((el) => attrs(el)).join(' ') + ' ' +
        [img.getAttribute('role'), img.getAttribute('aria-label'), img.getAttribute('title')].filter(Boolean).join(' ');
      return {
        gc: tag(img),
        hints: clean(hints),
        src: img.currentSrc || img.src || img.getAttribute('data-src') || '',
        alt: clean(img.getAttribute('alt')),
        title: clean(img.getAttribute('title')),
        link: holder ? holder.href : '',
        caption,
        width: rect.width || img.naturalWidth || 0,
        height: rect.height || img.naturalHeight || 0,
      };
    });
    footerData = { gc: tag(footer), text: footer.innerText || '', images };
  }

  return {
    url: location.href,
    title: document.title || '',
    navLinks,
    moreLinks,
    groups,
    mainText: mainText.join(' ').slice(0, 2000),
    mainLength,
    mainAnchor: mainBlock && mainBlock !== document.body ? tag(mainBlock) : '',
    footer: footerData,
  };
}

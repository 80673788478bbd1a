/* 示例市交通运输局: the channel's scripts. Lists, blocks and the 信息公开 directory are written after load. */

/* TRS pager: page 1 is index.html, page 2 index_1.html … ; written in place with document.write. */
function createPageHTML(nPageCount, nCurrIndex, sPageName, sPageExt) {
  if (nPageCount == null || nPageCount <= 1) return;
  function name(i) { return i == 0 ? sPageName + "." + sPageExt : sPageName + "_" + i + "." + sPageExt; }
  var html = ["<span>共" + nPageCount + "页</span>"];
  if (nCurrIndex == 0) html.push("<span>首页</span><span>上一页</span>");
  else html.push('<a href="' + name(0) + '">首页</a><a href="' + name(nCurrIndex - 1) + '">上一页</a>');
  for (var i = 0; i < nPageCount; i++) {
    html.push(i == nCurrIndex ? '<span class="u-cur">' + (i + 1) + "</span>" : '<a href="' + name(i) + '">' + (i + 1) + "</a>");
  }
  if (nCurrIndex >= nPageCount - 1) html.push("<span>下一页</span><span>尾页</span>");
  else html.push('<a href="' + name(nCurrIndex + 1) + '">下一页</a><a href="' + name(nPageCount - 1) + '">尾页</a>');
  document.write(html.join(""));
}

function escapeText(text) {
  return String(text).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
}

function rowsHTML(items) {
  if (!items || !items.length) return '<li class="u-none">暂无信息</li>';
  return items.map(function (it) {
    return '<li><a href="' + escapeText(it.url) + '" target="_blank" title="' + escapeText(it.title) + '">' +
      escapeText(it.title) + '</a><span class="u-time">' + escapeText(it.date) + "</span></li>";
  }).join("");
}

/* A column list page: its page of rows from /bm/jtj/api/list. */
function render(items) {
  document.getElementById("list").innerHTML = rowsHTML(items);
}

/* Home and hub blocks: <ul data-col="jtdt" data-n="7"> gets the newest n rows of its column. */
function fillBlocks() {
  document.querySelectorAll("[data-col]").forEach(function (el) {
    fetch("/bm/jtj/api/list?col=" + el.getAttribute("data-col") + "&page=1")
      .then(function (r) { return r.json(); })
      .then(function (items) { el.innerHTML = rowsHTML(items.slice(0, Number(el.getAttribute("data-n")) || 6)); });
  });
}

/* The 信息公开 directory from an array of {name, url} and {name, children}. */
function buildTree(root, nodes) {
  function list(items) {
    return "<ul>" + items.map(function (n) {
      var head = n.url ? '<a href="' + escapeText(n.url) + '">' + escapeText(n.name) + "</a>"
        : '<span class="u-node">' + escapeText(n.name) + "</span>";
      return "<li>" + head + (n.children ? list(n.children) : "") + "</li>";
    }).join("") + "</ul>";
  }
  root.innerHTML = list(nodes);
}

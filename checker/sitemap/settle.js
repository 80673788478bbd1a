// Installed before a page's own scripts run: counts what a page is still doing, so the walk can wait for a
// list that a script fills after `load` without a fixed sleep. Counted: fetch and XMLHttpRequest calls in
// flight, short timers (up to 3 s) scheduled in the page's first 3 s, and the time of the last change to
// the DOM. Timers scheduled later (carousels, clocks) are not counted, so they cannot hold the walk.
(() => {
  if (window.__gcSettle) return;
  const state = { pending: 0, timers: new Set(), last: performance.now() };
  window.__gcSettle = state;
  const touch = () => { state.last = performance.now(); };
  const nativeFetch = window.fetch;
  if (nativeFetch) {
    window.fetch = function (...args) {
      state.pending += 1; touch();
      return nativeFetch.apply(this, args).finally(() => { state.pending -= 1; touch(); });
    };
  }
  const nativeSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    state.pending += 1; touch();
    this.addEventListener('loadend', () => { state.pending -= 1; touch(); });
    return nativeSend.apply(this, args);
  };
  const nativeSetTimeout = window.setTimeout;
  const nativeClearTimeout = window.clearTimeout;
  window.setTimeout = function (callback, delay, ...rest) {
    if (typeof callback !== 'function' || (delay || 0) > 3000 || performance.now() > 3000) {
      return nativeSetTimeout.call(window, callback, delay, ...rest);
    }
    let id = 0;
    id = nativeSetTimeout.call(window, function (...inner) {
      state.timers.delete(id); touch();
      return callback.apply(this, inner);
    }, delay, ...rest);
    state.timers.add(id);
    return id;
  };
  window.clearTimeout = function (id) {
    state.timers.delete(id);
    return nativeClearTimeout.call(window, id);
  };
  new MutationObserver(touch).observe(document, { subtree: true, childList: true, characterData: true });
})();

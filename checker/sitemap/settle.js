// Installed before a page's own scripts run: counts what a page is still doing, so the walk can wait for a
// list that a script fills after `load` without a fixed sleep. Counted: fetch and XMLHttpRequest calls in
// flight (their addresses are kept in `open`, so a read made before they finished can say which), short
// timers (up to 3 s) scheduled before the page's `load` or in the 3 s after it, and the time of the last
// change to the DOM. Timers scheduled later (carousels, clocks) are not counted, so they cannot hold the
// walk; the window is counted from `load`, not from the start, so a script the server was slow to send
// (a stall) does not push the list's own timer out of it. The resource timing buffer is enlarged so that
// the walk can still find a failed script or data request on a busy page.
(() => {
  if (window.__gcSettle) return;
  const state = { pending: 0, timers: new Set(), last: performance.now(), open: new Map(), seq: 0, loadedAt: null };
  window.__gcSettle = state;
  window.addEventListener('load', () => { state.loadedAt = performance.now(); });
  const touch = () => { state.last = performance.now(); };
  try { performance.setResourceTimingBufferSize(2000); } catch (e) { /* an old browser keeps its default */ }
  const address = (target) => {
    try { return new URL(typeof target === 'string' ? target : (target && target.url) || String(target),
                         location.href).href; } catch (e) { return String(target); }
  };
  const begin = (url) => {
    state.pending += 1; state.seq += 1; state.open.set(state.seq, url); touch();
    return state.seq;
  };
  const end = (id) => { if (state.open.delete(id)) state.pending -= 1; touch(); };
  const nativeFetch = window.fetch;
  if (nativeFetch) {
    window.fetch = function (...args) {
      const id = begin(address(args[0]));
      return nativeFetch.apply(this, args).finally(() => end(id));
    };
  }
  const nativeOpen = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (...args) {
    this.__gcUrl = address(args[1]);
    return nativeOpen.apply(this, args);
  };
  const nativeSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    const id = begin(this.__gcUrl || '');
    this.addEventListener('loadend', () => end(id));
    try { return nativeSend.apply(this, args); } catch (e) { end(id); throw e; }
  };
  const nativeSetTimeout = window.setTimeout;
  // for the checker's own waiting (wait_settled): a timer the page's count does not see
  state.later = (callback, delay) => nativeSetTimeout.call(window, callback, delay);
  const nativeClearTimeout = window.clearTimeout;
  window.setTimeout = function (callback, delay, ...rest) {
    const loaded = state.loadedAt === null ? performance.now() : state.loadedAt;
    if (typeof callback !== 'function' || (delay || 0) > 3000 || performance.now() > loaded + 3000) {
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

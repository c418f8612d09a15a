// quire dev's client, added to every page `quire dev` serves (never to `quire build`'s).
// It listens on a WebSocket for the server's news: reload this page when its file
// changed (keeping the scroll position), and show the build's errors over the page while
// the last good version stays readable underneath. It reconnects if the server restarts.
(() => {
  const me = window.quireDev || { page: location.pathname, version: 0 };
  const scrollKey = 'quire-dev-scroll:' + location.pathname + location.search;

  // Back where the reader was before the reload.
  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    const [x, y] = saved.split(',').map(Number);
    const restore = () => window.scrollTo(x, y);
    restore();
    addEventListener('DOMContentLoaded', restore);
    addEventListener('load', restore);
  }

  function reload() {
    sessionStorage.setItem(scrollKey, `${Math.round(scrollX)},${Math.round(scrollY)}`);
    location.reload();
  }

  let overlay = null;
  function showErrors(errors) {
    if (!errors.length) {
      if (overlay) overlay.remove();
      overlay = null;
      return;
    }
    if (!overlay) {
      overlay = document.createElement('quire-dev-overlay');
      overlay.id = 'quire-dev-overlay';
      overlay.attachShadow({ mode: 'open' });
      document.documentElement.appendChild(overlay);
    }
    overlay.style.display = '';
    const root = overlay.shadowRoot;
    root.innerHTML = `<style>
      :host { all: initial; }
      .backdrop { position: fixed; inset: 0; z-index: 2147483647; background: rgba(15, 18, 25, .55);
        display: flex; align-items: flex-start; justify-content: center; overflow: auto; padding: 6vh 1rem; }
      .panel { background: #16191f; color: #e6e8eb; border-top: 4px solid #e5484d; border-radius: 8px;
        max-width: 960px; width: 100%; box-shadow: 0 20px 60px rgba(0,0,0,.45);
        font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
      header { display: flex; align-items: baseline; gap: 1rem; padding: 1rem 1.25rem .5rem; }
      h1 { font-size: 16px; margin: 0; color: #ff8589; font-weight: 600; }
      .hint { color: #9ba1a6; font-size: 13px; flex: 1; }
      button { background: none; border: 1px solid #3a3f47; color: #c1c7cd; border-radius: 4px; cursor: pointer;
        font: inherit; font-size: 12px; padding: 2px 8px; }
      section { padding: .5rem 1.25rem 1rem; border-top: 1px solid #2a2e35; }
      .where { font: 600 13px ui-monospace, SFMono-Regular, Menlo, monospace; color: #7cc4fa; margin: .5rem 0; }
      pre { margin: 0; white-space: pre-wrap; overflow-x: auto;
        font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: #e6e8eb; }
    </style>
    <div class="backdrop" part="backdrop"><div class="panel" role="alertdialog" aria-labelledby="t">
      <header><h1 id="t"></h1><span class="hint">The page below is the last version that built. Fix the file and save: this goes away by itself.</span>
      <button type="button" title="Hide until the next change">Hide</button></header>
    </div></div>`;
    root.getElementById('t').textContent = errors.length === 1 ? 'The build failed' : `The build failed with ${errors.length} errors`;
    const panel = root.querySelector('.panel');
    for (const e of errors) {
      const s = document.createElement('section');
      if (e.location) {
        const w = document.createElement('div');
        w.className = 'where';
        w.textContent = e.location;
        s.appendChild(w);
      }
      const pre = document.createElement('pre');
      pre.textContent = e.report;
      s.appendChild(pre);
      panel.appendChild(s);
    }
    root.querySelector('button').addEventListener('click', () => { overlay.style.display = 'none'; });
    overlay.dataset.errors = String(errors.length);
  }

  let delay = 100;
  function connect() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const q = `page=${encodeURIComponent(me.page)}&version=${me.version}`;
    const ws = new WebSocket(`${proto}//${location.host}/_quire/dev/socket?${q}`);
    ws.onopen = () => { delay = 100; };
    ws.onmessage = (event) => {
      const msg = JSON.parse(event.data);
      if (msg.all || msg.changed.includes(me.page)) {
        reload();
        return;
      }
      showErrors(msg.errors);
    };
    ws.onclose = () => {
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 2000);
    };
  }
  connect();
})();

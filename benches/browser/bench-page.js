// quire's engine page for the peers' browser benchmark. It starts quire's runtime the way a
// quire page does (a Web Worker running the wasm engine), loads ?data= as table `orders`
// (fetch, decode the Parquet into memory), and runs SQL there. Each result comes back to
// the main thread whole, as quire's renderer receives it.
performance.mark('page-script-start');
const params = new URLSearchParams(location.search);
const data = new URL(params.get('data') || 'data/orders_1m.parquet', location.href).href;
const here = new URL('./', import.meta.url);
const worker = new Worker(new URL(`bench-worker.js?engine=${encodeURIComponent(new URL('quire-site.js', here).href)}`
  + `&wasm=${encodeURIComponent(new URL('quire-site_bg.wasm', here).href)}`, here));
const waiting = new Map();
let nextId = 1;
worker.onmessage = (e) => {
  const r = JSON.parse(e.data);
  const w = waiting.get(r.id);
  if (!w) return;
  waiting.delete(r.id);
  if (r.ok) w.resolve(r);
  else w.reject(new Error(r.error));
};
const ready = new Promise((resolve, reject) => waiting.set(0, { resolve, reject }));
function post(msg) {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve, reject });
    worker.postMessage(JSON.stringify({ ...msg, id }));
  });
}
const status = (t) => { const el = document.getElementById('status'); if (el) el.textContent = t; };

window.engineReady = (async () => {
  await ready;
  performance.mark('engine-ready');
  const r = await post({ op: 'load', name: 'orders', url: data });
  performance.mark('data-ready');
  status('ready');
  return { engine: 'quire runtime (DataFusion 55.2, wasm32, Web Worker)', fetch_ms: r.fetch_ms, decode_ms: r.decode_ms };
})();
window.engineReady.catch((e) => status(`error: ${e.message}`));

// Rows as objects, timestamps in milliseconds: the shape the harness compares with native
// DuckDB's results.
window.runQuery = async (sql) => {
  const { columns, rows } = (await post({ op: 'sql', sql })).table;
  return rows.map((r) => Object.fromEntries(columns.map((c, i) =>
    [c.name, c.type === 'timestamp' && r[i] != null ? r[i] / 1000 : r[i]])));
};

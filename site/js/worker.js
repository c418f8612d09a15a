// quire's engine worker. The page's head (or quire.js) starts it with the engine's module
// and wasm URLs; once the wasm is instantiated, its main() answers messages and posts
// {"op":"ready"}. The wasm is asked for first and compiled as its bytes arrive, while the
// engine's module loads and the page's tables come.
const params = new URL(self.location.href).searchParams;
// What the page sends before the engine is ready (its `init`, sent at once so that it waits
// here, not in a busy page), kept and handed to the engine's handler in order.
const held = [];
self.onmessage = (e) => held.push(e);
const wasmUrl = params.get('wasm');
const compiled = fetch(wasmUrl).then((r) => {
  if (!r.ok) throw new Error(`${wasmUrl}: HTTP ${r.status}`);
  // A host that serves it with another type: compiled from its bytes, once they are all here.
  const wasmType = (r.headers.get('content-type') || '').split(';')[0].trim() === 'application/wasm';
  return wasmType ? WebAssembly.compileStreaming(r) : r.arrayBuffer().then((bytes) => WebAssembly.compile(bytes));
});
// Not left unhandled while the module loads; the engine's init reports the failure.
compiled.catch(() => {});
// What the engine fetches first on this page, as the page's head names it (each table's
// file, a ranged table's footer: [url] or [url, start, end]): asked for now, so that it
// arrives while the wasm compiles. The engine takes each response once (`__quire_early`,
// by URL, `#bytes=a-b` for a range) and fetches anything else itself.
const early = new Map();
try {
  for (const [url, start, end] of JSON.parse(params.get('early') || '[]')) {
    const range = start === undefined ? null : `bytes=${start}-${end - 1}`;
    const asked = fetch(url, range ? { headers: { Range: range } } : {});
    asked.catch(() => {});
    early.set(range ? `${url}#${range}` : url, asked);
  }
} catch (err) {
  console.error(`quire: the page's first fetches: ${err}`);
}
self.__quire_early = (key) => {
  const asked = early.get(key);
  early.delete(key);
  return asked;
};
// For the runtime: a page's own script (a module of this site), and quire's formats for it.
self.__quire_import = (url) => import(url);
import(params.get('engine'))
  .then((engine) => {
    self.__quire_fmt = (value, format) => engine.quire_fmt(value, format);
    // main() runs in here: it takes over `onmessage` and says it is ready.
    return engine.default({ module_or_path: compiled });
  })
  .then(() => {
    for (const e of held.splice(0)) self.onmessage(e);
  })
  .catch((err) => postMessage(JSON.stringify({ id: 0, ok: false, op: 'ready', error: `the engine did not load: ${err}` })));

// quire's engine worker. The page's head (or quire.js) starts it with the engine's module
// and wasm URLs; once the wasm is instantiated, its main() answers messages and posts
// {"op":"ready"}. The wasm is asked for first: its download and compile overlap the engine's
// module loading, and the page's tables come meanwhile.
const params = new URL(self.location.href).searchParams;
const wasm = fetch(params.get('wasm'));
// Not left unhandled while the module loads; the engine's init reports the failure.
wasm.catch(() => {});
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
    return engine.default({ module_or_path: wasm });
  })
  .catch((err) => postMessage(JSON.stringify({ id: 0, ok: false, op: 'ready', error: `the engine did not load: ${err}` })));

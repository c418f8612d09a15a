// quire's engine worker. The page's head (or quire.js) starts it with the engine's module
// and wasm URLs; once the wasm is instantiated, its main() answers messages and posts
// {"op":"ready"}. The wasm is asked for first: its download and compile overlap the engine's
// module loading.
const params = new URL(self.location.href).searchParams;
const wasm = fetch(params.get('wasm'));
// Not left unhandled while the module loads; the engine's init reports the failure.
wasm.catch(() => {});
// For the runtime: a page's own script (a module of this site), and quire's formats for it.
self.__quire_import = (url) => import(url);
import(params.get('engine'))
  .then((engine) => {
    self.__quire_fmt = (value, format) => engine.quire_fmt(value, format);
    return engine.default({ module_or_path: wasm });
  })
  .catch((err) => postMessage(JSON.stringify({ id: 0, ok: false, op: 'ready', error: `the engine did not load: ${err}` })));

// quire's engine worker. quire.js starts it with the engine's module and wasm URLs; once
// the wasm is instantiated, its main() answers messages and posts {"op":"ready"}.
const params = new URL(self.location.href).searchParams;
import(params.get('engine'))
  .then((engine) => engine.default({ module_or_path: params.get('wasm') }))
  .catch((err) => postMessage(JSON.stringify({ id: 0, ok: false, op: 'ready', error: `the engine did not load: ${err}` })));

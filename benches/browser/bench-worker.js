// The benchmark's worker: the peers' memory hooks first, then quire's engine as worker.js
// loads it on a quire page (a classic worker, so importScripts is available).
importScripts('/bench-hooks.js');
const params = new URL(self.location.href).searchParams;
import(params.get('engine'))
  .then((engine) => engine.default({ module_or_path: params.get('wasm') }))
  .catch((err) => postMessage(JSON.stringify({ id: 0, ok: false, error: `the engine did not load: ${err}` })));

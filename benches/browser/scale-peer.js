// The peer in benches/scale.sh: DuckDB-WASM reading the Parquet file quire ships for the
// explorer's orders, as Evidence and Observable Framework read a source in the browser
// (registerFileURL over HTTP, a view over read_parquet: DuckDB fetches the footer, then the
// byte ranges each query reads). Bundled by esbuild into the bench's folder.
//
// DuckDB-WASM 1.28.0 (DuckDB 0.9.2): the last release with Parquet linked into its wasm;
// later ones download the parquet extension from extensions.duckdb.org at the first
// read_parquet, which the bench's offline machine cannot reach.
//
//   window.engineReady   resolves once `orders` can be queried (engine up, footer read)
//   window.runAll(sqls)  runs the statements one after another; resolves to their rows
import * as duckdb from '@duckdb/duckdb-wasm';

const params = new URLSearchParams(location.search);
const data = new URL(params.get('data'), location.href).href;

async function start() {
  // Through the peers' harness wrapper, which loads its memory hooks into the worker first.
  const wrapper = new URL('duckdb-worker-wrapper.js', location.href);
  wrapper.searchParams.set('main', new URL('duckdb/duckdb-browser-eh.worker.js', location.href).href);
  const worker = new Worker(wrapper.href);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(new URL('duckdb/duckdb-eh.wasm', location.href).href);
  // The query options Evidence and Observable Framework open DuckDB with.
  await db.open({ query: { castBigIntToDouble: true, castTimestampToDate: true } });
  const conn = await db.connect();
  await db.registerFileURL('orders.parquet', data, duckdb.DuckDBDataProtocol.HTTP, false);
  await conn.query("create view orders as select * from read_parquet('orders.parquet')");
  // The footer is read when the view is first used, as on a page's first query.
  await conn.query('select count(*) from orders');
  window.runAll = async (sqls) => {
    const out = [];
    for (const sql of sqls) out.push((await conn.query(sql)).numRows);
    return out;
  };
  return { version: await db.getVersion() };
}

window.engineReady = start();

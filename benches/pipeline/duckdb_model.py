"""The 10M-row model on DuckDB's Python package: the same SQL over the same Parquet, its
result written as Parquet, as `quire run` does. Prints the in-process seconds as JSON."""
import json
import sys
import time

started = time.perf_counter()
import duckdb  # noqa: E402  (the import is part of what a Python pipeline pays)

source, sql_file, out = sys.argv[1], sys.argv[2], sys.argv[3]
sql = open(sql_file).read().replace("orders.orders", f"read_parquet('{source}')")
con = duckdb.connect()
con.execute(f"COPY ({sql}) TO '{out}' (FORMAT parquet, COMPRESSION snappy)")
rows = con.execute(f"select count(*) from read_parquet('{out}')").fetchone()[0]
print(json.dumps({"seconds": time.perf_counter() - started, "rows": rows, "threads": con.execute("select current_setting('threads')").fetchone()[0]}))

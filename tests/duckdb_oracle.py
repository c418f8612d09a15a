"""DuckDB's answers, for quire's differential dialect test (tests/testsuite/dialect.rs).

    python duckdb_oracle.py DATA_DIR < cases.json > answers.json

Each DATA_DIR/<name>.parquet becomes table <name> (nanosecond timestamps read as DuckDB's
usual TIMESTAMP, as an Evidence source would have them). cases.json is a list of SQL
statements; the answer to each is {"columns": [...], "rows": [[...], ...]} or
{"error": "..."}. Values are JSON: numbers (DECIMAL as a float), dates as YYYY-MM-DD,
timestamps as YYYY-MM-DD HH:MM:SS[.ffffff], lists as arrays, structs as objects. A type with
no plain JSON form (an interval, say) is an error: compare something else.
"""

import datetime
import decimal
import json
import pathlib
import sys

import duckdb


def value(v):
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, datetime.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, (datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return [value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): value(x) for k, x in v.items()}
    raise TypeError(f"no JSON form for {type(v).__name__} {v!r}")


def load(con, path):
    literal = "'" + str(path).replace("'", "''") + "'"
    columns = con.execute(f"describe select * from read_parquet({literal})").fetchall()
    select = ", ".join(
        f'"{name}"::TIMESTAMP as "{name}"' if kind == "TIMESTAMP_NS" else f'"{name}"'
        for name, kind, *_ in columns
    )
    con.execute(f'create table "{path.stem}" as select {select} from read_parquet({literal})')


def main():
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    for path in sorted(pathlib.Path(sys.argv[1]).glob("*.parquet")):
        load(con, path)
    answers = []
    for sql in json.load(sys.stdin):
        try:
            cursor = con.execute(sql)
            columns = [d[0] for d in cursor.description]
            rows = [[value(v) for v in row] for row in cursor.fetchall()]
            answers.append({"columns": columns, "rows": rows})
        except (duckdb.Error, TypeError) as e:
            answers.append({"error": str(e)})
    json.dump(answers, sys.stdout)
    print(f"duckdb {duckdb.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()

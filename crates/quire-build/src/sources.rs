//! Evidence-style sources: `sources/<name>/connection.yaml` plus one file per table,
//! registered as `<name>.<file stem>`.

use std::path::{Path, PathBuf};

use quire_core::{Problem, SourceFile, Span};
use quire_engine::{CsvOptions, Engine, FileFormat, TableName};

use crate::error::BuildError;

mod redact;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    Csv(CsvOptions),
    Parquet,
    /// One JSON object per line.
    NdJson,
    /// A `.json` file holding one array of objects.
    JsonArray,
    /// A query run on a database server (`quire run` fetches it into the pipeline's cache).
    Database,
}

/// Where a database source's server is, and who to be there. The password comes from the
/// environment only, and no `Debug` or message prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct Database {
    pub kind: String,
    pub host: String,
    pub port: u16,
    pub database: Option<String>,
    pub user: Option<String>,
    pub password: Option<String>,
    pub sslmode: SslMode,
    /// The CA certificates to verify the server with (`sslrootcert:`); by default, as libpq,
    /// `~/.postgresql/root.crt`.
    pub sslrootcert: Option<RootCert>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("kind", &self.kind)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "********"))
            .field("sslmode", &self.sslmode)
            .field("sslrootcert", &self.sslrootcert)
            .finish()
    }
}

/// Whether and how to use TLS, as libpq's `sslmode` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SslMode {
    /// Plain TCP only.
    Disable,
    /// TLS if the server offers it, else plain; the certificate is not checked.
    #[default]
    Prefer,
    /// TLS or nothing; the certificate is not checked (unless `sslrootcert` is given: then
    /// as `VerifyCa`, as libpq does).
    Require,
    /// TLS, and the certificate must chain to a trusted CA.
    VerifyCa,
    /// TLS, the certificate must chain to a trusted CA and name the host.
    VerifyFull,
}

impl SslMode {
    pub const NAMES: &[&str] = &["disable", "prefer", "require", "verify-ca", "verify-full"];

    pub fn parse(name: &str) -> Option<SslMode> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "disable" => SslMode::Disable,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

/// Where the trusted CA certificates come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootCert {
    /// A PEM file (`sslrootcert: ca.pem`, relative to the source's folder).
    File(PathBuf),
    /// The machine's trusted CAs (`sslrootcert: system`, as libpq 16 spells it).
    System,
}

/// Where a database table's query runs.
#[derive(Debug, Clone)]
pub enum Server {
    Postgres(Database),
    /// DuckDB, in this process: a database file opened read-only, or `None` for an
    /// in-memory database whose queries read the project's files.
    DuckDb {
        file: Option<PathBuf>,
        /// The source's folder: every file in it is part of the table's key.
        folder: PathBuf,
    },
    /// SQLite, in this process: a database file opened read-only.
    Sqlite {
        file: PathBuf,
        folder: PathBuf,
    },
}

/// A database table: its connection, its query (the `.sql` file), and an optional `cache`
/// freshness query from a `-- cache: ...` line at the top.
#[derive(Debug, Clone)]
pub struct DatabaseTable {
    pub server: Server,
    pub file: std::sync::Arc<SourceFile>,
    pub cache: Option<String>,
}

/// One table of one source.
#[derive(Debug, Clone)]
pub struct SourceTable {
    pub name: TableName,
    pub path: PathBuf,
    pub format: Format,
    /// For [`Format::Database`]: where and what to run.
    pub database: Option<DatabaseTable>,
}

#[derive(Debug, serde::Deserialize)]
struct Connection {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    #[allow(dead_code)]
    name: Option<String>,
    /// Evidence's CSV options: DuckDB `read_csv` arguments (`options: delim=';',header=true`,
    /// or nested under `options:` as Evidence writes it).
    #[serde(default)]
    options: Option<serde_yaml::Value>,
    #[serde(default)]
    host: Option<String>,
    #[serde(default)]
    port: Option<u16>,
    #[serde(default)]
    database: Option<String>,
    #[serde(default)]
    user: Option<String>,
    /// The environment variable holding the password (default `PGPASSWORD`).
    #[serde(default)]
    password_env: Option<String>,
    #[serde(default)]
    password: Option<serde_yaml::Value>,
    /// libpq's `sslmode` (default `prefer`, or PGSSLMODE).
    #[serde(default)]
    sslmode: Option<String>,
    /// A CA certificate file, relative to the source's folder, or `system`.
    #[serde(default)]
    sslrootcert: Option<String>,
}

const KINDS: &[&str] = &["csv", "parquet", "json", "postgres", "duckdb", "sqlite"];

/// Every table under `sources/`, in name order.
pub fn discover(root: &Path) -> Result<Vec<SourceTable>, BuildError> {
    let dir = root.join("sources");
    let Ok(entries) = std::fs::read_dir(&dir) else { return Ok(Vec::new()) };
    let mut dirs: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect();
    dirs.sort();
    let mut tables = Vec::new();
    let mut errors = Vec::new();
    for source_dir in dirs {
        let source = source_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let conn_path = ["connection.yaml", "connection.yml"].iter().map(|n| source_dir.join(n)).find(|p| p.is_file());
        let Some(conn_path) = conn_path else {
            return Err(BuildError::File {
                path: source_dir,
                message: "this source has no connection.yaml".into(),
                help: Some("add connection.yaml with `type: csv` (or parquet, json)".into()),
            });
        };
        let text = std::fs::read_to_string(&conn_path).map_err(|e| BuildError::file(&conn_path, e))?;
        let rel =
            format!("sources/{source}/{}", conn_path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default());
        // Messages show the file with its passwords masked; every span is into that text.
        let redacted = redact::Redacted::new(&text);
        let file = SourceFile::new(rel, redacted.text.as_str());
        if let Some(&at) = redacted.found.first() {
            // The key `password`, or the mask of a URL's password: eight bytes either way.
            errors.push(
                Problem::new("a password does not belong in a file of the project", Span::new(at, at + 8))
                    .help("remove it and set PGPASSWORD in the environment (or name another variable with `password_env:`)")
                    .in_file(&file),
            );
            continue;
        }
        let conn: Connection = match serde_yaml::from_str(&text) {
            Ok(c) => c,
            Err(e) => {
                let at = redacted.at(e.location().map_or(0, |l| l.index()));
                errors.push(
                    Problem::new(format!("connection.yaml: {e}"), Span::new(at, at + 1))
                        .help("a file source needs `type: csv`, `type: parquet` or `type: json`")
                        .in_file(&file),
                );
                continue;
            }
        };
        let kind = conn.kind.to_ascii_lowercase();
        if conn.password.as_ref().is_some_and(|p| !p.is_null()) {
            // A password the masking did not recognise: point at the file, show nothing.
            errors.push(
                Problem::new("a password does not belong in a file of the project", Span::default())
                    .help("remove it and set PGPASSWORD in the environment (or name another variable with `password_env:`)")
                    .in_file(&SourceFile::new(file.path.clone(), "")),
            );
            continue;
        }
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let postgres = kind == "postgres" || kind == "postgresql";
        let (sslmode, sslrootcert) = if postgres {
            match tls_settings(&conn, &source_dir, &file) {
                Ok(tls) => tls,
                Err(problem) => {
                    errors.push(problem);
                    continue;
                }
            }
        } else {
            (SslMode::default(), None)
        };
        let database = postgres.then(|| Database {
            kind: "postgres".into(),
            host: conn.host.clone().or_else(|| env("PGHOST")).unwrap_or_else(|| "127.0.0.1".into()),
            port: conn.port.or_else(|| env("PGPORT").and_then(|p| p.parse().ok())).unwrap_or(5432),
            database: conn.database.clone().or_else(|| env("PGDATABASE")),
            user: conn.user.clone().or_else(|| env("PGUSER")),
            password: env(conn.password_env.as_deref().unwrap_or("PGPASSWORD")),
            sslmode,
            sslrootcert,
        });
        let duckdb = kind == "duckdb";
        let sqlite = kind == "sqlite" || kind == "sqlite3";
        let duckdb_file = if duckdb || sqlite {
            match duckdb_file(conn.options.as_ref(), &source_dir, &redacted.text, &file) {
                Ok(f) => f,
                Err(problem) => {
                    errors.push(problem);
                    continue;
                }
            }
        } else {
            None
        };
        let csv = if kind == "csv" {
            match csv_options(conn.options.as_ref(), &redacted.text, &file) {
                Ok(o) => o,
                Err(problem) => {
                    errors.push(problem);
                    continue;
                }
            }
        } else {
            if !duckdb && !sqlite && conn.options.as_ref().is_some_and(|o| !o.is_null()) {
                errors.push(
                    Problem::new(
                        format!("`options` are read for CSV sources only, not `{kind}`"),
                        key_line(&redacted.text, "options"),
                    )
                    .help("remove `options:`")
                    .in_file(&file),
                );
                continue;
            }
            CsvOptions::default()
        };
        let server = match &database {
            Some(db) => Some(Server::Postgres(db.clone())),
            None if duckdb => Some(Server::DuckDb { file: duckdb_file.clone(), folder: source_dir.clone() }),
            None if sqlite => match &duckdb_file {
                Some(f) => Some(Server::Sqlite { file: f.clone(), folder: source_dir.clone() }),
                None => {
                    errors.push(
                        Problem::new("a SQLite source needs its database file", key_line(&redacted.text, "type"))
                            .help("add `options:` then `  filename: my.db` (the file beside connection.yaml)")
                            .in_file(&file),
                    );
                    continue;
                }
            },
            None => None,
        };
        let exts: &[&str] = match kind.as_str() {
            "postgres" | "postgresql" | "duckdb" | "sqlite" | "sqlite3" => &["sql"],
            "csv" => &["csv"],
            "parquet" => &["parquet"],
            "json" | "ndjson" => &["json", "ndjson", "jsonl"],
            _ => {
                let at = redacted.text.find(&conn.kind).unwrap_or(0);
                let help = format!("quire reads these source types: {}", KINDS.join(", "));
                errors.push(
                    Problem::new(format!("unknown source type `{}`", conn.kind), Span::new(at, at + conn.kind.len()))
                        .help(help)
                        .in_file(&file),
                );
                continue;
            }
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(&source_dir)
            .map_err(|e| BuildError::file(&source_dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().and_then(|e| e.to_str()).is_some_and(|e| exts.contains(&e.to_ascii_lowercase().as_str()))
            })
            .collect();
        files.sort();
        if let (true, [], Some(db)) = (duckdb, files.as_slice(), &duckdb_file) {
            // A DuckDB file and no queries: each of its tables is a table of the source.
            match duckdb_tables(db, &file, root) {
                Ok(found) => {
                    for (schema, table) in found {
                        let name = if schema == "main" { table.clone() } else { format!("{schema}_{table}") };
                        let sql = format!(
                            "select * from \"{}\".\"{}\"",
                            schema.replace('"', "\"\""),
                            table.replace('"', "\"\"")
                        );
                        let rel = format!(
                            "sources/{source}/{}",
                            db.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
                        );
                        tables.push(SourceTable {
                            name: TableName::new(&source, name),
                            path: db.clone(),
                            format: Format::Database,
                            database: Some(DatabaseTable {
                                server: Server::DuckDb { file: Some(db.clone()), folder: source_dir.clone() },
                                file: SourceFile::new(rel, sql),
                                cache: None,
                            }),
                        });
                    }
                }
                Err(problem) => errors.push(problem),
            }
            continue;
        }
        for path in files {
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let format = match kind.as_str() {
                _ if server.is_some() => Format::Database,
                "csv" => Format::Csv(csv.clone()),
                "parquet" => Format::Parquet,
                _ if looks_like_json_array(&path) => Format::JsonArray,
                _ => Format::NdJson,
            };
            let database = match &server {
                Some(server) => {
                    let sql = std::fs::read_to_string(&path).map_err(|e| BuildError::file(&path, e))?;
                    let cache = sql
                        .lines()
                        .take_while(|l| l.trim_start().starts_with("--") || l.trim().is_empty())
                        .find_map(|l| {
                            l.trim_start()
                                .trim_start_matches('-')
                                .trim()
                                .strip_prefix("cache:")
                                .map(|q| q.trim().to_string())
                        });
                    let rel = format!(
                        "sources/{source}/{}",
                        path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
                    );
                    Some(DatabaseTable { server: server.clone(), file: SourceFile::new(rel, sql), cache })
                }
                None => None,
            };
            tables.push(SourceTable { name: TableName::new(&source, stem), path, format, database });
        }
    }
    if !errors.is_empty() {
        return Err(BuildError::Author(errors));
    }
    Ok(tables)
}

/// `sslmode` and `sslrootcert` from the file or, as libpq, from PGSSLMODE and PGSSLROOTCERT.
/// A relative `sslrootcert:` is the source folder's; a relative PGSSLROOTCERT, the process's.
fn tls_settings(
    conn: &Connection,
    source_dir: &Path,
    file: &std::sync::Arc<SourceFile>,
) -> Result<(SslMode, Option<RootCert>), quire_core::AuthorError> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let sslmode = match conn.sslmode.clone().or_else(|| env("PGSSLMODE")) {
        None => SslMode::default(),
        Some(name) => SslMode::parse(&name).ok_or_else(|| {
            let (span, whence) = match &conn.sslmode {
                Some(_) => (key_line(&file.text, "sslmode"), ""),
                None => (Span::default(), " (from PGSSLMODE)"),
            };
            Problem::new(format!("unknown sslmode `{}`{whence}", name.escape_default()), span)
                .help(format!(
                    "sslmode is one of {} (libpq's names; `prefer` when not given)",
                    SslMode::NAMES.join(", ")
                ))
                .in_file(file)
        })?,
    };
    let sslrootcert = match conn.sslrootcert.as_deref().map(str::trim) {
        Some("system") => Some(RootCert::System),
        Some(path) if !path.is_empty() => Some(RootCert::File(source_dir.join(path))),
        _ => match env("PGSSLROOTCERT") {
            Some(s) if s == "system" => Some(RootCert::System),
            Some(path) => Some(RootCert::File(PathBuf::from(path))),
            None => None,
        },
    };
    Ok((sslmode, sslrootcert))
}

/// A DuckDB or SQLite source's database file, from `options: filename:` (Evidence's
/// spelling) relative to the source's folder; `:memory:` (or none) for an in-memory database.
fn duckdb_file(
    options: Option<&serde_yaml::Value>,
    folder: &Path,
    text: &str,
    file: &std::sync::Arc<SourceFile>,
) -> Result<Option<PathBuf>, quire_core::AuthorError> {
    let span = key_line(text, "options");
    let bad = |m: String, h: &str| Problem::new(m, span).help(h.to_string()).in_file(file);
    let name = match options {
        None | Some(serde_yaml::Value::Null) => return Ok(None),
        Some(serde_yaml::Value::Mapping(map)) => {
            for key in map.keys().filter_map(|k| k.as_str()) {
                if key != "filename" {
                    return Err(bad(
                        format!("quire does not read the option `{key}` of this source"),
                        "a DuckDB or SQLite source takes `options: filename: my.duckdb` (DuckDB also `:memory:`)",
                    ));
                }
            }
            match map.get("filename") {
                Some(serde_yaml::Value::String(s)) => s.clone(),
                None | Some(serde_yaml::Value::Null) => return Ok(None),
                Some(_) => return Err(bad("`filename` must be a file name".into(), "write `filename: my.duckdb`")),
            }
        }
        Some(_) => {
            return Err(bad("`options` must hold `filename:`".into(), "write `options:` then `  filename: my.duckdb`"));
        }
    };
    if name == ":memory:" || name.is_empty() {
        return Ok(None);
    }
    let path = folder.join(&name);
    if !path.is_file() {
        return Err(bad(
            format!("the database file `{name}` is not in this source's folder"),
            "put the file beside connection.yaml, or fix `filename:`",
        ));
    }
    Ok(Some(path))
}

/// The tables and views of a DuckDB file, as `(schema, table)`.
fn duckdb_tables(
    db: &Path,
    conn: &std::sync::Arc<SourceFile>,
    root: &Path,
) -> Result<Vec<(String, String)>, quire_core::AuthorError> {
    let fail = |m: String, h: String| Problem::new(m, Span::default()).help(h).in_file(conn);
    let lib = quire_duckdb::library().map_err(|e| fail(e.to_string(), quire_duckdb::INSTALL_HELP.to_string()))?;
    let database = lib.open_database(Some(db), root).map_err(|e| {
        fail(format!("DuckDB cannot open {}: {e}", db.display()), "is it a DuckDB database file?".into())
    })?;
    let scratch = tempfile::Builder::new()
        .prefix(".quire-duckdb-")
        .suffix(".parquet")
        .tempfile()
        .map_err(|e| fail(format!("cannot make a scratch file: {e}"), String::new()))?;
    database
        .copy_to_parquet(quire_duckdb::Database::TABLES, scratch.path())
        .map_err(|e| fail(format!("DuckDB cannot list the tables of {}: {e}", db.display()), String::new()))?;
    let bytes = std::fs::read(scratch.path()).map_err(|e| fail(e.to_string(), String::new()))?;
    let batches = quire_engine::decode_parquet(bytes.into()).map_err(|e| fail(e.to_string(), String::new()))?;
    let table = quire_engine::to_table(&batches).map_err(|e| fail(e.to_string(), String::new()))?;
    Ok(table
        .rows
        .iter()
        .filter_map(|r| match (r.first(), r.get(1)) {
            (Some(quire_core::Cell::Text(s)), Some(quire_core::Cell::Text(t))) => Some((s.clone(), t.clone())),
            _ => None,
        })
        .collect())
}

/// The DuckDB `read_csv` options quire honours, by DuckDB's names.
const CSV_OPTIONS: &[&str] = &[
    "delim",
    "sep",
    "delimiter",
    "header",
    "quote",
    "escape",
    "comment",
    "dateformat",
    "timestampformat",
    "auto_detect",
];

/// A CSV source's `options`: DuckDB's `read_csv` arguments as Evidence passes them (a string
/// `delim=';',header=false`, that string under `options:` as Evidence's settings page writes
/// it, or a mapping `delim: ';'`). An option quire does not honour is an error, not ignored.
fn csv_options(
    value: Option<&serde_yaml::Value>,
    text: &str,
    file: &std::sync::Arc<SourceFile>,
) -> Result<CsvOptions, quire_core::AuthorError> {
    use serde_yaml::Value;
    let span = key_line(text, "options");
    let bad = |message: String, help: String| Problem::new(message, span).help(help).in_file(file);
    let mut pairs: Vec<(String, String)> = Vec::new();
    let from_text = |s: &str, pairs: &mut Vec<(String, String)>| -> Result<(), quire_core::AuthorError> {
        for part in split_outside_quotes(s) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let Some((k, v)) = part.split_once('=') else {
                return Err(bad(
                    format!("CSV option `{part}` has no value"),
                    "write options as DuckDB's read_csv takes them: `delim=';',header=true`".into(),
                ));
            };
            pairs.push((k.trim().to_ascii_lowercase(), unquote(v.trim())));
        }
        Ok(())
    };
    match value {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => from_text(s, &mut pairs)?,
        Some(Value::Mapping(map)) => {
            for (k, v) in map {
                let key = k.as_str().unwrap_or_default().to_ascii_lowercase();
                match v {
                    Value::String(s) if key == "options" => from_text(s, &mut pairs)?,
                    Value::Null if key == "options" => {}
                    Value::String(s) => pairs.push((key, s.clone())),
                    Value::Bool(b) => pairs.push((key, b.to_string())),
                    Value::Number(n) => pairs.push((key, n.to_string())),
                    _ => return Err(bad(format!("CSV option `{key}` must be a word or a character"), String::new())),
                }
            }
        }
        Some(_) => {
            return Err(bad(
                "`options` must be DuckDB's read_csv options".into(),
                "write `options: delim=';',header=true`".into(),
            ));
        }
    }
    let mut o = CsvOptions::default();
    for (key, value) in pairs {
        let byte = |what: &str| -> Result<u8, quire_core::AuthorError> {
            let v = match value.as_str() {
                "\\t" => "\t",
                other => other,
            };
            match v.as_bytes() {
                [b] if b.is_ascii() => Ok(*b),
                _ => Err(bad(
                    format!("CSV option `{key}` must be one ASCII character, not `{}`", value.escape_default()),
                    format!("the {what}, such as `{key}=';'`"),
                )),
            }
        };
        let yes = |v: &str| -> Result<bool, quire_core::AuthorError> {
            match v.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => Ok(true),
                "false" | "0" | "no" => Ok(false),
                _ => Err(bad(format!("CSV option `{key}` is true or false, not `{v}`"), String::new())),
            }
        };
        match key.as_str() {
            "delim" | "sep" | "delimiter" => o.delimiter = byte("delimiter")?,
            "header" => o.header = yes(&value)?,
            "quote" => o.quote = byte("quote character")?,
            "escape" => o.escape = Some(byte("escape character")?),
            "comment" => o.comment = Some(byte("comment character")?),
            "dateformat" | "date_format" => o.date_format = Some(value.clone()),
            "timestampformat" | "timestamp_format" => o.timestamp_format = Some(value.clone()),
            // quire always detects column types; turning detection off is not honoured.
            "auto_detect" if yes(&value)? => {}
            _ => {
                return Err(bad(
                    format!("quire does not read the CSV option `{key}`"),
                    format!(
                        "quire reads {}; other column types are detected; cast in SQL where they are not",
                        CSV_OPTIONS.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(o)
}

/// `a=',',b="x,y"` split at the commas outside quotes.
fn split_outside_quotes(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ',') => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

fn unquote(v: &str) -> String {
    for q in ['\'', '"'] {
        if let Some(inner) = v.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner.to_string();
        }
    }
    v.to_string()
}

/// The span of the line that sets `key` at the top level of a YAML file.
fn key_line(text: &str, key: &str) -> Span {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with(':')) {
            let body = line.trim_end_matches(['\n', '\r']);
            return Span::new(at, at + body.len().max(1));
        }
        at += line.len();
    }
    Span::default()
}

/// The pipeline's committed tables (`quire run`), as Parquet sources named `stage.model`.
pub fn committed(root: &Path, manifest: &crate::committed::Manifest) -> Vec<SourceTable> {
    manifest
        .tables
        .iter()
        .map(|(name, c)| {
            let (schema, table) = name.split_once('.').unwrap_or(("", name));
            SourceTable {
                name: TableName::new(schema, table),
                path: crate::committed::Manifest::path(root, c),
                format: Format::Parquet,
                database: None,
            }
        })
        .collect()
}

fn looks_like_json_array(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 64];
    let n = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).unwrap_or(0);
    head[..n].iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
}

/// Register every table with the engine. A file that cannot be read names itself.
pub async fn register(engine: &Engine, tables: &[SourceTable], root: &Path) -> Result<(), BuildError> {
    for t in tables {
        let rel = t.path.strip_prefix(root).unwrap_or(&t.path).to_path_buf();
        let fail = |e: &dyn std::fmt::Display, what: &str| BuildError::File {
            path: rel.clone(),
            message: format!("cannot read this {what} file: {}", plain_csv_error(&e.to_string())),
            help: Some(format!("fix or replace the file; it is table `{}`", t.name)),
        };
        match &t.format {
            Format::Csv(options) => {
                engine
                    .register_file(&t.name, &t.path, FileFormat::Csv(options.clone()))
                    .await
                    .map_err(|e| fail(&e, "CSV"))?;
                // Read it all now, so a malformed row fails here naming the file and its
                // line, rather than in some page's query.
                let sql = format!("select count(*) from {}", quoted(&t.name));
                engine.run(&sql).await.map_err(|e| fail(&e, "CSV"))?;
            }
            Format::Parquet => {
                check_parquet_file(&t.path).map_err(|e| fail(&e, "Parquet"))?;
                engine.register_file(&t.name, &t.path, FileFormat::Parquet).await.map_err(|e| fail(&e, "Parquet"))?;
                // Registration reads only the footer; read the data now so a corrupt file
                // fails here, naming itself, rather than in some page's query.
                let sql = format!("select count(*) from {}", quoted(&t.name));
                engine.run(&sql).await.map_err(|e| fail(&e, "Parquet"))?;
            }
            Format::NdJson => {
                engine.register_file(&t.name, &t.path, FileFormat::NdJson).await.map_err(|e| fail(&e, "JSON"))?
            }
            Format::JsonArray => {
                engine.register_file(&t.name, &t.path, FileFormat::JsonArray).await.map_err(|e| fail(&e, "JSON"))?
            }
            // Fetched by `quire run` into the pipeline's cache, and registered from there.
            Format::Database => {}
        }
    }
    Ok(())
}

/// Arrow's "Expected 3 records, found 2 records at line 3" (it means fields) in an author's
/// words; other messages as they are.
fn plain_csv_error(message: &str) -> String {
    let numbers =
        |s: &str| -> Vec<usize> { s.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok()).collect() };
    match message.split_once("Encountered unequal lengths between records on CSV file.") {
        Some((_, rest)) => match numbers(rest)[..] {
            [expected, found, line, ..] => format!(
                "line {line} has {found} fields where the first line has {expected} (a missing delimiter, or a quote left open?)"
            ),
            _ => message.to_string(),
        },
        None => message.to_string(),
    }
}

fn check_parquet_file(path: &Path) -> Result<(), String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let len = f.metadata().map_err(|e| e.to_string())?.len();
    let mut head = [0u8; 4];
    let mut tail = [0u8; 8];
    if len >= 12 {
        f.read_exact(&mut head).map_err(|e| e.to_string())?;
        f.seek(SeekFrom::End(-8)).map_err(|e| e.to_string())?;
        f.read_exact(&mut tail).map_err(|e| e.to_string())?;
    }
    quire_engine::check_parquet_frame(&head, &tail, len)
}

/// `"schema"."table"`, quoted for SQL.
pub fn quoted(name: &TableName) -> String {
    name.quoted()
}

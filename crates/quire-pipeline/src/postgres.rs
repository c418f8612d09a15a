//! PostgreSQL sources: each `sources/<name>/<table>.sql` runs on the server, in its own
//! dialect, and its rows stream into Arrow batches. Credentials come from the environment
//! (`PGUSER`, `PGPASSWORD`, or the variable `password_env` names), never from the repo.
//! Connections use TLS as `sslmode` says ([`tls`]); no message names the password.

mod tls;

use std::sync::Arc;
use std::time::Duration;

use futures::{StreamExt, pin_mut};
use quire_build::sources::{Database, SslMode};
use quire_core::{Problem, Span};
use quire_engine::datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder, TimestampMicrosecondBuilder,
};
use quire_engine::datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use quire_engine::datafusion::arrow::record_batch::RecordBatch;
use tokio_postgres::types::Type;

const BATCH: usize = 65_536;

/// What can go wrong fetching a table.
pub enum FetchError {
    /// The server could not be reached or refused the credentials.
    Connect(String),
    /// The query failed; a span into its `.sql` when the server says where.
    Query(Problem),
}

async fn connect(db: &Database) -> Result<tokio_postgres::Client, FetchError> {
    let mut config = tokio_postgres::Config::new();
    config.host(&db.host).port(db.port).connect_timeout(Duration::from_secs(10)).application_name("quire");
    if let Some(d) = &db.database {
        config.dbname(d);
    }
    if let Some(u) = &db.user {
        config.user(u);
    }
    if let Some(p) = &db.password {
        config.password(p);
    }
    let at = format!("cannot connect to PostgreSQL at {}:{} (sslmode {})", db.host, db.port, db.sslmode.name());
    let failed = |e: tokio_postgres::Error| {
        let mut message = format!("{at}: {e}");
        let mut cause = std::error::Error::source(&e);
        while let Some(c) = cause {
            let said = c.to_string();
            if !message.contains(&said) {
                message.push_str(&format!(": {said}"));
            }
            cause = c.source();
        }
        if let Some(hint) = tls_hint(&e, db) {
            message.push_str(&format!(". {hint}"));
        }
        FetchError::Connect(message)
    };
    // libpq uses no TLS over a Unix socket, whatever sslmode says.
    if db.sslmode == SslMode::Disable || db.host.starts_with('/') {
        config.ssl_mode(tokio_postgres::config::SslMode::Disable);
        let (client, connection) = config.connect(tokio_postgres::NoTls).await.map_err(failed)?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        return Ok(client);
    }
    config.ssl_mode(match db.sslmode {
        SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
        _ => tokio_postgres::config::SslMode::Require,
    });
    let tls =
        tls::Tls::new(db.sslmode, db.sslrootcert.as_ref()).map_err(|e| FetchError::Connect(format!("{at}: {e}")))?;
    let (client, connection) = config.connect(tls).await.map_err(failed)?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}

/// What to do about a connection that failed over TLS's checks, or for want of TLS.
fn tls_hint(e: &tokio_postgres::Error, db: &Database) -> Option<String> {
    use tokio_rustls::rustls::{CertificateError, Error as Tls};
    if e.as_db_error().is_some_and(|d| d.message().contains("no encryption") || d.message().contains("SSL off")) {
        return Some("The server may take TLS connections only: set `sslmode: require` (or `verify-full`)".into());
    }
    let ca = match &db.sslrootcert {
        Some(quire_build::sources::RootCert::File(path)) => format!("{} (sslrootcert)", path.display()),
        Some(quire_build::sources::RootCert::System) => "this machine's trusted CAs (sslrootcert: system)".into(),
        None => "~/.postgresql/root.crt (sslrootcert)".into(),
    };
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        let tls = c.downcast_ref::<Tls>().or_else(|| {
            c.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()).and_then(|r| r.downcast_ref::<Tls>())
        });
        if let Some(Tls::InvalidCertificate(why)) = tls {
            return Some(match why {
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => format!(
                    "The server's certificate does not name `{}`: connect by a name it holds, or use `sslmode: verify-ca`",
                    db.host
                ),
                CertificateError::UnknownIssuer | CertificateError::BadSignature => {
                    format!("The server's certificate is not signed by a CA in {ca}")
                }
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                    "The server's certificate has expired".into()
                }
                _ => format!("The server's certificate was refused (checked against {ca})"),
            });
        }
        cause = c.source();
    }
    if e.to_string().contains("server does not support TLS") {
        return Some("Turn on `ssl` on the server, or set `sslmode: prefer` (or `disable`)".into());
    }
    None
}

/// The first row's first column of `sql` as text (a `cache` freshness query).
pub async fn freshness(db: &Database, sql: &str) -> Result<String, FetchError> {
    let client = connect(db).await?;
    let rows = client.simple_query(sql).await.map_err(|e| FetchError::Query(problem(&e, sql)))?;
    Ok(rows
        .iter()
        .find_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => Some(r.get(0).unwrap_or("NULL").to_string()),
            _ => None,
        })
        .unwrap_or_default())
}

/// Run `sql` on the server and collect its rows as Arrow batches.
pub async fn fetch(db: &Database, sql: &str) -> Result<(SchemaRef, Vec<RecordBatch>), FetchError> {
    let client = connect(db).await?;
    let sql = sql.trim().trim_end_matches(';');
    let described = client.prepare(sql).await.map_err(|e| FetchError::Query(problem(&e, sql)))?;
    // Types Arrow takes as they are; NUMERIC as double precision; anything else as text.
    let mut select = Vec::new();
    let mut fields = Vec::new();
    let mut kinds = Vec::new();
    for c in described.columns() {
        let name = c.name();
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        let (expr, ty, kind) = match *c.type_() {
            Type::BOOL => (quoted, DataType::Boolean, Kind::Bool),
            Type::INT2 | Type::INT4 | Type::INT8 => (format!("{quoted}::int8"), DataType::Int64, Kind::Int),
            Type::FLOAT4 | Type::FLOAT8 | Type::NUMERIC => {
                (format!("{quoted}::float8"), DataType::Float64, Kind::Float)
            }
            Type::DATE => (quoted, DataType::Date32, Kind::Date),
            Type::TIMESTAMP => (quoted, DataType::Timestamp(TimeUnit::Microsecond, None), Kind::Timestamp),
            Type::TIMESTAMPTZ => {
                (quoted, DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())), Kind::TimestampTz)
            }
            _ => (format!("{quoted}::text"), DataType::Utf8, Kind::Text),
        };
        select.push(expr);
        fields.push(Field::new(name, ty, true));
        kinds.push(kind);
    }
    let schema: SchemaRef = Arc::new(Schema::new(fields));
    let wrapped = format!("select {} from ({sql}) as quire_source", select.join(", "));
    let statement = client.prepare(&wrapped).await.map_err(|e| FetchError::Query(problem(&e, sql)))?;
    let rows = client
        .query_raw(&statement, std::iter::empty::<i32>())
        .await
        .map_err(|e| FetchError::Query(problem(&e, sql)))?;
    pin_mut!(rows);
    let mut batches = Vec::new();
    let mut builders: Vec<Builder> = kinds.iter().map(Builder::new).collect();
    let mut n = 0;
    while let Some(row) = rows.next().await {
        let row = row.map_err(|e| FetchError::Query(problem(&e, sql)))?;
        for (i, b) in builders.iter_mut().enumerate() {
            b.push(&row, i).map_err(|e| FetchError::Query(Problem::new(e, Span::default())))?;
        }
        n += 1;
        if n == BATCH {
            batches.push(finish(&schema, &mut builders)?);
            n = 0;
        }
    }
    if n > 0 || batches.is_empty() {
        batches.push(finish(&schema, &mut builders)?);
    }
    Ok((schema, batches))
}

fn finish(schema: &SchemaRef, builders: &mut [Builder]) -> Result<RecordBatch, FetchError> {
    let columns: Vec<ArrayRef> = builders.iter_mut().map(Builder::finish).collect();
    RecordBatch::try_new(schema.clone(), columns)
        .map_err(|e| FetchError::Query(Problem::new(e.to_string(), Span::default())))
}

enum Kind {
    Bool,
    Int,
    Float,
    Date,
    Timestamp,
    TimestampTz,
    Text,
}

enum Builder {
    Bool(BooleanBuilder),
    Int(Int64Builder),
    Float(Float64Builder),
    Date(Date32Builder),
    Timestamp(TimestampMicrosecondBuilder),
    TimestampTz(TimestampMicrosecondBuilder),
    Text(StringBuilder),
}

impl Builder {
    fn new(kind: &Kind) -> Builder {
        match kind {
            Kind::Bool => Builder::Bool(BooleanBuilder::new()),
            Kind::Int => Builder::Int(Int64Builder::new()),
            Kind::Float => Builder::Float(Float64Builder::new()),
            Kind::Date => Builder::Date(Date32Builder::new()),
            Kind::Timestamp => Builder::Timestamp(TimestampMicrosecondBuilder::new()),
            Kind::TimestampTz => Builder::TimestampTz(TimestampMicrosecondBuilder::new().with_timezone("UTC")),
            Kind::Text => Builder::Text(StringBuilder::new()),
        }
    }

    fn push(&mut self, row: &tokio_postgres::Row, i: usize) -> Result<(), String> {
        let e = |e: tokio_postgres::Error| format!("column {}: {e}", i + 1);
        match self {
            Builder::Bool(b) => b.append_option(row.try_get::<_, Option<bool>>(i).map_err(e)?),
            Builder::Int(b) => b.append_option(row.try_get::<_, Option<i64>>(i).map_err(e)?),
            Builder::Float(b) => b.append_option(row.try_get::<_, Option<f64>>(i).map_err(e)?),
            Builder::Date(b) => {
                let d = row.try_get::<_, Option<chrono::NaiveDate>>(i).map_err(e)?;
                let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
                b.append_option(d.map(|d| (d - epoch).num_days() as i32));
            }
            Builder::Timestamp(b) => {
                let t = row.try_get::<_, Option<chrono::NaiveDateTime>>(i).map_err(e)?;
                b.append_option(t.map(|t| t.and_utc().timestamp_micros()));
            }
            Builder::TimestampTz(b) => {
                let t = row.try_get::<_, Option<chrono::DateTime<chrono::Utc>>>(i).map_err(e)?;
                b.append_option(t.map(|t| t.timestamp_micros()));
            }
            Builder::Text(b) => b.append_option(row.try_get::<_, Option<&str>>(i).map_err(e)?),
        }
        Ok(())
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Bool(b) => Arc::new(b.finish()),
            Builder::Int(b) => Arc::new(b.finish()),
            Builder::Float(b) => Arc::new(b.finish()),
            Builder::Date(b) => Arc::new(b.finish()),
            Builder::Timestamp(b) | Builder::TimestampTz(b) => Arc::new(b.finish()),
            Builder::Text(b) => Arc::new(b.finish()),
        }
    }
}

/// The server's error, at the place in the query it names.
fn problem(e: &tokio_postgres::Error, sql: &str) -> Problem {
    match e.as_db_error() {
        Some(db) => {
            let span = match db.position() {
                Some(tokio_postgres::error::ErrorPosition::Original(p)) => {
                    // 1-based, in characters.
                    let start = sql.char_indices().nth((*p as usize).saturating_sub(1)).map_or(0, |(b, _)| b);
                    let end = sql[start..]
                        .find(|c: char| c.is_whitespace() || c == ',' || c == ')')
                        .map_or(sql.len(), |n| start + n);
                    Span::new(start, end.max(start + 1))
                }
                _ => Span::default(),
            };
            Problem::new(format!("PostgreSQL: {}", db.message()), span)
                .label("on the server")
                .maybe_help(db.hint().map(str::to_string))
        }
        None => Problem::new(format!("PostgreSQL: {e}"), Span::default()),
    }
}

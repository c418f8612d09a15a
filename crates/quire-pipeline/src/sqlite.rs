//! SQLite sources: each `sources/<name>/<table>.sql` runs in SQLite (compiled in) on the
//! source's database file opened read-only, and its rows become Arrow batches.
//!
//! SQLite's values carry their own types; a column is `BIGINT` when every value is an
//! integer, `DOUBLE` when every value is a number, `DATE` or `TIMESTAMP` when the column is
//! declared so and every value reads as one (`YYYY-MM-DD[ HH:MM:SS]`), else text.

use std::path::Path;
use std::sync::Arc;

use quire_core::{Problem, Span};
use quire_engine::datafusion::arrow::array::{
    ArrayRef, Date32Builder, Float64Builder, Int64Builder, StringBuilder, TimestampMicrosecondBuilder,
};
use quire_engine::datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use quire_engine::datafusion::arrow::record_batch::RecordBatch;
use rusqlite::types::ValueRef;

use crate::postgres::FetchError;

#[derive(Clone, Debug, PartialEq)]
enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

/// Run `sql` on `file`, read-only.
pub fn fetch(file: &Path, sql: &str) -> Result<(SchemaRef, Vec<RecordBatch>), FetchError> {
    use rusqlite::OpenFlags;
    let conn = rusqlite::Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
    )
    .map_err(|e| FetchError::Connect(format!("SQLite cannot open {}: {e}", file.display())))?;
    let text = sql.trim_end().trim_end_matches(';');
    let mut statement = conn.prepare(text).map_err(|e| FetchError::Query(problem(&e, sql)))?;
    let names: Vec<String> = statement.column_names().map(str::to_string).collect();
    let declared: Vec<String> =
        statement.columns().map(|c| c.decl_type().unwrap_or_default().to_ascii_uppercase()).collect();
    let mut columns: Vec<Vec<Value>> = vec![Vec::new(); names.len()];
    let mut rows = statement.query([]).map_err(|e| FetchError::Query(problem(&e, sql)))?;
    while let Some(row) = rows.next().map_err(|e| FetchError::Query(problem(&e, sql)))? {
        for (i, column) in columns.iter_mut().enumerate() {
            let v = match row.get_ref(i).map_err(|e| FetchError::Query(problem(&e, sql)))? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => Value::Int(n),
                ValueRef::Real(f) => Value::Real(f),
                ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Value::Text(b.iter().map(|x| format!("{x:02x}")).collect()),
            };
            column.push(v);
        }
    }
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for ((name, decl), values) in names.iter().zip(&declared).zip(&columns) {
        let (ty, array) = column(decl, values);
        fields.push(Field::new(name, ty, true));
        arrays.push(array);
    }
    let schema: SchemaRef = Arc::new(Schema::new(fields));
    if names.is_empty() {
        return Ok((schema, Vec::new()));
    }
    let batch = RecordBatch::try_new(Arc::clone(&schema), arrays)
        .map_err(|e| FetchError::Connect(format!("SQLite's rows: {e}")))?;
    Ok((schema, vec![batch]))
}

fn column(decl: &str, values: &[Value]) -> (DataType, ArrayRef) {
    let present = || values.iter().filter(|v| **v != Value::Null);
    if present().all(|v| matches!(v, Value::Int(_))) && !decl.contains("DATE") && !decl.contains("TIME") {
        let mut b = Int64Builder::new();
        for v in values {
            b.append_option(match v {
                Value::Int(n) => Some(*n),
                _ => None,
            });
        }
        return (DataType::Int64, Arc::new(b.finish()));
    }
    if present().all(|v| matches!(v, Value::Int(_) | Value::Real(_))) {
        let mut b = Float64Builder::new();
        for v in values {
            b.append_option(match v {
                Value::Int(n) => Some(*n as f64),
                Value::Real(f) => Some(*f),
                _ => None,
            });
        }
        return (DataType::Float64, Arc::new(b.finish()));
    }
    let texts = || present().filter_map(|v| if let Value::Text(t) = v { Some(t.as_str()) } else { None });
    let all_text = present().all(|v| matches!(v, Value::Text(_)));
    if all_text && (decl.contains("TIMESTAMP") || decl.contains("DATETIME")) && texts().all(|t| timestamp(t).is_some())
    {
        let mut b = TimestampMicrosecondBuilder::new();
        for v in values {
            b.append_option(if let Value::Text(t) = v { timestamp(t) } else { None });
        }
        return (DataType::Timestamp(TimeUnit::Microsecond, None), Arc::new(b.finish()));
    }
    if all_text && decl.contains("DATE") && texts().all(|t| date(t).is_some()) {
        let mut b = Date32Builder::new();
        for v in values {
            b.append_option(if let Value::Text(t) = v { date(t) } else { None });
        }
        return (DataType::Date32, Arc::new(b.finish()));
    }
    let mut b = StringBuilder::new();
    for v in values {
        match v {
            Value::Null => b.append_null(),
            Value::Int(n) => b.append_value(n.to_string()),
            Value::Real(f) => b.append_value(f.to_string()),
            Value::Text(t) => b.append_value(t),
        }
    }
    (DataType::Utf8, Arc::new(b.finish()))
}

/// Days since 1970-01-01 of `YYYY-MM-DD`.
fn date(t: &str) -> Option<i32> {
    chrono::NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
        .ok()
        .map(|d| (d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()).num_days() as i32)
}

/// Microseconds since 1970 of `YYYY-MM-DD HH:MM:SS[.f]` (or with a `T`).
fn timestamp(t: &str) -> Option<i64> {
    let t = t.trim();
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
        .iter()
        .find_map(|f| {
            chrono::NaiveDateTime::parse_from_str(t, f)
                .ok()
                .or_else(|| chrono::NaiveDate::parse_from_str(t, f).ok().and_then(|d| d.and_hms_opt(0, 0, 0)))
        })
        .map(|dt| dt.and_utc().timestamp_micros())
}

/// SQLite's message at the offset it names.
fn problem(e: &rusqlite::Error, sql: &str) -> Problem {
    let (message, at) = match e {
        rusqlite::Error::SqlInputError { msg, offset, .. } => (msg.clone(), usize::try_from(*offset).ok()),
        other => (other.to_string(), None),
    };
    let at = at.filter(|&o| o <= sql.len() && sql.is_char_boundary(o)).unwrap_or(0);
    let end = sql[at..].find(|c: char| c.is_whitespace() || c == ',' || c == ')').map_or(sql.len(), |n| at + n.max(1));
    Problem::new(format!("SQLite: {message}"), Span::new(at, end.min(sql.len())))
        .help("SQLite runs this query as it is; fix it in the .sql file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_timestamps_read_as_sqlite_writes_them() {
        assert_eq!(date("2024-03-01"), Some(19783));
        assert_eq!(timestamp("2024-03-01 12:00:00"), Some(19783 * 86_400_000_000 + 12 * 3_600_000_000));
        assert_eq!(timestamp("2024-03-01T12:00:00.5"), Some(19783 * 86_400_000_000 + 12 * 3_600_000_000 + 500_000));
        assert_eq!(date("March"), None);
    }
}

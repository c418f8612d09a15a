//! Arrow results to [`Table`]s, the plain form renderers read.

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Date32Array, Float64Array, Int64Array, StringArray,
    TimestampMicrosecondArray,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::error::Result;
use quire_core::{Cell, Column, ColumnType, Table};

fn column_type(dt: &DataType) -> ColumnType {
    match dt {
        DataType::Boolean => ColumnType::Bool,
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => ColumnType::Int,
        DataType::UInt8 | DataType::UInt16 | DataType::UInt32 => ColumnType::Int,
        DataType::UInt64
        | DataType::Float16
        | DataType::Float32
        | DataType::Float64
        | DataType::Decimal32(..)
        | DataType::Decimal64(..)
        | DataType::Decimal128(..)
        | DataType::Decimal256(..) => ColumnType::Float,
        DataType::Date32 | DataType::Date64 => ColumnType::Date,
        DataType::Timestamp(..) => ColumnType::Timestamp,
        DataType::Dictionary(_, v) => column_type(v),
        DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(..) => ColumnType::List,
        _ => ColumnType::Text,
    }
}

/// Convert a query's batches into a [`Table`].
pub fn to_table(batches: &[RecordBatch]) -> Result<Table> {
    let Some(first) = batches.first() else {
        return Ok(Table::default());
    };
    let schema = first.schema();
    let columns: Vec<Column> =
        schema.fields().iter().map(|f| Column { name: f.name().clone(), ty: column_type(f.data_type()) }).collect();
    let mut rows = Vec::with_capacity(batches.iter().map(RecordBatch::num_rows).sum());
    for batch in batches {
        let cols: Vec<Vec<Cell>> =
            batch.columns().iter().zip(&columns).map(|(a, c)| cells(a, c.ty)).collect::<Result<_>>()?;
        for r in 0..batch.num_rows() {
            rows.push(cols.iter().map(|c| c[r].clone()).collect());
        }
    }
    Ok(Table { columns, rows })
}

fn cells(array: &ArrayRef, ty: ColumnType) -> Result<Vec<Cell>> {
    let n = array.len();
    let nulls = |i: usize| array.is_null(i);
    Ok(match ty {
        ColumnType::Bool => {
            let a = cast(array, &DataType::Boolean)?;
            let a: &BooleanArray = a.as_boolean();
            (0..n).map(|i| if nulls(i) { Cell::Null } else { Cell::Bool(a.value(i)) }).collect()
        }
        ColumnType::Int => {
            let a = cast(array, &DataType::Int64)?;
            let a: &Int64Array = a.as_primitive();
            (0..n).map(|i| if nulls(i) { Cell::Null } else { Cell::Int(a.value(i)) }).collect()
        }
        ColumnType::Float => {
            let a = cast(array, &DataType::Float64)?;
            let a: &Float64Array = a.as_primitive();
            (0..n).map(|i| if nulls(i) { Cell::Null } else { Cell::Float(a.value(i)) }).collect()
        }
        ColumnType::Date => {
            let a = cast(array, &DataType::Date32)?;
            let a: &Date32Array = a.as_primitive();
            (0..n).map(|i| if nulls(i) { Cell::Null } else { Cell::Int(i64::from(a.value(i))) }).collect()
        }
        ColumnType::Timestamp => {
            let a = cast(array, &DataType::Timestamp(TimeUnit::Microsecond, None))?;
            let a: &TimestampMicrosecondArray = a.as_primitive();
            (0..n).map(|i| if nulls(i) { Cell::Null } else { Cell::Int(a.value(i)) }).collect()
        }
        ColumnType::List => {
            (0..n).map(|i| if nulls(i) { Ok(Cell::Null) } else { list_cell(array, i) }).collect::<Result<_>>()?
        }
        ColumnType::Text => match cast(array, &DataType::Utf8) {
            Ok(a) => {
                let a: &StringArray = a.as_string();
                (0..n).map(|i| if nulls(i) { Cell::Null } else { Cell::Text(a.value(i).to_string()) }).collect()
            }
            Err(_) => {
                let f = ArrayFormatter::try_new(array.as_ref(), &FormatOptions::default())?;
                (0..n).map(|i| if nulls(i) { Cell::Null } else { Cell::Text(f.value(i).to_string()) }).collect()
            }
        },
    })
}

/// The `i`th list of a list column, as the rows of a table (see [`Cell::Rows`]).
fn list_cell(array: &ArrayRef, i: usize) -> Result<Cell> {
    use std::sync::Arc;

    use datafusion::arrow::datatypes::{Field, Schema};
    let items: ArrayRef = match array.data_type() {
        DataType::List(_) => array.as_list::<i32>().value(i),
        DataType::LargeList(_) => array.as_list::<i64>().value(i),
        _ => array.as_fixed_size_list().value(i),
    };
    let batch = match items.data_type() {
        DataType::Struct(_) => RecordBatch::from(items.as_struct().clone()),
        t => {
            let schema = Arc::new(Schema::new(vec![Field::new("value", t.clone(), true)]));
            RecordBatch::try_new(schema, vec![items])?
        }
    };
    Ok(Cell::Rows(Box::new(to_table(&[batch])?)))
}

/// Text columns whose every value reads with `date_format` (as DuckDB's `dateformat`,
/// `%d/%m/%Y`) become dates, else with `timestamp_format`, timestamps; the rest stay.
#[cfg(not(target_arch = "wasm32"))]
pub fn parse_dates(
    batches: Vec<RecordBatch>,
    date_format: Option<&str>,
    timestamp_format: Option<&str>,
) -> Result<Vec<RecordBatch>> {
    use std::sync::Arc;

    use datafusion::arrow::datatypes::{Field, Schema};
    let Some(first) = batches.first() else { return Ok(batches) };
    let schema = first.schema();
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let texts = |i: usize| -> Vec<Option<String>> {
        let mut out = Vec::new();
        for b in &batches {
            let a = cast(b.column(i), &DataType::Utf8).ok();
            let a = a.as_ref().map(|a| a.as_string::<i32>());
            for r in 0..b.num_rows() {
                out.push(a.filter(|a| !a.is_null(r)).map(|a| a.value(r).to_string()));
            }
        }
        out
    };
    let mut fields = Vec::new();
    let mut kinds = Vec::new();
    for (i, f) in schema.fields().iter().enumerate() {
        let mut kind = None;
        if matches!(f.data_type(), DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) {
            let values = texts(i);
            let all = |ok: &dyn Fn(&str) -> bool| {
                values.iter().flatten().all(|v| ok(v)) && values.iter().any(Option::is_some)
            };
            if let Some(fmt) = date_format
                && all(&|v| chrono::NaiveDate::parse_from_str(v, fmt).is_ok())
            {
                kind = Some(DataType::Date32);
            } else if let Some(fmt) = timestamp_format
                && all(&|v| chrono::NaiveDateTime::parse_from_str(v, fmt).is_ok())
            {
                kind = Some(DataType::Timestamp(TimeUnit::Microsecond, None));
            }
        }
        fields.push(match &kind {
            Some(t) => Field::new(f.name(), t.clone(), true),
            None => f.as_ref().clone(),
        });
        kinds.push(kind);
    }
    if kinds.iter().all(Option::is_none) {
        return Ok(batches);
    }
    let schema = Arc::new(Schema::new(fields));
    let mut out = Vec::new();
    for b in &batches {
        let mut columns: Vec<ArrayRef> = Vec::new();
        for (i, kind) in kinds.iter().enumerate() {
            let column = b.column(i);
            columns.push(match kind {
                None => Arc::clone(column),
                Some(DataType::Date32) => {
                    let a = cast(column, &DataType::Utf8)?;
                    let a = a.as_string::<i32>();
                    let fmt = date_format.unwrap_or_default();
                    Arc::new(Date32Array::from_iter((0..a.len()).map(|r| {
                        (!a.is_null(r))
                            .then(|| chrono::NaiveDate::parse_from_str(a.value(r), fmt).ok())
                            .flatten()
                            .map(|d| (d - epoch).num_days() as i32)
                    })))
                }
                Some(_) => {
                    let a = cast(column, &DataType::Utf8)?;
                    let a = a.as_string::<i32>();
                    let fmt = timestamp_format.unwrap_or_default();
                    Arc::new(TimestampMicrosecondArray::from_iter((0..a.len()).map(|r| {
                        (!a.is_null(r))
                            .then(|| chrono::NaiveDateTime::parse_from_str(a.value(r), fmt).ok())
                            .flatten()
                            .map(|t| t.and_utc().timestamp_micros())
                    })))
                }
            });
        }
        out.push(RecordBatch::try_new(Arc::clone(&schema), columns)?);
    }
    Ok(out)
}

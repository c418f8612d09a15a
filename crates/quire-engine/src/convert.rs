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

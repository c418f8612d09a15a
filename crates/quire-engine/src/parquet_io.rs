//! Parquet in and out of memory: what the build ships and the browser reads.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::error::{DataFusionError, Result};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::{ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
use parquet::basic::Compression;
use parquet::errors::ParquetError;
use parquet::file::properties::{EnabledStatistics, WriterProperties};

fn external(e: ParquetError) -> DataFusionError {
    DataFusionError::External(Box::new(e))
}

/// Rows per row group: small enough that filters prune, large enough to compress.
const ROW_GROUP: usize = 128 * 1024;

/// Check a Parquet file's frame (magic bytes and footer length) before any reader sees
/// it: the parquet crate panics on some corrupt footers instead of returning an error.
pub fn check_parquet_frame(head: &[u8], tail: &[u8], len: u64) -> std::result::Result<(), String> {
    if len < 12 || !head.starts_with(b"PAR1") || !tail.ends_with(b"PAR1") || tail.len() < 8 {
        return Err("not a Parquet file (it does not start and end with PAR1)".into());
    }
    let n = tail.len();
    let footer = u32::from_le_bytes([tail[n - 8], tail[n - 7], tail[n - 6], tail[n - 5]]);
    if u64::from(footer) + 12 > len {
        return Err(format!("the file is truncated or corrupt: its footer claims {footer} bytes of a {len}-byte file"));
    }
    Ok(())
}

/// Decode a whole Parquet file into record batches. Strings are read as views (`Utf8View`),
/// as DataFusion reads Parquet natively: grouping and comparing them is faster, and the
/// build and the browser see the same types.
pub fn decode_parquet(bytes: bytes::Bytes) -> Result<Vec<RecordBatch>> {
    check_parquet_frame(&bytes, &bytes, bytes.len() as u64).map_err(DataFusionError::Execution)?;
    let plain = ParquetRecordBatchReaderBuilder::try_new(bytes.clone()).map_err(external)?;
    let schema = Arc::new(with_views(plain.schema()));
    let options = ArrowReaderOptions::new().with_schema(schema);
    let reader = ParquetRecordBatchReaderBuilder::try_new_with_options(bytes, options)
        .map_err(external)?
        .with_batch_size(8192)
        .build()
        .map_err(external)?;
    Ok(reader.collect::<std::result::Result<Vec<_>, _>>()?)
}

/// `schema` with its strings and binaries read as views (`Utf8View`, `BinaryView`).
pub(crate) fn with_views(schema: &Schema) -> Schema {
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::Utf8 | DataType::LargeUtf8 => f.as_ref().clone().with_data_type(DataType::Utf8View),
            DataType::Binary | DataType::LargeBinary => f.as_ref().clone().with_data_type(DataType::BinaryView),
            _ => f.as_ref().clone(),
        })
        .collect();
    Schema::new_with_metadata(fields, schema.metadata().clone())
}

/// Encode batches as Parquet the browser can read: Snappy (pure Rust), dictionaries,
/// page statistics; deterministic for identical input.
pub fn encode_parquet(schema: Arc<Schema>, batches: &[RecordBatch]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut writer = parquet_writer(&mut out, schema)?;
    for b in batches {
        writer.write(b).map_err(external)?;
    }
    writer.close().map_err(external)?;
    Ok(out)
}

/// A Parquet writer as quire writes every file: Snappy, row groups that prune, page
/// statistics. Batches written go out as row groups fill, so a table larger than memory can
/// be written a batch at a time.
pub fn parquet_writer<W: std::io::Write + Send>(out: W, schema: Arc<Schema>) -> Result<ArrowWriter<W>> {
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP))
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_created_by("quire".to_string())
        .build();
    ArrowWriter::try_new(out, schema, Some(props)).map_err(external)
}

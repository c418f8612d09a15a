//! Parquet in and out of memory: what the build ships and the browser reads.

use std::sync::Arc;

use datafusion::arrow::datatypes::Schema;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::error::Result;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::properties::{EnabledStatistics, WriterProperties};

/// Rows per row group: small enough that filters prune, large enough to compress.
const ROW_GROUP: usize = 128 * 1024;

/// Decode a whole Parquet file into record batches.
pub fn decode_parquet(bytes: bytes::Bytes) -> Result<Vec<RecordBatch>> {
    let reader = ParquetRecordBatchReaderBuilder::try_new(bytes)?.with_batch_size(8192).build()?;
    Ok(reader.collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Encode batches as Parquet the browser can read: Snappy (pure Rust), dictionaries,
/// page statistics; deterministic for identical input.
pub fn encode_parquet(schema: Arc<Schema>, batches: &[RecordBatch]) -> Result<Vec<u8>> {
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP))
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_created_by("quire".to_string())
        .build();
    let mut out = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut out, schema, Some(props))?;
    for b in batches {
        writer.write(b)?;
    }
    writer.close()?;
    Ok(out)
}

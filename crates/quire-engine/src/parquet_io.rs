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
pub(crate) const ROW_GROUP: usize = 128 * 1024;

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

/// Copy the columns `schema` names (in its order) of the Parquet file at `path` into a new
/// file in memory, their column chunks as they are: nothing decoded, nothing encoded, so a
/// table of a hundred million rows ships in the time it takes to read it. `schema` is the
/// table as the engine reads it; the copy carries it as its Arrow schema.
///
/// `None` when a copy would not do: a nested column, a codec other than Snappy or none (the
/// browser's reader has Snappy only), a row group of more than `max_rows` rows (a copy
/// keeps the file's row groups, and a ranged read fetches whole ones), or a copy that does
/// not read back with `schema`'s columns and types.
#[cfg(not(target_arch = "wasm32"))]
pub fn copy_columns<W: std::io::Write + Send>(
    path: &std::path::Path,
    schema: &Schema,
    max_rows: usize,
    out: W,
) -> Result<Option<W>> {
    use parquet::column::writer::ColumnCloseResult;
    use parquet::file::metadata::{PageIndexPolicy, ParquetMetaDataReader};
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::types::Type;

    let file = std::fs::File::open(path)?;
    let metadata = ParquetMetaDataReader::new()
        .with_page_index_policy(PageIndexPolicy::Optional)
        .parse_and_finish(&file)
        .map_err(external)?;
    let root = metadata.file_metadata().schema();
    // A flat file (there, leaf indexes are field indexes), each column wanted a leaf that
    // does not repeat.
    if root.get_fields().iter().any(|f| !f.is_primitive()) {
        return Ok(None);
    }
    let mut chosen = Vec::new();
    for field in schema.fields() {
        let Some(i) = root.get_fields().iter().position(|f| f.name() == field.name()) else { return Ok(None) };
        if root.get_fields()[i].get_basic_info().repetition() == parquet::basic::Repetition::REPEATED {
            return Ok(None);
        }
        chosen.push(i);
    }
    for rg in metadata.row_groups() {
        if usize::try_from(rg.num_rows()).map_or(true, |n| n > max_rows) {
            return Ok(None);
        }
        for &i in &chosen {
            if !matches!(rg.column(i).compression(), Compression::SNAPPY | Compression::UNCOMPRESSED) {
                return Ok(None);
            }
        }
    }
    let fields: Vec<_> = chosen.iter().map(|&i| Arc::clone(&root.get_fields()[i])).collect();
    let copy_root = Type::group_type_builder(root.name()).with_fields(fields).build().map_err(external)?;
    let mut props = WriterProperties::builder().set_created_by("quire".to_string()).build();
    parquet::arrow::add_encoded_arrow_schema_to_metadata(schema, &mut props);
    let copy_root = Arc::new(copy_root);
    // It must read back as the table reads: the schema a reader takes from the copy's
    // footer (its Parquet types and the Arrow schema in its metadata), checked first.
    let descr = parquet::schema::types::SchemaDescriptor::new(Arc::clone(&copy_root));
    let back = parquet::arrow::parquet_to_arrow_schema(&descr, props.key_value_metadata()).map_err(external)?;
    let same = |a: &Schema, b: &Schema| {
        let (a, b) = (with_views(a), with_views(b));
        a.fields().len() == b.fields().len()
            && a.fields().iter().zip(b.fields()).all(|(x, y)| x.name() == y.name() && x.data_type() == y.data_type())
    };
    if !same(&back, schema) {
        return Ok(None);
    }
    let mut writer = SerializedFileWriter::new(out, copy_root, Arc::new(props)).map_err(external)?;
    for (g, rg) in metadata.row_groups().iter().enumerate() {
        let mut group = writer.next_row_group().map_err(external)?;
        for &i in &chosen {
            let chunk = rg.column(i).clone();
            let close = ColumnCloseResult {
                bytes_written: u64::try_from(chunk.compressed_size()).unwrap_or(0),
                rows_written: u64::try_from(rg.num_rows()).unwrap_or(0),
                metadata: chunk,
                bloom_filter: None,
                column_index: metadata.column_index().and_then(|c| c.get(g)?.get(i).cloned()),
                offset_index: metadata.offset_index().and_then(|o| o.get(g)?.get(i).cloned()),
            };
            group.append_column(&file, close).map_err(external)?;
        }
        group.close().map_err(external)?;
    }
    Ok(Some(writer.into_inner().map_err(external)?))
}

//! The demo data: a deterministic `orders` table (an online retailer, 2021 to 2024) for
//! the example project and the benchmarks, generated rather than kept in git. The same
//! seed gives the same bytes on every machine.

use std::path::Path;
use std::sync::Arc;

use quire_engine::datafusion::arrow::array::{
    Float64Array, Int32Array, Int64Array, StringBuilder, TimestampMicrosecondArray,
};
use quire_engine::datafusion::arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use quire_engine::datafusion::arrow::record_batch::RecordBatch;
use quire_engine::parquet::arrow::ArrowWriter;
use quire_engine::parquet::basic::Compression;
use quire_engine::parquet::file::properties::WriterProperties;

use crate::error::BuildError;

/// splitmix64: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// An index drawn with Zipf-like weights `1/(i+2)^s`.
    fn skewed(&mut self, cumulative: &[f64]) -> usize {
        let u = self.unit() * cumulative[cumulative.len() - 1];
        cumulative.partition_point(|&c| c < u).min(cumulative.len() - 1)
    }
    fn exponential(&mut self) -> f64 {
        -(1.0 - self.unit()).ln()
    }
    fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.unit().max(1e-12), self.unit());
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

fn cumulative(n: usize, s: f64) -> Vec<f64> {
    let mut acc = 0.0;
    (0..n)
        .map(|i| {
            acc += 1.0 / ((i + 2) as f64).powf(s);
            acc
        })
        .collect()
}

const CHANNELS: &[&str] = &["Web", "Mobile App", "Retail Store", "Marketplace", "Phone", "Partner"];
const CATEGORIES: &[&str] = &[
    "Electronics",
    "Computers",
    "Phones",
    "Appliances",
    "Furniture",
    "Home Decor",
    "Kitchen",
    "Garden",
    "Tools",
    "Automotive",
    "Toys",
    "Games",
    "Books",
    "Music",
    "Movies",
    "Clothing",
    "Shoes",
    "Jewelry",
    "Beauty",
    "Sports",
];
const STATES: &[&str] = &[
    "CA", "TX", "FL", "NY", "PA", "IL", "OH", "GA", "NC", "MI", "NJ", "VA", "WA", "AZ", "TN", "MA", "IN", "MD", "MO",
    "WI", "CO", "MN", "SC", "AL", "LA", "KY", "OR", "OK", "CT", "UT", "IA", "NV", "AR", "KS", "MS", "NM", "NE", "ID",
    "WV", "HI", "NH", "ME", "MT", "RI", "DE", "SD", "ND", "AK", "VT", "WY",
];

/// Rows generated and written at a time: memory stays the same for any number of rows.
const BATCH: usize = 1 << 20;

/// Write `rows` orders to a Parquet file at `out` (written beside, then renamed), a batch at
/// a time.
pub fn write_orders(rows: usize, out: &Path) -> Result<(), BuildError> {
    write_orders_inner(rows, out).map_err(|e| BuildError::file(out, e))
}

/// The orders' times, in order without sorting them: the `rows` smallest of `rows` uniform
/// draws are the running sums of `rows + 1` exponential draws divided by their total (the
/// total is found by a first pass of the same seed).
struct Times {
    rng: Rng,
    sum: f64,
    total: f64,
}

const TIMES_SEED: u64 = 20240602;

impl Times {
    fn new(rows: usize) -> Times {
        let mut rng = Rng(TIMES_SEED);
        let total = (0..=rows).map(|_| rng.exponential()).sum();
        Times { rng: Rng(TIMES_SEED), sum: 0.0, total }
    }
    /// The next time, microseconds since the epoch (2021-01-01 to 2025-01-01, whole seconds).
    fn next(&mut self) -> i64 {
        const START: i64 = 1_609_459_200_000_000;
        const SPAN: i64 = 1_735_689_600_000_000 - START;
        self.sum += self.rng.exponential();
        // Growth over the years: later dates are a little more likely.
        let u = (self.sum / self.total).min(1.0).powf(0.85);
        START + (u * SPAN as f64) as i64 / 1_000_000 * 1_000_000
    }
}

fn write_orders_inner(rows: usize, out: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = Rng(20240601);
    let mut times = Times::new(rows);
    let (ch_w, cat_w, st_w) =
        (cumulative(CHANNELS.len(), 1.2), cumulative(CATEGORIES.len(), 0.8), cumulative(STATES.len(), 1.0));
    let schema = Arc::new(Schema::new(vec![
        Field::new("order_id", DataType::Int64, false),
        Field::new("order_datetime", DataType::Timestamp(TimeUnit::Microsecond, None), false),
        Field::new("channel", DataType::Utf8, false),
        Field::new("category", DataType::Utf8, false),
        Field::new("state", DataType::Utf8, false),
        Field::new("sales", DataType::Float64, false),
        Field::new("quantity", DataType::Int32, false),
    ]));
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(128 * 1024))
        .set_created_by("quire demo-data".into())
        .build();
    let tmp = out.with_extension("parquet.tmp");
    let written = (|| -> Result<(), Box<dyn std::error::Error>> {
        let file = std::fs::File::create(&tmp)?;
        let mut writer = ArrowWriter::try_new(file, schema.clone(), Some(props))?;
        for first in (0..rows).step_by(BATCH) {
            let n = BATCH.min(rows - first);
            let mut time = Vec::with_capacity(n);
            // Sized once, as every batch's are: buffers that grew by doubling left glibc's
            // heap in pieces it kept (1.1 GiB for 100M rows, with 97 MB in use).
            let text = |longest: usize| StringBuilder::with_capacity(n, n * longest);
            let mut channel = text(CHANNELS.iter().map(|s| s.len()).max().unwrap_or(0));
            let mut category = text(CATEGORIES.iter().map(|s| s.len()).max().unwrap_or(0));
            let mut state = text(2);
            let mut sales = Vec::with_capacity(n);
            let mut quantity = Vec::with_capacity(n);
            for _ in 0..n {
                time.push(times.next());
                let c = rng.skewed(&cat_w);
                channel.append_value(CHANNELS[rng.skewed(&ch_w)]);
                category.append_value(CATEGORIES[c]);
                state.append_value(STATES[rng.skewed(&st_w)]);
                let base = 3.2 + 0.04 * (CATEGORIES.len() - c) as f64;
                sales.push(((base + 0.8 * rng.normal()).exp() * 100.0).round() / 100.0);
                quantity.push(1 + (rng.unit() * rng.unit() * 10.0) as i32);
            }
            let batch = RecordBatch::try_new(
                schema.clone(),
                vec![
                    Arc::new(Int64Array::from_iter_values((first + 1) as i64..=(first + n) as i64)),
                    Arc::new(TimestampMicrosecondArray::from(time)),
                    Arc::new(channel.finish()),
                    Arc::new(category.finish()),
                    Arc::new(state.finish()),
                    Arc::new(Float64Array::from(sales)),
                    Arc::new(Int32Array::from(quantity)),
                ],
            )?;
            writer.write(&batch)?;
        }
        writer.close()?;
        Ok(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, out)?;
    Ok(())
}

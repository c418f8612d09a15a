//! Tables read a piece at a time: a Parquet file of which the browser holds the footer and
//! fetches only the column chunks of the row groups a query can match (HTTP Range requests,
//! made by the runtime; this module says which bytes, and reads them once they are here).
//!
//! A query runs in two steps, so that nothing inside DataFusion waits on the network: it is
//! planned and optimized once ([`Engine::planned_from`]), and [`Planned::ranges_wanted`]
//! lists, for each ranged table it scans, the byte ranges of the row groups its filters
//! cannot rule out (by the footer's min/max statistics) that are not fetched yet; the
//! runtime fetches them and hands them to [`RangedFile::add`]; then [`Planned::run`] runs
//! the same plan, and its scan reads the same row groups from what was fetched. A scan that
//! still finds bytes missing is an error, never a wrong answer.

use std::any::Any;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use datafusion::arrow::array::{Array, ArrayRef, BooleanArray};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::catalog::{Session, TableProvider};
use datafusion::common::pruning::PruningStatistics;
use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
use datafusion::common::{Column, DFSchema, ScalarValue};
use datafusion::datasource::memory::MemorySourceConfig;
use datafusion::datasource::source_as_provider;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::expr_rewriter::unnormalize_cols;
use datafusion::logical_expr::utils::conjunction;
use datafusion::logical_expr::{Expr, LogicalPlan, TableProviderFilterPushDown, TableType};
use datafusion::physical_optimizer::pruning::PruningPredicateBuilder;
use datafusion::physical_plan::ExecutionPlan;
use parquet::arrow::arrow_reader::statistics::StatisticsConverter;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
use parquet::arrow::{ProjectionMask, parquet_to_arrow_schema};
use parquet::file::metadata::{FooterTail, ParquetMetaData, ParquetMetaDataReader};
use parquet::file::reader::{ChunkReader, Length};

use crate::{Engine, TableName};

/// Two wanted ranges closer than this are fetched as one request.
const GAP: u64 = 64 * 1024;

fn external(e: parquet::errors::ParquetError) -> DataFusionError {
    DataFusionError::External(Box::new(e))
}

/// A Parquet file known by its footer, with the pieces of it fetched so far.
#[derive(Debug)]
pub struct RangedFile {
    len: u64,
    meta: Arc<ParquetMetaData>,
    schema: SchemaRef,
    /// Start offset → bytes fetched from there.
    fetched: Mutex<BTreeMap<u64, Bytes>>,
    decoded: Mutex<Decoded>,
}

/// What the end of a file said.
pub enum Tail {
    /// The footer, read.
    Read(RangedFile),
    /// The footer is longer than the bytes given: fetch this many from the end.
    Needs(u64),
}

impl RangedFile {
    /// Read the footer from the last bytes of a file of `len` bytes.
    pub fn from_tail(len: u64, tail: Bytes) -> Result<Tail> {
        crate::check_parquet_frame(b"PAR1", &tail, len).map_err(DataFusionError::Execution)?;
        let n = tail.len();
        let need = tail_len(&tail).ok_or_else(|| DataFusionError::Execution("no Parquet footer".into()))?;
        if need > n as u64 {
            return Ok(Tail::Needs(need));
        }
        let meta = ParquetMetaDataReader::decode_metadata(&tail[n - need as usize..n - 8]).map_err(external)?;
        let file = meta.file_metadata();
        let plain = parquet_to_arrow_schema(file.schema_descr(), file.key_value_metadata()).map_err(external)?;
        let schema = Arc::new(crate::parquet_io::with_views(&plain));
        let ranged = RangedFile {
            len,
            meta: Arc::new(meta),
            schema,
            fetched: Mutex::new(BTreeMap::new()),
            decoded: Mutex::new(Decoded::default()),
        };
        // The tail already holds the last row groups' bytes, often all of a small file's.
        ranged.add(len - n as u64, tail);
        Ok(Tail::Read(ranged))
    }

    /// A whole file, fetched at once (a host that ignored the Range header).
    pub fn whole(bytes: Bytes) -> Result<RangedFile> {
        let len = bytes.len() as u64;
        match RangedFile::from_tail(len, bytes)? {
            Tail::Read(file) => Ok(file),
            Tail::Needs(_) => Err(DataFusionError::Execution("the Parquet footer is longer than the file".into())),
        }
    }

    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    pub fn row_groups(&self) -> usize {
        self.meta.num_row_groups()
    }

    /// Keep `bytes`, fetched from offset `start`.
    pub fn add(&self, start: u64, bytes: Bytes) {
        let end = start + bytes.len() as u64;
        let mut fetched = self.fetched.lock().expect("not poisoned");
        // A fetch of ranges merged across gaps may cover pieces fetched before: those are
        // dropped (it holds their bytes), and a piece that holds all of this one is kept.
        let inside: Vec<u64> =
            fetched.range(start..end).filter(|(at, b)| **at + b.len() as u64 <= end).map(|(at, _)| *at).collect();
        for at in inside {
            fetched.remove(&at);
        }
        if piece_at(&fetched, start).is_some_and(|held| held.len() >= bytes.len()) {
            return;
        }
        fetched.insert(start, bytes);
    }

    /// Bytes held so far (the footer's tail included).
    pub fn bytes_held(&self) -> u64 {
        self.fetched.lock().expect("not poisoned").values().map(|b| b.len() as u64).sum()
    }

    /// The fetched bytes `[start, start + len)`, if one fetch holds them all.
    fn get(&self, start: u64, len: u64) -> Option<Bytes> {
        let piece = piece_at(&self.fetched.lock().expect("not poisoned"), start)?;
        (len <= piece.len() as u64).then(|| piece.slice(..len as usize))
    }

    /// The row groups that `filters` (over this file's columns, unqualified) cannot rule
    /// out. A filter pruning cannot use keeps every row group.
    pub fn row_groups_for(&self, filters: &[Expr], state: &dyn Session) -> Vec<usize> {
        let all: Vec<usize> = (0..self.row_groups()).collect();
        let Some(expr) = conjunction(filters.to_vec()) else { return all };
        let kept = (|| {
            let df_schema = DFSchema::try_from(self.schema.as_ref().clone())?;
            let physical = state.create_physical_expr(expr, &df_schema)?;
            let predicate = PruningPredicateBuilder::new().with_file_schema(self.schema.clone()).try_build(physical)?;
            predicate.prune(&Stats { file: self })
        })();
        match kept {
            Ok(keep) => all.into_iter().filter(|i| keep[*i]).collect(),
            Err(_) => all,
        }
    }

    /// The parquet leaf columns behind arrow columns `projection` (all when `None`).
    fn mask(&self, projection: Option<&[usize]>) -> ProjectionMask {
        let descr = self.meta.file_metadata().schema_descr();
        match projection {
            Some(p) => ProjectionMask::roots(descr, p.iter().copied()),
            None => ProjectionMask::all(),
        }
    }

    /// The byte ranges of `row_groups`' chunks of the `projection` columns not fetched
    /// yet, neighbours merged.
    pub fn missing(&self, row_groups: &[usize], projection: Option<&[usize]>) -> Vec<Range<u64>> {
        let mask = self.mask(projection);
        let mut wanted: Vec<Range<u64>> = Vec::new();
        for &rg in row_groups {
            for (leaf, col) in self.meta.row_group(rg).columns().iter().enumerate() {
                if !mask.leaf_included(leaf) {
                    continue;
                }
                let (start, len) = col.byte_range();
                if self.get(start, len).is_none() {
                    wanted.push(start..start + len);
                }
            }
        }
        merged(wanted)
    }

    /// `row_groups` (columns `projection`), decoded from the fetched bytes, or as decoded
    /// for an earlier query: an input change that re-runs a query re-reads the same groups.
    fn read(&self, row_groups: Vec<usize>, projection: Option<&[usize]>) -> Result<Vec<RecordBatch>> {
        let columns: Vec<usize> = match projection {
            Some(p) => p.to_vec(),
            None => (0..self.schema.fields().len()).collect(),
        };
        // What the reader needs, made once a read, and only if some row group is not decoded.
        let mut reader_input: Option<(ArrowReaderMetadata, Fetched)> = None;
        let mut out = Vec::new();
        for rg in row_groups {
            let key = (rg, columns.clone());
            let cached = self.decoded.lock().expect("not poisoned").get(&key);
            let batches = match cached {
                Some(b) => b,
                None => {
                    let (metadata, pieces) = match &reader_input {
                        Some(input) => input.clone(),
                        None => reader_input.insert(self.reader_input()?).clone(),
                    };
                    let b = ParquetRecordBatchReaderBuilder::new_with_metadata(pieces, metadata)
                        .with_row_groups(vec![rg])
                        .with_projection(self.mask(projection))
                        .with_batch_size(8192)
                        .build()
                        .map_err(external)?
                        .collect::<std::result::Result<Vec<_>, _>>()?;
                    self.decoded.lock().expect("not poisoned").put(key, b.clone());
                    b
                }
            };
            out.extend(batches);
        }
        Ok(out)
    }

    /// The footer as the Parquet reader takes it, and the pieces fetched so far.
    fn reader_input(&self) -> Result<(ArrowReaderMetadata, Fetched)> {
        let options = ArrowReaderOptions::new().with_schema(self.schema.clone());
        let metadata = ArrowReaderMetadata::try_new(self.meta.clone(), options).map_err(external)?;
        Ok((metadata, Fetched { len: self.len, pieces: self.fetched.lock().expect("not poisoned").clone() }))
    }
}

/// Decoded row groups kept for the next query, the least recently used dropped first once
/// they pass [`Decoded::MAX_BYTES`].
#[derive(Debug, Default)]
struct Decoded {
    entries: BTreeMap<(usize, Vec<usize>), (u64, Vec<RecordBatch>)>,
    bytes: usize,
    clock: u64,
}

impl Decoded {
    const MAX_BYTES: usize = 256 << 20;

    fn get(&mut self, key: &(usize, Vec<usize>)) -> Option<Vec<RecordBatch>> {
        self.clock += 1;
        let (used, batches) = self.entries.get_mut(key)?;
        *used = self.clock;
        Some(batches.clone())
    }

    fn put(&mut self, key: (usize, Vec<usize>), batches: Vec<RecordBatch>) {
        self.clock += 1;
        self.bytes += batches.iter().map(RecordBatch::get_array_memory_size).sum::<usize>();
        if let Some((_, old)) = self.entries.insert(key, (self.clock, batches)) {
            self.bytes -= old.iter().map(RecordBatch::get_array_memory_size).sum::<usize>();
        }
        while self.bytes > Self::MAX_BYTES && self.entries.len() > 1 {
            let Some(oldest) = self.entries.iter().min_by_key(|(_, (used, _))| *used).map(|(k, _)| k.clone()) else {
                break;
            };
            if let Some((_, gone)) = self.entries.remove(&oldest) {
                self.bytes -= gone.iter().map(RecordBatch::get_array_memory_size).sum::<usize>();
            }
        }
    }
}

/// Whether the row groups of Parquet `file` hold `column`'s values in ranges that do not
/// overlap (each row group's largest at most the next one's smallest): a filter on it
/// then keeps only the row groups holding matching values. One row group always is.
pub fn clustered_by<R: ChunkReader + 'static>(file: &R, column: &str) -> bool {
    let Ok(meta) = ParquetMetaDataReader::new().parse_and_finish(file) else { return false };
    if meta.num_row_groups() < 2 {
        return true;
    }
    let descr = meta.file_metadata().schema_descr();
    let Ok(arrow) = parquet_to_arrow_schema(descr, None) else { return false };
    let Ok(conv) = StatisticsConverter::try_new(column, &arrow, descr) else { return false };
    let (Ok(mins), Ok(maxes)) = (conv.row_group_mins(meta.row_groups()), conv.row_group_maxes(meta.row_groups()))
    else {
        return false;
    };
    let n = mins.len();
    if mins.null_count() > 0 || maxes.null_count() > 0 {
        return false;
    }
    use datafusion::arrow::compute::kernels::cmp::lt_eq;
    match lt_eq(&maxes.slice(0, n - 1), &mins.slice(1, n - 1)) {
        Ok(ok) => ok.null_count() == 0 && ok.true_count() == n - 1,
        Err(_) => false,
    }
}

/// `ranges` sorted, those closer than [`GAP`] (or overlapping) made one.
fn merged(mut ranges: Vec<Range<u64>>) -> Vec<Range<u64>> {
    ranges.sort_by_key(|r| r.start);
    let mut out: Vec<Range<u64>> = Vec::new();
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end + GAP => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// The bytes fetched from `start` on, to the end of the piece holding it. Pieces may
/// overlap (a fetch that began before an earlier one and ends inside it): the one that
/// reaches furthest.
fn piece_at(pieces: &BTreeMap<u64, Bytes>, start: u64) -> Option<Bytes> {
    pieces
        .range(..=start)
        .filter(|(at, bytes)| start < **at + bytes.len() as u64)
        .max_by_key(|(at, bytes)| **at + bytes.len() as u64)
        .map(|(at, bytes)| bytes.slice((start - at) as usize..))
}

/// How many bytes at the end of a Parquet file hold its footer (its metadata, their length
/// and the magic bytes), read from the file's last eight; `None` for fewer.
pub fn tail_len(file: &[u8]) -> Option<u64> {
    let last: &[u8; 8] = file.get(file.len().checked_sub(8)?..)?.try_into().ok()?;
    Some(FooterTail::try_new(last).ok()?.metadata_length() as u64 + 8)
}

/// The bytes a runtime asks for first to open a ranged file of `len` bytes whose footer the
/// build measured as `tail` bytes: the file's last `tail` (at least its last eight). The
/// build names the same range in the page's head, so that it is asked for early.
pub fn first_read(len: u64, tail: u64) -> Range<u64> {
    len - tail.max(8).min(len)..len
}

/// The fetched pieces (shared, not copied), as the Parquet reader reads a file.
#[derive(Clone)]
struct Fetched {
    len: u64,
    pieces: BTreeMap<u64, Bytes>,
}

impl Length for Fetched {
    fn len(&self) -> u64 {
        self.len
    }
}

impl ChunkReader for Fetched {
    type T = std::io::Cursor<Bytes>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        piece_at(&self.pieces, start).map(std::io::Cursor::new).ok_or_else(|| not_fetched(start, 0))
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        match piece_at(&self.pieces, start) {
            Some(b) if b.len() >= length => Ok(b.slice(..length)),
            _ => Err(not_fetched(start, length)),
        }
    }
}

fn not_fetched(start: u64, len: usize) -> parquet::errors::ParquetError {
    parquet::errors::ParquetError::General(format!(
        "bytes {start}..{} of a ranged table were not fetched before the query ran",
        start + len as u64
    ))
}

/// Row groups' min/max/null counts, as DataFusion's pruning reads them.
struct Stats<'a> {
    file: &'a RangedFile,
}

impl Stats<'_> {
    fn converter(&self, column: &Column) -> Option<StatisticsConverter<'_>> {
        StatisticsConverter::try_new(&column.name, &self.file.schema, self.file.meta.file_metadata().schema_descr())
            .ok()
    }
}

impl PruningStatistics for Stats<'_> {
    fn min_values(&self, column: &Column) -> Option<ArrayRef> {
        self.converter(column)?.row_group_mins(self.file.meta.row_groups().iter()).ok()
    }

    fn max_values(&self, column: &Column) -> Option<ArrayRef> {
        self.converter(column)?.row_group_maxes(self.file.meta.row_groups().iter()).ok()
    }

    fn num_containers(&self) -> usize {
        self.file.row_groups()
    }

    fn null_counts(&self, column: &Column) -> Option<ArrayRef> {
        let counts = self.converter(column)?.row_group_null_counts(self.file.meta.row_groups().iter()).ok()?;
        Some(Arc::new(counts))
    }

    fn row_counts(&self) -> Option<ArrayRef> {
        let counts: Vec<u64> = self.file.meta.row_groups().iter().map(|rg| rg.num_rows() as u64).collect();
        Some(Arc::new(datafusion::arrow::array::UInt64Array::from(counts)))
    }

    fn contained(&self, _: &Column, _: &std::collections::HashSet<ScalarValue>) -> Option<BooleanArray> {
        None
    }
}

/// A ranged file as a table: filters are offered to it (to pick row groups) and applied
/// again above it.
#[derive(Debug)]
struct RangedTable {
    file: Arc<RangedFile>,
}

#[async_trait::async_trait]
impl TableProvider for RangedTable {
    fn schema(&self) -> SchemaRef {
        self.file.schema()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    fn supports_filters_pushdown(&self, filters: &[&Expr]) -> Result<Vec<TableProviderFilterPushDown>> {
        Ok(vec![TableProviderFilterPushDown::Inexact; filters.len()])
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        _limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let groups = self.file.row_groups_for(filters, state);
        let batches = self.file.read(groups, projection.map(Vec::as_slice))?;
        // The batches hold the projected columns already; the source takes the whole schema
        // and the projection, as a memory table does.
        let projected = match projection {
            Some(p) => Arc::new(self.file.schema.project(p)?),
            None => self.file.schema(),
        };
        Ok(MemorySourceConfig::try_new_exec(&[batches], projected, None)?)
    }
}

impl Engine {
    /// Register `file` as table `name`: queries read it through [`Engine::ranges_wanted`].
    pub fn register_ranged(&self, name: &TableName, file: Arc<RangedFile>) -> Result<()> {
        self.ensure_schema(&name.schema)?;
        self.context().deregister_table(name.reference())?;
        self.context().register_table(name.reference(), Arc::new(RangedTable { file }))?;
        Ok(())
    }

    /// For each ranged table `sql` scans, the bytes its scans will read that are not
    /// fetched yet. Planned exactly as [`Engine::run_with_params`] runs it.
    pub async fn ranges_wanted(
        &self,
        sql: &str,
        params: &[Option<String>],
    ) -> Result<Vec<(Arc<RangedFile>, Vec<Range<u64>>)>> {
        self.planned_from(&self.statement_plan(sql).await?, params)?.ranges_wanted()
    }

    /// `sql` planned with its placeholders unbound, not optimized: the same plan for every
    /// value a reader may give them, so a page keeps it from one change to the next and
    /// [`Engine::planned_from`] binds and optimizes it each time.
    pub async fn statement_plan(&self, sql: &str) -> Result<LogicalPlan> {
        crate::dialect::plan(&self.context().state(), sql).await
    }

    /// A [`Engine::statement_plan`] with `params` bound, optimized once: what a browser
    /// query needs to say which bytes it reads ([`Planned::ranges_wanted`]) and then to run
    /// ([`Planned::run`]) without planning it again.
    pub fn planned_from(&self, plan: &LogicalPlan, params: &[Option<String>]) -> Result<Planned> {
        let state = self.context().state();
        let plan = state.optimize(&crate::session::bind(plan.clone(), params)?)?;
        Ok(Planned { state, plan })
    }

    /// A [`Engine::statement_plan`] optimized with its placeholders unbound: valid for every
    /// value they may take, so a page optimizes a query once, not at each change, and
    /// [`Engine::planned_bound`] binds it. `None` when the optimizer does not take the plan
    /// unbound (the page then uses [`Engine::planned_from`]), or when the plan reads the
    /// clock (`now()` is fixed when a plan is optimized, and must be at each change).
    pub fn optimized_statement(&self, plan: &LogicalPlan) -> Option<LogicalPlan> {
        if reads_the_clock(plan) {
            return None;
        }
        self.context().state().optimize(plan).ok()
    }

    /// An [`Engine::optimized_statement`] with `params` bound, then its expressions
    /// simplified (a bound value's cast folded into a literal, `'All' = 'All'` into true):
    /// the same plan [`Engine::planned_from`] makes, but for the optimizer's other rules,
    /// which the unbound plan has been through already.
    pub fn planned_bound(&self, optimized: &LogicalPlan, params: &[Option<String>]) -> Result<Planned> {
        let state = self.context().state();
        let bound = crate::session::bind(optimized.clone(), params)?;
        let simplify = datafusion::optimizer::Optimizer::with_rules(vec![Arc::new(
            datafusion::optimizer::simplify_expressions::SimplifyExpressions::new(),
        )]);
        let plan = simplify.optimize(bound, &state, |_, _| {})?;
        Ok(Planned { state, plan })
    }
}

/// Whether `plan` calls a function whose value is fixed for one query but not from one to
/// the next (DataFusion's `Volatility::Stable`: `now()`, `current_date`, `current_time`):
/// the optimizer folds them into their value when it optimizes.
fn reads_the_clock(plan: &LogicalPlan) -> bool {
    let mut found = false;
    let _ = plan.apply_with_subqueries(|node| {
        node.apply_expressions(|e| {
            e.apply(|x| {
                if let Expr::ScalarFunction(f) = x
                    && f.func.signature().volatility == datafusion::logical_expr::Volatility::Stable
                {
                    found = true;
                    return Ok(TreeNodeRecursion::Stop);
                }
                Ok(TreeNodeRecursion::Continue)
            })
        })?;
        Ok(if found { TreeNodeRecursion::Stop } else { TreeNodeRecursion::Continue })
    });
    found
}

/// A query planned and optimized ([`Engine::planned_from`]): its scans' filters say which row
/// groups of a ranged table it reads; its run starts from the same optimized plan.
pub struct Planned {
    state: datafusion::execution::SessionState,
    plan: LogicalPlan,
}

impl Planned {
    /// For each ranged table the plan scans, the bytes its scans will read that are not
    /// fetched yet.
    pub fn ranges_wanted(&self) -> Result<Vec<(Arc<RangedFile>, Vec<Range<u64>>)>> {
        let (plan, state) = (&self.plan, &self.state);
        let mut out: Vec<(Arc<RangedFile>, Vec<Range<u64>>)> = Vec::new();
        plan.apply_with_subqueries(|node| {
            if let LogicalPlan::TableScan(scan) = node
                && let Ok(provider) = source_as_provider(&scan.source)
                && let Some(table) = (provider.as_ref() as &dyn Any).downcast_ref::<RangedTable>()
            {
                let filters = unnormalize_cols(scan.filters.iter().cloned());
                let groups = table.file.row_groups_for(&filters, state);
                let missing = table.file.missing(&groups, scan.projection.as_deref());
                match out.iter_mut().find(|(f, _)| Arc::ptr_eq(f, &table.file)) {
                    Some((_, ranges)) => ranges.extend(missing),
                    None => out.push((table.file.clone(), missing)),
                }
            }
            Ok(TreeNodeRecursion::Continue)
        })?;
        // Two scans of one table (a self-join) may want the same bytes: fetch them once.
        for (_, ranges) in &mut out {
            *ranges = merged(std::mem::take(ranges));
        }
        out.retain(|(_, r)| !r.is_empty());
        Ok(out)
    }

    /// Run the plan (made physical from the optimized plan, not optimized again). An empty
    /// result still carries its columns: one empty batch.
    pub async fn run(&self) -> Result<Vec<RecordBatch>> {
        let physical = self.state.query_planner().create_physical_plan(&self.plan, &self.state).await?;
        let batches = datafusion::physical_plan::collect(physical, self.state.task_ctx()).await?;
        Ok(crate::session::or_empty(batches, self.plan.schema().as_arrow()))
    }
}

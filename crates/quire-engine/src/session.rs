//! The session: configuration, table registration and running SQL.

use std::sync::Arc;

use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::catalog::{MemTable, MemorySchemaProvider};
use datafusion::common::{ScalarValue, TableReference};
use datafusion::error::{DataFusionError, Result};
use datafusion::prelude::{SessionConfig, SessionContext};

/// A table as authors name it: `schema.table`, such as `orders.orders`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct TableName {
    pub schema: String,
    pub table: String,
}

impl TableName {
    pub fn new(schema: impl Into<String>, table: impl Into<String>) -> Self {
        TableName { schema: schema.into(), table: table.into() }
    }
    pub(crate) fn reference(&self) -> TableReference {
        TableReference::partial(self.schema.as_str(), self.table.as_str())
    }
    /// `"schema"."table"`, quoted for SQL.
    pub fn quoted(&self) -> String {
        format!("\"{}\".\"{}\"", self.schema.replace('"', "\"\""), self.table.replace('"', "\"\""))
    }
}

impl std::fmt::Display for TableName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.schema, self.table)
    }
}

/// A DataFusion session configured the same way at build time and in the browser.
#[derive(Clone)]
pub struct Engine {
    ctx: SessionContext,
    memo: Option<crate::memo::Memo>,
    /// With a memory bound ([`Engine::with_memory_limit`]): the same tables without it,
    /// for a query whose operators cannot spill.
    unbounded: Option<SessionContext>,
    /// Where independent queries run side by side (see [`Engine::side_by_side`]).
    #[cfg(not(target_arch = "wasm32"))]
    workers: Option<tokio::runtime::Handle>,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine {
    pub fn new() -> Self {
        let mut config = SessionConfig::new().with_information_schema(true);
        let options = config.options_mut();
        // Spans let SQL errors point at the author's line in the `.md`.
        options.sql_parser.collect_spans = true;
        options.sql_parser.dialect = crate::dialect::DIALECT;
        // DuckDB puts NULLs last whichever way a column is sorted; DataFusion alone puts
        // them first in a descending sort, and `order by sales desc limit 10` would show
        // other rows than the author's DuckDB did.
        options.sql_parser.default_null_ordering = "nulls_last".to_string();
        // DuckDB keeps a subquery's `ORDER BY` for what reads it in order: `select * from
        // ${top} limit 3` (a chain is a subquery) shows `top`'s first three rows. DataFusion
        // alone drops a subquery's sort without a `LIMIT`, and shows any three.
        options.sql_parser.enable_subquery_sort_elimination = false;
        // One partition on both targets: in the browser, code paths that spawn tasks panic.
        // (Float sums do not depend on it: they are exact, see `crate::exact`.)
        config = config.with_target_partitions(1);
        let state = datafusion::execution::SessionStateBuilder::new()
            .with_config(config)
            .with_default_features()
            // A plan's partitions (a `union all`'s inputs) in the plan's order.
            .with_physical_optimizer_rule(Arc::new(crate::in_order::InOrder));
        #[cfg(target_arch = "wasm32")]
        let state = {
            use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
            use datafusion::execution::runtime_env::RuntimeEnvBuilder;
            let runtime = RuntimeEnvBuilder::new()
                .with_disk_manager_builder(DiskManagerBuilder::default().with_mode(DiskManagerMode::Disabled))
                .build_arc()
                .expect("a runtime without disk always builds");
            state.with_runtime_env(runtime)
        };
        let ctx = SessionContext::new_with_state(state.build());
        crate::dialect::register(&ctx);
        crate::exact::register(&ctx);
        Engine::over(ctx)
    }

    fn over(ctx: SessionContext) -> Self {
        Engine {
            ctx,
            memo: None,
            unbounded: None,
            #[cfg(not(target_arch = "wasm32"))]
            workers: None,
        }
    }

    /// An engine whose queries may use `n` threads (partitions). Native builds and the
    /// browser use one, so that results are byte-identical; the pipeline may use more.
    pub fn with_partitions(n: usize) -> Self {
        let engine = Engine::new();
        let config = engine.ctx.copied_config().with_target_partitions(n.max(1));
        let state = datafusion::execution::SessionStateBuilder::new_from_existing(engine.ctx.state())
            .with_config(config)
            .build();
        Engine::over(SessionContext::new_with_state(state))
    }

    /// An engine over a session made elsewhere (a Ballista cluster's client session).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_context(ctx: SessionContext) -> Self {
        Engine::over(ctx)
    }

    /// This engine with its queries' memory bounded to `bytes`: sorts and aggregates past it
    /// spill to temporary files (a `unique` test over a hundred million keys no longer holds
    /// them all). A query that fails for want of memory (a join's hash table cannot spill)
    /// runs again without the bound, over the same tables ([`Engine::run`], or
    /// [`Engine::stream_unbounded`] for a stream).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn with_memory_limit(self, bytes: usize) -> Result<Self> {
        use datafusion::execution::runtime_env::RuntimeEnvBuilder;
        let runtime = RuntimeEnvBuilder::new().with_memory_limit(bytes, 1.0).build_arc()?;
        let state = datafusion::execution::SessionStateBuilder::new_from_existing(self.ctx.state())
            .with_runtime_env(runtime)
            .build();
        Ok(Engine { ctx: SessionContext::new_with_state(state), unbounded: Some(self.ctx.clone()), ..self })
    }

    /// Whether `e` is a query that ran out of its memory bound.
    pub fn out_of_memory(e: &DataFusionError) -> bool {
        matches!(e.find_root(), DataFusionError::ResourcesExhausted(_))
    }

    /// Run `sql` as a stream without the memory bound (after [`Engine::out_of_memory`]).
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn stream_unbounded(&self, sql: &str) -> Result<datafusion::execution::SendableRecordBatchStream> {
        frame(self.unbounded.as_ref().unwrap_or(&self.ctx), sql).await?.execute_stream().await
    }

    /// An engine that remembers each page query's result by its expanded SQL and bound
    /// values, and runs it again only when those change (see [`crate::Memo`]).
    pub fn remembering() -> Self {
        Engine { memo: Some(crate::memo::Memo::default()), ..Engine::new() }
    }

    /// This engine running independent queries side by side on `workers` (a multi-thread
    /// runtime's): the queries of one round of a page ([`Engine::run_page`]), the rollups a
    /// page ships. Each query still runs on one partition and its result is taken in the
    /// page's order, so what the build writes does not depend on how many threads ran it.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn side_by_side_on(self, workers: tokio::runtime::Handle) -> Self {
        Engine { workers: Some(workers), ..self }
    }

    /// Run `jobs` side by side where the engine has workers (one after another where it has
    /// none, as in the browser), each result in its job's place.
    pub async fn side_by_side<F>(&self, jobs: Vec<F>) -> Vec<F::Output>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(workers) = self.workers.as_ref().filter(|_| jobs.len() > 1) {
            let running: Vec<_> = jobs.into_iter().map(|job| workers.spawn(job)).collect();
            let mut out = Vec::with_capacity(running.len());
            for job in running {
                match job.await {
                    Ok(t) => out.push(t),
                    Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                    Err(e) => panic!("a query's task was cancelled: {e}"),
                }
            }
            return out;
        }
        let mut out = Vec::with_capacity(jobs.len());
        for job in jobs {
            out.push(job.await);
        }
        out
    }

    pub fn memo(&self) -> Option<&crate::memo::Memo> {
        self.memo.as_ref()
    }

    pub fn context(&self) -> &SessionContext {
        &self.ctx
    }

    /// Make sure schema `name` exists in the default catalog. Checked and made under one
    /// lock: two tables registered at once in a new schema (a stage's models side by side, a
    /// page's rollups) would otherwise each make it, and the second would drop the first's
    /// table.
    pub fn ensure_schema(&self, name: &str) -> Result<()> {
        static MAKING: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _making = MAKING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let catalog = self
            .ctx
            .catalog("datafusion")
            .ok_or_else(|| DataFusionError::Internal("the default catalog is missing".into()))?;
        if catalog.schema(name).is_none() {
            catalog.register_schema(name, Arc::new(MemorySchemaProvider::new()))?;
        }
        Ok(())
    }

    /// Register record batches as table `name`, replacing any table of that name.
    pub fn register_batches(&self, name: &TableName, batches: Vec<RecordBatch>) -> Result<()> {
        self.ensure_schema(&name.schema)?;
        self.ctx.deregister_table(name.reference())?;
        self.register_new(name, batches)
    }

    /// Register record batches as table `name`, which must not exist yet: unlike
    /// [`Engine::register_batches`], a query running meanwhile never finds it missing.
    pub fn register_new(&self, name: &TableName, batches: Vec<RecordBatch>) -> Result<()> {
        self.ensure_schema(&name.schema)?;
        let schema = match batches.first() {
            Some(b) => b.schema(),
            None => Arc::new(datafusion::arrow::datatypes::Schema::empty()),
        };
        let table = MemTable::try_new(schema, vec![batches])?;
        self.ctx.register_table(name.reference(), Arc::new(table))?;
        Ok(())
    }

    /// Register a Parquet file's bytes as table `name` (how the browser loads data).
    pub fn register_parquet_bytes(&self, name: &TableName, bytes: bytes::Bytes) -> Result<()> {
        let batches = crate::parquet_io::decode_parquet(bytes)?;
        self.register_batches(name, batches)
    }

    /// Register a file on disk as table `name`.
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn register_file(&self, name: &TableName, path: &std::path::Path, format: FileFormat) -> Result<()> {
        use datafusion::prelude::{JsonReadOptions, ParquetReadOptions};
        self.ensure_schema(&name.schema)?;
        let path = path
            .to_str()
            .ok_or_else(|| DataFusionError::Plan(format!("the path {} is not valid UTF-8", path.display())))?;
        self.ctx.deregister_table(name.reference())?;
        match format {
            FileFormat::Csv(o) => {
                let o = &o;
                self.ctx.register_csv(name.reference(), path, csv_read_options(o, None)).await?;
                // Names as DuckDB reads them: no byte-order mark on the first, `columnN`
                // without a header (DataFusion says `column_N+1`).
                let inferred = self.ctx.table_provider(name.reference()).await?.schema();
                let renamed: Vec<datafusion::arrow::datatypes::Field> = inferred
                    .fields()
                    .iter()
                    .enumerate()
                    .map(|(i, f)| {
                        let n = if o.header {
                            f.name().trim_start_matches('\u{feff}').to_string()
                        } else {
                            format!("column{i}")
                        };
                        f.as_ref().clone().with_name(n)
                    })
                    .collect();
                if renamed.iter().zip(inferred.fields()).any(|(a, b)| a.name() != b.name()) {
                    let schema = datafusion::arrow::datatypes::Schema::new(renamed);
                    self.ctx.deregister_table(name.reference())?;
                    self.ctx.register_csv(name.reference(), path, csv_read_options(o, Some(&schema))).await?;
                }
                if o.date_format.is_some() || o.timestamp_format.is_some() {
                    // Read once, and make the columns written in the author's format dates.
                    let batches = self.run(&format!("select * from {}", name.quoted())).await?;
                    let batches =
                        crate::convert::parse_dates(batches, o.date_format.as_deref(), o.timestamp_format.as_deref())?;
                    self.register_batches(name, batches)?;
                }
                Ok(())
            }
            FileFormat::Parquet => self.ctx.register_parquet(name.reference(), path, ParquetReadOptions::new()).await,
            FileFormat::NdJson | FileFormat::JsonArray => {
                let ext = std::path::Path::new(path).extension().and_then(|e| e.to_str()).unwrap_or("json");
                let ext = format!(".{ext}");
                let options =
                    JsonReadOptions::default().file_extension(&ext).newline_delimited(format == FileFormat::NdJson);
                self.ctx.register_json(name.reference(), path, options).await
            }
        }
    }

    /// Run `sql`. An empty result still carries its columns: one empty batch.
    pub async fn run(&self, sql: &str) -> Result<Vec<RecordBatch>> {
        match collect(frame(&self.ctx, sql).await?).await {
            Err(e)
                if Engine::out_of_memory(&e)
                    && let Some(unbounded) = &self.unbounded =>
            {
                collect(frame(unbounded, sql).await?).await
            }
            other => other,
        }
    }

    /// Run `sql` as a stream of batches, for results too large to hold (a pipeline model
    /// written as it is computed).
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn stream(&self, sql: &str) -> Result<datafusion::execution::SendableRecordBatchStream> {
        frame(&self.ctx, sql).await?.execute_stream().await
    }

    /// Every `every`-th row of `sql`'s result (the `every`-th, the `2 * every`-th, ...) in the
    /// order one partition reads them: what `row_number() over () % every = 0` keeps, without
    /// numbering a hundred million rows through a window. At least one batch, which carries
    /// the columns.
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn every_nth(&self, sql: &str, every: u64) -> Result<Vec<RecordBatch>> {
        use futures::StreamExt;
        let every = every.max(1);
        let mut stream = self.stream(sql).await?;
        let schema = stream.schema();
        // The kept rows gathered into batches of the usual size: a few rows of each of
        // thousands of batches would make every query of the sample pay thousands of
        // batches' overhead.
        let mut gathered = datafusion::arrow::compute::BatchCoalescer::new(Arc::clone(&schema), 8192);
        let (mut seen, mut out) = (0u64, Vec::new());
        while let Some(batch) = stream.next().await {
            let batch = batch?;
            let n = batch.num_rows() as u64;
            let first = every - 1 - seen % every;
            let kept: datafusion::arrow::array::UInt32Array =
                (first..n).step_by(every as usize).map(|i| i as u32).collect();
            seen += n;
            if !kept.is_empty() {
                gathered.push_batch_with_indices(batch, &kept)?;
            }
            out.extend(std::iter::from_fn(|| gathered.next_completed_batch()));
        }
        gathered.finish_buffered_batch()?;
        out.extend(std::iter::from_fn(|| gathered.next_completed_batch()));
        Ok(or_empty(out, &schema))
    }

    /// `columns` of table `name` (in the table's order) as a Parquet file written to `out`
    /// (returned) by copying the column chunks of the one Parquet file the table is, when it
    /// is one and they can be copied as they are (see [`crate::parquet_io::copy_columns`]);
    /// else `None`, and nothing written.
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn parquet_copy_of<W: std::io::Write + Send>(
        &self,
        name: &TableName,
        columns: &std::collections::BTreeSet<String>,
        out: W,
    ) -> Result<Option<W>> {
        use datafusion::datasource::listing::ListingTable;
        let provider = self.ctx.table_provider(name.reference()).await?;
        let Some(listing) = (provider.as_ref() as &dyn std::any::Any).downcast_ref::<ListingTable>() else {
            return Ok(None);
        };
        let (Some(url), 1) = (listing.table_paths().first(), listing.table_paths().len()) else { return Ok(None) };
        let parquet = listing.options().format.is::<datafusion::datasource::file_format::parquet::ParquetFormat>();
        if !parquet
            || url.is_collection()
            || url.get_glob().is_some()
            || !listing.options().table_partition_cols.is_empty()
        {
            return Ok(None);
        }
        let Ok(path) = url.get_url().to_file_path() else { return Ok(None) };
        let schema = provider.schema();
        let fields: Vec<_> = schema.fields().iter().filter(|f| columns.contains(f.name())).cloned().collect();
        let projected = datafusion::arrow::datatypes::Schema::new(fields);
        crate::parquet_io::copy_columns(&path, &projected, crate::parquet_io::ROW_GROUP, out)
    }

    /// Run `sql` into a Parquet file written to `out`, a batch at a time (the rows are
    /// never all held as Arrow arrays).
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn parquet_of<W: std::io::Write + Send>(&self, sql: &str, out: W) -> Result<W> {
        use futures::StreamExt;
        let mut stream = self.stream(sql).await?;
        let mut writer = crate::parquet_writer(out, stream.schema())?;
        while let Some(batch) = stream.next().await {
            writer.write(&batch?)?;
        }
        Ok(writer.into_inner()?)
    }

    /// Run `sql` with `params[i]` bound to placeholder `$i+1`. Each value is text, cast to
    /// the type the planner infers for its placeholder (a date column makes it a date); a
    /// value that cannot take that type becomes NULL, which matches nothing. Values are
    /// bound into the plan as literals, never spliced into the SQL text.
    pub async fn run_with_params(&self, sql: &str, params: &[Option<String>]) -> Result<Vec<RecordBatch>> {
        if params.is_empty() {
            return self.run(sql).await;
        }
        let state = self.ctx.state();
        let plan = bind(crate::dialect::plan(&state, sql).await?, params)?;
        collect(datafusion::dataframe::DataFrame::new(state, plan)).await
    }

    /// The tables a statement reads (not counting its CTEs), as `schema.table`.
    pub fn tables_read(&self, sql: &str) -> Result<Vec<TableReference>> {
        let state = self.ctx.state();
        let statement = state.sql_to_statement(sql, &state.config().options().sql_parser.dialect)?;
        state.resolve_table_references(&statement)
    }

    /// The columns a query reads from each table, from its optimized plan (after
    /// projection pushdown): what the browser needs shipped to run it. A table read whole
    /// maps to every one of its columns.
    ///
    /// The plan is optimized with its inputs' placeholders unbound, so what it reads holds
    /// for every value a reader may pick: bound to a default, `'All' = 'All' or region = ...`
    /// would fold to `true` and `region` would not ship. Only if the unbound plan does not
    /// optimize (a placeholder whose type nothing tells) does the default state decide.
    pub async fn columns_read(
        &self,
        sql: &str,
        params: &[Option<String>],
    ) -> Result<std::collections::BTreeMap<TableReference, std::collections::BTreeSet<String>>> {
        use datafusion::common::tree_node::TreeNodeRecursion;
        use datafusion::logical_expr::LogicalPlan;
        let plan = self.optimized_unbound(sql, params).await?;
        let mut out: std::collections::BTreeMap<TableReference, std::collections::BTreeSet<String>> =
            std::collections::BTreeMap::new();
        plan.apply_with_subqueries(|node| {
            if let LogicalPlan::TableScan(scan) = node {
                let schema = scan.source.schema();
                let cols = out.entry(scan.table_name.clone()).or_default();
                match &scan.projection {
                    Some(p) => cols.extend(p.iter().map(|i| schema.field(*i).name().clone())),
                    None => cols.extend(schema.fields().iter().map(|f| f.name().clone())),
                }
                for f in &scan.filters {
                    cols.extend(f.column_refs().into_iter().map(|c| c.name.clone()));
                }
            }
            Ok(TreeNodeRecursion::Continue)
        })?;
        Ok(out)
    }

    /// The columns a query filters each table by (in its scans' filters, or in a filter
    /// right above a scan), first seen first: what a table read a piece at a time is sorted
    /// by. Planned as [`Engine::columns_read`] plans, so it holds for every state.
    pub async fn filter_columns(
        &self,
        sql: &str,
        params: &[Option<String>],
    ) -> Result<std::collections::BTreeMap<TableReference, Vec<String>>> {
        use datafusion::common::tree_node::TreeNodeRecursion;
        use datafusion::logical_expr::LogicalPlan;
        let plan = self.optimized_unbound(sql, params).await?;
        let mut out: std::collections::BTreeMap<TableReference, Vec<String>> = std::collections::BTreeMap::new();
        let mut add = |table: &TableReference, expr: &datafusion::logical_expr::Expr| {
            let cols = out.entry(table.clone()).or_default();
            for c in expr.column_refs() {
                if !cols.contains(&c.name) {
                    cols.push(c.name.clone());
                }
            }
        };
        plan.apply_with_subqueries(|node| {
            match node {
                LogicalPlan::TableScan(scan) => scan.filters.iter().for_each(|f| add(&scan.table_name, f)),
                LogicalPlan::Filter(filter) => {
                    if let LogicalPlan::TableScan(scan) = filter.input.as_ref() {
                        add(&scan.table_name, &filter.predicate);
                    }
                }
                _ => {}
            }
            Ok(TreeNodeRecursion::Continue)
        })?;
        Ok(out)
    }

    /// `sql` planned and optimized with its placeholders unbound (bound to `params` only if
    /// it does not optimize so).
    async fn optimized_unbound(
        &self,
        sql: &str,
        params: &[Option<String>],
    ) -> Result<datafusion::logical_expr::LogicalPlan> {
        let state = self.ctx.state();
        let unbound = crate::dialect::plan(&state, sql).await?;
        match state.optimize(&unbound) {
            Ok(plan) => Ok(plan),
            Err(_) => state.optimize(&bind(unbound, params)?),
        }
    }

    /// Every aggregate function's name and alias, in lower case: what [`crate::rollup`]
    /// must tell from a scalar function.
    pub fn aggregate_names(&self) -> std::collections::BTreeSet<String> {
        let state = self.ctx.state();
        let mut out = std::collections::BTreeSet::new();
        for (name, f) in state.aggregate_functions() {
            out.insert(name.to_lowercase());
            out.extend(f.aliases().iter().map(|a| a.to_lowercase()));
        }
        out
    }

    /// The sources (schemas) holding a table `name`: how an unqualified name resolves.
    pub fn schemas_with_table(&self, name: &str) -> Vec<String> {
        crate::dialect::schemas_with_table(&self.ctx.state(), name)
    }

    /// Every registered table, as `schema.table`, for suggestions in errors.
    pub fn table_names(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(catalog) = self.ctx.catalog("datafusion") {
            for schema in catalog.schema_names() {
                if schema == "information_schema" {
                    continue;
                }
                if let Some(s) = catalog.schema(&schema) {
                    for t in s.table_names() {
                        out.push(if schema == "public" { t } else { format!("{schema}.{t}") });
                    }
                }
            }
        }
        out.sort();
        out
    }
}

/// A file format a source can be read from natively.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileFormat {
    Csv(CsvOptions),
    Parquet,
    /// Newline-delimited JSON.
    NdJson,
    /// One JSON array of objects.
    JsonArray,
}

/// How a CSV file is written, as DuckDB's `read_csv` options say it (Evidence passes them
/// through from `connection.yaml`). Quoted fields may hold newlines, and a UTF-8 byte-order
/// mark is dropped, always.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvOptions {
    pub delimiter: u8,
    /// Whether the first line names the columns; without one they are `column0`,
    /// `column1`, ... as DuckDB names them.
    pub header: bool,
    pub quote: u8,
    pub escape: Option<u8>,
    /// Lines starting with this byte are skipped.
    pub comment: Option<u8>,
    /// DuckDB's `dateformat` (`%d/%m/%Y`): text columns whose every value reads so are dates.
    pub date_format: Option<String>,
    /// DuckDB's `timestampformat`: text columns whose every value reads so are timestamps.
    pub timestamp_format: Option<String>,
}

#[cfg(not(target_arch = "wasm32"))]
impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            delimiter: b',',
            header: true,
            quote: b'"',
            escape: None,
            comment: None,
            date_format: None,
            timestamp_format: None,
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn csv_read_options<'a>(
    o: &CsvOptions,
    schema: Option<&'a datafusion::arrow::datatypes::Schema>,
) -> datafusion::prelude::CsvReadOptions<'a> {
    let mut r = datafusion::prelude::CsvReadOptions::new()
        .has_header(o.header)
        .delimiter(o.delimiter)
        .quote(o.quote)
        .newlines_in_values(true)
        .file_extension("");
    if let Some(e) = o.escape {
        r = r.escape(e);
    }
    if let Some(c) = o.comment {
        r = r.comment(c);
    }
    if let Some(s) = schema {
        r = r.schema(s);
    }
    r
}

/// Bind `params[i]` to placeholder `$i+1` of `plan`, each cast from text to the type the
/// planner infers for its placeholder; a value that cannot take that type is NULL.
pub(crate) fn bind(
    plan: datafusion::logical_expr::LogicalPlan,
    params: &[Option<String>],
) -> Result<datafusion::logical_expr::LogicalPlan> {
    if params.is_empty() {
        return Ok(plan);
    }
    let types = plan.get_parameter_types()?;
    let values: Vec<ScalarValue> = params
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let text = ScalarValue::Utf8(v.clone());
            match types.get(&format!("${}", i + 1)) {
                Some(Some(ty)) if *ty != DataType::Utf8 => {
                    text.cast_to(ty).or_else(|_| ScalarValue::try_from(ty)).unwrap_or(ScalarValue::Utf8(None))
                }
                _ => text,
            }
        })
        .collect();
    plan.with_param_values(values)
}

async fn collect(df: datafusion::dataframe::DataFrame) -> Result<Vec<RecordBatch>> {
    let schema = df.schema().as_arrow().clone();
    Ok(or_empty(df.collect().await?, &schema))
}

/// `batches`, or one empty batch of `schema` if there are none: an empty result still
/// carries its columns.
pub(crate) fn or_empty(batches: Vec<RecordBatch>, schema: &datafusion::arrow::datatypes::Schema) -> Vec<RecordBatch> {
    if batches.is_empty() { vec![RecordBatch::new_empty(Arc::new(schema.clone()))] } else { batches }
}

/// `sql` planned in quire's dialect on `ctx`, ready to run.
async fn frame(ctx: &SessionContext, sql: &str) -> Result<datafusion::dataframe::DataFrame> {
    let plan = crate::dialect::plan(&ctx.state(), sql).await?;
    ctx.execute_logical_plan(plan).await
}

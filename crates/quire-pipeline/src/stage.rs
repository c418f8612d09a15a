//! One stage of the pipeline, run: its models that do not read each other side by side,
//! and each model's data tests once it is written, at most `threads` tasks at once. Each
//! task runs its query on one partition, so how many run together never changes a model's
//! plan: its rows and bytes are the same at any thread count. A model's rows are written
//! into the cache as they are computed, under a name of this run's.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Instant;

use quire_build::BuildError;
use quire_build::committed::{CACHE, Committed};
use quire_core::AuthorError;
use quire_engine::{Engine, TableName};

use crate::graph::Node;
use crate::run::{ModelRun, Progress, RunReport, Status, cache_name, tests_hash};
use crate::{checks, model};

/// A stage to run: its stale models (and those whose tests only run), in graph order.
pub(crate) struct Stage<'a> {
    pub nodes: &'a [&'a Node],
    /// What the last run committed.
    pub committed: &'a BTreeMap<String, Committed>,
    /// Models that run (the others' tests only).
    pub to_run: &'a BTreeSet<String>,
    /// Each model's cache key.
    pub keys: &'a BTreeMap<String, String>,
    /// This run's id, in its files' names.
    pub run: &'a str,
    /// Tasks at once.
    pub threads: usize,
}

impl Stage<'_> {
    /// Run the stage, each model reported in the stage's order whichever finishes first:
    /// what each model that passed wrote, to commit, and the errors of those that failed
    /// (after a failure no model starts; a model started is tested whole).
    pub(crate) async fn run(
        &self,
        engine: &Engine,
        root: &Path,
        progress: &dyn Progress,
        report: &mut RunReport,
        repairs: &mut BTreeMap<String, String>,
    ) -> Result<(BTreeMap<String, Committed>, Vec<AuthorError>), BuildError> {
        let mut stage_errors: Vec<AuthorError> = Vec::new();
        let mut outputs: BTreeMap<String, Committed> = BTreeMap::new();
        // Models that do not read each other run side by side, and a model's tests once it
        // is written: at most `threads` of them at once, each on its own task and one
        // partition. How many run together never changes a model's plan, so its rows and
        // bytes are the same at any thread count. Each model is reported in the stage's
        // order, whichever finishes first.
        let mut unfinished: BTreeSet<String> = self.nodes.iter().map(|n| n.model.table()).collect();
        let mut pending: Vec<&Node> = self.nodes.to_vec();
        let mut jobs: tokio::task::JoinSet<(String, Job)> = tokio::task::JoinSet::new();
        // Per model being tested: when it started, what it wrote, its tests not yet run,
        // those running and the errors of those done (by the test's place in its list).
        let mut testing: BTreeMap<String, Testing> = BTreeMap::new();
        let mut finished: BTreeMap<String, ModelRun> = BTreeMap::new();
        let mut reported = 0;
        loop {
            while jobs.len() < self.threads {
                // A model's next test first (a model started is always tested whole), then,
                // unless a model has failed, a model whose reads are all done.
                if let Some((table, t)) = testing.iter_mut().find(|(_, t)| !t.checks.is_empty()) {
                    let (i, check) = t.checks.remove(0);
                    t.running += 1;
                    let (engine, model, table) = (engine.clone(), t.model.clone(), table.clone());
                    jobs.spawn(async move {
                        let error = check.run(&engine, &model).await;
                        (table, Job::Tested(i, error))
                    });
                    continue;
                }
                if !stage_errors.is_empty() {
                    break;
                }
                // A model waits for the models of its stage that it, or one of its tests, reads.
                let Some(at) = pending
                    .iter()
                    .position(|n| n.models.iter().chain(checks::reads(n).iter()).all(|m| !unfinished.contains(m)))
                else {
                    break;
                };
                let n = pending.remove(at);
                let table = n.model.table();
                // A model to test only keeps its committed file; one to run writes a new one.
                let output = match self.committed.get(&table) {
                    Some(c) if !self.to_run.contains(&table) => Output::Committed(c.file.clone(), c.size),
                    _ => Output::New(cache_name(&table, &self.keys[&table], self.run)),
                };
                progress.started(&table);
                let (engine, root, node) = (engine.clone(), root.to_path_buf(), (*n).clone());
                let started = Instant::now();
                jobs.spawn(async move {
                    let written = write_model(&engine, &root, &node, output).await;
                    (node.model.table(), Job::Wrote(started, written))
                });
            }
            let Some(joined) = jobs.join_next().await else { break };
            let (table, job) = joined.map_err(|e| BuildError::Internal(format!("a model's task failed: {e}")))?;
            let n = self.nodes.iter().find(|n| n.model.table() == table).expect("a node of the stage");
            let done = match job {
                Job::Wrote(_, Err(errors)) => {
                    stage_errors.extend(errors);
                    Some(ModelRun::without_rows(n, Status::Failed))
                }
                Job::Wrote(started, Ok(written)) => {
                    let checks: Vec<_> = checks::list(n).into_iter().enumerate().collect();
                    let t = Testing {
                        model: std::sync::Arc::new(n.model.clone()),
                        started,
                        written,
                        checks,
                        running: 0,
                        errors: BTreeMap::new(),
                    };
                    testing.insert(table.clone(), t);
                    None
                }
                Job::Tested(i, error) => {
                    let t = testing.get_mut(&table).expect("a model being tested");
                    t.running -= 1;
                    t.errors.extend(error.map(|e| (i, e)));
                    None
                }
            };
            // A model whose tests have all run (or that has none) is done.
            let tested = testing.get(&table).is_some_and(|t| t.running == 0 && t.checks.is_empty());
            let done = if done.is_none() && tested {
                let t = testing.remove(&table).expect("a model being tested");
                Some(if t.errors.is_empty() {
                    let reads = n.models.iter().chain(n.sources.iter()).cloned().collect();
                    outputs.insert(
                        table.clone(),
                        Committed {
                            key: self.keys[&table].clone(),
                            file: t.written.file,
                            size: t.written.size,
                            rows: t.written.rows,
                            model: n.model.file.path.clone(),
                            tests: tests_hash(n),
                            reads,
                        },
                    );
                    ModelRun {
                        table: table.clone(),
                        file: n.model.file.path.clone(),
                        status: if t.written.ran { Status::Ran } else { Status::Tested },
                        rows: t.written.rows,
                        elapsed: t.started.elapsed(),
                        repaired: repairs.remove(&table),
                    }
                } else {
                    stage_errors.extend(t.errors.into_values());
                    ModelRun::without_rows(n, Status::Failed)
                })
            } else {
                done
            };
            if let Some(run) = done {
                unfinished.remove(&table);
                finished.insert(table, run);
            }
            while let Some(run) = self.nodes.get(reported).and_then(|n| finished.remove(&n.model.table())) {
                report.record(progress, run);
                reported += 1;
            }
        }
        // What an earlier failure kept from starting.
        for n in &self.nodes[reported..] {
            let run = finished.remove(&n.model.table()).unwrap_or_else(|| ModelRun::without_rows(n, Status::Skipped));
            report.record(progress, run);
        }
        Ok((outputs, stage_errors))
    }
}

/// What one of a stage's tasks did.
enum Job {
    /// A model ran (or, to test only, counted its committed rows), since `Instant`.
    Wrote(Instant, Result<Written, Vec<AuthorError>>),
    /// The model's `usize`th test ran: its error if it failed.
    Tested(usize, Option<AuthorError>),
}

/// A model written, its tests running.
struct Testing {
    model: std::sync::Arc<model::Model>,
    started: Instant,
    written: Written,
    /// Its tests not started yet, by their place in its list.
    checks: Vec<(usize, checks::Check)>,
    running: usize,
    errors: BTreeMap<usize, AuthorError>,
}

/// Where a model's output goes.
enum Output {
    /// A new file of this run.
    New(String),
    /// Its committed file (only its tests run), and its size.
    Committed(String, Option<u64>),
}

/// What a model wrote: its file, size and rows; or, when only its tests run, its committed
/// file.
struct Written {
    ran: bool,
    file: String,
    size: Option<u64>,
    rows: u64,
}

/// Run one model and write its output into the cache, registered for later models and its
/// tests; or, when only its tests run, count its committed rows.
async fn write_model(engine: &Engine, root: &Path, node: &Node, output: Output) -> Result<Written, Vec<AuthorError>> {
    let table = node.model.table();
    let (schema, name) = (node.model.stage.as_str(), node.model.name.as_str());
    let run = matches!(output, Output::New(_));
    let (file, mut size) = match output {
        Output::New(file) => (file, None),
        Output::Committed(file, size) => (file, size),
    };
    let rows;
    if run {
        let problem = |e: &quire_engine::datafusion::error::DataFusionError| {
            let p = quire_engine::sql_problem(e, node.model.sql(), &engine.table_names());
            let (s, end) = p.range.unwrap_or((0, 0));
            vec![
                quire_core::Problem::new(p.message, quire_core::Span::new(s, end))
                    .label(format!("in model `{table}`"))
                    .maybe_help(p.help)
                    .in_file(&node.model.file),
            ]
        };
        let internal =
            |m: String| vec![quire_core::Problem::new(m, quire_core::Span::default()).in_file(&node.model.file)];
        // Written as it is computed: a model's rows are never all in memory at once.
        let stream = engine.stream(node.model.sql()).await.map_err(|e| problem(&e))?;
        let written = match write_stream(root, &file, stream).await {
            // A query whose operators cannot spill: again, without the bound.
            Err(Streamed::Query(e)) if Engine::out_of_memory(&e) => {
                let stream = engine.stream_unbounded(node.model.sql()).await.map_err(|e| problem(&e))?;
                write_stream(root, &file, stream).await
            }
            other => other,
        };
        let written = written.map_err(|e| match e {
            Streamed::Query(e) => problem(&e),
            Streamed::File(m) => internal(m),
        })?;
        rows = written.0;
        size = Some(written.1);
        // Later models and the checks read it from its file, as the build will.
        let table_name = TableName::new(schema, name);
        let path = root.join(CACHE).join(&file);
        engine
            .register_file(&table_name, &path, quire_engine::FileFormat::Parquet)
            .await
            .map_err(|e| internal(e.to_string()))?;
    } else {
        rows = engine
            .run(&format!("select count(*) from {}", checks::quoted(&table)))
            .await
            .ok()
            .and_then(|b| {
                use quire_engine::datafusion::arrow::array::{Array, Int64Array};
                b.first().and_then(|b| b.column(0).as_any().downcast_ref::<Int64Array>().map(|a| a.value(0) as u64))
            })
            .unwrap_or(0);
    }
    Ok(Written { ran: run, file, size, rows })
}

/// Why a model's stream could not be written.
enum Streamed {
    /// The query failed while it ran.
    Query(quire_engine::datafusion::error::DataFusionError),
    File(String),
}

/// `write_cache` (in `run`) for a query's stream of batches, a batch at a time: its rows and size.
/// A file left half-written by a failure is removed.
async fn write_stream(
    root: &Path,
    file: &str,
    mut stream: quire_engine::datafusion::execution::SendableRecordBatchStream,
) -> Result<(u64, u64), Streamed> {
    use futures::StreamExt;
    let path = root.join(CACHE).join(file);
    let fail = |e: std::io::Error| Streamed::File(format!("cannot write {}: {e}", path.display()));
    let parquet = |e: quire_engine::datafusion::error::DataFusionError| {
        Streamed::File(format!("cannot write `{file}` as Parquet: {e}"))
    };
    let f = std::fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(fail)?;
    let written = async {
        let mut writer = quire_engine::parquet_writer(std::io::BufWriter::new(f), stream.schema()).map_err(parquet)?;
        let mut rows = 0u64;
        while let Some(batch) = stream.next().await {
            let batch = batch.map_err(Streamed::Query)?;
            rows += batch.num_rows() as u64;
            writer.write(&batch).map_err(|e| parquet(e.into()))?;
        }
        let out = writer.into_inner().map_err(|e| parquet(e.into()))?;
        let f = out.into_inner().map_err(|e| fail(e.into_error()))?;
        f.sync_all().map_err(fail)?;
        let size = f.metadata().map_err(fail)?.len();
        Ok((rows, size))
    }
    .await;
    if written.is_err() {
        let _ = std::fs::remove_file(&path);
    }
    written
}

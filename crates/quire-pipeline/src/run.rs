//! Running the pipeline: keys, what is stale, stages run and committed one at a time.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

use quire_build::committed::{self, CACHE, Committed, FileHash, LOCK, MANIFEST, Manifest};
use quire_build::sources::{Server, SourceTable};
use quire_build::{BuildError, sources};
use quire_engine::datafusion::arrow::record_batch::RecordBatch;
use quire_engine::{Engine, TableName};
use sha2::{Digest, Sha256};

use crate::graph::{Graph, Node};
use crate::{checks, model};

/// How to run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// `model` runs that model; `model+` runs it and everything downstream. Models are
    /// named `stage.model` or, when the name is unique, `model`.
    pub select: Vec<String>,
    /// Run every model, whatever the cache says.
    pub full_refresh: bool,
}

/// What became of one model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Ran, and its tests passed.
    Ran,
    /// Its committed output is current.
    Cached,
    /// Its output was current but its tests changed: they ran again, and passed.
    Tested,
    /// It, or one of its tests, failed.
    Failed,
    /// It was to run, but an earlier failure stopped the run.
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ran => "ran",
            Status::Cached => "cached",
            Status::Tested => "tested",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ModelRun {
    pub table: String,
    pub file: String,
    pub status: Status,
    pub rows: u64,
    pub elapsed: Duration,
    /// Why a model whose key was current ran again: its committed file was damaged
    /// ("`.quire/cache/…` is empty").
    pub repaired: Option<String>,
}

impl ModelRun {
    /// A model that did not run: skipped, failed (no rows).
    pub(crate) fn without_rows(node: &Node, status: Status) -> ModelRun {
        ModelRun {
            table: node.model.table(),
            file: node.model.file.path.clone(),
            status,
            rows: 0,
            elapsed: Duration::ZERO,
            repaired: None,
        }
    }
}

/// What a run did: every model, in run order.
#[derive(Debug, Default)]
pub struct RunReport {
    pub models: Vec<ModelRun>,
    pub elapsed: Duration,
}

impl RunReport {
    pub(crate) fn record(&mut self, progress: &dyn Progress, run: ModelRun) {
        progress.finished(&run);
        self.models.push(run);
    }

    pub fn count(&self, status: Status) -> usize {
        self.models.iter().filter(|m| m.status == status).count()
    }
    /// Nothing ran: every output was current.
    pub fn nothing_to_do(&self) -> bool {
        self.models.iter().all(|m| m.status == Status::Cached)
    }
}

/// Told what happens while the pipeline runs (for progress displays).
pub trait Progress: Sync {
    /// `stale` of `total` models will run (or have their tests run).
    fn planned(&self, _total: usize, _stale: usize) {}
    fn started(&self, _table: &str) {}
    fn finished(&self, _run: &ModelRun) {}
}

/// No progress display.
pub struct Quiet;
impl Progress for Quiet {}

/// Run the pipeline of the project at `root`. The report lists every model even when the
/// run fails; the error says why.
pub fn run(root: &Path, options: &RunOptions, progress: &dyn Progress) -> (RunReport, Result<(), BuildError>) {
    let started = Instant::now();
    let mut report = RunReport::default();
    let result = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt.block_on(run_async(root, options, progress, &mut report)),
        Err(e) => Err(BuildError::Internal(format!("cannot start the query runtime: {e}"))),
    };
    report.elapsed = started.elapsed();
    (report, result)
}

/// The graph of the project's models (for `--dag` and the lineage page).
pub fn graph(root: &Path) -> Result<Graph, BuildError> {
    graph_over(root, &sources::discover(root)?)
}

fn graph_over(root: &Path, sources: &[SourceTable]) -> Result<Graph, BuildError> {
    let names: BTreeSet<String> = sources.iter().map(|s| s.name.to_string()).collect();
    let models = model::discover(root).map_err(BuildError::Author)?;
    crate::graph::plan(models, &names).map_err(BuildError::Author)
}

async fn run_async(
    root: &Path,
    options: &RunOptions,
    progress: &dyn Progress,
    report: &mut RunReport,
) -> Result<(), BuildError> {
    // `.quire/` is quire's: nothing in it is followed elsewhere.
    committed::refuse_links(root, &[".quire", CACHE, MANIFEST, LOCK, RUN_LOCK])?;
    // One run at a time per project: the lock is the operating system's, so a killed run
    // leaves none behind. Builds reading committed tables lock `.quire/lock`, not this.
    let dir = root.join(".quire");
    std::fs::create_dir_all(&dir).map_err(|e| BuildError::file(".quire", e))?;
    let lock = committed::open_lock(&root.join(RUN_LOCK)).map_err(|e| BuildError::file(RUN_LOCK, e))?;
    lock.lock().map_err(|e| BuildError::file(RUN_LOCK, format!("cannot lock it: {e}")))?;
    refuse_cache_links(root)?;
    let mut manifest = Manifest::load(root)?;
    // This run's files have names no other run's have: a re-run never writes over a
    // committed file, even with the same key.
    let run = run_id();
    let result = run_locked(root, options, progress, report, &mut manifest, &run).await;
    if result.is_err() {
        forget(root, &run);
    }
    result
}

async fn run_locked(
    root: &Path,
    options: &RunOptions,
    progress: &dyn Progress,
    report: &mut RunReport,
    manifest: &mut Manifest,
    this_run: &str,
) -> Result<(), BuildError> {
    // Settings first: a wrong one is wrong whether or not anything is stale.
    let settings = quire_build::load_config(root)?.pipeline.unwrap_or_default();
    if settings.partitions.is_some() && settings.engine.as_deref().is_some_and(|e| e != "datafusion") {
        return Err(BuildError::File {
            path: root.join("quire.toml"),
            message: "`partitions` splits models run in the process, and `engine` names a cluster".into(),
            help: Some(
                "leave `partitions` out: a Ballista cluster splits each query as its scheduler is configured".into(),
            ),
        });
    }
    let sources = sources::discover(root)?;
    let source_by_name: BTreeMap<String, &SourceTable> = sources.iter().map(|s| (s.name.to_string(), s)).collect();
    let graph = graph_over(root, &sources)?;
    let databases: BTreeSet<String> =
        sources.iter().filter(|t| t.database.is_some()).map(|t| t.name.to_string()).collect();
    let selected = select(&graph, &databases, &options.select)?;

    // Database tables: keyed by their query, where it runs, and their freshness answer.
    let mut keys: BTreeMap<String, String> = BTreeMap::new();
    // Models whose key is current but whose committed file is damaged: why they run again.
    let mut repairs: BTreeMap<String, String> = BTreeMap::new();
    let mut fetch: Vec<&SourceTable> = Vec::new();
    let mut files = manifest.files.clone();
    for t in sources.iter().filter(|t| t.database.is_some()) {
        let Some(db) = &t.database else { continue };
        let name = t.name.to_string();
        let mut h = Sha256::new();
        match &db.server {
            Server::Postgres(d) => {
                h.update(format!(
                    "quire {}\ndatabase {} {}:{}/{}\nsql {}\n",
                    env!("CARGO_PKG_VERSION"),
                    d.kind,
                    d.host,
                    d.port,
                    d.database.as_deref().unwrap_or(""),
                    db.file.text.trim()
                ));
                if let Some(q) = &db.cache {
                    let fresh = crate::postgres::freshness(d, q).await.map_err(|e| fetch_error(t, e))?;
                    h.update(format!("fresh {fresh}\n"));
                }
            }
            // In-process: the query, and every file of the source's folder (the database
            // file, and the files an in-memory database's queries read).
            Server::DuckDb { folder, .. } | Server::Sqlite { folder, .. } => {
                let kind = if matches!(db.server, Server::Sqlite { .. }) { "sqlite" } else { "duckdb" };
                h.update(format!("quire {}\n{kind}\nsql {}\n", env!("CARGO_PKG_VERSION"), db.file.text.trim()));
                let mut entries: Vec<std::path::PathBuf> = std::fs::read_dir(folder)
                    .map_err(|e| BuildError::file(folder, e))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.is_file())
                    .collect();
                entries.sort();
                for p in entries {
                    let sha = file_hash(root, &p, &mut files)?;
                    h.update(format!(
                        "file {} {sha}\n",
                        p.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
                    ));
                }
            }
        }
        let key = hex(&h.finalize());
        let current = manifest.tables.get(&name).is_some_and(|c| c.key == key && intact(root, c, &mut repairs, &name));
        if options.full_refresh || selected.contains(&name) || !current {
            fetch.push(t);
        }
        keys.insert(name, key);
    }

    // Keys, in run order so that upstream keys are known.
    for node in &graph.nodes {
        let mut h = Sha256::new();
        h.update(format!(
            "quire {}\nmodel {}\nsql {}\n",
            env!("CARGO_PKG_VERSION"),
            node.model.table(),
            node.normalized
        ));
        if let Some(v) = &node.model.config.version {
            h.update(format!("version {v}\n"));
        }
        for m in &node.models {
            h.update(format!("reads {m} {}\n", keys[m]));
        }
        for s in &node.sources {
            let t = source_by_name[s];
            let content = match keys.get(s) {
                Some(db_key) => db_key.clone(),
                None => file_hash(root, &t.path, &mut files)?,
            };
            // How the file is read is part of what it holds.
            let content = match &t.format {
                sources::Format::Csv(o) if *o != quire_engine::CsvOptions::default() => format!("{content} {o:?}"),
                _ => content,
            };
            h.update(format!("source {s} {content}\n"));
        }
        keys.insert(node.model.table(), hex(&h.finalize()));
    }

    // What is stale.
    let mut to_run: BTreeSet<String> = BTreeSet::new();
    let mut to_test: BTreeSet<String> = BTreeSet::new();
    for node in &graph.nodes {
        let table = node.model.table();
        let committed = manifest.tables.get(&table);
        let current = committed.is_some_and(|c| c.key == keys[&table] && intact(root, c, &mut repairs, &table));
        if options.full_refresh || selected.contains(&table) || !current {
            to_run.insert(table);
        } else if committed.is_some_and(|c| c.tests != tests_hash(node)) {
            to_test.insert(table);
        }
    }
    // A fetched database table makes every model reading it stale through its key.
    progress.planned(graph.nodes.len() + fetch.len(), to_run.len() + to_test.len() + fetch.len());
    // Models that will not run are cached; say so now, so the report is whole on failure.
    for node in &graph.nodes {
        let table = node.model.table();
        if !to_run.contains(&table) && !to_test.contains(&table) {
            let run = ModelRun {
                table: table.clone(),
                file: node.model.file.path.clone(),
                status: Status::Cached,
                rows: manifest.tables.get(&table).map_or(0, |c| c.rows),
                elapsed: Duration::ZERO,
                repaired: None,
            };
            progress.finished(&run);
            report.models.push(run);
        }
    }
    for t in sources.iter().filter(|t| t.database.is_some() && !fetch.iter().any(|f| f.name == t.name)) {
        let name = t.name.to_string();
        let run = ModelRun {
            table: name.clone(),
            file: t.database.as_ref().map(|d| d.file.path.clone()).unwrap_or_default(),
            status: Status::Cached,
            rows: manifest.tables.get(&name).map_or(0, |c| c.rows),
            elapsed: Duration::ZERO,
            repaired: None,
        };
        progress.finished(&run);
        report.models.insert(0, run);
    }
    if to_run.is_empty() && to_test.is_empty() && fetch.is_empty() {
        if files != manifest.files {
            manifest.files = files;
            commit(root, manifest, this_run)?;
        }
        // What killed runs left behind.
        sweep(root, manifest, &graph, this_run);
        return Ok(());
    }

    // Models at once (the machine's cores unless set): see the stage loop below.
    let threads = settings
        .threads
        .map_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get), std::num::NonZero::get);
    // (`QUIRE_MEMORY_LIMIT` lowers the bound for tests.)
    let memory = std::env::var("QUIRE_MEMORY_LIMIT").ok().and_then(|v| v.parse().ok()).unwrap_or(MEMORY);
    let bounded = |e: Engine| e.with_memory_limit(memory).map_err(|e| BuildError::Internal(e.to_string()));
    let engine = match settings.engine.as_deref() {
        // A model split into parts, when asked: faster, its rows in no fixed order.
        None | Some("datafusion") if settings.partitions.is_some_and(|p| p > 1) => {
            bounded(Engine::with_partitions(settings.partitions.unwrap_or(1)))?
        }
        None | Some("datafusion") => bounded(Engine::new())?,
        // A cluster's executors read files, as every model is registered.
        Some(url) => crate::cluster::connect(url).await?,
    };
    let mut registered: BTreeSet<String> = BTreeSet::new();
    std::fs::create_dir_all(root.join(CACHE)).map_err(|e| BuildError::file(root.join(CACHE), e))?;
    // Database tables first, committed together: the models read them from the cache.
    if !fetch.is_empty() {
        for t in &fetch {
            let started = Instant::now();
            let name = t.name.to_string();
            progress.started(&name);
            let Some(db) = &t.database else { continue };
            let (schema, batches) = match &db.server {
                Server::Postgres(d) => crate::postgres::fetch(d, &db.file.text).await,
                Server::DuckDb { file, .. } => crate::duckdb::fetch(file.as_deref(), root, &db.file.text),
                Server::Sqlite { file, .. } => crate::sqlite::fetch(file, &db.file.text),
            }
            .map_err(|e| fetch_error(t, e))?;
            let rows = batches.iter().map(|b| b.num_rows() as u64).sum();
            let key = &keys[&name];
            let file = cache_name(&name, key, this_run);
            let size = write_cache(root, &file, schema, &batches).map_err(|m| BuildError::File {
                path: db.file.path.clone().into(),
                message: m,
                help: None,
            })?;
            manifest.tables.insert(
                name.clone(),
                Committed {
                    key: key.clone(),
                    file,
                    size: Some(size),
                    rows,
                    model: db.file.path.clone(),
                    tests: String::new(),
                    reads: Vec::new(),
                },
            );
            let repaired = repairs.remove(&name);
            let run = ModelRun {
                table: name,
                file: db.file.path.clone(),
                status: Status::Ran,
                rows,
                elapsed: started.elapsed(),
                repaired,
            };
            progress.finished(&run);
            report.models.push(run);
        }
        manifest.files = files.clone();
        manifest.quire = env!("CARGO_PKG_VERSION").to_string();
        commit(root, manifest, this_run)?;
    }
    let mut failed: Option<BuildError> = None;
    for stage in &graph.stages {
        let nodes: Vec<&Node> = graph
            .nodes
            .iter()
            .filter(|n| &n.model.stage == stage)
            .filter(|n| to_run.contains(&n.model.table()) || to_test.contains(&n.model.table()))
            .collect();
        if nodes.is_empty() {
            continue;
        }
        if failed.is_some() {
            for n in nodes {
                report.record(progress, ModelRun::without_rows(n, Status::Skipped));
            }
            continue;
        }
        // What the stage reads that it does not make: sources, and committed models.
        let mut needs: BTreeSet<String> = BTreeSet::new();
        for n in &nodes {
            needs.extend(n.sources.iter().cloned());
            needs.extend(n.models.iter().filter(|m| !to_run.contains(*m)).cloned());
            needs.extend(checks::reads(n));
            if to_test.contains(&n.model.table()) {
                needs.insert(n.model.table());
            }
        }
        for name in needs {
            if registered.contains(&name) {
                continue;
            }
            if let Some(s) = source_by_name.get(&name).filter(|s| s.database.is_none()) {
                sources::register(&engine, std::slice::from_ref(*s), root).await?;
            } else if let Some(c) = manifest.tables.get(&name) {
                let (schema, table) = name.split_once('.').unwrap_or(("", &name));
                engine
                    .register_file(
                        &TableName::new(schema, table),
                        &Manifest::path(root, c),
                        quire_engine::FileFormat::Parquet,
                    )
                    .await
                    .map_err(|e| BuildError::File {
                        path: Path::new(CACHE).join(&c.file),
                        message: format!("cannot read the committed table `{name}`: {e}"),
                        help: Some(format!("run `quire run --select {name}+` to make it again")),
                    })?;
            }
            registered.insert(name);
        }

        let stage = crate::stage::Stage {
            nodes: &nodes,
            committed: &manifest.tables,
            to_run: &to_run,
            keys: &keys,
            run: this_run,
            threads,
        };
        let (outputs, stage_errors) = stage.run(&engine, root, progress, report, &mut repairs).await?;
        registered.extend(outputs.keys().cloned());
        if !stage_errors.is_empty() {
            failed = Some(BuildError::Author(stage_errors));
            continue;
        }
        // Every model and test of the stage passed: commit it, all at once.
        manifest.tables.extend(outputs);
        manifest.files = files.clone();
        manifest.quire = env!("CARGO_PKG_VERSION").to_string();
        commit(root, manifest, this_run)?;
    }
    if let Some(e) = failed {
        return Err(e);
    }
    sweep(root, manifest, &graph, this_run);
    Ok(())
}

/// Memory the pipeline's queries may hold before sorts and aggregates spill to temporary
/// files (a query that cannot spill runs again without the bound).
const MEMORY: usize = 1 << 30;

/// Write a table into the cache as Parquet, under a name of this run's (so never over a
/// committed file), and make it durable before any manifest names it. Returns its size.
fn write_cache(
    root: &Path,
    file: &str,
    schema: quire_engine::datafusion::arrow::datatypes::SchemaRef,
    batches: &[RecordBatch],
) -> Result<u64, String> {
    use std::io::Write;
    let bytes =
        quire_engine::encode_parquet(schema, batches).map_err(|e| format!("cannot write `{file}` as Parquet: {e}"))?;
    let path = root.join(CACHE).join(file);
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    // `create_new`: nothing there is overwritten, and no link is followed.
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(fail)?;
    f.write_all(&bytes).and_then(|()| f.sync_all()).map_err(|e| {
        let _ = std::fs::remove_file(&path);
        fail(e)
    })?;
    Ok(bytes.len() as u64)
}

/// `<table>.<key>.<run>.parquet`: see [`committed::is_cache_name`].
pub(crate) fn cache_name(table: &str, key: &str, run: &str) -> String {
    format!("{table}.{}.{run}.parquet", &key[..16])
}

/// 8 hex digits no other run of this project is likely to have: the process, the time, and
/// the standard library's per-process random hash seed.
fn run_id() -> String {
    use std::hash::BuildHasher;
    let mut h = Sha256::new();
    h.update(std::process::id().to_le_bytes());
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    h.update(now.to_le_bytes());
    h.update(std::collections::hash_map::RandomState::new().hash_one(now).to_le_bytes());
    hex(&h.finalize()[..4])
}

/// Whether a committed file is whole: there, a plain file, the size the manifest recorded,
/// with Parquet's magic at both ends and a footer that fits. If not, say why in `repairs`:
/// the model runs again.
fn intact(root: &Path, c: &Committed, repairs: &mut BTreeMap<String, String>, table: &str) -> bool {
    match damage(root, c) {
        None => true,
        Some(why) => {
            repairs.insert(table.to_string(), format!("its committed file {CACHE}/{} {why}", c.file));
            false
        }
    }
}

fn damage(root: &Path, c: &Committed) -> Option<String> {
    use std::io::{Read, Seek, SeekFrom};
    let path = Manifest::path(root, c);
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Some("is missing".into()),
        Err(e) => return Some(format!("cannot be read ({e})")),
    };
    let len = meta.len();
    if !meta.is_file() {
        return Some("is not a file".into());
    }
    if let Some(size) = c.size
        && size != len
    {
        return Some(format!("has {len} bytes where {size} were committed"));
    }
    if len < 12 {
        return Some(format!("has {len} bytes, too few for Parquet"));
    }
    // `PAR1`, the data, the footer, the footer's length (4 bytes), `PAR1`.
    let ends = || -> std::io::Result<([u8; 4], [u8; 8])> {
        let mut f = std::fs::File::open(&path)?;
        let (mut head, mut tail) = ([0u8; 4], [0u8; 8]);
        f.read_exact(&mut head)?;
        f.seek(SeekFrom::End(-8))?;
        f.read_exact(&mut tail)?;
        Ok((head, tail))
    };
    match ends() {
        Err(e) => Some(format!("cannot be read ({e})")),
        Ok((head, tail)) => {
            let footer = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
            (&head != b"PAR1" || &tail[4..] != b"PAR1" || footer + 12 > len)
                .then(|| "is not a whole Parquet file (its footer is missing or cut)".into())
        }
    }
}

fn fetch_error(t: &SourceTable, e: crate::postgres::FetchError) -> BuildError {
    let Some(db) = &t.database else { return BuildError::Internal("not a database table".into()) };
    match e {
        crate::postgres::FetchError::Connect(message) => BuildError::File {
            path: Path::new("sources").join(&t.name.schema).join("connection.yaml"),
            message,
            help: Some(match db.server {
                Server::Postgres(_) => format!(
                    "is the server running there? The user comes from `user:` or PGUSER, the password from {}",
                    "PGPASSWORD (or the variable `password_env:` names)"
                ),
                Server::DuckDb { .. } | Server::Sqlite { .. } => {
                    "check `options: filename:` and the database file".to_string()
                }
            }),
        },
        crate::postgres::FetchError::Query(p) => {
            BuildError::Author(vec![p.label(format!("fetching `{}`", t.name)).in_file(&db.file)])
        }
    }
}

/// The models `--select` names: `a` is `a`, `a+` is `a` and its downstream.
fn select(graph: &Graph, databases: &BTreeSet<String>, select: &[String]) -> Result<BTreeSet<String>, BuildError> {
    let mut out = BTreeSet::new();
    for s in select {
        let (name, plus) = match s.strip_suffix('+') {
            Some(n) => (n, true),
            None => (s.as_str(), false),
        };
        // A database table: fetched again, and with `+` what reads it runs again.
        if databases.contains(name) {
            out.insert(name.to_string());
            if plus {
                for n in graph.nodes.iter().filter(|n| n.sources.contains(name)) {
                    out.extend(graph.downstream(&n.model.table()));
                }
            }
            continue;
        }
        let matches: Vec<String> = graph
            .nodes
            .iter()
            .map(|n| n.model.table())
            .filter(|t| t == name || t.rsplit_once('.').is_some_and(|(_, m)| m == name))
            .collect();
        let table = match matches.as_slice() {
            [one] => one.clone(),
            [] => {
                let all: Vec<String> = graph.nodes.iter().map(|n| n.model.table()).collect();
                let near = all.iter().min_by_key(|t| strsim::levenshtein(t, name)).cloned();
                return Err(BuildError::File {
                    path: "pipeline".into(),
                    message: format!("`--select {s}`: there is no model `{name}`"),
                    help: Some(match near {
                        Some(n) => {
                            format!("did you mean `{n}`? models are named stage.model (pipeline/<stage>/<model>.sql)")
                        }
                        None => "the project has no models yet: add pipeline/<stage>/<model>.sql".into(),
                    }),
                });
            }
            many => {
                return Err(BuildError::File {
                    path: "pipeline".into(),
                    message: format!("`--select {s}`: several models are named `{name}`: {}", many.join(", ")),
                    help: Some("name it with its stage: --select stage.model".into()),
                });
            }
        };
        if plus {
            out.extend(graph.downstream(&table))
        } else {
            out.insert(table);
        }
    }
    Ok(out)
}

pub(crate) fn tests_hash(node: &Node) -> String {
    hex(&Sha256::digest(format!("{:?}", node.model.config.tests).as_bytes())[..8])
}

/// A source file's content hash, read again only when its size or time changed.
fn file_hash(root: &Path, path: &Path, files: &mut BTreeMap<String, FileHash>) -> Result<String, BuildError> {
    let rel = path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/");
    let meta = std::fs::metadata(path).map_err(|e| BuildError::file(&rel, e))?;
    let modified =
        meta.modified().ok().and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos());
    if let Some(h) = files.get(&rel)
        && h.size == meta.len()
        && h.modified == modified
    {
        return Ok(h.sha256.clone());
    }
    let mut file = std::fs::File::open(path).map_err(|e| BuildError::file(&rel, e))?;
    let mut h = Sha256::new();
    std::io::copy(&mut file, &mut h).map_err(|e| BuildError::file(&rel, e))?;
    let sha = hex(&h.finalize());
    files.insert(rel, FileHash { size: meta.len(), modified, sha256: sha.clone() });
    Ok(sha)
}

/// One run at a time per project.
const RUN_LOCK: &str = ".quire/run.lock";

/// Refuse a link anywhere in `.quire/cache/`: quire writes and deletes there.
fn refuse_cache_links(root: &Path) -> Result<(), BuildError> {
    let Ok(entries) = std::fs::read_dir(root.join(CACHE)) else { return Ok(()) };
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_symlink()) {
            let rel = format!("{CACHE}/{}", entry.file_name().to_string_lossy());
            committed::refuse_links(root, &[&rel])?;
        }
    }
    Ok(())
}

/// Make a folder's entries durable: a file created or renamed in it is there after a power
/// cut. (Windows cannot open a folder as a file; NTFS journals its metadata.)
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    if cfg!(unix) { std::fs::File::open(dir)?.sync_all() } else { Ok(()) }
}

/// Write the manifest beside and rename it over the old one: readers see the old state or
/// the new, never half of one. The files it names, and the folders naming them, reach the
/// disk first; the rename reaches it before this returns.
fn commit(root: &Path, manifest: &Manifest, run: &str) -> Result<(), BuildError> {
    let dir = root.join(".quire");
    let path = root.join(MANIFEST);
    let tmp = dir.join(format!("manifest.json.{run}.tmp"));
    let text = serde_json::to_string_pretty(manifest).map_err(|e| BuildError::Internal(e.to_string()))?;
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        if root.join(CACHE).is_dir() {
            sync_dir(&root.join(CACHE))?;
        }
        sync_dir(&dir)?;
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        sync_dir(&dir)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        BuildError::file(MANIFEST, e)
    })
}

/// `manifest.json.<run>.tmp`: a manifest a killed run never renamed (also `<pid>`, as older
/// quire versions named it).
fn is_manifest_tmp(name: &str) -> bool {
    name.strip_prefix("manifest.json.")
        .and_then(|n| n.strip_suffix(".tmp"))
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// After a failed run: remove this run's files that no manifest names (a stage that did
/// not commit). No build can have read them, so no lock is needed.
fn forget(root: &Path, run: &str) {
    let Ok(manifest) = Manifest::load(root) else { return };
    let keep: BTreeSet<&str> = manifest.tables.values().map(|c| c.file.as_str()).collect();
    let Ok(entries) = std::fs::read_dir(root.join(CACHE)) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = name.ends_with(&format!(".{run}.parquet")) && committed::is_cache_name(&name);
        if ours && !keep.contains(name.as_str()) && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Remove cache files no model's committed output names, and temporary files of runs that
/// were killed: only names quire makes, never anything else an author keeps there. Tables
/// of models that no longer exist leave the manifest too. Deletes only under the exclusive
/// lock on `.quire/lock`, so waits until no build is reading committed tables (and takes
/// no lock when there is nothing to delete).
fn sweep(root: &Path, manifest: &Manifest, graph: &Graph, run: &str) {
    let mut manifest = manifest.clone();
    let before = manifest.tables.len();
    manifest.tables.retain(|t, c| graph.node(t).is_some() || c.model.starts_with("sources/"));
    let garbage = |manifest: &Manifest| {
        let keep: BTreeSet<&str> = manifest.tables.values().map(|c| c.file.as_str()).collect();
        let mut doomed = Vec::new();
        let mut scan = |dir: &Path, ours: &dyn Fn(&str) -> bool| {
            let Ok(entries) = std::fs::read_dir(dir) else { return };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if ours(&name) && entry.file_type().is_ok_and(|t| t.is_file()) {
                    doomed.push(entry.path());
                }
            }
        };
        scan(&root.join(".quire"), &is_manifest_tmp);
        scan(&root.join(CACHE), &|name| committed::is_cache_name(name) && !keep.contains(name));
        doomed
    };
    if manifest.tables.len() == before && garbage(&manifest).is_empty() {
        return;
    }
    let Ok(lock) = committed::open_lock(&root.join(LOCK)) else { return };
    if lock.lock().is_err() {
        return;
    }
    if manifest.tables.len() != before && commit(root, &manifest, run).is_err() {
        return;
    }
    for path in garbage(&manifest) {
        let _ = std::fs::remove_file(path);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

//! Shipping answers, not rows: which live queries run in the browser on a rollup (see
//! `quire_engine::rollup`), made here from the source at the grain the queries need, and
//! proved before it ships: the query on the rollup and the query on the source give the same
//! result natively at the page's defaults and in a seeded sample of other input states.
//! A query that cannot be rolled up, or whose proof fails, reads the source's rows in the
//! browser as before; `quire build --verbose` says which and why.

use std::collections::{BTreeMap, BTreeSet};

use datafusion::arrow::record_batch::RecordBatch;
use quire_core::Page;
use quire_core::chain;
use quire_core::inputs::{self, InputKind, InputState};
use quire_engine::rollup::{self, Need, Rollup};
use quire_engine::{Engine, PageRun, TableName};

use crate::project::Project;

/// A rollup is kept only if it has at most this share of its source's rows.
const MOST_OF_SOURCE: f64 = 0.5;

/// Other input states each proof runs, besides the defaults.
const SAMPLED_STATES: usize = 6;

/// Over this many rows, the other states are proved on a sample of the source of about
/// [`SAMPLE_ROWS`] rows (every k-th row), and its rollups: the rewrite is the same in every
/// state, and the defaults are proved on all rows. (`QUIRE_SAMPLE_ABOVE` lowers it for tests.)
const SAMPLE_ABOVE: u64 = 1_000_000;
const SAMPLE_ROWS: u64 = 200_000;

/// The rows over which a source is proved on a sample, and the rows of its sample (a lower
/// bar, set for tests, samples fewer rows too).
pub(crate) fn sample_bar() -> (u64, u64) {
    let above = std::env::var("QUIRE_SAMPLE_ABOVE").ok().and_then(|v| v.parse().ok()).unwrap_or(SAMPLE_ABOVE);
    (above, SAMPLE_ROWS.min(above / 5).max(1))
}

/// What became of one live query.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub query: String,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// It runs on these rollups (table, rows) in the browser; proved in `states` states,
    /// all but the defaults on a sample of `sample` rows if there is one.
    Rolled { rollups: Vec<(String, u64)>, source_rows: u64, states: usize, sample: Option<u64> },
    /// It reads the source's rows, for this reason.
    Rows(String),
}

/// A page's rollups: the ones its proved queries read, those queries, and every live
/// query's outcome.
#[derive(Debug, Default)]
pub(crate) struct Planned {
    pub(crate) rollups: Vec<Rollup>,
    /// Each proved query, with its SQL at the defaults rewritten for `rollups`.
    pub(crate) rolled: BTreeMap<String, String>,
    pub(crate) decisions: Vec<Decision>,
}

impl Planned {
    /// Every query of `queries` reads rows, for the same reason: nothing else is planned.
    fn all_rows<'q>(mut self, queries: impl Iterator<Item = &'q &'q str>, why: &str) -> Planned {
        for q in queries {
            self.decisions.push(Decision { query: q.to_string(), outcome: Outcome::Rows(why.to_string()) });
        }
        self
    }
}

/// Decide, make and prove the rollups of a page whose live queries are `live`.
pub(crate) async fn plan(
    engine: &Engine,
    project: &Project,
    page: &Page,
    run: &PageRun,
    live: &BTreeSet<String>,
    seed: &str,
) -> Planned {
    let mut out = Planned::default();
    if live.is_empty() {
        return out;
    }
    let aggregates = engine.aggregate_names();
    let sources = sources_read(engine, project, run, live).await;
    let page_inputs = inputs::inputs(page);
    // What each live query needs, or why it cannot have it.
    let mut needs: BTreeMap<&str, Vec<Need>> = BTreeMap::new();
    for q in live {
        let expanded = &run.expanded[q];
        let reads_grid = page_inputs
            .iter()
            .any(|i| matches!(i.kind, InputKind::DimensionGrid | InputKind::Map) && expanded.inputs.contains(&i.name));
        let why = if reads_grid {
            Err("it reads a grid or a map, whose states rollups are not proved for".to_string())
        } else {
            rollup::needs(&expanded.sql, &sources, &aggregates)
        };
        match why {
            Ok(n) if n.is_empty() => {}
            Ok(n) => {
                needs.insert(q, n);
            }
            Err(why) => out.decisions.push(Decision { query: q.clone(), outcome: Outcome::Rows(why) }),
        }
    }
    let Made { made, too_big, source_rows } =
        match make_rollups(engine, needs.values().flatten(), BTreeMap::new()).await {
            Ok(m) => m,
            Err(e) => return out.all_rows(needs.keys(), &e),
        };
    // Large sources: a sample of their rows, and the same rollups of it, for the states
    // besides the defaults.
    let mut samples = Samples::default();
    let (above, rows) = sample_bar();
    for (source, total) in &source_rows {
        if *total > above && made.iter().any(|r| &r.source == source) {
            match sample(engine, source, *total, rows, &made).await {
                Ok((table, rows, sampled)) => {
                    samples.sources.push((source.clone(), table, rows));
                    samples.rollups.extend(sampled);
                }
                Err(e) => return out.all_rows(needs.keys(), &format!("sampling its table failed: {e}")),
            }
        }
    }
    for (q, n) in &needs {
        if let Some((r, rows, total)) = too_big.iter().find(|(r, ..)| n.iter().any(|n| r.covers(n))) {
            let grain: Vec<String> = r
                .dims
                .iter()
                .map(|d| match &d.trunc {
                    Some(t) => format!("{} by {t}", d.column),
                    None => d.column.clone(),
                })
                .collect();
            let why = format!(
                "a rollup by ({}) would have {rows} of the {total} rows of `{}.{}`",
                grain.join(", "),
                r.source.schema,
                r.source.table
            );
            out.decisions.push(Decision { query: q.to_string(), outcome: Outcome::Rows(why) });
            continue;
        }
        match prove(engine, page, run, q, &made, &samples, &aggregates, &page_inputs, seed).await {
            Ok((states, sql)) => {
                let used: Vec<&Rollup> = n.iter().filter_map(|need| Rollup::choose(&made, need)).collect();
                let total = used.first().and_then(|r| source_rows.get(&r.source)).copied().unwrap_or(0);
                let sample = samples
                    .sources
                    .iter()
                    .filter(|(s, ..)| used.iter().any(|r| &r.source == s))
                    .map(|(.., rows)| *rows)
                    .max();
                out.decisions.push(Decision {
                    query: q.to_string(),
                    outcome: Outcome::Rolled {
                        rollups: used.iter().map(|r| (r.table.clone(), r.rows)).collect(),
                        source_rows: total,
                        states,
                        sample,
                    },
                });
                out.rolled.insert(q.to_string(), sql);
            }
            Err(why) => out.decisions.push(Decision { query: q.to_string(), outcome: Outcome::Rows(why) }),
        }
    }
    // The browser gets the rollups the proved queries read, in the order the proof saw
    // them, so that it picks the same one for each need.
    out.rollups = made
        .iter()
        .filter(|r| {
            out.rolled.keys().any(|q| needs[q.as_str()].iter().any(|need| Rollup::choose(&made, need) == Some(*r)))
        })
        .cloned()
        .collect();
    out.decisions.sort_by(|a, b| a.query.cmp(&b.query));
    out
}

/// The rollups made for some needs: one per source and grain, with every measure wanted at
/// that grain.
#[derive(Default)]
pub(crate) struct Made {
    /// Registered in the engine, each at most [`MOST_OF_SOURCE`] of its source's rows.
    pub(crate) made: Vec<Rollup>,
    /// Those over the bar (not registered), with their rows and their source's.
    pub(crate) too_big: Vec<(Rollup, u64, u64)>,
    /// How many rows each source read has.
    pub(crate) source_rows: BTreeMap<rollup::Source, u64>,
}

/// Make the rollups `needs` want (`source_rows`: the sources already counted); an error
/// says why none could be made.
pub(crate) async fn make_rollups<'n>(
    engine: &Engine,
    needs: impl Iterator<Item = &'n Need>,
    source_rows: BTreeMap<rollup::Source, u64>,
) -> Result<Made, String> {
    let mut grains: BTreeMap<(rollup::Source, Vec<rollup::Dim>), Vec<&Need>> = BTreeMap::new();
    for n in needs {
        grains.entry((n.source.clone(), Rollup::grain(n))).or_default().push(n);
    }
    let mut out = Made { source_rows, ..Made::default() };
    let mut defined = Vec::new();
    for ((source, _), group) in &grains {
        let from = TableName::new(&source.schema, &source.table).quoted();
        let mut floats = BTreeSet::new();
        for (agg, arg) in group.iter().flat_map(|n| &n.measures) {
            if *agg == rollup::Agg::Sum && is_float(engine, arg, &from).await {
                floats.insert(arg.clone());
            }
        }
        let Some(r) = Rollup::define(group, &floats) else { continue };
        let total = match out.source_rows.get(source) {
            Some(n) => *n,
            None => {
                let n = count(engine, &from).await.unwrap_or(0);
                out.source_rows.insert(source.clone(), n);
                n
            }
        };
        defined.push((r, total));
    }
    // Each rollup is a scan of its source: they run side by side.
    let made = made_side_by_side(engine, defined.iter().map(|(r, _)| r)).await;
    for ((mut r, total), rows) in defined.into_iter().zip(made) {
        match rows {
            Ok(rows) if (rows as f64) <= MOST_OF_SOURCE * total as f64 => {
                r.rows = rows;
                out.made.push(r);
            }
            Ok(rows) => out.too_big.push((r, rows, total)),
            Err(e) => return Err(format!("making its rollup failed: {e}")),
        }
    }
    Ok(out)
}

/// [`make`] each of `rollups`, side by side where the engine can; their rows.
async fn made_side_by_side<'r>(engine: &Engine, rollups: impl Iterator<Item = &'r Rollup>) -> Vec<Result<u64, String>> {
    let jobs = rollups
        .map(|r| {
            let (engine, r) = (engine.clone(), r.clone());
            async move { make(&engine, &r).await }
        })
        .collect();
    engine.side_by_side(jobs).await
}

/// The project's sources that the live queries read, as rollups describe them.
pub(crate) async fn sources_read(
    engine: &Engine,
    project: &Project,
    run: &PageRun,
    live: &BTreeSet<String>,
) -> Vec<rollup::Source> {
    let mut read: BTreeSet<&TableName> = BTreeSet::new();
    for q in live {
        for r in engine.tables_read(&run.expanded[q].sql).unwrap_or_default() {
            for s in &project.sources {
                let same = r.table() == s.name.table && r.schema().is_none_or(|schema| schema == s.name.schema);
                if same {
                    read.insert(&s.name);
                }
            }
        }
    }
    let mut out = Vec::new();
    for name in read {
        let Ok(batches) = engine.run(&format!("select * from {} limit 0", name.quoted())).await else { continue };
        let Some(schema) = batches.first().map(|b| b.schema()) else { continue };
        out.push(rollup::Source {
            schema: name.schema.clone(),
            table: name.table.clone(),
            bare: engine.schemas_with_table(&name.table).len() == 1,
            columns: schema.fields().iter().map(|f| f.name().clone()).collect(),
        });
    }
    out
}

/// Whether `arg` over `from` is a floating-point number.
async fn is_float(engine: &Engine, arg: &str, from: &str) -> bool {
    let Ok(batches) = engine.run(&format!("select {arg} from {from} limit 0")).await else { return false };
    batches.first().is_some_and(|b| b.schema().field(0).data_type().is_floating())
}

pub(crate) async fn count(engine: &Engine, from: &str) -> Result<u64, String> {
    let batches = engine.run(&format!("select count(*) from {from}")).await.map_err(|e| e.to_string())?;
    let table = quire_engine::to_table(&batches).map_err(|e| e.to_string())?;
    match table.rows.first().and_then(|r| r.first()) {
        Some(quire_core::Cell::Int(n)) => Ok(u64::try_from(*n).unwrap_or(0)),
        _ => Err("no count".into()),
    }
}

/// Make `r` from its source and register it (once per engine; its name is its definition);
/// its rows.
async fn make(engine: &Engine, r: &Rollup) -> Result<u64, String> {
    let sql = r.sql();
    make_table(engine, &TableName::new(rollup::SCHEMA, &r.table), engine.run(&sql)).await
}

/// `rows` as table `name`, unless the engine has it (another page made it: `rows` is not
/// run); its rows.
async fn make_table(
    engine: &Engine,
    name: &TableName,
    rows: impl std::future::Future<Output = datafusion::error::Result<Vec<RecordBatch>>>,
) -> Result<u64, String> {
    let exists = || engine.context().table_exist(name.quoted().as_str()).unwrap_or(false);
    if exists() {
        return count(engine, &name.quoted()).await;
    }
    let batches = rows.await.map_err(|e| e.to_string())?;
    let rows = batches.iter().map(|b| b.num_rows() as u64).sum();
    // Another page may have made the same one meanwhile: the same rows, either will do.
    match engine.register_new(name, batches) {
        Ok(()) => Ok(rows),
        Err(_) if exists() => Ok(rows),
        Err(e) => Err(e.to_string()),
    }
}

/// Samples of large sources, as `quire_rollups."sample of ..."` tables, with rollups of them.
#[derive(Default)]
struct Samples {
    /// Each sampled source, its sample's table and rows.
    sources: Vec<(rollup::Source, String, u64)>,
    rollups: Vec<Rollup>,
}

/// Every k-th row of `source` (in the order one partition reads them), of the columns
/// `made`'s rollups read, as a table, and `made`'s rollups of it; its rows.
pub(crate) async fn sample(
    engine: &Engine,
    source: &rollup::Source,
    total: u64,
    target: u64,
    made: &[Rollup],
) -> Result<(String, u64, Vec<Rollup>), String> {
    // Only the columns the rollups read: a query they answer reads no other (a scan of
    // four columns of a hundred million rows, not eight). Named by them: another page's
    // rollups of the same table may read others.
    let mut read: BTreeSet<String> = BTreeSet::new();
    for r in made.iter().filter(|r| &r.source == source) {
        let columns = engine.columns_read(&r.sql(), &[]).await.map_err(|e| e.to_string())?;
        read.extend(columns.into_values().flatten());
    }
    let mut kept: Vec<&String> = source.columns.iter().filter(|c| read.contains(*c)).collect();
    if kept.is_empty() {
        kept.extend(source.columns.first());
    }
    let cols: Vec<String> = kept.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
    let digest = sha2::Digest::finalize(sha2::Digest::chain_update(sha2::Sha256::default(), cols.join(",")));
    let table = format!("sample of {}.{} {}", source.schema, source.table, crate::compile::hex(&digest[..6]));
    let name = TableName::new(rollup::SCHEMA, &table);
    let every = total.div_ceil(target).max(1);
    let from = TableName::new(&source.schema, &source.table).quoted();
    let sql = format!("select {} from {from}", cols.join(", "));
    let rows = make_table(engine, &name, engine.every_nth(&sql, every)).await?;
    let sampled_source = rollup::Source {
        schema: rollup::SCHEMA.into(),
        table: table.clone(),
        bare: false,
        columns: source.columns.clone(),
    };
    let mut out: Vec<Rollup> = made
        .iter()
        .filter(|r| &r.source == source)
        .map(|r| {
            let mut s = r.clone();
            s.source = sampled_source.clone();
            s.table = format!("{}s", r.table);
            s
        })
        .collect();
    let counted = made_side_by_side(engine, out.iter()).await;
    for (s, rows) in out.iter_mut().zip(counted) {
        s.rows = rows?;
    }
    Ok((table, rows, out))
}

/// Run `query` both ways in the default state and the sampled ones (on samples of large
/// sources); how many states agreed and its SQL at the defaults on `rollups`, or the first
/// state that did not agree.
#[allow(clippy::too_many_arguments)]
async fn prove(
    engine: &Engine,
    page: &Page,
    run: &PageRun,
    query: &str,
    rollups: &[Rollup],
    samples: &Samples,
    aggregates: &BTreeSet<String>,
    page_inputs: &[inputs::Input<'_>],
    seed: &str,
) -> Result<(usize, String), String> {
    let reads = &run.expanded[query].inputs;
    let mut at_defaults = String::new();
    let mut states = vec![run.inputs.clone()];
    states.extend(sample_states(page_inputs, reads, run, &format!("{seed}\u{0}{query}")));
    for (i, state) in states.iter().enumerate() {
        let expanded = chain::expand(page, query, state).map_err(|_| "its chain does not expand".to_string())?;
        let on_sample = i > 0 && !samples.sources.is_empty();
        let mut sql = expanded.sql.clone();
        let mut on = rollups;
        if on_sample {
            for (source, table, _) in &samples.sources {
                sql = rollup::reading(&sql, source, rollup::SCHEMA, table)?;
            }
            on = &samples.rollups;
        }
        let original = match (i, run.results.get(query)) {
            (0, Some(t)) => std::borrow::Cow::Borrowed(t),
            _ if on_sample => std::borrow::Cow::Owned(
                table(engine, &sql, &expanded.params)
                    .await
                    .map_err(|e| format!("it fails on a sample in a state: {e}"))?,
            ),
            _ => std::borrow::Cow::Owned(
                engine
                    .run_expanded(page, query, &expanded)
                    .await
                    .map_err(|p| format!("it fails in a state: {}", p.message))?,
            ),
        };
        let rewritten = rollup::rewrite(&sql, on, aggregates)?;
        let rolled =
            table(engine, &rewritten, &expanded.params).await.map_err(|e| format!("on its rollup it fails: {e}"))?;
        // The same bits, not nearly: a page rounds these numbers, and a last bit apart can
        // show another cent. Exact sums make it so for sums and averages of doubles.
        if rolled != *original {
            let what = if rolled.columns != original.columns {
                "its columns differ".to_string()
            } else {
                format!("{} rows instead of {}, or other values", rolled.len(), original.len())
            };
            let on = if on_sample { " (on a sample)" } else { "" };
            return Err(format!("on its rollup it gives {what} with {}{on}", describe(state, reads)));
        }
        if i == 0 {
            at_defaults = rewritten;
        }
    }
    Ok((states.len(), at_defaults))
}

pub(crate) async fn table(engine: &Engine, sql: &str, params: &[Option<String>]) -> Result<quire_core::Table, String> {
    engine.run_with_params(sql, params).await.and_then(|b| quire_engine::to_table(&b)).map_err(|e| e.to_string())
}

fn describe(state: &InputState, reads: &[String]) -> String {
    let parts: Vec<String> =
        reads.iter().map(|i| format!("{i}={:?}", state.get(i).cloned().unwrap_or_default())).collect();
    parts.join(", ")
}

/// Other states of the inputs `reads` names: each input moved alone to a few of its
/// values, then all of them at once, drawn by a generator seeded from `seed`, so a build
/// proves the same states every time.
fn sample_states(page_inputs: &[inputs::Input<'_>], reads: &[String], run: &PageRun, seed: &str) -> Vec<InputState> {
    let mut rng =
        Rng(seed.bytes().fold(0x9e37_79b9_7f4a_7c15, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)));
    let mut options: Vec<(&inputs::Input<'_>, Vec<Vec<String>>)> = Vec::new();
    for input in page_inputs.iter().filter(|i| reads.contains(&i.name)) {
        let r = &run.results;
        let values: Vec<Vec<String>> = match input.kind {
            InputKind::Dropdown | InputKind::ButtonGroup => {
                let choices: Vec<String> = input.choices(r).into_iter().map(|c| c.value).collect();
                let mut v: Vec<Vec<String>> = rng.some(&choices, 3).into_iter().map(|c| vec![c]).collect();
                if input.multiple() {
                    v.push(choices.clone());
                    v.push(Vec::new());
                    v.push(rng.some(&choices, 2));
                }
                v
            }
            InputKind::TextInput => ["", "a", "%", "e_"].iter().map(|t| vec![t.to_string()]).collect(),
            InputKind::Checkbox => vec![vec!["true".into()], vec!["false".into()]],
            InputKind::Slider => {
                let (lo, hi) = input.slider_bounds(r);
                let mid = lo + (hi - lo) * rng.unit();
                [lo, hi, mid].iter().map(|v| vec![v.to_string()]).collect()
            }
            InputKind::DateInput | InputKind::DateRange => match input.date_bounds(r) {
                Some((lo, hi)) => {
                    let at = |f: f64| quire_core::time::iso_date(lo + ((hi - lo) as f64 * f) as i64);
                    let (a, b) = (rng.unit(), rng.unit());
                    if input.kind == InputKind::DateRange {
                        vec![vec![at(0.0), at(1.0)], vec![at(a.min(b)), at(a.max(b))], vec![at(a), at(a)]]
                    } else {
                        vec![vec![at(1.0)], vec![at(a)]]
                    }
                }
                None => Vec::new(),
            },
            InputKind::DimensionGrid | InputKind::Map => Vec::new(),
        };
        let values: Vec<Vec<String>> = values.into_iter().filter_map(|v| input.accept(&v, r)).collect();
        options.push((input, values));
    }
    let mut out: Vec<InputState> = Vec::new();
    let add = |state: InputState, out: &mut Vec<InputState>| {
        if state != run.inputs && !out.contains(&state) {
            out.push(state);
        }
    };
    // Every input alone, round-robin, then all together.
    for k in 0..SAMPLED_STATES {
        for (input, values) in &options {
            if let Some(v) = values.get(k) {
                let mut s = run.inputs.clone();
                s.insert(input.name.clone(), v.clone());
                add(s, &mut out);
            }
        }
    }
    out.truncate(SAMPLED_STATES.saturating_sub(2));
    for _ in 0..2 {
        let mut s = run.inputs.clone();
        for (input, values) in &options {
            if let Some(v) = rng.pick(values) {
                s.insert(input.name.clone(), v);
            }
        }
        add(s, &mut out);
    }
    out
}

/// xorshift64*: enough to draw states, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0.max(1);
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Up to `n` different items of `from`.
    fn some<T: Clone>(&mut self, from: &[T], n: usize) -> Vec<T> {
        let mut left: Vec<T> = from.to_vec();
        let mut out = Vec::new();
        while out.len() < n && !left.is_empty() {
            let i = (self.next() % left.len() as u64) as usize;
            out.push(left.swap_remove(i));
        }
        out
    }

    fn pick<T: Clone>(&mut self, from: &[T]) -> Option<T> {
        if from.is_empty() {
            return None;
        }
        from.get((self.next() % from.len() as u64) as usize).cloned()
    }
}

/// What `--verbose` prints about a page's live queries.
pub fn describe_decisions(page: &str, decisions: &[Decision]) -> Vec<String> {
    decisions
        .iter()
        .map(|d| match &d.outcome {
            Outcome::Rolled { rollups, source_rows, states, sample } => {
                let rows: Vec<String> = rollups.iter().map(|(_, n)| n.to_string()).collect();
                let sample = match sample {
                    Some(n) if *states > 1 => format!(" (the defaults on every row, the others on a sample of {n})"),
                    _ => String::new(),
                };
                format!(
                    "{page}: `{}` runs in the browser on a rollup of {} rows (of {source_rows}), proved in {states} states{sample}",
                    d.query,
                    rows.join(" + ")
                )
            }
            Outcome::Rows(why) => format!("{page}: `{}` ships rows: {why}", d.query),
        })
        .collect()
}

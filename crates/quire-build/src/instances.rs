//! A templated page's instances share their scans. A query that reads the page's
//! parameters (and no input) and aggregates a large table in a way a rollup answers
//! (`quire_engine::rollup`) would scan the whole table once per instance: fifty states'
//! pages, fifty scans of a hundred million orders. Instead the first instance of the page to
//! compile makes a rollup at the grain of the query's grouped and filtered columns (the
//! parameter's among them), once, and every instance runs the query on it.
//!
//! Proved as the browser's rollups are: on every row at the first instance, and at every
//! other instance on a sample of the table's rows, which the engine checks before it trusts
//! the rewrite there (see `quire_engine::Rewrite`); where they differ, that instance scans
//! the table, and the next is checked in its turn: what an instance shows does not depend on
//! the order a build on several threads compiles them in. "The same" is the same rows in an
//! order the query allows: where its `order by` leaves ties (three channels in a month), the
//! rollup may order them another way than the scan did, and every instance, the first too,
//! shows the rollup's.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Condvar, Mutex, MutexGuard};

use quire_core::{InputState, Page};
use quire_engine::rollup::{self, Need};
use quire_engine::{Engine, Rewrite, TableName};

use crate::compile::{Compiled, Source, run_page};
use crate::project::{PageFile, Project};
use crate::rollups::Made;

/// The templated pages whose shared rollups are planned (or being planned), with what
/// `--verbose` says of them.
#[derive(Default)]
pub(crate) struct Shared {
    /// By template file: `None` while its first instance plans.
    planned: Mutex<BTreeMap<String, Option<Vec<String>>>>,
    done: Condvar,
}

impl Shared {
    /// Before an instance of `pf` (with `params`) compiles: the first instance of each
    /// templated page plans its shared rollups (on `rt`), and the others wait for the plan.
    pub(crate) fn before_instance(
        &self,
        rt: &tokio::runtime::Runtime,
        engine: &Engine,
        project: &Project,
        pf: &PageFile,
        params: &InputState,
    ) {
        let path = &pf.file.path;
        let mut planned = self.lock();
        loop {
            match planned.get(path) {
                Some(Some(_)) => return,
                Some(None) => planned = self.done.wait(planned).unwrap_or_else(|e| e.into_inner()),
                None => break,
            }
        }
        planned.insert(path.clone(), None);
        drop(planned);
        // Whatever happens to the plan, the other instances go on.
        struct Finish<'a>(&'a Shared, &'a str, Vec<String>);
        impl Drop for Finish<'_> {
            fn drop(&mut self) {
                self.0.lock().insert(self.1.to_string(), Some(std::mem::take(&mut self.2)));
                self.0.done.notify_all();
            }
        }
        let mut finish = Finish(self, path, Vec::new());
        finish.2 = rt.block_on(plan(engine, project, pf, params));
    }

    /// What `--verbose` says: each page's plan, then the instances where a check disagreed
    /// (`instances` in the order they were found).
    pub(crate) fn notes(&self, instances: &[Compiled]) -> Vec<String> {
        let mut out: Vec<String> = self.lock().values().flatten().flatten().cloned().collect();
        for c in instances {
            for q in &c.unproved {
                out.push(format!(
                    "{}: `{q}` disagreed with its rollup on a sample at /{}: this instance scans the table",
                    c.source.file.path, c.source.url
                ));
            }
        }
        out
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Option<Vec<String>>>> {
        self.planned.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Run the instance's queries (remembered: its compile reads them back), and for each that
/// reads a large table through the parameters, make, prove and remember a rewrite on a
/// rollup. What `--verbose` says of each.
async fn plan(engine: &Engine, project: &Project, pf: &PageFile, params: &InputState) -> Vec<String> {
    let Some(memo) = engine.memo() else { return Vec::new() };
    let Ok(source) = Source::read(project, pf) else { return Vec::new() };
    let Ok(page) = Page::parse(&source.spliced.text) else { return Vec::new() };
    let run = run_page(engine, &page, params).await;
    if !run.problems.is_empty() {
        return Vec::new();
    }
    // Queries bound to the parameters alone, run whole.
    let candidates: BTreeSet<String> = run
        .expanded
        .iter()
        .filter(|(q, e)| {
            e.inputs.is_empty() && !e.params.is_empty() && !run.binned.contains_key(*q) && run.results.contains_key(*q)
        })
        .map(|(q, _)| q.clone())
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    let (above, sample_target) = crate::rollups::sample_bar();
    let mut large: BTreeMap<rollup::Source, u64> = BTreeMap::new();
    for s in crate::rollups::sources_read(engine, project, &run, &candidates).await {
        let rows = crate::rollups::count(engine, &TableName::new(&s.schema, &s.table).quoted()).await.unwrap_or(0);
        if rows > above {
            large.insert(s, rows);
        }
    }
    if large.is_empty() {
        return Vec::new();
    }
    let sources: Vec<rollup::Source> = large.keys().cloned().collect();
    let aggregates = engine.aggregate_names();
    let file = &pf.file.path;
    let scans = |q: &str, why: &str| format!("{file}: `{q}` scans its table at each instance: {why}");
    let mut notes = Vec::new();
    let mut needs: BTreeMap<&str, Vec<Need>> = BTreeMap::new();
    for q in &candidates {
        match rollup::needs(&run.expanded[q].sql, &sources, &aggregates) {
            Ok(n) if n.is_empty() => {}
            Ok(n) => {
                needs.insert(q, n);
            }
            Err(why) => notes.push(scans(q, &why)),
        }
    }
    let Made { made, too_big, source_rows } =
        match crate::rollups::make_rollups(engine, needs.values().flatten(), large).await {
            Ok(m) => m,
            Err(why) => {
                notes.extend(needs.keys().map(|q| scans(q, &why)));
                return notes;
            }
        };
    // Each large source's sample, and the same rollups of it, for the checks.
    let mut samples: BTreeMap<&rollup::Source, (String, Vec<quire_engine::rollup::Rollup>)> = BTreeMap::new();
    let mut sample_rows = 0;
    for (source, total) in &source_rows {
        if made.iter().any(|r| &r.source == source) {
            match crate::rollups::sample(engine, source, *total, sample_target, &made).await {
                Ok((table, rows, rollups)) => {
                    sample_rows = sample_rows.max(rows);
                    samples.insert(source, (table, rollups));
                }
                Err(why) => {
                    let why = format!("sampling its table failed: {why}");
                    notes.extend(needs.keys().map(|q| scans(q, &why)));
                    return notes;
                }
            }
        }
    }
    for (q, n) in &needs {
        let expanded = &run.expanded[*q];
        let proved = async {
            if let Some((r, rows, total)) = too_big.iter().find(|(r, ..)| n.iter().any(|n| r.covers(n))) {
                return Err(format!(
                    "a rollup would have {rows} of the {total} rows of `{}.{}`",
                    r.source.schema, r.source.table
                ));
            }
            let sql = rollup::rewrite(&expanded.sql, &made, &aggregates)?;
            let rolled = crate::rollups::table(engine, &sql, &expanded.params).await?;
            if !rolled.same_rows(&run.results[*q]) {
                return Err(format!("on its rollup it gives other rows at /{}", pf.url));
            }
            // The same query on each sample, both ways.
            let (mut original, mut on) = (expanded.sql.clone(), Vec::new());
            for (source, (table, rollups)) in &samples {
                original = rollup::reading(&original, source, rollup::SCHEMA, table)?;
                on.extend(rollups.iter().cloned());
            }
            let rewritten = rollup::rewrite(&original, &on, &aggregates)?;
            let check = (!on.is_empty()).then_some((original, rewritten));
            Ok((Rewrite { sql, check }, rolled))
        };
        match proved.await {
            Ok((rewrite, rolled)) => {
                // This instance shows the rollup's answer too: where the query's `order by`
                // leaves ties, every instance orders them the same way.
                memo.put(&expanded.sql, &expanded.params, &rolled);
                let used: Vec<&rollup::Rollup> =
                    n.iter().filter_map(|need| rollup::Rollup::choose(&made, need)).collect();
                let rows: Vec<String> = used.iter().map(|r| r.rows.to_string()).collect();
                let total = used.first().and_then(|r| source_rows.get(&r.source)).copied().unwrap_or(0);
                notes.push(format!(
                    "{file}: `{q}` runs at every instance on one rollup of {} rows (of {total}), proved on every row at the first instance built and at each instance on a sample of {sample_rows}",
                    rows.join(" + "),
                ));
                memo.put_rewrite(&expanded.sql, rewrite);
            }
            Err(why) => notes.push(scans(q, &why)),
        }
    }
    notes
}

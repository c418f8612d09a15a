//! The model graph: which tables each model reads (from DataFusion's SQL parser, not from
//! patterns in the text), checked against the models and sources there are, ordered by
//! stage and by dependency. Unknown tables and cycles are author errors at file:line:col.

use std::collections::{BTreeMap, BTreeSet};

use quire_core::{AuthorError, Problem, Span};
use quire_engine::Engine;
use quire_engine::datafusion::sql::parser::Statement as DFStatement;
use quire_engine::datafusion::sql::sqlparser::ast::Statement;

use crate::model::Model;

/// A model with what it reads.
#[derive(Debug, Clone)]
pub struct Node {
    pub model: Model,
    /// The SQL as the parser sees it, printed back: whitespace and comments do not count.
    pub normalized: String,
    /// Models this one reads, as `stage.model`.
    pub models: BTreeSet<String>,
    /// Source tables this one reads, as `source.table`.
    pub sources: BTreeSet<String>,
}

/// Every model, in the order they can run: stages in dependency order, and inside each
/// stage, each model after the models it reads.
#[derive(Debug, Default)]
pub struct Graph {
    pub nodes: Vec<Node>,
    /// Stage names in run order.
    pub stages: Vec<String>,
}

impl Graph {
    pub fn node(&self, table: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.model.table() == table)
    }

    /// `table` and every model that reads it, directly or not.
    pub fn downstream(&self, table: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::from([table.to_string()]);
        loop {
            let before = out.len();
            for n in &self.nodes {
                if n.models.iter().any(|m| out.contains(m)) {
                    out.insert(n.model.table());
                }
            }
            if out.len() == before {
                return out;
            }
        }
    }

    /// Models that read `table`.
    pub fn readers(&self, table: &str) -> Vec<&Node> {
        self.nodes.iter().filter(|n| n.models.contains(table)).collect()
    }
}

/// Read, check and order the models. `sources` are the source tables as `source.table`.
pub fn plan(models: Vec<Model>, sources: &BTreeSet<String>) -> Result<Graph, Vec<AuthorError>> {
    let engine = Engine::new();
    let tables: BTreeSet<String> = models.iter().map(Model::table).collect();
    let mut errors = Vec::new();
    let mut nodes = Vec::new();
    for model in &models {
        if let Some(s) = sources.iter().find(|s| s.split('.').next() == Some(model.stage.as_str())) {
            errors.push(
                Problem::new(
                    format!("stage `{}` has the name of a source (`{s}`): tables would be ambiguous", model.stage),
                    Span::new(0, 0),
                )
                .help("rename the stage folder under pipeline/ or the source folder under sources/")
                .in_file(&model.file),
            );
            continue;
        }
        match read_model(&engine, model, &tables, sources) {
            Ok(node) => nodes.push(node),
            Err(p) => errors.push(p.in_file(&model.file)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    order(nodes)
}

fn read_model(
    engine: &Engine,
    model: &Model,
    tables: &BTreeSet<String>,
    sources: &BTreeSet<String>,
) -> Result<Node, Problem> {
    let sql = model.sql();
    // The dialect the model runs in (DuckDB's), so what runs also has a graph and a key.
    let mut statements = quire_engine::parse(sql).map_err(|e| {
        let p = quire_engine::sql_problem(&e, sql, &[]);
        let (s, end) = p.range.unwrap_or((0, 0));
        Problem::new(p.message, Span::new(s, end)).maybe_help(p.help)
    })?;
    let first_word = first_word_at(sql);
    if statements.len() != 1 {
        return Err(Problem::new(
            format!("a model is one SELECT; this file has {} statements", statements.len()),
            first_word,
        )
        .help("split it into one model per file; a model reads another as `stage.model`"));
    }
    let statement = statements.pop_front().unwrap_or_else(|| unreachable!("one statement"));
    if !matches!(&statement, DFStatement::Statement(s) if matches!(**s, Statement::Query(_))) {
        return Err(Problem::new("a model is one SELECT (or WITH ... SELECT)", first_word)
            .help("quire creates the table from the query's result: write only the query"));
    }
    let normalized = statement.to_string();
    let refs = engine.tables_read(sql).map_err(|e| Problem::new(e.to_string(), first_word))?;
    let mut node = Node { model: model.clone(), normalized, models: BTreeSet::new(), sources: BTreeSet::new() };
    for r in refs {
        let name = match r.schema() {
            Some(schema) => format!("{schema}.{}", r.table()),
            None => r.table().to_string(),
        };
        if name == model.table() {
            return Err(Problem::new(format!("model `{name}` reads itself"), span_of(sql, &name))
                .help("a model reads the tables it is made from; remove the reference or split the model"));
        }
        // `from orders` where exactly one source or stage has a table `orders`.
        let candidates: Vec<&String> = match r.schema() {
            None => tables
                .iter()
                .chain(sources.iter())
                .filter(|k| k.split_once('.').is_some_and(|(_, t)| t == name))
                .collect(),
            Some(_) => Vec::new(),
        };
        if tables.contains(&name) {
            node.models.insert(name);
        } else if sources.contains(&name) {
            node.sources.insert(name);
        } else if let [only] = candidates.as_slice() {
            if tables.contains(*only) {
                node.models.insert((*only).clone());
            } else {
                node.sources.insert((*only).clone());
            }
        } else if candidates.len() > 1 {
            let list: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
            return Err(Problem::new(
                format!("table `{name}` is in several places: {}", list.join(", ")),
                span_of(sql, &name),
            )
            .help("write which one, as `source.table` or `stage.model`"));
        } else {
            let known: Vec<&String> = tables.iter().chain(sources.iter()).collect();
            let help = match known.iter().min_by_key(|k| strsim::levenshtein(k, &name)) {
                Some(k) if strsim::levenshtein(k, &name) <= 3 || k.ends_with(&format!(".{name}")) => {
                    format!("did you mean `{k}`?")
                }
                _ if known.is_empty() => "there are no models or source tables yet".to_string(),
                _ => format!(
                    "models and sources are named `stage.model` and `source.table`: {}",
                    known.iter().take(8).map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                ),
            };
            return Err(Problem::new(format!("unknown table `{name}`"), span_of(sql, &name)).help(help));
        }
    }
    Ok(node)
}

/// Order the nodes: stages by the reads between them, models inside each stage by theirs.
fn order(nodes: Vec<Node>) -> Result<Graph, Vec<AuthorError>> {
    // Model cycles first: they name the models.
    let by_table: BTreeMap<String, &Node> = nodes.iter().map(|n| (n.model.table(), n)).collect();
    let mut sorted: Vec<String> = Vec::new();
    let mut state: BTreeMap<String, u8> = BTreeMap::new(); // 1 visiting, 2 done
    fn visit(
        t: &str,
        by_table: &BTreeMap<String, &Node>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
        sorted: &mut Vec<String>,
    ) -> Result<(), Vec<String>> {
        match state.get(t) {
            Some(2) => return Ok(()),
            Some(1) => {
                let from = stack.iter().position(|s| s == t).unwrap_or(0);
                let mut cycle = stack[from..].to_vec();
                cycle.push(t.to_string());
                return Err(cycle);
            }
            _ => {}
        }
        state.insert(t.to_string(), 1);
        stack.push(t.to_string());
        if let Some(n) = by_table.get(t) {
            for m in &n.models {
                visit(m, by_table, state, stack, sorted)?;
            }
        }
        stack.pop();
        state.insert(t.to_string(), 2);
        sorted.push(t.to_string());
        Ok(())
    }
    for t in by_table.keys() {
        let mut stack = Vec::new();
        if let Err(cycle) = visit(t, &by_table, &mut state, &mut stack, &mut sorted) {
            let first = by_table[&cycle[0]];
            let next = &cycle[1];
            return Err(vec![
                Problem::new(format!("models read each other in a cycle: {}", cycle.join(" → ")), span_of(first.model.sql(), next))
                    .help("a model can only read models that do not read it back; move the shared part into a model of its own")
                    .in_file(&first.model.file),
            ]);
        }
    }
    // Stages: a stage runs after every stage it reads from.
    let mut stage_deps: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for n in &nodes {
        let deps = stage_deps.entry(n.model.stage.as_str()).or_default();
        for m in &n.models {
            let s = by_table[m].model.stage.as_str();
            if s != n.model.stage {
                deps.insert(s);
            }
        }
    }
    let mut stages: Vec<String> = Vec::new();
    while stages.len() < stage_deps.len() {
        let ready = stage_deps
            .iter()
            .find(|(s, deps)| !stages.iter().any(|d| d == *s) && deps.iter().all(|d| stages.iter().any(|x| x == d)));
        match ready {
            Some((s, _)) => stages.push((*s).to_string()),
            None => {
                let left: Vec<&str> = stage_deps.keys().copied().filter(|s| !stages.iter().any(|d| d == s)).collect();
                // Name one read that goes backwards, with its place.
                let culprit = nodes.iter().find_map(|n| {
                    if !left.contains(&n.model.stage.as_str()) {
                        return None;
                    }
                    n.models.iter().find_map(|m| {
                        let s = &by_table[m].model.stage;
                        (s != &n.model.stage && left.contains(&s.as_str())).then_some((n, m))
                    })
                });
                let (n, m) = culprit.unwrap_or_else(|| unreachable!("a stage cycle has a crossing read"));
                return Err(vec![
                    Problem::new(
                        format!("stages read each other in a cycle ({}): stage `{}` reads `{m}`", left.join(", "), n.model.stage),
                        span_of(n.model.sql(), m),
                    )
                    .help("stages run one after another and commit as a whole; move this model to a later stage, or the model it reads to an earlier one")
                    .in_file(&n.model.file),
                ]);
            }
        }
    }
    let rank: BTreeMap<&str, usize> = sorted.iter().enumerate().map(|(i, t)| (t.as_str(), i)).collect();
    let mut nodes = nodes;
    let stage_rank: BTreeMap<String, usize> = stages.iter().enumerate().map(|(i, s)| (s.clone(), i)).collect();
    nodes.sort_by_key(|n| (stage_rank[&n.model.stage], rank[n.model.table().as_str()]));
    Ok(Graph { nodes, stages })
}

/// Where `name` (or its last part) first appears in `sql`, ignoring case.
fn span_of(sql: &str, name: &str) -> Span {
    let lower = sql.to_ascii_lowercase();
    let needles = [name.to_ascii_lowercase(), name.rsplit('.').next().unwrap_or(name).to_ascii_lowercase()];
    for n in &needles {
        if let Some(at) = lower.find(n.as_str()) {
            return Span::new(at, at + n.len());
        }
    }
    first_word_at(sql)
}

/// The first word of SQL after comments and blank lines.
fn first_word_at(sql: &str) -> Span {
    let mut at = 0;
    for line in sql.split_inclusive('\n') {
        let t = line.trim_start();
        if t.is_empty() || t.starts_with("--") {
            at += line.len();
            continue;
        }
        let start = at + (line.len() - t.len());
        let len = t.find(|c: char| c.is_whitespace()).unwrap_or(t.len());
        return Span::new(start, start + len);
    }
    Span::new(0, 0)
}

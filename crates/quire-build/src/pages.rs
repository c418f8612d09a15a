//! Which pages compile, and on which thread: the static pages, and the instances of
//! templated pages that their links reach (and the instances' links, in turn).
//!
//! Pages are shared out among `[build] threads` threads (one query runtime each, the engine
//! and what it remembers in common): each thread takes the next page not taken, and a
//! page's links join the queue as soon as it compiles, so a slow page does not hold up the
//! rest (its independent queries run side by side on the build's workers meanwhile: see
//! `Engine::side_by_side`). Every query still runs on one partition, and the instances come
//! back in the order their links were found (breadth first, page by page), so the site does
//! not depend on how many threads built it.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Condvar, Mutex};

use quire_core::InputState;
use quire_engine::Engine;

use crate::compile::{Compiled, compile_page};
use crate::error::BuildError;
use crate::project::{PageFile, Project};

/// Most instances one templated page may have, so a link loop cannot build forever.
const MAX_INSTANCES: usize = 100_000;

/// What [`compile`] made.
pub(crate) struct Pages {
    /// Each of the `fresh` pages, in order.
    pub statics: Vec<Result<Compiled, BuildError>>,
    /// The instances the links reach, in the order they were found, or their problems
    /// (each said once).
    pub instances: Result<Vec<Compiled>, BuildError>,
    /// What `--verbose` says of the rollups the instances shared (see `instances`).
    pub shared: Vec<String>,
}

enum Job {
    Static(usize),
    Instance(String, PageFile, InputState),
}

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    busy: usize,
    /// Addresses found in links (static pages' excepted), each followed once.
    seen: BTreeSet<String>,
    instances: usize,
    statics: BTreeMap<usize, Result<Compiled, BuildError>>,
    done: BTreeMap<String, Result<Compiled, BuildError>>,
    fatal: Option<BuildError>,
}

/// Compile the `fresh` static pages (with no parameters) and, when `follow` is set, every
/// instance that the links of the static pages (`fresh` and the already compiled `known`)
/// reach.
pub(crate) async fn compile(
    engine: &Engine,
    project: &Project,
    fresh: &[&PageFile],
    known: &[&Compiled],
    follow: bool,
) -> Pages {
    let templates: Vec<&PageFile> =
        if follow { project.pages.iter().filter(|p| p.is_template()).collect() } else { Vec::new() };
    let statics: BTreeSet<&str> = project.pages.iter().filter(|p| !p.is_template()).map(|p| p.url.as_str()).collect();
    // The instances `c`'s links reach that no page has reached yet.
    let follow_links = |c: &Compiled, q: &mut Queue| {
        if templates.is_empty() {
            return;
        }
        for url in unseen_links(c, &statics, &mut q.seen) {
            // The most specific template wins: fewer parameters first.
            let Some((template, params)) =
                templates.iter().filter_map(|t| Some((*t, t.match_url(&url)?))).min_by_key(|(_, params)| params.len())
            else {
                continue;
            };
            if q.instances >= MAX_INSTANCES {
                q.fatal.get_or_insert(BuildError::File {
                    path: template.file.path.clone().into(),
                    message: format!(
                        "links reach more than {MAX_INSTANCES} instances of this templated page (the last to `/{url}`)"
                    ),
                    help: Some(
                        "a page with this many values is better as one page with an input; or is a link building itself?"
                            .into(),
                    ),
                });
                return;
            }
            q.instances += 1;
            let pf = PageFile { file: template.file.clone(), url: crate::links::folder_url(&url) };
            q.jobs.push_back(Job::Instance(url, pf, params));
        }
    };
    let queue = Mutex::new(Queue::default());
    let shared = crate::instances::Shared::default();
    let wake = Condvar::new();
    {
        let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
        q.jobs.extend((0..fresh.len()).map(Job::Static));
        for c in known {
            follow_links(c, &mut q);
        }
    }
    let threads = quire_core::config::BuildConfig::threads(&project.config);
    let worker = || -> Result<(), BuildError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| BuildError::Internal(format!("cannot start a query runtime: {e}")))?;
        let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            while q.jobs.is_empty() && q.busy > 0 && q.fatal.is_none() {
                q = wake.wait(q).unwrap_or_else(|e| e.into_inner());
            }
            let Some(job) = q.jobs.pop_front().filter(|_| q.fatal.is_none()) else {
                wake.notify_all();
                return Ok(());
            };
            q.busy += 1;
            drop(q);
            let (pf, params, url) = match &job {
                Job::Static(i) => (fresh[*i], InputState::new(), None),
                Job::Instance(url, pf, params) => (pf, params.clone(), Some(url.clone())),
            };
            if url.is_some() {
                shared.before_instance(&rt, engine, project, pf, &params);
            }
            let result = rt.block_on(compile_page(engine, project, pf, &params));
            q = queue.lock().unwrap_or_else(|e| e.into_inner());
            q.busy -= 1;
            if let Ok(c) = &result {
                follow_links(c, &mut q);
            }
            match (&job, url) {
                (Job::Static(i), _) => {
                    q.statics.insert(*i, result);
                }
                (_, Some(url)) => {
                    q.done.insert(url, result);
                }
                _ => {}
            }
            wake.notify_all();
        }
    };
    let started: Vec<Result<(), BuildError>> = tokio::task::block_in_place(|| {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads).map(|_| scope.spawn(worker)).collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| Err(BuildError::Internal("a page compiler thread panicked".into())))
                })
                .collect()
        })
    });
    let mut q = queue.into_inner().unwrap_or_else(|e| e.into_inner());
    let statics_out: Vec<Result<Compiled, BuildError>> = (0..fresh.len())
        .map(|i| q.statics.remove(&i).unwrap_or_else(|| Err(BuildError::Internal("a page was not compiled".into()))))
        .collect();
    if let Some(e) = started.into_iter().find_map(Result::err).or(q.fatal.take()) {
        return Pages { statics: statics_out, instances: Err(e), shared: Vec::new() };
    }
    // Breadth first from the static pages, in the project's order: the order a build on
    // one thread finds them in.
    let by_path: BTreeMap<&str, &Compiled> = known
        .iter()
        .copied()
        .chain(statics_out.iter().filter_map(|r| r.as_ref().ok()))
        .map(|c| (c.source.file.path.as_str(), c))
        .collect();
    let mut frontier: Vec<String> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let reach = |c: &Compiled, seen: &mut BTreeSet<String>, next: &mut Vec<String>| {
        next.extend(unseen_links(c, &statics, seen));
    };
    for pf in project.pages.iter().filter(|p| !p.is_template()) {
        if let Some(c) = by_path.get(pf.file.path.as_str()) {
            reach(c, &mut seen, &mut frontier);
        }
    }
    let mut ordered: Vec<Result<Compiled, BuildError>> = Vec::new();
    while !frontier.is_empty() {
        let mut next = Vec::new();
        for url in frontier {
            let Some(result) = q.done.remove(&url) else { continue };
            if let Ok(c) = &result {
                reach(c, &mut seen, &mut next);
            }
            ordered.push(result);
        }
        frontier = next;
    }
    let mut out = Vec::new();
    let mut errors: Vec<quire_core::AuthorError> = Vec::new();
    for result in ordered {
        match result {
            Ok(c) => out.push(c),
            Err(BuildError::Author(e)) => {
                // One instance's problem is every instance's: say it once.
                for e in e {
                    if !errors.iter().any(|x| x.location() == e.location() && x.problem.message == e.problem.message) {
                        errors.push(e);
                    }
                }
            }
            Err(other) => return Pages { statics: statics_out, instances: Err(other), shared: Vec::new() },
        }
    }
    let shared = shared.notes(&out);
    let instances = if errors.is_empty() { Ok(out) } else { Err(BuildError::Author(errors)) };
    Pages { statics: statics_out, instances, shared }
}

/// The addresses a compiled page links to (in its HTML, and in its row files' links) that
/// are not static pages and not in `seen` yet; they are in it after.
fn unseen_links(c: &Compiled, statics: &BTreeSet<&str>, seen: &mut BTreeSet<String>) -> Vec<String> {
    let mut links = crate::links::links(&c.body.html, &c.source.url);
    for html in crate::links::row_file_html(&c.body.row_files) {
        links.extend(crate::links::links(&html, &c.source.url));
    }
    links.retain(|url| !statics.contains(url.as_str()) && seen.insert(url.clone()));
    links
}

//! quire-js: a page's JavaScript, run at build.
//!
//! Owns the build's engine for what `quire_core::script` makes of a page: its `<script>`
//! blocks and the `{...}` expressions quire's own evaluator does not take, run in Boa (pure
//! Rust), in a fresh context per page, after the same prelude the browser runs. Each run is
//! bounded: a time budget (the engine yields every few thousand instructions to check it),
//! a loop iteration limit, a recursion limit, and a cap on the size of what comes back; an
//! exception is a problem at the page's line and column.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::pin;
use std::sync::mpsc;
use std::task::{Context as TaskContext, Poll, Waker};
use std::time::{Duration, Instant};

use boa_engine::property::Attribute;
use boa_engine::{Context, JsError, JsResult, JsString, JsValue, NativeFunction, Script, Source, js_string};
use quire_core::script::{JsVal, PRELUDE, Program, Runner};
use quire_core::{Problem, Span};

/// What one page's JavaScript may spend.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Wall time for the page's run and all its expressions together.
    pub time: Duration,
    /// Iterations of any one loop.
    pub loop_iterations: u64,
    /// Nested calls.
    pub recursion: usize,
    /// Bytes of values handed back from one call (a script's names, or one expression).
    pub result_bytes: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            time: Duration::from_secs(5),
            loop_iterations: 10_000_000,
            recursion: 400,
            result_bytes: 64 * 1024 * 1024,
        }
    }
}

/// A page's program after its run: the names its scripts declare, and an engine that
/// evaluates its expressions. The engine lives on a thread of its own with a deep stack
/// (Boa's parser recurses once per bracket), and answers one request at a time.
pub struct PageJs {
    requests: Option<mpsc::Sender<Request>>,
    thread: Option<std::thread::JoinHandle<()>>,
    program: Program,
    values: BTreeMap<String, JsVal>,
}

/// An expression's key and its locals' values, and where to send the answer.
type Request = (String, String, mpsc::Sender<Result<JsVal, String>>);

/// The engine's thread's stack: reserved, not used, unless a page nests deeply.
const STACK: usize = 256 * 1024 * 1024;

impl PageJs {
    /// Run `program` (the page's, see `Page::program`) on `env` (`script::env_wire`).
    /// `span` is where to report a problem that has no place of its own (the first script).
    pub fn run(program: &Program, env: &str, budget: Budget, span: Span) -> Result<PageJs, Problem> {
        let (requests, inbox) = mpsc::channel::<Request>();
        let (ready, started) = mpsc::channel::<Result<BTreeMap<String, JsVal>, Problem>>();
        let (owned, env) = (program.clone(), env.to_string());
        let thread = std::thread::Builder::new()
            .name("quire-js".into())
            .stack_size(STACK)
            .spawn(move || {
                let mut engine = match Engine::start(&owned, &env, budget, span) {
                    Ok((engine, values)) => {
                        let _ = ready.send(Ok(values));
                        engine
                    }
                    Err(p) => {
                        let _ = ready.send(Err(p));
                        return;
                    }
                };
                for (key, locals, reply) in inbox {
                    let _ = reply.send(engine.eval(&key, &locals));
                }
            })
            .map_err(|e| Problem::new(format!("the page's engine did not start: {e}"), span))?;
        let values = started.recv().map_err(|_| Problem::new("the page's JavaScript engine stopped", span))??;
        Ok(PageJs { requests: Some(requests), thread: Some(thread), program: program.clone(), values })
    }

    /// Every name the scripts declare, with its value after the run.
    pub fn values(&self) -> &BTreeMap<String, JsVal> {
        &self.values
    }
}

impl Drop for PageJs {
    fn drop(&mut self) {
        // Closing the requests ends the engine's loop; every request it takes is bounded.
        self.requests.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Runner for PageJs {
    fn value(&self, name: &str) -> Option<JsVal> {
        self.values.get(name).cloned()
    }

    fn eval(&self, key: &str, locals: &str) -> Result<JsVal, String> {
        let (reply, answer) = mpsc::channel();
        let stopped = || "the page's JavaScript engine stopped".to_string();
        self.requests
            .as_ref()
            .ok_or_else(stopped)?
            .send((key.to_string(), locals.to_string(), reply))
            .map_err(|_| stopped())?;
        answer.recv().map_err(|_| stopped())?
    }

    fn locals(&self, key: &str) -> Option<&[String]> {
        self.program.exprs.get(key).map(Vec::as_slice)
    }
}

/// The engine itself, on its thread: a Boa context with the prelude and the page's program.
struct Engine {
    context: Context,
    program: Program,
    budget: Budget,
    deadline: Instant,
}

/// The name the page's program has in the engine's backtraces.
const PROGRAM: &str = "quire-page";

/// How many "clock cycles" the engine runs between looks at the clock.
const SLICE: u32 = 20_000;

impl Engine {
    fn start(
        program: &Program,
        env: &str,
        budget: Budget,
        span: Span,
    ) -> Result<(Engine, BTreeMap<String, JsVal>), Problem> {
        let started = Instant::now();
        let mut context = Context::default();
        let limits = context.runtime_limits_mut();
        limits.set_loop_iteration_limit(budget.loop_iterations);
        limits.set_recursion_limit(budget.recursion);
        context
            .register_global_builtin_callable(js_string!("__quire_fmt"), 2, NativeFunction::from_fn_ptr(host_fmt))
            .map_err(|e| Problem::new(format!("the page's engine did not start: {e}"), span))?;
        let deadline = started + budget.time;
        let mut page = Engine { context, program: program.clone(), budget, deadline };
        page.eval_text(PRELUDE, "quire-prelude").map_err(|e| page.problem(e, 0, span))?;
        page.context
            .register_global_property(js_string!("__quire_env"), JsString::from(env), Attribute::all())
            .map_err(|e| Problem::new(format!("the page's engine did not start: {e}"), span))?;
        let text = format!("__quire.run({}, __quire_env)", program.text);
        // The program text starts after `__quire.run(`; errors are placed from there.
        let names = page.eval_text(&text, PROGRAM).map_err(|e| page.problem(e, "__quire.run(".len(), span))?;
        let names =
            JsVal::from_wire(&names).map_err(|e| Problem::new(format!("the page's script gave back {e}"), span))?;
        let values = match names {
            JsVal::Object(kv) => kv.into_iter().collect(),
            _ => BTreeMap::new(),
        };
        Ok((page, values))
    }

    /// Run `code` as a script within the page's time left; its result as a string. `path`
    /// names it in the engine's backtraces ([`PROGRAM`] for the page's program).
    fn eval_text(&mut self, code: &str, path: &str) -> Result<String, Failure> {
        let ctx = &mut self.context;
        let source = Source::from_bytes(code).with_path(std::path::Path::new(path));
        let script = Script::parse(source, None, ctx).map_err(Failure::Js)?;
        let value = drive(script.evaluate_async_with_budget(ctx, SLICE), self.deadline)?.map_err(Failure::Js)?;
        let text = match value.as_string() {
            Some(s) => s.to_std_string_escaped(),
            None => value.to_string(ctx).map_err(Failure::Js)?.to_std_string_escaped(),
        };
        if text.len() > self.budget.result_bytes {
            return Err(Failure::TooBig(text.len()));
        }
        Ok(text)
    }

    /// A failure as a problem: at the page's line and column where the engine says it
    /// happened, else at `span`. `prefix` is how far into the evaluated text the program starts.
    fn problem(&self, f: Failure, prefix: usize, span: Span) -> Problem {
        let (message, place) = match f {
            Failure::Js(e) => {
                let text = e.to_string();
                let place = position(&text).and_then(|(line, col)| {
                    // The program is on the evaluated text's first line after `prefix`.
                    let col = if line == 1 { col.saturating_sub(prefix) } else { col };
                    self.program.page_offset_at(line, col)
                });
                (first_line(&text), place)
            }
            Failure::Time => (
                format!("the page's script ran longer than {} s: does a loop never end?", self.budget.time.as_secs()),
                None,
            ),
            Failure::TooBig(n) => (
                format!("the page's script gave back {n} bytes, more than quire takes ({})", self.budget.result_bytes),
                None,
            ),
        };
        let at = place.map_or(span, |o| Span::new(o, o + 1));
        Problem::new(message, at).help(match place {
            Some(_) => "this is where the engine stopped; the build runs the page's JavaScript as a browser would",
            None => "quire runs a page's script with its queries' results; loops and data must end in seconds",
        })
    }

    fn eval(&mut self, key: &str, locals: &str) -> Result<JsVal, String> {
        self.context
            .register_global_property(js_string!("__quire_locals"), JsString::from(locals), Attribute::all())
            .map_err(|e| e.to_string())?;
        let code = format!("__quire.eval({}, __quire_locals)", quire_core::script::js_string(key));
        match self.eval_text(&code, "quire-call") {
            Ok(text) => JsVal::from_wire(&text),
            Err(Failure::Js(e)) => Err(first_line(&e.to_string())),
            Err(Failure::Time) => {
                Err(format!("the page's JavaScript ran longer than {} s", self.budget.time.as_secs()))
            }
            Err(Failure::TooBig(n)) => Err(format!("the expression gave back {n} bytes, more than quire takes")),
        }
    }
}

enum Failure {
    Js(JsError),
    Time,
    TooBig(usize),
}

/// Poll the engine's future until it is done or the deadline passes (the engine yields
/// every [`SLICE`] cycles). Dropping it stops the run; the context is then not used again
/// for this page's program beyond reporting.
fn drive<F: Future>(f: F, deadline: Instant) -> Result<F::Output, Failure> {
    let mut f = pin!(f);
    let mut cx = TaskContext::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return Ok(v);
        }
        if Instant::now() > deadline {
            return Err(Failure::Time);
        }
    }
}

/// The first line of an engine message (its backtrace follows), without the engine's own
/// place (`(quire-page:3:14)`), which the problem's span says better.
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    match line.rfind(" (") {
        Some(i) if line.ends_with(')') && line[i..].contains(':') => line[..i].to_string(),
        _ => line.to_string(),
    }
}

/// The line and column an engine message names first: `...:3:14` or `line 3, col 14`.
fn position(text: &str) -> Option<(usize, usize)> {
    let line = text.lines().next().unwrap_or_default();
    if let Some(i) = line.find("line ") {
        let rest = &line[i + 5..];
        let l: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let c = rest.find("col").map(|j| rest[j..].trim_start_matches(|c: char| !c.is_ascii_digit()))?;
        let c: String = c.chars().take_while(char::is_ascii_digit).collect();
        return Some((l.parse().ok()?, c.parse().ok()?));
    }
    // The innermost backtrace entry in the page's program: `at name (quire-page:L:C)`.
    for l in text.lines().skip(1) {
        let Some(i) = l.find(&format!("({PROGRAM}:")) else { continue };
        let t = l[i + 1..].trim().trim_end_matches(')');
        let mut parts = t.rsplitn(3, ':');
        let (c, ln) = (parts.next()?, parts.next()?);
        if let (Ok(ln), Ok(c)) = (ln.parse(), c.parse()) {
            return Some((ln, c));
        }
    }
    None
}

/// `__quire_fmt(valueJson, format)`: quire's formats, as `fmt=` props apply them.
fn host_fmt(_this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let text = |v: Option<&JsValue>, ctx: &mut Context| -> JsResult<String> {
        Ok(match v {
            Some(v) => v.to_string(ctx)?.to_std_string_escaped(),
            None => String::new(),
        })
    };
    let value = text(args.first(), ctx)?;
    let code = text(args.get(1), ctx)?;
    let v = JsVal::from_wire(&value).unwrap_or(JsVal::Null);
    Ok(JsValue::from(JsString::from(quire_render::fmt::format_js(&v, &code).as_str())))
}

#[cfg(test)]
mod tests;

//! Inputs: the controls a reader changes (`Dropdown`, `ButtonGroup`, `TextInput`,
//! `DateRange`, `Slider`, `Checkbox`), what they hold, and which queries read them.
//!
//! An input's state is a list of strings, the way it travels in a URL: one value for most
//! inputs, one per choice for a multiple dropdown, start and end for a date range. Queries
//! read it as `${inputs.name.value}`; [`crate::chain`] turns that into a bound parameter,
//! so a value is always data and never SQL.

use std::collections::BTreeMap;

use crate::data::{Cell, ColumnType, Table};
use crate::diag::Problem;
use crate::page::{Component, Node, Page, PropValue, is_identifier};
use crate::time;

/// Every input's current value(s), by input name.
pub type InputState = BTreeMap<String, Vec<String>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Dropdown,
    ButtonGroup,
    TextInput,
    DateRange,
    /// `<DateInput>` without `range`: one date (with `range`, it is a [`InputKind::DateRange`]).
    DateInput,
    Slider,
    Checkbox,
    /// `<DimensionGrid>`: its state is its selections (see [`crate::grid`]).
    DimensionGrid,
    /// A map layer with a `name` (`<AreaMap>`, `<PointMap>`, `<BubbleMap>`, `<Areas>`,
    /// `<Points>`, `<Bubbles>`): its state is the clicked row, one `column=value` a column
    /// (`column` alone for a missing value), or nothing.
    Map,
}

/// The map components that become inputs when they have a `name`.
pub const MAP_INPUTS: [&str; 6] = ["AreaMap", "PointMap", "BubbleMap", "Areas", "Points", "Bubbles"];

/// Where the state keeps a named map's data's columns, which its queries may read.
pub fn map_columns_key(name: &str) -> String {
    format!("@map.{name}")
}

impl InputKind {
    pub fn of(component: &str) -> Option<InputKind> {
        Some(match component {
            "Dropdown" => InputKind::Dropdown,
            "ButtonGroup" => InputKind::ButtonGroup,
            "TextInput" => InputKind::TextInput,
            "DateRange" => InputKind::DateRange,
            "DateInput" => InputKind::DateInput,
            "Slider" => InputKind::Slider,
            "Checkbox" => InputKind::Checkbox,
            "DimensionGrid" => InputKind::DimensionGrid,
            _ => return None,
        })
    }

    /// The kind of an input component: `<DateInput range>` is a date range, as Evidence draws it.
    pub fn of_component(c: &Component) -> Option<InputKind> {
        if MAP_INPUTS.contains(&c.name.as_str()) && c.prop("name").is_some() {
            return Some(InputKind::Map);
        }
        match InputKind::of(&c.name)? {
            InputKind::DateInput if c.flag("range") == Some(true) => Some(InputKind::DateRange),
            kind => Some(kind),
        }
    }
}

/// One input on a page.
#[derive(Debug, Clone)]
pub struct Input<'p> {
    pub name: String,
    pub kind: InputKind,
    pub component: &'p Component,
}

/// One choice of a dropdown or button group.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// The value queries receive.
    pub value: String,
    /// What the reader sees.
    pub label: String,
}

/// The inputs of a page, in page order.
pub fn inputs(page: &Page) -> Vec<Input<'_>> {
    let mut out = Vec::new();
    collect(&page.body, &mut out);
    out
}

fn collect<'p>(nodes: &'p [Node], out: &mut Vec<Input<'p>>) {
    for node in nodes {
        if let Node::Component(c) = node {
            if let Some(kind) = InputKind::of_component(c) {
                out.push(Input { name: c.text("name").unwrap_or_default(), kind, component: c });
            }
            collect(&c.children, out);
        }
    }
}

/// The queries a page makes for inputs that filter or order their choices, as Evidence's
/// `<Dropdown data={q} where="..." order="...">` does: `select * from ${q} where ... order
/// by ...`, named `<input>__options`, its `where` placed so that an error in it points at the
/// prop's own text. Each input component is told the name (`Component::derived_query`).
pub fn options_queries(body: &mut [Node], queries: &mut Vec<crate::page::Query>) {
    let mut names = Vec::new();
    input_names(body, &mut names);
    derived_queries(body, queries, &mut names);
}

fn input_names(body: &[Node], names: &mut Vec<String>) {
    for node in body {
        if let Node::Component(c) = node {
            if InputKind::of_component(c).is_some() {
                names.extend(c.text("name"));
            }
            input_names(&c.children, names);
        }
    }
}

fn derived_queries(body: &mut [Node], queries: &mut Vec<crate::page::Query>, names: &mut Vec<String>) {
    for node in body {
        let Node::Component(c) = node else { continue };
        derived_queries(&mut c.children, queries, names);
        if InputKind::of(&c.name) == Some(InputKind::DimensionGrid) {
            grid_queries(c, queries, names);
            continue;
        }
        if !matches!(InputKind::of(&c.name), Some(InputKind::Dropdown | InputKind::ButtonGroup)) {
            continue;
        }
        let (Some(data), Some(name)) = (c.data().map(str::to_string), c.text("name")) else { continue };
        let filter = c.prop("where").map(|p| (c.text("where").unwrap_or_default(), p.value_span));
        let order = c.text("order");
        if filter.is_none() && order.is_none() {
            continue;
        }
        let prefix = format!("select * from ${{{data}}} where ");
        let (sql, offset) = match &filter {
            // Quoted values start one byte into their span.
            Some((text, span)) => {
                let start = span.start + usize::from(span.end > span.start + text.len());
                (format!("{prefix}{text}"), start.saturating_sub(prefix.len()))
            }
            None => (format!("select * from ${{{data}}}"), c.span.start),
        };
        let sql = match &order {
            Some(o) => format!("{sql}\norder by {o}"),
            None => sql,
        };
        let derived = format!("{name}__options");
        queries.push(crate::page::Query {
            name: derived.clone(),
            name_span: c.name_span,
            sql,
            sql_offset: offset,
            grid: None,
        });
        c.derived_query = Some(derived);
    }
}

/// A `<DimensionGrid>`'s two queries (see [`crate::grid`]). A grid without a `name` (it
/// still filters its own columns) is named `dimension_grid`, `dimension_grid_2`, ...
fn grid_queries(c: &mut Component, queries: &mut Vec<crate::page::Query>, names: &mut Vec<String>) {
    if c.prop("name").is_none() {
        let name = (1..)
            .map(|i| if i == 1 { "dimension_grid".to_string() } else { format!("dimension_grid_{i}") })
            .find(|n| !names.contains(n))
            .unwrap_or_default();
        names.push(name.clone());
        let span = crate::span::Span::new(c.name_span.end, c.name_span.end);
        c.props.push(crate::page::Prop {
            name: "name".into(),
            name_span: span,
            value: PropValue::Str(name),
            value_span: span,
        });
    }
    let (Some(data), Some(name)) = (c.data().map(str::to_string), c.text("name")) else { return };
    if !is_identifier(&name) || !is_identifier(&data) {
        return; // reported by `check_page` and the renderer
    }
    // `${data}` sits on the `data` prop, so a mistake in it points there.
    let prefix = "select * from ";
    let at = c.span_of("data").start.saturating_sub(prefix.len());
    let columns = crate::grid::columns_query(&name);
    queries.push(crate::page::Query {
        name: columns.clone(),
        name_span: c.name_span,
        sql: format!("{prefix}${{{data}}} limit 0"),
        sql_offset: at,
        grid: None,
    });
    // The cuts' SQL is written by the chain; what the author wrote of it is the metric.
    let (metric, metric_at) = match c.prop("metric") {
        Some(p) => {
            let text = c.text("metric").unwrap_or_default();
            let start = p.value_span.start + usize::from(p.value_span.end > p.value_span.start + text.len());
            (text, start)
        }
        None => (crate::grid::DEFAULT_METRIC.to_string(), c.name_span.start),
    };
    queries.push(crate::page::Query {
        name: crate::grid::cuts_query(&name),
        name_span: c.name_span,
        sql: metric,
        sql_offset: metric_at,
        grid: Some(name),
    });
    c.derived_query = Some(columns);
}

/// The fields a query may read: `${inputs.x}` and `${inputs.x.value}` are the value,
/// `.start` and `.end` the ends of a date range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Value,
    Start,
    End,
}

impl<'p> Input<'p> {
    /// Whether the input holds a list (`<Dropdown multiple>`): queries read it as
    /// `in ${inputs.x.value}`.
    pub fn multiple(&self) -> bool {
        self.kind == InputKind::Dropdown && self.component.flag("multiple") == Some(true)
    }

    /// The query this input takes its choices (or, for a date range, its bounds) from: its
    /// `data`, or, when it filters or orders them (`where`, `order`), the query the page
    /// makes for that (see [`options_queries`]).
    pub fn options_query(&self) -> Option<&'p str> {
        let data = self.component.data()?;
        if self.kind == InputKind::DimensionGrid {
            return self.component.derived_query.as_deref();
        }
        if self.filters_options() {
            // The page made it while parsing; its name is kept on the page.
            return self.component.derived_query.as_deref().or(Some(data));
        }
        Some(data)
    }

    fn filters_options(&self) -> bool {
        matches!(self.kind, InputKind::Dropdown | InputKind::ButtonGroup)
            && (self.component.prop("where").is_some() || self.component.prop("order").is_some())
    }

    /// The choices of a dropdown or button group: its `<DropdownOption>`/`<ButtonGroupItem>`
    /// children, then the rows of its `data` query (`value=` column, `label=` column).
    pub fn choices(&self, results: &BTreeMap<String, Table>) -> Vec<Choice> {
        let mut out = Vec::new();
        if self.kind == InputKind::ButtonGroup && self.component.text("preset").as_deref() == Some("dates") {
            for (label, value) in DATES_PRESET {
                out.push(Choice { value: value.to_string(), label: label.to_string() });
            }
        }
        for child in &self.component.children {
            if let Node::Component(c) = child
                && let Some(value) = c.text("value")
            {
                let label = c.text("valueLabel").unwrap_or_else(|| value.clone());
                out.push(Choice { value, label });
            }
        }
        if let Some(table) = self.options_query().and_then(|q| results.get(q)) {
            let value_col = self.component.text("value").and_then(|v| table.column_index(&v)).unwrap_or(0);
            let label_col = self.component.text("label").and_then(|v| table.column_index(&v)).unwrap_or(value_col);
            for row in &table.rows {
                let (Some(v), Some(l)) = (row.get(value_col), row.get(label_col)) else { continue };
                if v.is_null() {
                    continue;
                }
                let value = raw(v, table.columns[value_col].ty);
                if !out.iter().any(|c| c.value == value) {
                    out.push(Choice { value, label: raw(l, table.columns[label_col].ty) });
                }
            }
        }
        out
    }

    /// The bounds of a date range, from `start`/`end` props or the min and max of its
    /// `dates` column.
    pub fn date_bounds(&self, results: &BTreeMap<String, Table>) -> Option<(i64, i64)> {
        let from_props = (
            self.component.text("start").and_then(|s| time::parse_iso_date(&s)),
            self.component.text("end").and_then(|s| time::parse_iso_date(&s)),
        );
        let from_data = self.options_query().and_then(|q| results.get(q)).and_then(|t| {
            let col = self.component.text("dates").and_then(|d| t.column_index(&d)).unwrap_or(0);
            let ty = t.columns.get(col)?.ty;
            let days = t.values(col).filter_map(|c| match (c, ty) {
                (Cell::Int(d), ColumnType::Date) => Some(*d),
                (Cell::Int(us), ColumnType::Timestamp) => Some(us.div_euclid(time::MICROS_PER_DAY)),
                (Cell::Text(s), _) => time::parse_iso_date(s),
                _ => None,
            });
            let (lo, hi) = days.fold((i64::MAX, i64::MIN), |(lo, hi), d| (lo.min(d), hi.max(d)));
            (lo <= hi).then_some((lo, hi))
        });
        match (from_props, from_data) {
            ((Some(a), Some(b)), _) => Some((a, b)),
            ((a, b), Some((lo, hi))) => Some((a.unwrap_or(lo), b.unwrap_or(hi))),
            ((Some(a), None), None) => Some((a, a)),
            ((None, Some(b)), None) => Some((b, b)),
            ((None, None), None) => None,
        }
    }

    /// A slider's bounds: the smallest value of its `data`'s `minColumn` and the largest of
    /// `maxColumn`; else the smallest and largest of its `range` column; else `min` and
    /// `max`; else Evidence's 0 and 100. Readers' values are clamped to them.
    pub fn slider_bounds(&self, results: &BTreeMap<String, Table>) -> (f64, f64) {
        let c = self.component;
        let table = self.options_query().and_then(|q| results.get(q));
        let column = |prop: &str| -> Vec<f64> {
            let Some(t) = table else { return Vec::new() };
            let Some(i) = c.text(prop).and_then(|name| t.column_index(&name)) else { return Vec::new() };
            t.values(i).filter_map(Cell::as_f64).filter(|v| v.is_finite()).collect()
        };
        let smallest = |v: Vec<f64>| v.into_iter().reduce(f64::min);
        let largest = |v: Vec<f64>| v.into_iter().reduce(f64::max);
        let lo = smallest(column("minColumn"))
            .or_else(|| smallest(column("range")))
            .or_else(|| c.number("min"))
            .unwrap_or(0.0);
        let hi = largest(column("maxColumn"))
            .or_else(|| largest(column("range")))
            .or_else(|| c.number("max"))
            .unwrap_or(100.0);
        (lo, hi.max(lo))
    }

    /// The value the page is built with.
    pub fn default_value(&self, results: &BTreeMap<String, Table>) -> Vec<String> {
        let c = self.component;
        let default = c.prop("defaultValue").map(|p| match &p.value {
            PropValue::List(l) => l.clone(),
            PropValue::Number(n) => vec![number_text(*n)],
            PropValue::Bool(b) => vec![b.to_string()],
            PropValue::Str(s) | PropValue::Query(s) | PropValue::Expr(s) => vec![s.clone()],
        });
        match self.kind {
            InputKind::Dropdown | InputKind::ButtonGroup => {
                let choices = self.choices(results);
                if let Some(d) = default {
                    return d;
                }
                for child in &c.children {
                    if let Node::Component(ch) = child
                        && ch.flag("default") == Some(true)
                        && let Some(v) = ch.text("value")
                    {
                        return vec![v];
                    }
                }
                if self.multiple() && c.flag("selectAllByDefault") == Some(true) {
                    return choices.into_iter().map(|c| c.value).collect();
                }
                if c.flag("noDefault") == Some(true) {
                    return Vec::new();
                }
                choices.into_iter().take(1).map(|c| c.value).collect()
            }
            InputKind::TextInput => default.unwrap_or_else(|| vec![String::new()]),
            InputKind::DateRange => match self.date_bounds(results) {
                Some(bounds) => {
                    // `defaultValue='Last 7 Days'`: a preset range, counted back from the
                    // range's last day and kept within the range.
                    let (lo, hi) = c
                        .text("defaultValue")
                        .and_then(|d| date_preset(&d, bounds))
                        .map_or(bounds, |(a, b)| (a.clamp(bounds.0, bounds.1), b.clamp(bounds.0, bounds.1)));
                    vec![time::iso_date(lo), time::iso_date(hi)]
                }
                None => Vec::new(),
            },
            // One date: `defaultValue` (a date, or a preset's first day), else the first day,
            // as Evidence starts its calendar.
            InputKind::DateInput => match self.date_bounds(results) {
                Some(bounds) => {
                    let day = c
                        .text("defaultValue")
                        .and_then(|d| time::parse_iso_date(&d).or_else(|| date_preset(&d, bounds).map(|(a, _)| a)))
                        .map_or(bounds.0, |d| d.clamp(bounds.0, bounds.1));
                    vec![time::iso_date(day)]
                }
                None => Vec::new(),
            },
            InputKind::Slider => default.unwrap_or_else(|| vec![number_text(self.slider_bounds(results).0)]),
            // Nothing selected: `${inputs.grid}` is `(true)`, as Evidence's; no row clicked.
            InputKind::DimensionGrid | InputKind::Map => Vec::new(),
            InputKind::Checkbox => {
                let on = c.flag("checked").or_else(|| default.as_ref().map(|d| d.first().is_some_and(|v| v == "true")));
                vec![on.unwrap_or(false).to_string()]
            }
        }
    }

    /// A value from a URL or a control, made one this input can hold; `None` if it cannot.
    /// Dropdowns keep only their choices; text passes as typed (it is bound, never pasted).
    pub fn accept(&self, raw: &[String], results: &BTreeMap<String, Table>) -> Option<Vec<String>> {
        match self.kind {
            InputKind::Dropdown | InputKind::ButtonGroup => {
                let choices = self.choices(results);
                // A URL says "nothing chosen" with one empty value (`?picked=`).
                let raw = if self.multiple() && raw.len() == 1 && raw[0].is_empty() { &[][..] } else { raw };
                let kept: Vec<String> =
                    raw.iter().filter(|v| choices.iter().any(|c| &c.value == *v)).cloned().collect();
                if kept.len() != raw.len() || (!self.multiple() && kept.len() > 1) {
                    return None;
                }
                Some(kept)
            }
            InputKind::TextInput => Some(vec![raw.first().cloned().unwrap_or_default()]),
            InputKind::DateRange => {
                let [a, b] = raw else { return None };
                let (a, b) = (time::parse_iso_date(a)?, time::parse_iso_date(b)?);
                Some(vec![time::iso_date(a.min(b)), time::iso_date(a.max(b))])
            }
            InputKind::DateInput => {
                let [d] = raw else { return None };
                let d = time::parse_iso_date(d)?;
                let d = self.date_bounds(results).map_or(d, |(lo, hi)| d.clamp(lo, hi));
                Some(vec![time::iso_date(d)])
            }
            InputKind::Slider => {
                let v: f64 = raw.first()?.trim().parse().ok().filter(|v: &f64| v.is_finite())?;
                let (lo, hi) = self.slider_bounds(results);
                Some(vec![number_text(v.clamp(lo, hi))])
            }
            InputKind::Checkbox => match raw.first().map(String::as_str) {
                Some("true") => Some(vec!["true".into()]),
                Some("false") => Some(vec!["false".into()]),
                _ => None,
            },
            // Selections of the grid's text columns, once each; one a column unless `multiple`.
            // A URL says "nothing selected" with one empty value.
            InputKind::DimensionGrid => {
                let columns = self.grid_columns(results);
                let raw = if raw.len() == 1 && raw[0].is_empty() { &[][..] } else { raw };
                let mut kept: Vec<crate::grid::Selection> = Vec::new();
                for token in raw {
                    let s = crate::grid::Selection::parse(token, &columns)?;
                    if !kept.contains(&s) {
                        kept.push(s);
                    }
                }
                let multiple = self.component.flag("multiple") == Some(true);
                if !multiple && kept.iter().enumerate().any(|(i, s)| kept[..i].iter().any(|k| k.column == s.column)) {
                    return None;
                }
                Some(kept.iter().map(crate::grid::Selection::token).collect())
            }
            // A row of the map's data, every column of it; or nothing (`?m=`).
            InputKind::Map => {
                let raw = if raw.len() == 1 && raw[0].is_empty() { &[][..] } else { raw };
                if raw.is_empty() {
                    return Some(Vec::new());
                }
                let table = self.component.data().and_then(|q| results.get(q))?;
                let columns = self.map_columns(results);
                let picked = crate::grid::selections(raw, &columns);
                let row = table.rows.iter().find(|row| {
                    picked.len() == columns.len()
                        && table.columns.iter().zip(row.iter()).all(|(col, cell)| {
                            let value = (!cell.is_null()).then(|| self::raw(cell, col.ty));
                            picked.iter().any(|s| s.column == col.name && s.value == value)
                        })
                })?;
                Some(map_row(table, row))
            }
        }
    }

    /// A named map's data's columns.
    pub fn map_columns(&self, results: &BTreeMap<String, Table>) -> Vec<String> {
        self.component
            .data()
            .and_then(|q| results.get(q))
            .map(|t| t.columns.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default()
    }

    /// A grid's text columns, from its columns query's result.
    pub fn grid_columns(&self, results: &BTreeMap<String, Table>) -> Vec<String> {
        self.options_query().and_then(|q| results.get(q)).map(crate::grid::text_columns).unwrap_or_default()
    }

    /// What the state holds besides the input's value once it is settled: a grid's text
    /// columns, which the SQL of its cuts is written from.
    pub fn settled_extra(&self, results: &BTreeMap<String, Table>) -> Option<(String, Vec<String>)> {
        match self.kind {
            InputKind::DimensionGrid => Some((crate::grid::columns_key(&self.name), self.grid_columns(results))),
            InputKind::Map => Some((map_columns_key(&self.name), self.map_columns(results))),
            _ => None,
        }
    }

    /// The values a query receives for `field`.
    pub fn read(&self, field: Field, state: &[String]) -> Vec<String> {
        match field {
            Field::Value => state.to_vec(),
            Field::Start => state.first().cloned().into_iter().collect(),
            Field::End => state.get(1).cloned().into_iter().collect(),
        }
    }
}

/// A row of a map's data as its input holds it: `column=value` for each column.
pub fn map_row(table: &Table, row: &[Cell]) -> Vec<String> {
    table
        .columns
        .iter()
        .zip(row)
        .map(|(col, cell)| {
            let value = (!cell.is_null()).then(|| raw(cell, col.ty));
            crate::grid::Selection { column: col.name.clone(), value }.token()
        })
        .collect()
}

/// A cell as the text an input holds: dates as `YYYY-MM-DD`, numbers as written.
pub fn raw(cell: &Cell, ty: ColumnType) -> String {
    match (cell, ty) {
        (Cell::Null, _) => String::new(),
        (Cell::Int(d), ColumnType::Date) => time::iso_date(*d),
        (Cell::Int(us), ColumnType::Timestamp) => time::iso_timestamp(*us),
        (Cell::Int(i), _) => i.to_string(),
        (Cell::Float(f), _) => number_text(*f),
        (Cell::Bool(b), _) => b.to_string(),
        (Cell::Text(s), _) => s.clone(),
        (Cell::Rows(t), _) => t.list_text(),
    }
}

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { n.to_string() }
}

/// `<ButtonGroup preset=dates>`: Evidence's buttons, label and value.
pub const DATES_PRESET: [(&str, &str); 3] = [("Week", "7 days"), ("Month", "1 month"), ("Year", "1 year")];

/// The preset ranges a `DateRange` offers (`presetRanges`) and may start at (`defaultValue`).
pub const DATE_PRESETS: [&str; 14] = [
    "Last 7 Days",
    "Last 30 Days",
    "Last 90 Days",
    "Last 365 Days",
    "Last 3 Months",
    "Last 6 Months",
    "Last 12 Months",
    "Last Month",
    "Last Year",
    "Month to Date",
    "Month to Today",
    "Year to Date",
    "Year to Today",
    "All Time",
];

/// The preset a name means, as Evidence matches it: case and spaces do not count.
pub fn date_preset_name(name: &str) -> Option<&'static str> {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect::<String>();
    let wanted = squash(name);
    DATE_PRESETS.into_iter().find(|p| squash(p) == wanted)
}

/// A preset range as days, counted as Evidence counts it: back from the last day of the
/// range (`hi`), never from today, so the same data gives the same range.
pub fn date_preset(name: &str, (lo, hi): (i64, i64)) -> Option<(i64, i64)> {
    let (y, m, _) = time::civil(hi);
    // Month `k` months before the last day's, as (year, month).
    let month = |k: i64| {
        let n = y * 12 + i64::from(m) - 1 - k;
        (n.div_euclid(12), (n.rem_euclid(12) + 1) as u32)
    };
    let first = |(y, m): (i64, u32)| time::days_from_civil(y, m, 1);
    let last = |k: i64| first(month(k - 1)) - 1;
    Some(match date_preset_name(name)? {
        "Last 7 Days" => (hi - 6, hi),
        "Last 30 Days" => (hi - 29, hi),
        "Last 90 Days" => (hi - 89, hi),
        "Last 365 Days" => (hi - 364, hi),
        "Last 3 Months" => (first(month(3)), last(1)),
        "Last 6 Months" => (first(month(6)), last(1)),
        "Last 12 Months" => (first(month(12)), last(1)),
        "Last Month" => (first(month(1)), last(1)),
        "Last Year" => (time::days_from_civil(y - 1, 1, 1), time::days_from_civil(y - 1, 12, 31)),
        "Month to Date" => (first(month(0)), last(0)),
        "Month to Today" => (first(month(0)), hi),
        "Year to Date" => (time::days_from_civil(y, 1, 1), time::days_from_civil(y, 12, 31)),
        "Year to Today" => (time::days_from_civil(y, 1, 1), hi),
        _ => (lo, hi),
    })
}

/// Names must be unique identifiers; a query reads `${inputs.<name>.value}`. Preset names
/// must be presets.
pub(crate) fn check_page(page: &Page, problems: &mut Vec<Problem>) {
    let mut seen = std::collections::BTreeSet::new();
    for input in inputs(page) {
        let c = input.component;
        check_presets(&input, problems);
        if c.prop("name").is_none() {
            continue; // the catalogue reports the missing prop
        }
        if !is_identifier(&input.name) {
            problems.push(
                Problem::new(format!("`{}` cannot name an input", input.name), c.span_of("name"))
                    .help("use letters, digits and `_`, starting with a letter: `name=category`"),
            );
        } else if !seen.insert(input.name.clone()) {
            problems.push(
                Problem::new(format!("two inputs are named `{}`", input.name), c.span_of("name"))
                    .help("give each input on a page its own name"),
            );
        }
    }
}

/// Parse `inputs.<name>[.<field>]` from a `${...}` reference.
pub fn parse_reference(path: &str) -> Option<(&str, Option<&str>)> {
    let rest = path.strip_prefix("inputs.")?;
    Some(match rest.split_once('.') {
        Some((name, field)) => (name, Some(field)),
        None => (rest, None),
    })
}

impl Field {
    pub fn parse(field: Option<&str>) -> Option<Field> {
        match field {
            None | Some("value") => Some(Field::Value),
            Some("start") => Some(Field::Start),
            Some("end") => Some(Field::End),
            _ => None,
        }
    }
}

/// What to say when `${params.name}` or `{params.name}` names no parameter of the page.
pub fn params_help(state: &InputState, name: &str) -> String {
    let have: Vec<&str> = state.keys().filter_map(|k| k.strip_prefix("params.")).collect();
    if have.is_empty() {
        return "parameters come from the page's file name: pages/customers/[customer].md has `params.customer`"
            .to_string();
    }
    match crate::components::suggest(name, have.iter().copied()) {
        Some(s) => format!("did you mean `params.{s}`? (from the page's file name)"),
        None => format!("this page's parameters, from its file name: {}", have.join(", ")),
    }
}

fn check_presets(input: &Input<'_>, problems: &mut Vec<Problem>) {
    let c = input.component;
    match input.kind {
        InputKind::DateInput if c.prop("presetRanges").is_some() => problems.push(
            Problem::new(
                "`presetRanges` offers ranges, and this `<DateInput>` picks one date",
                c.span_of("presetRanges"),
            )
            .help("add `range` to pick a range, or remove `presetRanges`"),
        ),
        InputKind::DateRange | InputKind::DateInput => {
            let help = || format!("the presets are: {}", DATE_PRESETS.join(", "));
            for prop in ["presetRanges", "defaultValue"] {
                for name in c.list(prop).unwrap_or_default() {
                    let a_date = input.kind == InputKind::DateInput && time::parse_iso_date(&name).is_some();
                    if date_preset_name(&name).is_none() && !a_date {
                        problems.push(
                            Problem::new(format!("`{name}` is not a preset range"), c.span_of(prop)).help(help()),
                        );
                    }
                }
            }
        }
        InputKind::ButtonGroup => {
            if let Some(p) = c.text("preset").filter(|p| p != "dates") {
                problems.push(
                    Problem::new(format!("`{p}` is not a button group preset"), c.span_of("preset"))
                        .help("the one preset is `dates`: Week, Month and Year"),
                );
            }
        }
        _ => {}
    }
}

//! A result arranged for drawing: the distinct x values in display order, and one series
//! per (series value, y column) with a value at each x.

use quire_core::{Cell, ColumnType, Table};

use super::axes::XType;
use super::{Kind, Spec, distinct, key};
use crate::fmt::{self, Format, MICROS_PER_DAY, civil};
use crate::text::title_case;

pub(crate) struct Frame {
    pub xs: Vec<XPoint>,
    pub series: Vec<Series>,
    /// The `y2` columns' series, drawn against the right-hand axis.
    pub series2: Vec<Series>,
    /// x positions are values on a linear or time axis, not bands.
    pub continuous: bool,
    /// x positions are days since 1970-01-01.
    pub temporal: bool,
}

pub(crate) struct XPoint {
    /// The value (days for dates) on a continuous axis; the band index otherwise.
    pub pos: f64,
    /// The x value as readers see it: band labels and tooltips.
    pub label: String,
}

pub(crate) struct Series {
    pub name: String,
    /// Palette slot.
    pub ink: usize,
    /// The (summed) value at each of [`Frame::xs`]; `None` where the series has none.
    pub values: Vec<Option<f64>>,
    /// Every row's point as it is, for scatter plots: (x position, y, row).
    pub points: Vec<(f64, f64, usize)>,
}

impl Frame {
    /// `None` when there is nothing to draw.
    pub fn build(spec: &Spec<'_>) -> Option<Frame> {
        let table = spec.table;
        let x_ty = spec.x_type();
        let temporal = x_ty.is_temporal();
        let by_value = match spec.kind {
            Kind::Line | Kind::Area => spec.axes.x_type != XType::Category,
            Kind::Scatter | Kind::Bubble => true,
            // Bars are bands unless `xType=value` or `time` asks otherwise; never horizontal ones.
            Kind::Bar => spec.axes.x_type == XType::Value && !spec.swap,
            // Boxes stand in bands unless `xType=value` or `time` places them by their names.
            Kind::Box => spec.axes.x_type == XType::Value && !spec.swap,
            Kind::Histogram => false,
        };
        let continuous = by_value && (x_ty.is_numeric() || temporal);
        let (x_firsts, x_index) = distinct(table, spec.x);
        let series_values: Vec<(String, Option<String>)> = match spec.series {
            Some(s) => {
                let fmt = spec.marks.series_fmt.clone().or_else(|| fmt::for_column(table, s));
                let (firsts, _) = distinct(table, s);
                firsts
                    .iter()
                    .map(|&r| {
                        let cell = &table.rows[r][s];
                        (fmt::format_cell(cell, table.columns[s].ty, fmt.as_ref()), key(cell))
                    })
                    .collect()
            }
            None => vec![(String::new(), None)],
        };
        let series_index: std::collections::BTreeMap<String, usize> =
            series_values.iter().enumerate().filter_map(|(i, (_, k))| Some((k.clone()?, i))).collect();

        let y2s: &[usize] = spec.y2().map_or(&[], |y2| &y2.cols);
        let cols: Vec<usize> = spec.ys.iter().chain(y2s).copied().collect();
        let n_y = cols.len().max(1);
        let mut series: Vec<Series> = Vec::new();
        for (name, _) in &series_values {
            for &y in &cols {
                let y_name = title_case(&table.columns[y].name);
                let name = match (spec.series.is_some(), cols.len() > 1) {
                    (true, true) => format!("{name} · {y_name}"),
                    (true, false) => name.clone(),
                    (false, _) => y_name,
                };
                series.push(Series { name, ink: series.len(), values: vec![None; x_firsts.len()], points: Vec::new() });
            }
        }
        for (r, row) in table.rows.iter().enumerate() {
            let Some(xi) = key(&row[spec.x]).and_then(|k| x_index.get(&k).copied()) else {
                continue;
            };
            let si = match spec.series {
                Some(s) => match key(&row[s]).and_then(|k| series_index.get(&k).copied()) {
                    Some(i) => i,
                    None => continue,
                },
                None => 0,
            };
            // Points over categories sit on their band (its index until the bands are ordered).
            let x_pos = if continuous { position(&row[spec.x], x_ty) } else { Some(xi as f64) };
            for (j, &y) in cols.iter().enumerate() {
                let Some(v) = number(&row[y]) else { continue };
                let s = &mut series[si * n_y + j];
                s.values[xi] = Some(s.values[xi].unwrap_or(0.0) + v);
                if let Some(xp) = x_pos {
                    s.points.push((xp, v, r));
                }
            }
        }
        // The y2 series after the y ones, each in the palette slot after them, as in Evidence.
        let (mut primary, mut series2) = (Vec::new(), Vec::new());
        for (i, s) in series.into_iter().enumerate() {
            if i % n_y < spec.ys.len() { primary.push(s) } else { series2.push(s) }
        }
        for (i, s) in primary.iter_mut().chain(&mut series2).enumerate() {
            s.ink = i;
        }
        let mut series = primary;
        if series.iter().chain(&series2).all(|s| s.values.iter().all(Option::is_none)) {
            return None;
        }

        // Display order: by value for dates, and for numbers unless `sort=false`; for
        // categories, as the query returned them, or largest first in a bar chart and a
        // scatter plot (Evidence's default sort), unless `sort=false`.
        let mut order: Vec<usize> = (0..x_firsts.len()).collect();
        let x_cell = |i: usize| &table.rows[x_firsts[i]][spec.x];
        if temporal || (x_ty.is_numeric() && spec.sort) {
            order.sort_by(|&a, &b| {
                let pa = position(x_cell(a), x_ty).unwrap_or(f64::NAN);
                let pb = position(x_cell(b), x_ty).unwrap_or(f64::NAN);
                pa.total_cmp(&pb)
            });
        } else if matches!(spec.kind, Kind::Bar | Kind::Scatter | Kind::Bubble) && spec.sort {
            let total = |i: usize| series.iter().filter_map(|s| s.values[i]).sum::<f64>();
            order.sort_by(|&a, &b| total(b).total_cmp(&total(a)));
        }
        let x_fmt = spec
            .x_fmt
            .clone()
            .or_else(|| if continuous { fmt::for_column(table, spec.x) } else { band_format(table, spec.x) });
        let xs = order
            .iter()
            .enumerate()
            .map(|(band, &i)| XPoint {
                pos: if continuous { position(x_cell(i), x_ty).unwrap_or(0.0) } else { band as f64 },
                label: fmt::format_cell(x_cell(i), x_ty, x_fmt.as_ref()),
            })
            .collect();
        let mut band_of = vec![0usize; order.len()];
        for (band, &i) in order.iter().enumerate() {
            band_of[i] = band;
        }
        for s in series.iter_mut().chain(&mut series2) {
            s.values = order.iter().map(|&i| s.values[i]).collect();
            if !continuous {
                for p in &mut s.points {
                    p.0 = band_of[p.0 as usize] as f64;
                }
            }
        }
        Some(Frame { xs, series, series2, continuous, temporal })
    }
}

/// A y cell as a number; nulls and non-numbers are no value.
fn number(cell: &Cell) -> Option<f64> {
    match cell {
        Cell::Int(_) | Cell::Float(_) => cell.as_f64(),
        _ => None,
    }
}

/// Where an x cell sits on a continuous axis: its value, or its day for dates.
pub(crate) fn position(cell: &Cell, ty: ColumnType) -> Option<f64> {
    match (cell, ty) {
        (Cell::Int(t), ColumnType::Timestamp) => Some(*t as f64 / MICROS_PER_DAY as f64),
        _ => cell.as_f64(),
    }
}

/// Date bands read better at the grain of the data: "2022" for years, "Jan 2022" for months.
pub(crate) fn band_format(table: &Table, x: usize) -> Option<Format> {
    let ty = table.columns[x].ty;
    if !ty.is_temporal() {
        return fmt::for_column(table, x);
    }
    let days: Vec<i64> = table
        .values(x)
        .filter_map(|c| match c {
            Cell::Int(d) if ty == ColumnType::Date => Some(*d),
            Cell::Int(t) if t.rem_euclid(MICROS_PER_DAY) == 0 => Some(t.div_euclid(MICROS_PER_DAY)),
            Cell::Int(_) => Some(i64::MIN),
            _ => None,
        })
        .collect();
    if days.is_empty() || days.contains(&i64::MIN) {
        return fmt::for_column(table, x);
    }
    let code = if days.iter().all(|&d| civil(d).1 == 1 && civil(d).2 == 1) {
        "yyyy"
    } else if days.iter().all(|&d| civil(d).2 == 1) {
        "mmm yyyy"
    } else {
        "yyyy-mm-dd"
    };
    fmt::parse(code).ok()
}

impl Frame {
    /// `(base, top)` of every value, stacked per x: positives upwards, negatives downwards,
    /// as shares of each x's total when `share`. A missing value leaves a gap, or counts as
    /// zero when `missing_as_zero` (areas must stay closed; bars may have holes).
    pub(crate) fn stack(&self, share: bool, missing_as_zero: bool) -> Vec<Vec<Option<(f64, f64)>>> {
        self.stack_in(share, missing_as_zero, &|_| 0)
    }

    /// [`Frame::stack`], each series in the stack `group` gives it: stacks of their own.
    pub(crate) fn stack_in(
        &self,
        share: bool,
        missing_as_zero: bool,
        group: &dyn Fn(usize) -> usize,
    ) -> Vec<Vec<Option<(f64, f64)>>> {
        let n = self.xs.len();
        let groups = (0..self.series.len()).map(group).max().map_or(1, |m| m + 1);
        let totals: Vec<Vec<f64>> = (0..groups)
            .map(|g| {
                (0..n)
                    .map(|i| {
                        let members = self.series.iter().enumerate().filter(|(si, _)| group(*si) == g);
                        members.filter_map(|(_, s)| s.values[i]).map(f64::abs).sum()
                    })
                    .collect()
            })
            .collect();
        let mut pos = vec![vec![0.0; n]; groups];
        let mut neg = vec![vec![0.0; n]; groups];
        self.series
            .iter()
            .enumerate()
            .map(|(si, s)| {
                let g = group(si);
                let (pos, neg, totals) = (&mut pos[g], &mut neg[g], &totals[g]);
                (0..n)
                    .map(|i| {
                        let mut v = match s.values[i] {
                            Some(v) => v,
                            None if missing_as_zero => 0.0,
                            None => return None,
                        };
                        if share && totals[i] > 0.0 {
                            v /= totals[i];
                        }
                        let edge = if v >= 0.0 { &mut pos[i] } else { &mut neg[i] };
                        let base = *edge;
                        *edge += v;
                        Some((base, *edge))
                    })
                    .collect()
            })
            .collect()
    }
}

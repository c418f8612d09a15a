//! Query results as components see them: named, typed columns of plain cells.
//!
//! The engine converts Arrow batches into a [`Table`]; renderers read only this, so they
//! compile without Arrow and format identically at build and in the browser.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    Bool,
    Int,
    Float,
    Text,
    /// Days since 1970-01-01.
    Date,
    /// Microseconds since 1970-01-01T00:00:00, no time zone.
    Timestamp,
    /// A list in each cell (`array_agg(...)`): every cell is a [`Cell::Rows`].
    List,
}

impl ColumnType {
    pub fn is_numeric(self) -> bool {
        matches!(self, ColumnType::Int | ColumnType::Float)
    }
    pub fn is_temporal(self) -> bool {
        matches!(self, ColumnType::Date | ColumnType::Timestamp)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: ColumnType,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cell {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    /// A list (`array_agg({'date': d, 'sales': s})`) as the rows of a small table: a list
    /// of structs has the structs' fields as columns, a list of plain values one column,
    /// `value`. Boxed: a cell is 32 bytes, not 56, and a result of millions of rows holds
    /// millions of them.
    Rows(Box<Table>),
}

impl Cell {
    pub fn is_null(&self) -> bool {
        matches!(self, Cell::Null)
    }
    /// The cell as a number, for charts and totals: ints, floats, and temporal values
    /// (stored as ints) all count; text and null do not.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Cell::Int(i) => Some(*i as f64),
            Cell::Float(f) if f.is_finite() => Some(*f),
            Cell::Bool(b) => Some(f64::from(u8::from(*b))),
            _ => None,
        }
    }
    /// The order tables and charts sort by: nulls last, numbers by value, text by text.
    pub fn order(a: &Cell, b: &Cell) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        match (a, b) {
            (Cell::Null, Cell::Null) => Ordering::Equal,
            (Cell::Null, _) => Ordering::Greater,
            (_, Cell::Null) => Ordering::Less,
            (Cell::Text(x), Cell::Text(y)) => x.cmp(y),
            _ => match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                _ => Ordering::Equal,
            },
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Cell::Text(s) => Some(s),
            _ => None,
        }
    }
}

/// A table as JSON holds it. A whole float that crossed JavaScript's JSON (the page hands
/// its data island to the worker that way) comes back as `2925`, not `2925.0`: read back, a
/// float column's whole numbers are floats again.
#[derive(Deserialize)]
struct TableWire {
    columns: Vec<Column>,
    rows: Vec<Vec<Cell>>,
}

impl From<TableWire> for Table {
    fn from(TableWire { columns, mut rows }: TableWire) -> Table {
        let floats: Vec<usize> =
            columns.iter().enumerate().filter(|(_, c)| c.ty == ColumnType::Float).map(|(i, _)| i).collect();
        for row in &mut rows {
            for &i in &floats {
                if let Some(Cell::Int(v)) = row.get(i) {
                    row[i] = Cell::Float(*v as f64);
                }
            }
        }
        Table { columns, rows }
    }
}

/// One query's result. Temporal cells are stored as [`Cell::Int`] in the unit their
/// column's type says.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(from = "TableWire")]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// A column the build adds to a result it ran *binned* (a row per distinct value, for a
    /// query only histograms read): how many rows had that value. No author's SQL names it.
    pub const WEIGHT: &'static str = "__quire_rows";

    /// Whether `other` has the same columns and the same rows, each as many times, in any
    /// order: two queries with the same `order by` that leaves ties give the same answer in
    /// two orders, both of which it allows. (Floats compare by their exact value.)
    pub fn same_rows(&self, other: &Table) -> bool {
        let sorted = |t: &Table| {
            let mut rows: Vec<String> = t.rows.iter().map(|r| format!("{r:?}")).collect();
            rows.sort_unstable();
            rows
        };
        self.columns == other.columns
            && self.rows.len() == other.rows.len()
            && (self.rows == other.rows || sorted(self) == sorted(other))
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.name == name)
            .or_else(|| self.columns.iter().position(|c| c.name.eq_ignore_ascii_case(name)))
    }
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.column_index(name).map(|i| &self.columns[i])
    }
    pub fn len(&self) -> usize {
        self.rows.len()
    }
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
    /// The cells of one column, top to bottom.
    pub fn values(&self, index: usize) -> impl Iterator<Item = &Cell> + '_ {
        self.rows.iter().map(move |r| &r[index])
    }

    /// The table as CSV (RFC 4180, CRLF): a header row, dates as `YYYY-MM-DD`, nulls empty.
    /// A text cell a spreadsheet would read as a formula (it starts with `=`, `+`, `-`, `@`, a
    /// tab or a carriage return) is prefixed with `'`, as OWASP recommends: data from anyone
    /// must not run in a reader's spreadsheet. Numbers (`-3`, `+1.5e3`) stay numbers.
    pub fn to_csv(&self) -> String {
        self.to_csv_within(usize::MAX).unwrap_or_default()
    }

    /// [`Table::to_csv`], or `None` as soon as the text passes `limit` bytes.
    pub fn to_csv_within(&self, limit: usize) -> Option<String> {
        fn field(out: &mut String, s: &str) {
            let guarded;
            let s = if formula_like(s) {
                guarded = format!("'{s}");
                guarded.as_str()
            } else {
                s
            };
            if s.contains([',', '"', '\n', '\r']) {
                out.push('"');
                out.push_str(&s.replace('"', "\"\""));
                out.push('"');
            } else {
                out.push_str(s);
            }
        }
        let mut out = String::new();
        for (i, c) in self.columns.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            field(&mut out, &c.name);
        }
        out.push_str("\r\n");
        for row in &self.rows {
            for (i, (cell, col)) in row.iter().zip(&self.columns).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                field(&mut out, &crate::inputs::raw(cell, col.ty));
            }
            out.push_str("\r\n");
            if out.len() > limit {
                return None;
            }
        }
        (out.len() <= limit).then_some(out)
    }

    /// A list cell as text, as DuckDB prints one: `[1, 2]`, `[{date: 2024-01-01, sales: 3}]`.
    pub fn list_text(&self) -> String {
        let plain = self.columns.len() == 1 && self.columns[0].name == "value";
        let items: Vec<String> = self
            .rows
            .iter()
            .map(|row| {
                if plain {
                    return row.first().map(|c| crate::inputs::raw(c, self.columns[0].ty)).unwrap_or_default();
                }
                let fields: Vec<String> = row
                    .iter()
                    .zip(&self.columns)
                    .map(|(c, col)| format!("{}: {}", col.name, crate::inputs::raw(c, col.ty)))
                    .collect();
                format!("{{{}}}", fields.join(", "))
            })
            .collect();
        format!("[{}]", items.join(", "))
    }

    /// Whether two results hold the same values, allowing the last bits of floating-point
    /// sums to differ (the build runs partitions in parallel, the browser in one).
    pub fn same_values(&self, other: &Table) -> bool {
        self.columns == other.columns
            && self.rows.len() == other.rows.len()
            && self.rows.iter().zip(&other.rows).all(|(a, b)| {
                a.len() == b.len()
                    && a.iter().zip(b).all(|(x, y)| match (x, y) {
                        (Cell::Float(x), Cell::Float(y)) => {
                            x == y || (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0)
                        }
                        _ => x == y,
                    })
            })
    }
}

/// Whether a CSV cell would be taken for a formula by a spreadsheet (and is not a number).
fn formula_like(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false };
    matches!(first, '=' | '+' | '-' | '@' | '\t' | '\r') && s.trim().parse::<f64>().is_err()
}

#[cfg(test)]
mod csv_tests {
    use super::*;

    #[test]
    fn a_whole_float_read_back_is_a_float() {
        let t: Table = serde_json::from_str(
            r#"{"columns":[{"name":"s","type":"float"},{"name":"n","type":"int"}],"rows":[[2925,3]]}"#,
        )
        .expect("JSON");
        assert_eq!(t.rows[0], [Cell::Float(2925.0), Cell::Int(3)]);
    }

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        let t = Table {
            columns: vec![Column { name: "v".into(), ty: ColumnType::Text }],
            rows: ["=HYPERLINK(\"http://x\")", "+1", "-3.5", "@SUM(A1)", "\tx", "\rx", "-", "plain", "a=b", "=1+2"]
                .iter()
                .map(|s| vec![Cell::Text((*s).into())])
                .collect(),
        };
        assert_eq!(
            t.to_csv(),
            "v\r\n\"'=HYPERLINK(\"\"http://x\"\")\"\r\n+1\r\n-3.5\r\n'@SUM(A1)\r\n'\tx\r\n\"'\rx\"\r\n'-\r\nplain\r\na=b\r\n'=1+2\r\n"
        );
    }

    #[test]
    fn a_csv_stops_at_its_limit() {
        let t = Table {
            columns: vec![Column { name: "v".into(), ty: ColumnType::Text }],
            rows: (0..100).map(|i| vec![Cell::Text(format!("row {i}"))]).collect(),
        };
        let whole = t.to_csv();
        assert_eq!(t.to_csv_within(whole.len()).as_deref(), Some(whole.as_str()));
        assert_eq!(t.to_csv_within(whole.len() - 1), None);
        assert_eq!(t.to_csv_within(10), None);
    }
}

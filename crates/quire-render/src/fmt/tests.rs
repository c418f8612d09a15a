use super::*;
use quire_core::Column;

fn f(cell: Cell, ty: ColumnType, code: &str) -> String {
    let fmt = parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
    format_cell(&cell, ty, Some(&fmt))
}

fn num(v: f64, code: &str) -> String {
    f(Cell::Float(v), ColumnType::Float, code)
}

#[test]
fn currency_presets() {
    assert_eq!(num(412.17, "usd"), "$412.17");
    assert_eq!(num(3.5, "usd"), "$3.50");
    assert_eq!(num(7043.123, "usd"), "$7,043");
    assert_eq!(num(-7043.123, "usd"), "-$7,043");
    assert_eq!(num(7043.123, "usd0"), "$7,043");
    assert_eq!(num(7043.123, "usd1"), "$7,043.1");
    assert_eq!(num(7043.123, "usd2"), "$7,043.12");
    assert_eq!(num(-7043.123, "usd2"), "-$7,043.12");
    assert_eq!(num(64301.12, "usd0k"), "$64k");
    assert_eq!(num(64301.12, "usd1k"), "$64.3k");
    assert_eq!(num(64301.12, "usd2k"), "$64.30k");
    assert_eq!(num(4564301.12, "usd1m"), "$4.6M");
    assert_eq!(num(9784564301.12, "usd2b"), "$9.78B");
    assert_eq!(num(1234.5, "eur2"), "€1,234.50");
    assert_eq!(num(1234.5, "gbp0"), "£1,235");
    assert_eq!(num(12.0, "eur"), "€12");
    assert_eq!(num(4564301.12, "USD1M"), "$4.6M");
}

#[test]
fn number_presets() {
    assert_eq!(num(11.23168, "num0"), "11");
    assert_eq!(num(11.23168, "num1"), "11.2");
    assert_eq!(num(11.23168, "num4"), "11.2317");
    assert_eq!(num(64201.0, "num1k"), "64.2k");
    assert_eq!(num(42539483.0, "num2m"), "42.54M");
    assert_eq!(num(1384937584.0, "num0b"), "1B");
    assert_eq!(f(Cell::Int(921594675), ColumnType::Int, "id"), "921594675");
    assert_eq!(num(5.32, "mult"), "5.3x");
    assert_eq!(num(16546.1561, "sci"), "1.65E+4");
    assert_eq!(num(-2.5, "num0"), "-3");
}

#[test]
fn percent_presets() {
    assert_eq!(num(0.731, "pct"), "73.1%");
    assert_eq!(num(0.0523, "pct"), "5.23%");
    assert_eq!(num(1.0, "pct"), "100%");
    assert_eq!(num(0.731, "pct0"), "73%");
    assert_eq!(num(0.7315, "pct1"), "73.2%");
    assert_eq!(num(-0.05, "pct1"), "-5.0%");
    assert_eq!(num(0.12345, "pct3"), "12.345%");
}

#[test]
fn excel_codes() {
    assert_eq!(num(1234.56, "'$#,##0.0'".trim_matches('\'')), "$1,234.6");
    assert_eq!(num(1234.56, "#,##0"), "1,235");
    assert_eq!(num(0.1234, "0.00%"), "12.34%");
    assert_eq!(num(4564301.12, "0.0,,\"M\""), "4.6M");
    assert_eq!(num(-1234.0, "#,##0;(#,##0);\"zero\""), "(1,234)");
    assert_eq!(num(0.0, "#,##0;(#,##0);\"zero\""), "zero");
}

#[test]
fn dates() {
    let day = days_from_civil(2022, 1, 9);
    let date = |code: &str| f(Cell::Int(day), ColumnType::Date, code);
    assert_eq!(date("yyyy-mm-dd"), "2022-01-09");
    assert_eq!(date("mmm yyyy"), "Jan 2022");
    assert_eq!(date("mmmm d, yyyy"), "January 9, 2022");
    assert_eq!(date("longdate"), "January 9, 2022");
    assert_eq!(date("fulldate"), "Sunday January 9, 2022");
    assert_eq!(date("shortdate"), "Jan 9/22");
    assert_eq!(date("mdy"), "1/9/22");
    assert_eq!(date("dmy"), "9/1/22");
    assert_eq!(date("ddmmyyyy"), "09/01/2022");
    let ts = day * MICROS_PER_DAY + (11 * 3600 + 45 * 60 + 3) * 1_000_000;
    let stamp = |code: &str| f(Cell::Int(ts), ColumnType::Timestamp, code);
    assert_eq!(stamp("hms"), "11:45:03 AM");
    assert_eq!(stamp("datetime"), "2022-01-09 11:45:03");
    assert_eq!(stamp("mmm d, yyyy"), "Jan 9, 2022");
}

#[test]
fn auto() {
    assert_eq!(format_cell(&Cell::Int(1234567), ColumnType::Int, None), "1,234,567");
    assert_eq!(format_cell(&Cell::Int(-1234), ColumnType::Int, None), "-1,234");
    assert_eq!(format_cell(&Cell::Float(1234.5678), ColumnType::Float, None), "1,234.57");
    assert_eq!(format_cell(&Cell::Float(3.0), ColumnType::Float, None), "3");
    assert_eq!(format_cell(&Cell::Float(0.012345), ColumnType::Float, None), "0.0123");
    assert_eq!(format_cell(&Cell::Float(-0.5), ColumnType::Float, None), "-0.5");
    assert_eq!(format_cell(&Cell::Float(12345678.9), ColumnType::Float, None), "12,345,678.9");
    assert_eq!(format_cell(&Cell::Int(19_001), ColumnType::Date, None), "2022-01-09");
    assert_eq!(
        format_cell(&Cell::Int(19_001 * MICROS_PER_DAY + 3_600_000_000), ColumnType::Timestamp, None),
        "2022-01-09 01:00:00"
    );
    assert_eq!(format_cell(&Cell::Text("a < b".into()), ColumnType::Text, None), "a < b");
    assert_eq!(format_cell(&Cell::Bool(true), ColumnType::Bool, None), "true");
}

#[test]
fn nulls() {
    assert_eq!(format_cell(&Cell::Null, ColumnType::Float, None), "–");
    assert_eq!(format_cell(&Cell::Null, ColumnType::Float, parse("usd").ok().as_ref()), "–");
    assert_eq!(format_cell(&Cell::Null, ColumnType::Date, parse("longdate").ok().as_ref()), "–");
}

#[test]
fn column_name_formats() {
    let table = Table {
        columns: vec![
            Column { name: "revenue_usd".into(), ty: ColumnType::Float },
            Column { name: "margin_pct".into(), ty: ColumnType::Float },
            Column { name: "year".into(), ty: ColumnType::Int },
            Column { name: "day".into(), ty: ColumnType::Timestamp },
            Column { name: "count".into(), ty: ColumnType::Int },
        ],
        rows: vec![vec![
            Cell::Float(1234.5),
            Cell::Float(0.25),
            Cell::Int(2024),
            Cell::Int(19_001 * MICROS_PER_DAY),
            Cell::Int(5),
        ]],
    };
    let show = |i: usize| format_cell(&table.rows[0][i], table.columns[i].ty, for_column(&table, i).as_ref());
    assert_eq!(show(0), "$1,235");
    assert_eq!(show(1), "25%");
    assert_eq!(show(2), "2024");
    assert_eq!(show(3), "2022-01-09");
    assert_eq!(show(4), "5");
}

#[test]
fn bad_formats() {
    assert_eq!(parse("usdd"), Err("unknown format `usdd`".to_string()));
    assert_eq!(parse("dollars"), Err("unknown format `dollars`".to_string()));
    assert!(parse("0.0\"M").is_err());
    assert!(parse("").is_err());
}

#[test]
fn compact_and_axes() {
    assert_eq!(compact(1_234_567.0, "$"), "$1.23M");
    assert_eq!(compact(999_960.0, ""), "1M");
    assert_eq!(compact(45_600.0, ""), "45.6k");
    assert_eq!(compact(-512.0, "$"), "-$512");
    assert_eq!(axis_labels(&[0.0, 20_000.0, 40_000.0], 20_000.0, None), ["0", "20k", "40k"]);
    assert_eq!(axis_labels(&[0.0, 500.0, 1000.0, 1500.0], 500.0, None), ["0", "500", "1,000", "1,500"]);
    assert_eq!(axis_labels(&[0.0, 1.5e6, 3e6], 1.5e6, parse("usd").ok().as_ref()), ["$0", "$1.5M", "$3M"]);
    // An author's format that would print two ticks alike gets a decimal more.
    let usd0k = parse("usd0k").ok();
    assert_eq!(axis_labels(&[0.0, 500.0, 1000.0, 1500.0], 500.0, usd0k.as_ref()), ["$0.0k", "$0.5k", "$1.0k", "$1.5k"]);
    assert_eq!(axis_labels(&[0.0, 5000.0, 10000.0], 5000.0, usd0k.as_ref()), ["$0k", "$5k", "$10k"]);
    assert_eq!(axis_labels(&[0.0, 0.25, 0.5], 0.25, parse("pct1").ok().as_ref()), ["0%", "25%", "50%"]);
    assert_eq!(axis_labels(&[0.0, 0.5, 1.0], 0.5, None), ["0", "0.5", "1"]);
    assert_eq!(axis_labels(&[-10.0, 0.0, 10.0], 10.0, None), ["-10", "0", "10"]);
}

#[test]
fn table_columns_share_decimals() {
    let table = Table {
        columns: vec![
            Column { name: "growth_pct".into(), ty: ColumnType::Float },
            Column { name: "price_usd".into(), ty: ColumnType::Float },
            Column { name: "ratio".into(), ty: ColumnType::Float },
        ],
        rows: vec![
            vec![Cell::Float(0.123), Cell::Float(1234.0), Cell::Float(1.5)],
            vec![Cell::Float(-0.02), Cell::Float(3.5), Cell::Float(2.0)],
        ],
    };
    let show =
        |r: usize, i: usize| format_cell(&table.rows[r][i], table.columns[i].ty, for_display(&table, i).as_ref());
    assert_eq!([show(0, 0), show(1, 0)], ["12.3%", "-2.0%"]);
    assert_eq!([show(0, 1), show(1, 1)], ["$1,234.00", "$3.50"]);
    assert_eq!([show(0, 2), show(1, 2)], ["1.5", "2.0"]);
}

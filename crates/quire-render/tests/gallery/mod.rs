//! A realistic page with every component, over generated data, for looking at.

use std::collections::BTreeMap;

use quire_core::{Cell, Column, ColumnType, Table};
use quire_render::fmt::days_from_civil;

fn col(name: &str, ty: ColumnType) -> Column {
    Column { name: name.into(), ty }
}

/// A deterministic wobble in [0, 1).
fn noise(i: u64) -> f64 {
    let x = i.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    ((x >> 33) % 10_000) as f64 / 10_000.0
}

pub fn page() -> (String, BTreeMap<String, Table>) {
    let channels = ["Online", "Retail", "Wholesale"];
    let mut monthly = Vec::new();
    let mut k = 0;
    for year in [2023, 2024] {
        for m in 1..=12u32 {
            for (c, ch) in channels.iter().enumerate() {
                k += 1;
                let t = (year - 2023) as f64 * 12.0 + m as f64;
                let base = [42_000.0, 30_000.0, 18_000.0][c];
                let season = 1.0 + 0.18 * (((m as f64) - 6.5) / 6.5).abs();
                let sales = base * (1.0 + 0.025 * t) * season * (0.9 + 0.2 * noise(k));
                let orders = (sales / [85.0, 120.0, 410.0][c]).round() as i64;
                monthly.push(vec![
                    Cell::Int(days_from_civil(year, m, 1)),
                    Cell::Text((*ch).into()),
                    Cell::Float((sales * 100.0).round() / 100.0),
                    Cell::Int(orders),
                ]);
            }
        }
    }
    let monthly = Table {
        columns: vec![
            col("month", ColumnType::Date),
            col("channel", ColumnType::Text),
            col("sales", ColumnType::Float),
            col("orders", ColumnType::Int),
        ],
        rows: monthly,
    };
    let mut totals: Vec<(i64, f64, i64)> = Vec::new();
    for r in &monthly.rows {
        let (Cell::Int(d), Some(s), Cell::Int(o)) = (&r[0], r[2].as_f64(), &r[3]) else {
            continue;
        };
        match totals.iter_mut().find(|t| t.0 == *d) {
            Some(t) => {
                t.1 += s;
                t.2 += o;
            }
            None => totals.push((*d, s, *o)),
        }
    }
    totals.sort_by_key(|t| std::cmp::Reverse(t.0));
    let kpis = Table {
        columns: vec![
            col("month", ColumnType::Date),
            col("sales_usd", ColumnType::Float),
            col("orders", ColumnType::Int),
            col("sales_growth", ColumnType::Float),
            col("orders_growth", ColumnType::Float),
            col("aov", ColumnType::Float),
            col("aov_change", ColumnType::Float),
        ],
        rows: totals
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let prev = totals.get(i + 1).unwrap_or(t);
                vec![
                    Cell::Int(t.0),
                    Cell::Float(t.1),
                    Cell::Int(t.2),
                    Cell::Float(t.1 / prev.1 - 1.0),
                    Cell::Float(t.2 as f64 / prev.2 as f64 - 1.0),
                    Cell::Float(t.1 / t.2 as f64),
                    Cell::Float(t.1 / t.2 as f64 - prev.1 / prev.2 as f64),
                ]
            })
            .collect(),
    };
    let categories = [
        "Outdoor furniture",
        "Kitchen appliances",
        "Home office",
        "Lighting",
        "Bedding & bath",
        "Garden tools and watering equipment",
        "Storage",
        "Rugs",
    ];
    let by_category = Table {
        columns: vec![
            col("category", ColumnType::Text),
            col("sales_usd", ColumnType::Float),
            col("orders", ColumnType::Int),
            col("margin_pct", ColumnType::Float),
            col("returns", ColumnType::Int),
        ],
        rows: categories
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let s = 240_000.0 * (0.35 + noise(100 + i as u64));
                vec![
                    Cell::Text((*c).into()),
                    Cell::Float((s * 100.0).round() / 100.0),
                    Cell::Int((s / 95.0) as i64),
                    Cell::Float(0.18 + 0.25 * noise(200 + i as u64)),
                    if i == 3 { Cell::Null } else { Cell::Int((40.0 * noise(300 + i as u64)) as i64) },
                ]
            })
            .collect(),
    };
    let orders = Table {
        columns: vec![
            col("order_id", ColumnType::Int),
            col("order_value", ColumnType::Float),
            col("items", ColumnType::Int),
            col("discount_pct", ColumnType::Float),
            col("region", ColumnType::Text),
        ],
        rows: (0..240)
            .map(|i| {
                let items = 1 + (noise(400 + i) * 6.0) as i64;
                let v = 20.0 + items as f64 * 22.0 * (0.6 + noise(500 + i)) + 90.0 * noise(600 + i) * noise(700 + i);
                vec![
                    Cell::Int(100_000 + i as i64),
                    Cell::Float((v * 100.0).round() / 100.0),
                    Cell::Int(items),
                    Cell::Float((noise(800 + i) * 0.3 * 1000.0).round() / 1000.0),
                    Cell::Text(["North", "South", "East", "West"][(i % 4) as usize].into()),
                ]
            })
            .collect(),
    };
    let mut results = BTreeMap::new();
    results.insert("monthly".to_string(), monthly);
    results.insert("kpis".to_string(), kpis);
    results.insert("by_category".to_string(), by_category);
    results.insert("orders".to_string(), orders);

    let body = r#"```sql monthly
select month, channel, sum(sales) as sales, count(*) as orders from orders group by all
```

```sql kpis
select 1
```

```sql by_category
select 1
```

```sql orders
select 1
```

Sales reached <Value data={kpis} column=sales_usd fmt=usd0k/> in {fmt(kpis[0].month, 'mmmm yyyy')}, from {kpis.length} months of data. The largest category is <Value data={by_category} column=category/>, with a margin of <Value data={by_category} column=margin_pct/>.

<BigValue data={kpis} value=sales_usd title="Sales" comparison=sales_growth comparisonFmt=pct1 comparisonTitle="vs last month" sparkline=month/>
<BigValue data={kpis} value=orders comparison=orders_growth comparisonFmt=pct1 comparisonTitle="vs last month" sparkline=month sparklineType=bar/>
<BigValue data={kpis} value=aov title="Average order" fmt=usd2 comparison=aov_change comparisonFmt=usd2 comparisonTitle="vs last month" downIsGood=false/>

## Sales over time

Monthly sales by channel. Online has grown fastest.

<LineChart data={monthly} x=month y=sales series=channel title="Monthly sales" subtitle="By channel, 2023–2024" yFmt=usd/>

<AreaChart data={monthly} x=month y=sales series=channel title="Sales mix" subtitle="Stacked" yFmt=usd/>

<AreaChart data={monthly} x=month y=sales series=channel type=stacked100 title="Share of sales"/>

## Categories

<BarChart data={by_category} x=category y=sales_usd title="Sales by category" labels=true/>

<BarChart data={by_category} x=category y=sales_usd swapXY=true title="Sales by category, horizontal" subtitle="Sorted by sales"/>

<BarChart data={monthly} x=month y=orders series=channel title="Orders per month" subtitle="Stacked by channel"/>

<BarChart data={by_category} x=category y={["orders", "returns"]} type=grouped title="Orders and returns" subtitle="Grouped"/>

<DataTable data={by_category} totalRow=true search=true rows=5 title="Categories" subtitle="All of 2024">
<Column id=category/>
<Column id=sales_usd title="Sales" fmt=usd0/>
<Column id=orders/>
<Column id=margin_pct title="Margin" fmt=pct1 totalAgg=mean/>
<Column id=returns/>
</DataTable>

### Orders

<ScatterPlot data={orders} x=order_value y=discount_pct series=region xFmt=usd yFmt=pct0 title="Discount against order value"/>

<Histogram data={orders} x=order_value xFmt=usd0 title="Order values" subtitle="240 orders"/>

<DataTable data={orders} rowNumbers=true rows=8/>

| Metric | Meaning |
| --- | --- |
| AOV | Average order value |
| Margin | Gross margin over sales |
"#
    .to_string();
    (body, results)
}

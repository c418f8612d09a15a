//! `quire init`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::report;

/// Start a project: a folder that builds at once.
///
/// Writes `quire.toml`, a CSV source (`sources/sales/`), a report (`pages/index.md`) with
/// big values, a chart and a table whose rows link to a templated page
/// (`pages/channels/[channel].md`), and a `.gitignore` for `dist/` and `.quire/`. Refuses
/// to overwrite a file that is already there.
#[derive(clap::Args)]
pub struct Args {
    /// The folder to create the project in (created if missing).
    #[arg(default_value = ".")]
    dir: PathBuf,
}

pub fn run(args: Args) -> ExitCode {
    let files = files();
    let taken: Vec<&str> = files.iter().map(|(p, _)| *p).filter(|p| args.dir.join(p).exists()).collect();
    if !taken.is_empty() {
        eprintln!(
            "{}: {} already has {}; nothing was written\n  help: pick an empty folder, or `quire init new-folder`",
            report::red("error"),
            args.dir.display(),
            taken.join(", ")
        );
        return ExitCode::FAILURE;
    }
    for (path, text) in &files {
        if let Err(e) = write(&args.dir.join(path), text) {
            eprintln!("{}: writing {}: {e}", report::red("error"), args.dir.join(path).display());
            return ExitCode::FAILURE;
        }
    }
    let shown = if args.dir == Path::new(".") { String::new() } else { format!(" {}", args.dir.display()) };
    eprintln!("{:>10} a quire project in {}", report::green("Created"), args.dir.display());
    eprintln!(
        "\nNext:\n  quire dev{shown} --open    preview it, live, while you edit pages/index.md\n  quire build{shown}         write the site to dist/"
    );
    ExitCode::SUCCESS
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)
}

fn files() -> Vec<(&'static str, String)> {
    vec![
        (
            "quire.toml",
            "# The site's title, shown in the sidebar and the browser tab.\ntitle = \"Sales reports\"\n".into(),
        ),
        (".gitignore", "dist/\n.quire/\n".into()),
        (
            "sources/sales/connection.yaml",
            "# Every file in this folder is a table: sales.orders\nname: sales\ntype: csv\n".into(),
        ),
        ("sources/sales/orders.csv", orders()),
        ("pages/index.md", INDEX.into()),
        ("pages/channels/[channel].md", CHANNEL.into()),
    ]
}

/// Two years of monthly orders by channel, made up but steady: the same every time.
fn orders() -> String {
    let mut out = String::from("month,channel,orders,sales\n");
    for i in 0..24u32 {
        let (y, m) = (2024 + i / 12, i % 12 + 1);
        for (c, channel) in ["Online", "Retail", "Partner"].iter().enumerate() {
            let c = c as u32;
            let orders = 120 + 9 * i + 40 * (2 - c) + (i * 7 + c * 13) % 23;
            let sales = f64::from(orders) * (48.5 + f64::from((i * 5 + c * 11) % 17));
            let _ = writeln!(out, "{y}-{m:02}-01,{channel},{orders},{sales:.2}");
        }
    }
    out
}

const INDEX: &str = r#"---
title: Sales overview
description: Monthly orders and sales by channel.
---

```sql totals
select sum(orders) as orders, sum(sales) as sales, count(distinct channel) as channels
from sales.orders
```

```sql monthly
select month, channel, sales
from sales.orders
order by month, channel
```

```sql by_channel
select channel, sum(orders) as orders, sum(sales) as sales, '/channels/' || channel as link
from sales.orders
group by all
order by sales desc
```

<BigValue data={totals} value=sales fmt=usd0k title="Sales" />
<BigValue data={totals} value=orders title="Orders" />

{#if by_channel[0].sales > 2 * by_channel[2].sales}
**{by_channel[0].channel}** sells more than twice as much as **{by_channel[2].channel}**.
{:else}
Sales are spread across {totals.channels} channels.
{/if}

## Sales by month

<LineChart data={monthly} x=month y=sales series=channel yFmt=usd0k />

## Channels

Click a channel for its own page.

<DataTable data={by_channel} link=link>
  <Column id=channel />
  <Column id=orders />
  <Column id=sales fmt=usd0 />
</DataTable>
"#;

const CHANNEL: &str = r#"```sql months
select month, orders, sales
from sales.orders
where channel = '${params.channel}'
order by month
```

# {params.channel}

{params.channel} took {months.length} months of orders, most recently <Value data={months} column=sales row={months.length - 1} fmt=usd0 /> in a month.

<BarChart data={months} x=month y=sales yFmt=usd0k title="Sales by month" />

[All channels](/)
"#;

//! Parsing pages: what an author writes becomes a `Page` with spans.

use quire_core::{Node, Page};

const PAGE: &str = r#"---
title: Parsing
---

# Heading

```sql orders
select * from shop.orders
```

```legacy_name
select 1 as one
```

```python
print("{not an expression}")
```

Inline `code {with braces}` and an escaped \{brace\}.
Value: <Value data={orders} column=amount row=2 fmt='$#,##0.0' /> and {orders.length} rows,
first {orders[0].channel}, formatted {fmt(orders[1].amount, "usd0")}.

<DataTable data={orders} rows=5 search>
  <Column id=channel title="Channel" />
  <Column id=amount fmt=usd />
</DataTable>

<LineChart data={orders} x=day y={["amount", "items"]} title="Daily" />
"#;

#[test]
fn a_page_parses_into_queries_and_nodes() {
    let page = Page::parse(PAGE).expect("parses");
    insta::assert_debug_snapshot!("parsed_page", page);
}

#[test]
fn code_is_left_alone_and_queries_leave_the_prose() {
    let page = Page::parse(PAGE).expect("parses");
    let names: Vec<&str> = page.queries.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(names, ["orders", "legacy_name"]);
    let prose: String = page
        .body
        .iter()
        .filter_map(|n| match n {
            Node::Markdown { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert!(prose.contains("```python\nprint(\"{not an expression}\")\n```"));
    assert!(prose.contains("`code {with braces}`"));
    assert!(!prose.contains("select * from shop.orders"));
}

#[test]
fn spans_point_at_the_source() {
    let page = Page::parse(PAGE).expect("parses");
    let q = page.query("orders").expect("orders");
    assert_eq!(&PAGE[q.name_span.start..q.name_span.end], "orders");
    assert_eq!(&PAGE[q.sql_offset..q.sql_offset + 6], "select");
    let table = page.components().into_iter().find(|c| c.name == "DataTable").expect("a table");
    assert_eq!(&PAGE[table.name_span.start..table.name_span.end], "DataTable");
    assert_eq!(table.children.iter().filter(|n| matches!(n, Node::Component(_))).count(), 2);
    let rows = table.prop("rows").expect("rows");
    assert_eq!(&PAGE[rows.value_span.start..rows.value_span.end], "5");
}

#[test]
fn several_mistakes_are_reported_together() {
    let problems = Page::parse("<Foo />\n<BarChart data={nope} colour=red />\n{x.y\n").expect_err("broken");
    let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(messages, ["`{` is never closed", "unknown component `<Foo>`", "unknown query `nope`"]);
}

/// Evidence's components ignore props they do not declare, and its pages ignore front-matter
/// keys they do not know; quire warns at each (with a did-you-mean) and builds the page.
#[test]
fn stray_props_and_front_matter_keys_are_warnings() {
    let text = "---\ntitle: Sales\nsidebar: never\ntitel: x\n---\n\n```sql q\nselect 1 as x\n```\n\n<LineChart data={q} x=x yGridLines=false height=300 />\n";
    let page = Page::parse(text).expect("builds");
    assert_eq!(page.front.title.as_deref(), Some("Sales"));
    let found: Vec<(String, String, String)> = page
        .lenient
        .iter()
        .map(|p| (p.message.clone(), text[p.span.start..p.span.end].to_string(), p.help.clone().unwrap_or_default()))
        .collect();
    assert_eq!(found.len(), 4, "{found:#?}");
    assert_eq!(found[0].0, "front matter: quire does not read `sidebar`");
    assert_eq!(found[0].1, "sidebar");
    assert_eq!(found[1].1, "titel");
    assert!(found[1].2.starts_with("did you mean `title`?"), "{found:#?}");
    assert_eq!(found[2].0, "`<LineChart>` has no prop `yGridLines`");
    assert!(found[2].2.starts_with("did you mean `yGridlines`?"), "{found:#?}");
    assert_eq!(found[3].0, "`<LineChart>` has no prop `height`");
    // The same reach the build's warnings, where `--strict` makes them errors.
    assert_eq!(quire_core::components::prop_warnings(&page).len(), 4);
}

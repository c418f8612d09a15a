//! The page around a rendered body: head, sidebar, article, table of contents.
//!
//! Every link goes through `root`, a relative prefix, and names `index.html` explicitly,
//! so a site works under any sub-path and straight from `file://`.

use crate::TocEntry;
use crate::escape::{attr, text};

/// What [`page_shell`] needs to wrap one page.
pub struct Shell<'a> {
    pub site_title: &'a str,
    pub page_title: &'a str,
    pub description: Option<&'a str>,
    /// Relative prefix from this page to the site root: "./" for the root page, "../" one
    /// level down, and so on; never empty, so a page named after data stays a path.
    pub root: &'a str,
    /// The sidebar tree.
    pub nav: &'a [NavItem],
    pub toc: &'a [TocEntry],
    pub body_html: &'a str,
    /// Extra HTML at the end of `<body>` (the runtime's script and data island).
    pub tail_html: &'a str,
    /// Extra HTML at the end of `<head>`, after the stylesheet (the script that starts the
    /// engine: run once the stylesheet is here, so that first paint does not wait for its
    /// download).
    pub head_html: &'a str,
    /// The way down from the site's root to this page, for breadcrumbs (shown below the
    /// root only).
    pub crumbs: &'a [Crumb],
    /// The body starts with its own `# Heading`: the shell shows no title above it.
    pub own_heading: bool,
    /// `og:image` from the front matter, as written.
    pub og_image: Option<&'a str>,
    /// The site has a search index (`search.js`).
    pub search: bool,
}

/// One step of the breadcrumbs: a title, and the page's address relative to the site root
/// when it has a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crumb {
    pub title: String,
    pub href: Option<String>,
}

/// Loads the search index the first time the search box is used.
const SEARCH_SCRIPT: &str = "<script>document.addEventListener('focusin',function(e){var i=e.target;if(!i.classList||!i.classList.contains('q-search-input')||window.quireSearchLoading)return;window.quireSearchLoading=1;var s=document.createElement('script');s.src=i.dataset.root+'search.js';document.head.appendChild(s)})</script>";

/// One entry of the sidebar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavItem {
    pub title: String,
    /// Relative to the site root: `"explorer/"`, or `""` for the root page. A folder without
    /// a page of its own has `""` and children, and is shown as a heading.
    pub href: String,
    pub active: bool,
    pub children: Vec<NavItem>,
}

/// Applies a saved theme before first paint (no flash), and makes the toggle work.
const THEME_SCRIPT: &str = "<script>(function(){var d=document.documentElement;try{var t=localStorage.getItem('quire-theme');if(t==='dark'||t==='light')d.dataset.theme=t}catch(e){}document.addEventListener('click',function(e){var b=e.target.closest&&e.target.closest('.q-theme-toggle');if(!b)return;var dark=d.dataset.theme?d.dataset.theme==='dark':matchMedia('(prefers-color-scheme: dark)').matches;var t=dark?'light':'dark';d.dataset.theme=t;try{localStorage.setItem('quire-theme',t)}catch(e){}})})()</script>";

pub fn page_shell(shell: &Shell<'_>) -> String {
    let root = shell.root;
    let mut out = String::with_capacity(shell.body_html.len() + 4096);
    out.push_str("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let title = if shell.page_title.is_empty() || shell.page_title == shell.site_title {
        text(shell.site_title)
    } else {
        format!("{} · {}", text(shell.page_title), text(shell.site_title))
    };
    out.push_str(&format!("<title>{title}</title>\n"));
    if let Some(d) = shell.description {
        out.push_str(&format!("<meta name=\"description\" content=\"{}\">\n", attr(d)));
    }
    out.push_str(&format!(
        "<meta property=\"og:title\" content=\"{}\">\n",
        attr(if shell.page_title.is_empty() { shell.site_title } else { shell.page_title })
    ));
    out.push_str(&format!(
        "<meta property=\"og:site_name\" content=\"{}\">\n<meta property=\"og:type\" content=\"website\">\n",
        attr(shell.site_title)
    ));
    if let Some(d) = shell.description {
        out.push_str(&format!("<meta property=\"og:description\" content=\"{}\">\n", attr(d)));
    }
    if let Some(img) = shell.og_image {
        out.push_str(&format!(
            "<meta property=\"og:image\" content=\"{}\">\n<meta name=\"twitter:card\" content=\"summary_large_image\">\n",
            attr(img)
        ));
    }
    out.push_str("<meta name=\"color-scheme\" content=\"light dark\">\n");
    out.push_str(&format!("<link rel=\"stylesheet\" href=\"{}style.css\">\n", attr(root)));
    out.push_str(THEME_SCRIPT);
    out.push('\n');
    if shell.search {
        out.push_str(SEARCH_SCRIPT);
        out.push('\n');
    }
    out.push_str(shell.head_html);
    out.push_str("</head>\n<body>\n<a class=\"q-skip\" href=\"#q-content\">Skip to content</a>\n");
    let layout = if shell.toc.is_empty() { "q-layout" } else { "q-layout q-has-toc" };
    out.push_str(&format!("<div class=\"{layout}\">\n"));

    out.push_str("<nav class=\"q-sidebar\" aria-label=\"Pages\">\n<div class=\"q-sidebar-head\">");
    out.push_str(&format!(
        "<a class=\"q-site-title\" href=\"{}index.html\">{}</a>",
        attr(root),
        text(shell.site_title)
    ));
    out.push_str("<button class=\"q-theme-toggle\" type=\"button\" aria-label=\"Switch between light and dark\" title=\"Switch between light and dark\"><span aria-hidden=\"true\">◐</span></button>");
    out.push_str("</div>\n");
    if shell.search {
        out.push_str(&format!(
            "<div class=\"q-search\" role=\"search\"><input type=\"search\" class=\"q-search-input\" placeholder=\"Search\" aria-label=\"Search the reports\" autocomplete=\"off\" data-root=\"{}\"><ul class=\"q-search-results\" hidden></ul></div>\n",
            attr(root)
        ));
    }
    if !shell.nav.is_empty() {
        nav_list(&mut out, shell.nav, root, 0);
    }
    out.push_str("</nav>\n");

    out.push_str(
        "<main class=\"q-main\" id=\"q-content\">\n<article class=\"q-article\">\n<header class=\"q-page-head\">",
    );
    if shell.crumbs.len() > 1 {
        out.push_str("<nav class=\"q-crumbs\" aria-label=\"Breadcrumbs\"><ol>");
        for (i, c) in shell.crumbs.iter().enumerate() {
            let last = i + 1 == shell.crumbs.len();
            match &c.href {
                Some(h) if !last => out.push_str(&format!(
                    "<li><a href=\"{}{}index.html\">{}</a></li>",
                    attr(root),
                    attr(h),
                    text(&c.title)
                )),
                _ if last => out.push_str(&format!("<li aria-current=\"page\">{}</li>", text(&c.title))),
                _ => out.push_str(&format!("<li>{}</li>", text(&c.title))),
            }
        }
        out.push_str("</ol></nav>");
    }
    if !shell.own_heading {
        out.push_str(&format!("<h1>{}</h1>", text(shell.page_title)));
    }
    if let Some(d) = shell.description {
        out.push_str(&format!("<p class=\"q-description\">{}</p>", text(d)));
    }
    out.push_str("</header>\n");
    out.push_str(shell.body_html);
    out.push_str("\n</article>\n</main>\n");

    if !shell.toc.is_empty() {
        out.push_str(
            "<aside class=\"q-toc\" aria-label=\"On this page\">\n<p class=\"q-toc-title\">On this page</p>\n<ul>\n",
        );
        for e in shell.toc {
            out.push_str(&format!(
                "<li class=\"q-toc-h{}\"><a href=\"#{}\">{}</a></li>\n",
                e.level,
                attr(&e.id),
                text(&e.text)
            ));
        }
        out.push_str("</ul>\n</aside>\n");
    }
    out.push_str("</div>\n");
    out.push_str(shell.tail_html);
    out.push_str("\n</body>\n</html>\n");
    out
}

fn nav_list(out: &mut String, items: &[NavItem], root: &str, depth: usize) {
    out.push_str(if depth == 0 { "<ul class=\"q-nav\">\n" } else { "<ul>\n" });
    for item in items {
        out.push_str("<li>");
        if item.href.is_empty() && !item.children.is_empty() {
            out.push_str(&format!("<span class=\"q-nav-group\">{}</span>", text(&item.title)));
        } else {
            let current = if item.active { " class=\"q-active\" aria-current=\"page\"" } else { "" };
            out.push_str(&format!(
                "<a href=\"{}{}index.html\"{current}>{}</a>",
                attr(root),
                attr(&item.href),
                text(&item.title)
            ));
        }
        if !item.children.is_empty() {
            out.push('\n');
            nav_list(out, &item.children, root, depth + 1);
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n");
}

//! Renderers from a [`Document`] to HTML, Markdown and plain text; the
//! Upstage JSON response is built from them in [`crate::upstage`].
//!
//! HTML follows Upstage Document Parse: one tag per element with `id` (reading
//! order) and `data-category`; `h1` for headings, `table` with `rowspan` and
//! `colspan`, `figure` with `img` and `figcaption`, `header`, `footer` and
//! `caption`. Every piece of document text is escaped for its format, and
//! control characters and bidirectional overrides reach no output
//! ([`clean_text`]); Markdown escapes `&`, `<` and `>` as HTML does.

use std::fmt::Write as _;

use base64::Engine as _;

use crate::{Category, Document, Element, Table};

/// Whether `c` is left out of every output: control characters other than
/// tab and line feed (NUL, TeX's hyphenation marks, escape sequences, C1
/// controls) and the bidirectional embeddings, overrides and isolates,
/// which can make text read in another order than it is stored (the marks
/// LRM and RLM stay: they only attach a direction to neutral characters).
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Document text as it may go into any output: [`is_unsafe`] characters
/// removed, everything else kept.
pub fn clean_text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(is_unsafe) {
        std::borrow::Cow::Owned(s.chars().filter(|&c| !is_unsafe(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// `s` after [`clean_text`], with `&`, `<` and `>` as character references,
/// and the quotes too when `quotes` (for attribute values).
fn escape(s: &str, quotes: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in clean_text(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quotes => out.push_str("&quot;"),
            '\'' if quotes => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for HTML element content and single- or double-quoted
/// attributes (after [`clean_text`]).
pub fn escape_html(s: &str) -> String {
    escape(s, true)
}

fn escaped_lines(text: &str) -> String {
    escape_html(text).replace('\n', "<br>")
}

/// `<table>` with `<thead>` of `th` cells for leading all-header rows; spans
/// as attributes. A header cell outside the leading rows is still a `td`. `caption` (HTML,
/// possibly empty) is the table's first child, as HTML requires.
pub(crate) fn table_html(t: &Table, attrs: &str, caption: &str) -> String {
    let mut out = format!("<table{attrs}>{caption}");
    let header_rows =
        (0..t.rows).take_while(|&r| t.cells.iter().filter(|c| c.row == r).all(|c| c.header)).count();
    for r in 0..t.rows {
        if r == 0 && header_rows > 0 {
            out.push_str("<thead>");
        }
        if r == header_rows {
            out.push_str("<tbody>");
        }
        out.push_str("<tr>");
        for c in t.cells.iter().filter(|c| c.row == r) {
            // Cells of the leading header rows (SLANet's `<thead>`) are
            // `th`, as document ground truths (OmniDocBench) and screen
            // readers expect; PubTabNet's `td` in `thead` is what the eval
            // tool renders for TEDS (`parasol_eval::teds::pubtabnet_html`).
            let tag = if r < header_rows { "th" } else { "td" };
            out.push('<');
            out.push_str(tag);
            if c.rowspan > 1 {
                let _ = write!(out, " rowspan='{}'", c.rowspan);
            }
            if c.colspan > 1 {
                let _ = write!(out, " colspan='{}'", c.colspan);
            }
            let _ = write!(out, ">{}</{tag}>", escaped_lines(&c.text));
        }
        out.push_str("</tr>");
        if header_rows > 0 && r + 1 == header_rows {
            out.push_str("</thead>");
        }
    }
    if t.rows > header_rows {
        out.push_str("</tbody>");
    }
    out.push_str("</table>");
    out
}

/// A figure's image: its file's path, or its PNG as a data URL (raw: the
/// caller escapes it for its format).
fn image_src(e: &Element) -> Option<String> {
    let img = e.image.as_ref()?;
    if let Some(f) = &img.file {
        return Some(f.clone());
    }
    let png = img.png.as_ref()?;
    Some(format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png)))
}

/// One element as HTML.
pub fn element_html(e: &Element) -> String {
    element_html_with(e, None)
}

/// One element as HTML, with its caption nested inside (tables and figures).
fn element_html_with(e: &Element, caption: Option<&Element>) -> String {
    let attrs = format!(" id='{}' data-category='{}'", e.id, e.category);
    let cap = |tag: &str| {
        caption.map_or(String::new(), |c| {
            format!("<{tag} id='{}' data-category='{}'>{}</{tag}>", c.id, c.category, escaped_lines(&c.text))
        })
    };
    if let (Category::Table, Some(t)) = (e.category, &e.table) {
        return table_html(t, &attrs, &cap("caption"));
    }
    match e.category {
        Category::Figure | Category::Chart => {
            let alt = e.image.as_ref().map(|i| i.alt.as_str()).unwrap_or("");
            let img = match image_src(e) {
                Some(src) => format!("<img src='{}' alt='{}'>", escape_html(&src), escape_html(alt)),
                None => format!("<img alt='{}'>", escape_html(alt)),
            };
            format!("<figure{attrs}>{img}{}</figure>", cap("figcaption"))
        }
        Category::Equation => format!("<p{attrs}>$${}$$</p>", escape_html(&e.text)),
        _ => {
            let tag = match e.category {
                Category::Heading1 => "h1",
                Category::Header => "header",
                Category::Footer => "footer",
                Category::Caption => "caption",
                _ => "p",
            };
            format!("<{tag}{attrs}>{}</{tag}>", escaped_lines(&e.text))
        }
    }
}

/// Document text for Markdown: [`clean_text`], then `&`, `<` and `>` as
/// character references, so that no text of a document becomes live HTML
/// under a CommonMark renderer (which passes raw HTML through); the
/// references render as the characters themselves.
pub fn escape_markdown(s: &str) -> String {
    escape(s, false)
}

/// A formula for Markdown, as LaTeX reads it: [`clean_text`], `<` and `>`
/// as LaTeX's `\lt` and `\gt`, and an `&` (an array's column separator)
/// never the start of a character reference, so that no formula becomes
/// live HTML under a CommonMark renderer and none reads `&amp;`.
fn latex_markdown(s: &str) -> String {
    let clean = clean_text(s);
    let mut out = String::with_capacity(clean.len());
    let mut chars = clean.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' => out.push_str("\\lt "),
            '>' => out.push_str("\\gt "),
            '&' => {
                out.push('&');
                if chars.peek().is_some_and(|n| n.is_ascii_alphanumeric() || *n == '#') {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// A link target for Markdown: every byte outside a conservative set
/// percent-encoded, so a file name cannot close the link or add a title.
fn markdown_url(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in clean_text(s).bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:;,=+".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn md_escape_cell(s: &str) -> String {
    escape_markdown(s).replace('|', "\\|").replace('\n', " ")
}

/// Markdown pipe table, or `None` when spans make HTML necessary.
fn table_markdown(t: &Table) -> Option<String> {
    if t.cells.iter().any(|c| c.rowspan > 1 || c.colspan > 1) || t.rows == 0 || t.cols == 0 {
        return None;
    }
    let mut grid = vec![vec![String::new(); t.cols]; t.rows];
    for c in &t.cells {
        if let Some(slot) = grid.get_mut(c.row).and_then(|r| r.get_mut(c.col)) {
            *slot = md_escape_cell(&c.text);
        }
    }
    let mut out = String::new();
    for (i, row) in grid.iter().enumerate() {
        let _ = writeln!(out, "| {} |", row.join(" | "));
        if i == 0 {
            let _ = writeln!(out, "|{}", " --- |".repeat(t.cols));
        }
    }
    Some(out.trim_end().to_string())
}

/// One element as Markdown.
pub fn element_markdown(e: &Element) -> String {
    match e.category {
        Category::Heading1 => format!("# {}", escape_markdown(&e.text).replace('\n', " ")),
        Category::Table => match &e.table {
            Some(t) => table_markdown(t).unwrap_or_else(|| table_html(t, "", "")),
            None => escape_markdown(&e.text),
        },
        Category::Figure | Category::Chart => {
            let alt = e
                .image
                .as_ref()
                .map(|i| escape_markdown(&i.alt).replace(['[', ']', '\n'], " "))
                .unwrap_or_default();
            match image_src(e) {
                Some(src) => format!("![{alt}]({})", markdown_url(&src)),
                None => format!("![{alt}]()"),
            }
        }
        Category::Equation => format!("$$\n{}\n$$", latex_markdown(&e.text)),
        _ => escape_markdown(&e.text),
    }
}

/// One element as plain text.
pub fn element_text(e: &Element) -> String {
    clean_text(&e.text).into_owned()
}

fn join(doc: &Document, sep: &str, f: impl Fn(&Element) -> String) -> String {
    let parts: Vec<String> = doc.elements.iter().map(f).filter(|s| !s.trim().is_empty()).collect();
    parts.join(sep)
}

pub(crate) fn html(doc: &Document) -> String {
    let by_id = |id: usize| doc.elements.iter().find(|c| c.id == id && c.category == Category::Caption);
    let nested: Vec<usize> =
        doc.elements.iter().filter_map(|e| e.caption.filter(|&id| by_id(id).is_some())).collect();
    let parts: Vec<String> = doc
        .elements
        .iter()
        .filter(|e| !nested.contains(&e.id))
        .map(|e| element_html_with(e, e.caption.and_then(by_id)))
        .filter(|s| !s.trim().is_empty())
        .collect();
    parts.join("\n")
}

pub(crate) fn markdown(doc: &Document) -> String {
    let mut s = join(doc, "\n\n", element_markdown);
    if !s.is_empty() {
        s.push('\n');
    }
    s
}

pub(crate) fn text(doc: &Document) -> String {
    let mut s = join(doc, "\n\n", element_text);
    if !s.is_empty() {
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests;

//! A document's elements grouped into passages: the units retrieval ranks
//! and prompts quote.
//!
//! Running text (paragraphs, lists, equations, footnotes) is merged in
//! reading order up to [`PASSAGE_CHARS`], never across a heading or a page;
//! each passage is prefixed with the heading it falls under, so "what does
//! section 3 say" finds it. A table is a passage of its own, with its
//! caption, as a Markdown table with one header row and every row written
//! out in full ([`flat_markdown`]; a table larger than the budget is split
//! into row groups, each repeating the header row); a figure is its caption
//! or alt text and the words drawn in it. Running headers and footers repeat on
//! every page, so each distinct one (page numbers aside) is quoted once, in
//! a last passage of their own: which report, journal or chapter a page
//! belongs to is often written nowhere else.

use parasol_doc::{Category, Document, Element, Table};
use serde::{Deserialize, Serialize};

/// Roughly 200 tokens of English per merged text passage.
pub const PASSAGE_CHARS: usize = 900;

/// A piece of the document with the elements it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// Position in the document's passage list.
    pub index: usize,
    /// The text given to the model (heading line first, when there is one).
    pub text: String,
    /// Ids of the elements quoted, in reading order.
    pub elements: Vec<usize>,
    /// 1-based page of the first element.
    pub page: usize,
    /// The heading the passage falls under.
    pub heading: Option<String>,
    /// Whether the passage is (part of) a table.
    pub table: bool,
    /// The number printed in the page's running header or footer, if it
    /// has one ([`crate::page_refs::printed_number`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printed: Option<u32>,
}

/// Splits `doc` into passages.
pub fn passages(doc: &Document) -> Vec<Passage> {
    let mut out = Vec::new();
    let mut heading: Option<String> = None;
    let mut open: Option<Passage> = None;
    let captions: Vec<usize> = doc.elements.iter().filter_map(|e| e.caption).collect();
    let mut furniture: Vec<&Element> = Vec::new();
    let close = |open: &mut Option<Passage>, out: &mut Vec<Passage>| {
        if let Some(mut p) = open.take() {
            p.index = out.len();
            out.push(p);
        }
    };
    for e in &doc.elements {
        let text = e.text.trim();
        match e.category {
            Category::Header | Category::Footer => furniture.push(e),
            Category::Heading1 => {
                close(&mut open, &mut out);
                heading = (!text.is_empty()).then(|| text.to_string());
            }
            // Captions travel with their table or figure.
            Category::Caption if captions.contains(&e.id) => {}
            Category::Table => {
                close(&mut open, &mut out);
                let caption = caption_of(doc, e);
                for part in table_parts(e) {
                    let mut text = with_heading(&heading, &part);
                    let mut elements = vec![e.id];
                    if let Some(c) = caption {
                        text = format!("{}\n{text}", c.text.trim());
                        elements.insert(0, c.id);
                    }
                    out.push(Passage {
                        index: out.len(),
                        text,
                        elements,
                        page: e.page,
                        heading: heading.clone(),
                        table: true,
                        printed: None,
                    });
                }
            }
            Category::Figure | Category::Chart => {
                let caption = caption_of(doc, e);
                let alt = e.image.as_ref().map(|i| i.alt.trim()).unwrap_or("");
                let named = caption.map(|c| c.text.trim()).filter(|t| !t.is_empty()).unwrap_or(alt);
                // The words drawn in the figure (a chart's labels, a cover's
                // names), up to a passage's length: answers sit there too.
                let inside: String = text.chars().take(PASSAGE_CHARS).collect();
                let words = match (named.is_empty(), inside.is_empty()) {
                    (_, true) => named.to_string(),
                    (false, false) if inside == named => inside,
                    (true, false) => inside,
                    (false, false) => format!("{named}\n{inside}"),
                };
                if words.is_empty() {
                    continue;
                }
                close(&mut open, &mut out);
                let mut elements = vec![e.id];
                elements.extend(caption.map(|c| c.id));
                out.push(Passage {
                    index: out.len(),
                    text: with_heading(&heading, &words),
                    elements,
                    page: e.page,
                    heading: heading.clone(),
                    table: false,
                    printed: None,
                });
            }
            _ => {
                if text.is_empty() {
                    continue;
                }
                let fits = open
                    .as_ref()
                    .is_some_and(|p| p.page == e.page && p.text.len() + text.len() < PASSAGE_CHARS);
                if !fits {
                    close(&mut open, &mut out);
                }
                match &mut open {
                    Some(p) => {
                        p.text.push('\n');
                        p.text.push_str(text);
                        p.elements.push(e.id);
                    }
                    None => {
                        open = Some(Passage {
                            index: 0,
                            text: with_heading(&heading, text),
                            elements: vec![e.id],
                            page: e.page,
                            heading: heading.clone(),
                            table: false,
                            printed: None,
                        })
                    }
                }
            }
        }
    }
    close(&mut open, &mut out);
    if let Some(p) = running_lines(&furniture) {
        out.push(Passage { index: out.len(), ..p });
    }
    let numbers = crate::page_refs::PageNumbers::of(doc);
    for p in &mut out {
        p.printed = numbers.printed_on(p.page);
    }
    out
}

/// The heading of the passage that quotes the running headers and footers.
pub const RUNNING_LINES: &str = "Running headers and footers";

/// One passage quoting each distinct running header and footer once (two
/// that differ only in their digits, `Page 3` and `Page 4`, are one), up to
/// [`PASSAGE_CHARS`]; lines with no letter (page numbers) are left out.
fn running_lines(furniture: &[&Element]) -> Option<Passage> {
    let mut seen = std::collections::HashSet::new();
    let mut text = String::new();
    let mut elements = Vec::new();
    for e in furniture {
        let line = e.text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !line.chars().any(char::is_alphabetic) || text.len() + line.len() >= PASSAGE_CHARS {
            continue;
        }
        let key: String = line.chars().filter(|c| !c.is_numeric()).flat_map(char::to_lowercase).collect();
        if seen.insert(key) {
            text.push('\n');
            text.push_str(&line);
            elements.push(e.id);
        }
    }
    let heading = Some(RUNNING_LINES.to_string());
    let id = *elements.first()?;
    let first = furniture.iter().find(|e| e.id == id)?;
    Some(Passage {
        index: 0,
        text: with_heading(&heading, text.trim_start()),
        elements,
        page: first.page,
        heading,
        table: false,
        printed: None,
    })
}

fn with_heading(heading: &Option<String>, text: &str) -> String {
    match heading {
        Some(h) => format!("# {h}\n{text}"),
        None => text.to_string(),
    }
}

fn caption_of<'a>(doc: &'a Document, e: &Element) -> Option<&'a Element> {
    let id = e.caption?;
    doc.elements.iter().find(|c| c.id == id && c.category == Category::Caption)
}

/// A table as Markdown, in parts of at most [`PASSAGE_CHARS`] (each part
/// starts with the header row and its rule).
fn table_parts(e: &Element) -> Vec<String> {
    // A table read back from a response has no cells, only its Markdown.
    let md = match &e.table {
        Some(t) => flat_markdown(t),
        None => e.text.clone(),
    };
    let lines: Vec<&str> = md.lines().filter(|l| !l.trim().is_empty()).collect();
    if md.len() <= PASSAGE_CHARS || lines.len() <= 3 {
        return vec![md.trim().to_string()];
    }
    let head = &lines[..2.min(lines.len())];
    let head_len: usize = head.iter().map(|l| l.len() + 1).sum();
    let mut parts = Vec::new();
    let mut current: Vec<&str> = head.to_vec();
    let mut len = head_len;
    for line in &lines[head.len()..] {
        if current.len() > head.len() && len + line.len() > PASSAGE_CHARS {
            parts.push(current.join("\n"));
            current = head.to_vec();
            len = head_len;
        }
        current.push(line);
        len += line.len() + 1;
    }
    if current.len() > head.len() {
        parts.push(current.join("\n"));
    }
    parts
}

/// A table as a Markdown pipe table with one header row, whatever its
/// spans: a cell spanning rows is repeated in each (the row label applies
/// to all of them), a header cell spanning columns names each, and the
/// header rows are joined per column (`Male` over `%` and `95% CI` gives
/// `Male %` and `Male 95% CI`). A small model reads a value off such a
/// table by its row and column names; nested HTML spans it misreads.
/// The first row is the header when none is marked.
fn flat_markdown(t: &Table) -> String {
    if t.rows == 0 || t.cols == 0 {
        return String::new();
    }
    let clean = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "/");
    let mut grid = vec![vec![String::new(); t.cols]; t.rows];
    let mut header = vec![vec![false; t.cols]; t.rows];
    for c in &t.cells {
        let text = clean(&c.text);
        for r in c.row..(c.row + c.rowspan.max(1)).min(t.rows) {
            for col in c.col..(c.col + c.colspan.max(1)).min(t.cols) {
                header[r][col] = c.header;
                // A body cell across columns (a section's title) is written once.
                if c.header || col == c.col {
                    grid[r][col] = text.clone();
                }
            }
        }
    }
    let marked = header.iter().take_while(|row| row.iter().all(|&h| h)).count();
    let heads = if marked == 0 || marked == t.rows { 1 } else { marked };
    let names: Vec<String> = (0..t.cols)
        .map(|col| {
            let mut parts: Vec<&str> = Vec::new();
            for row in &grid[..heads] {
                let part = row[col].as_str();
                if !part.is_empty() && parts.last() != Some(&part) {
                    parts.push(part);
                }
            }
            parts.join(" ")
        })
        .collect();
    let mut out = format!("| {} |\n|{}", names.join(" | "), " --- |".repeat(t.cols));
    for row in &grid[heads..] {
        if row.iter().any(|c| !c.is_empty()) {
            out.push_str(&format!("\n| {} |", row.join(" | ")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use parasol_doc::{BBox, PageInfo, Table, TableCell};

    fn el(id: usize, category: Category, page: usize, text: &str) -> Element {
        Element::text(
            id,
            category,
            page,
            BBox::new(10.0, 10.0 + id as f32 * 20.0, 200.0, 25.0 + id as f32 * 20.0),
            text,
        )
    }

    fn table(id: usize, rows: usize) -> Element {
        let mut cells = Vec::new();
        for row in 0..rows {
            for col in 0..2 {
                let text = if row == 0 { format!("Header {col}") } else { format!("row {row} value {col}") };
                cells.push(TableCell {
                    row,
                    col,
                    rowspan: 1,
                    colspan: 1,
                    header: row == 0,
                    text,
                    bbox: None,
                });
            }
        }
        let mut e = el(id, Category::Table, 1, "");
        e.table = Some(Table { rows, cols: 2, cells });
        e
    }

    fn doc(elements: Vec<Element>) -> Document {
        let pages =
            (1..=2).map(|number| PageInfo { number, width: 600.0, height: 800.0, dpi: 72.0 }).collect();
        Document { pages, elements }
    }

    #[test]
    fn a_figure_is_its_caption_and_the_words_drawn_in_it() {
        let mut captioned = el(0, Category::Figure, 1, "Jim Bainbridge Hernando Bedoya");
        captioned.caption = Some(1);
        let d = doc(vec![
            captioned,
            el(1, Category::Caption, 1, "Figure 1: The authors"),
            el(2, Category::Figure, 1, "2019 2020 2021"),
            el(3, Category::Figure, 1, ""),
        ]);
        let got: Vec<(String, Vec<usize>)> = passages(&d).into_iter().map(|p| (p.text, p.elements)).collect();
        assert_eq!(
            got,
            [
                ("Figure 1: The authors\nJim Bainbridge Hernando Bedoya".to_string(), vec![0, 1]),
                ("2019 2020 2021".to_string(), vec![2]),
            ]
        );
    }

    #[test]
    fn text_merges_under_its_heading_and_breaks_at_headings_and_pages() {
        let d = doc(vec![
            el(0, Category::Header, 1, "Running header"),
            el(1, Category::Heading1, 1, "1 Introduction"),
            el(2, Category::Paragraph, 1, "First paragraph."),
            el(3, Category::List, 1, "• a point"),
            el(4, Category::Heading1, 1, "2 Methods"),
            el(5, Category::Paragraph, 1, "Method text."),
            el(6, Category::Paragraph, 2, "Next page."),
            el(7, Category::Footer, 2, "Page 2"),
            el(8, Category::Footer, 2, "7"),
            el(9, Category::Header, 2, "Running  header"),
            el(10, Category::Footer, 3, "Page 3"),
        ]);
        let p = passages(&d);
        let got: Vec<(&str, &[usize], usize)> =
            p.iter().map(|p| (p.text.as_str(), &p.elements[..], p.page)).collect();
        assert_eq!(
            got,
            [
                ("# 1 Introduction\nFirst paragraph.\n• a point", &[2, 3][..], 1),
                ("# 2 Methods\nMethod text.", &[5][..], 1),
                ("# 2 Methods\nNext page.", &[6][..], 2),
                // Running lines once each, page numbers left out, last.
                ("# Running headers and footers\nRunning header\nPage 2", &[0, 7][..], 1),
            ]
        );
        assert!(p.iter().enumerate().all(|(i, p)| p.index == i));
    }

    #[test]
    fn a_table_is_whole_with_its_caption_and_a_large_one_repeats_its_header() {
        let mut t = table(1, 3);
        t.caption = Some(2);
        let d = doc(vec![
            el(0, Category::Paragraph, 1, "Before."),
            t,
            el(2, Category::Caption, 1, "Table 1: Plots."),
        ]);
        let p = passages(&d);
        assert_eq!(p.len(), 2);
        assert!(p[1].table && p[1].elements == [2, 1], "{p:?}");
        assert!(p[1].text.starts_with("Table 1: Plots.\n|"), "{}", p[1].text);
        assert!(p[1].text.contains("row 2 value 1"));

        let big = doc(vec![table(0, 80)]);
        let parts = passages(&big);
        assert!(parts.len() > 1, "{}", parts.len());
        for part in &parts {
            assert!(part.text.starts_with("| Header 0 | Header 1 |"), "{}", part.text);
            assert!(part.text.len() <= PASSAGE_CHARS + 40);
        }
        let rows: usize = parts.iter().map(|p| p.text.lines().filter(|l| l.contains("row ")).count()).sum();
        assert_eq!(rows, 79, "every row exactly once");
    }

    #[test]
    fn a_table_with_spans_reads_as_one_header_row_and_full_rows() {
        let cell = |row, col, rowspan, colspan, header, text: &str| TableCell {
            row,
            col,
            rowspan,
            colspan,
            header,
            text: text.into(),
            bbox: None,
        };
        // Variable | Male (%, 95% CI) | Female (%, 95% CI); a section row
        // across the table; a row label over two rows.
        let t = Table {
            rows: 6,
            cols: 5,
            cells: vec![
                cell(0, 0, 2, 1, true, "Variable"),
                cell(0, 1, 1, 2, true, "Male"),
                cell(0, 3, 1, 2, true, "Female"),
                cell(1, 1, 1, 1, true, "%"),
                cell(1, 2, 1, 1, true, "95% CI"),
                cell(1, 3, 1, 1, true, "%"),
                cell(1, 4, 1, 1, true, "95% CI"),
                cell(2, 0, 1, 5, false, "Screening"),
                cell(3, 0, 1, 1, false, "PPV"),
                cell(3, 1, 1, 1, false, "37.72"),
                cell(3, 2, 1, 1, false, "30.35 to\n45.54"),
                cell(3, 3, 1, 1, false, "31.08"),
                cell(3, 4, 1, 1, false, "25.04 | 37.63"),
                cell(4, 0, 2, 1, false, "NPV"),
                cell(4, 1, 1, 1, false, "94.25"),
                cell(5, 1, 1, 1, false, "94.30"),
            ],
        };
        assert_eq!(
            flat_markdown(&t),
            "| Variable | Male % | Male 95% CI | Female % | Female 95% CI |\n\
             | --- | --- | --- | --- | --- |\n\
             | Screening |  |  |  |  |\n\
             | PPV | 37.72 | 30.35 to 45.54 | 31.08 | 25.04 / 37.63 |\n\
             | NPV | 94.25 |  |  |  |\n\
             | NPV | 94.30 |  |  |  |"
        );
        // No header marked: the first row names the columns.
        let plain = Table {
            rows: 2,
            cols: 2,
            cells: vec![
                cell(0, 0, 1, 1, false, "Item"),
                cell(0, 1, 1, 1, false, "Price"),
                cell(1, 0, 1, 1, false, "Belt"),
                cell(1, 1, 1, 1, false, "22.90"),
            ],
        };
        assert_eq!(flat_markdown(&plain), "| Item | Price |\n| --- | --- |\n| Belt | 22.90 |");
    }
}

//! `assemble` on random pages: lines, the words of those lines, layout
//! regions of every category and table structures at random places and
//! sizes, overlapping or not. Beyond "no panic", the properties the rest of
//! the project relies on:
//! - ids run 0..n, pages keep their numbers and order, captions point at
//!   other elements of the same page;
//! - every box is finite and ordered;
//! - no word of the input is read twice;
//! - on a page without table structures, every word is read exactly once
//!   (regions decide where text goes, never whether it stays);
//! - the same input gives the same document;
//! - drawn rules (any number, anywhere) change only what is a table: the
//!   properties above hold with them, and `grid_areas` (the pipeline's
//!   tables found from words) gives finite boxes;
//! - the HTML, Markdown and text renderings carry no control character.

#![no_main]

use std::collections::HashMap;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use parasol_assemble::{assemble, PageText};
use parasol_doc::{BBox, Category, PageInfo, Region, Table, TableCell, TextLine, TextOrigin};

#[derive(Debug, Arbitrary)]
struct Input {
    pages: Vec<PageIn>,
}

#[derive(Debug, Arbitrary)]
struct PageIn {
    width: u16,
    height: u16,
    with_words: bool,
    lines: Vec<LineIn>,
    regions: Vec<RegionIn>,
    tables: Vec<TableIn>,
    rules: Vec<RuleIn>,
}

#[derive(Debug, Arbitrary)]
struct RuleIn {
    x: u16,
    y: u16,
    w: u16,
    thickness: u8,
}

#[derive(Debug, Arbitrary)]
struct LineIn {
    x: u16,
    y: u16,
    w: u16,
    h: u8,
    words: u8,
    font: u8,
    ocr: bool,
}

#[derive(Debug, Arbitrary)]
struct RegionIn {
    x: u16,
    y: u16,
    w: u16,
    h: u16,
    category: u8,
    score: u8,
}

#[derive(Debug, Arbitrary)]
struct TableIn {
    region: u8,
    rows: u8,
    cols: u8,
    /// Bit `k` set: the slot after the `k`-th of a row is spanned by it.
    spans: u64,
    header_rows: u8,
    no_box: u64,
}

const MAX_PAGES: usize = 3;
const MAX_LINES: usize = 60;
const MAX_REGIONS: usize = 20;
const MAX_RULES: usize = 20;

/// Words are `q{page}z{line}z{word}q`: found again in any output, even run
/// together with their neighbours.
fn word(page: usize, line: usize, k: usize) -> String {
    format!("q{page}z{line}z{k}q")
}

fn tokens(text: &str, counts: &mut HashMap<String, usize>) {
    let mut rest = text;
    while let Some(start) = rest.find('q') {
        let tail = &rest[start + 1..];
        let body: String = tail.chars().take_while(|c| c.is_ascii_digit() || *c == 'z').collect();
        if body.matches('z').count() == 2 && tail[body.len()..].starts_with('q') {
            *counts.entry(format!("q{body}q")).or_default() += 1;
            rest = &tail[body.len() + 1..];
        } else {
            rest = tail;
        }
    }
}

fn build(input: &Input) -> (Vec<PageText>, Vec<Vec<String>>, Vec<bool>) {
    let mut pages = Vec::new();
    let mut expected = Vec::new();
    let mut structured = Vec::new();
    for (p, page) in input.pages.iter().take(MAX_PAGES).enumerate() {
        let width = 50.0 + f32::from(page.width % 3000);
        let height = 50.0 + f32::from(page.height % 4000);
        let info = PageInfo { number: p + 1, width, height, dpi: 150.0 };
        let mut text = PageText::new(info, Vec::new());
        let mut words_here = Vec::new();
        for (i, l) in page.lines.iter().take(MAX_LINES).enumerate() {
            let n = 1 + usize::from(l.words % 4);
            let words: Vec<String> = (0..n).map(|k| word(p, i, k)).collect();
            let x0 = f32::from(l.x) % width;
            let y0 = f32::from(l.y) % height;
            let bbox = BBox::new(x0, y0, x0 + 1.0 + f32::from(l.w % 2000), y0 + 1.0 + f32::from(l.h));
            let origin = if l.ocr { TextOrigin::Ocr } else { TextOrigin::TextLayer };
            let mut line = TextLine::from_bbox(bbox, words.join(" "), origin);
            if l.font > 0 {
                line.font_size = f32::from(l.font) / 4.0;
            }
            if page.with_words {
                let step = bbox.width() / n as f32;
                for (k, w) in words.iter().enumerate() {
                    let x = bbox.x0 + step * k as f32;
                    let b = BBox::new(x, bbox.y0, x + step * 0.9, bbox.y1);
                    text.words.push(TextLine::from_bbox(b, w.clone(), origin));
                }
            }
            words_here.extend(words);
            text.lines.push(line);
        }
        for r in page.regions.iter().take(MAX_REGIONS) {
            let x0 = f32::from(r.x) % width;
            let y0 = f32::from(r.y) % height;
            let bbox = BBox::new(x0, y0, x0 + 1.0 + f32::from(r.w % 3000), y0 + 1.0 + f32::from(r.h % 4000));
            let category = Category::ALL[usize::from(r.category) % Category::ALL.len()];
            text.regions.push(Region { bbox, category, score: f32::from(r.score) / 255.0 });
        }
        for t in &page.tables {
            if text.regions.is_empty() {
                break;
            }
            let index = usize::from(t.region) % text.regions.len();
            if text.tables.iter().any(|(k, _)| *k == index) {
                continue;
            }
            text.tables.push((index, table(t, &text.regions[index].bbox)));
        }
        for r in page.rules.iter().take(MAX_RULES) {
            let x0 = f32::from(r.x) % width;
            let y0 = f32::from(r.y) % height;
            text.rules.push(BBox::new(
                x0,
                y0,
                x0 + 1.0 + f32::from(r.w % 3000),
                y0 + 1.0 + f32::from(r.thickness % 8),
            ));
        }
        structured.push(!text.tables.is_empty());
        expected.push(words_here);
        pages.push(text);
    }
    (pages, expected, structured)
}

/// A consistent grid over `bbox`: every slot covered once, some cells
/// spanning columns, some without a box.
fn table(t: &TableIn, bbox: &BBox) -> Table {
    let rows = 1 + usize::from(t.rows % 8);
    let cols = 1 + usize::from(t.cols % 8);
    let (cw, rh) = (bbox.width() / cols as f32, bbox.height() / rows as f32);
    let mut cells = Vec::new();
    let mut bit = 0;
    for row in 0..rows {
        let mut col = 0;
        while col < cols {
            let mut span = 1;
            while col + span < cols && t.spans >> (bit % 64) & 1 == 1 {
                span += 1;
                bit += 1;
            }
            bit += 1;
            let b = BBox::new(
                bbox.x0 + cw * col as f32,
                bbox.y0 + rh * row as f32,
                bbox.x0 + cw * (col + span) as f32,
                bbox.y0 + rh * (row + 1) as f32,
            );
            let no_box = t.no_box >> (cells.len() % 64) & 1 == 1;
            cells.push(TableCell {
                row,
                col,
                rowspan: 1,
                colspan: span,
                header: row < usize::from(t.header_rows % 3),
                text: String::new(),
                bbox: (!no_box).then_some(b),
            });
            col += span;
        }
    }
    Table { rows, cols, cells }
}

fn finite(b: &BBox) -> bool {
    [b.x0, b.y0, b.x1, b.y1].iter().all(|v| v.is_finite()) && b.x0 <= b.x1 && b.y0 <= b.y1
}

fn clean(s: &str) -> bool {
    !s.chars().any(|c| c.is_control() && c != '\t' && c != '\n')
}

fuzz_target!(|input: Input| {
    let (pages, expected, structured) = build(&input);
    for page in &pages {
        for area in parasol_assemble::grid_areas(page) {
            assert!(finite(&area), "grid area {area:?}");
        }
    }
    let doc = assemble(&pages);

    assert_eq!(doc.pages, pages.iter().map(|p| p.info).collect::<Vec<_>>());
    let mut last_page = 0;
    for (i, e) in doc.elements.iter().enumerate() {
        assert_eq!(e.id, i, "ids run 0..n");
        assert!(
            e.page >= last_page && (1..=pages.len()).contains(&e.page),
            "page {} after {last_page}",
            e.page
        );
        last_page = e.page;
        assert!(finite(&e.bbox), "element {i}: box {:?}", e.bbox);
        if let Some(c) = e.caption {
            assert!(c < doc.elements.len() && c != i, "element {i}: caption {c}");
            assert_eq!(doc.elements[c].page, e.page, "element {i}: caption on another page");
        }
        if let Some(t) = &e.table {
            for cell in &t.cells {
                assert!(cell.row + cell.rowspan <= t.rows && cell.col + cell.colspan <= t.cols, "{cell:?}");
            }
        }
    }

    for (p, words) in expected.iter().enumerate() {
        let mut counts = HashMap::new();
        for e in doc.elements.iter().filter(|e| e.page == p + 1) {
            tokens(&e.text, &mut counts);
        }
        for (w, n) in &counts {
            assert!(words.contains(w), "page {}: {w} was never in the input", p + 1);
            assert_eq!(*n, 1, "page {}: {w} read {n} times", p + 1);
        }
        if !structured[p] {
            for w in words {
                assert!(counts.contains_key(w), "page {}: {w} lost", p + 1);
            }
        }
    }

    assert_eq!(assemble(&pages), doc, "the same pages give the same document");
    assert!(clean(&doc.to_html()) && clean(&doc.to_markdown()) && clean(&doc.to_text()));
});

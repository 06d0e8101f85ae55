//! A born-digital table without ruling lines, between a paragraph and a
//! bulleted list (issue 15): the layout model marks no table, the words'
//! alignment finds it, and it is read cell for cell, each amount in its
//! own cell, while the list below stays a list, its caption a caption and
//! the numbered heading between them a heading.
//!
//! Needs the models and PDFium (`python3 scripts/fetch_models.py`; override
//! the folder with `PARASOL_MODELS`).

use std::path::{Path, PathBuf};

use parasol_doc::Category;
use parasol_pipeline::{Engine, EngineConfig, Options};
use parasol_testdata::{content_pdf, pdf_string};

fn models() -> PathBuf {
    std::env::var_os("PARASOL_MODELS")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/files"), PathBuf::from)
}

const ROWS: [[&str; 4]; 6] = [
    ["", "2024", "2025", "Change"],
    ["Berthing fees", "412,300", "455,900", "+10.6%"],
    ["Fish market rents", "128,000", "131,500", "+2.7%"],
    ["Car parking", "96,450", "99,020", "+2.7%"],
    ["Grants", "40,000", "35,000", "-12.5%"],
    ["Total income", "676,750", "721,420", "+6.6%"],
];

fn text(font: &str, size: f32, x: f32, y: f32, s: &str) -> String {
    format!("BT /{font} {size} Tf {x} {y} Td ({}) Tj ET\n", pdf_string(s))
}

/// Helvetica's advance of `s` at `size` pt, for the characters of amounts.
fn width(s: &str, size: f32) -> f32 {
    let em: f32 = s
        .chars()
        .map(|c| match c {
            '0'..='9' => 0.556,
            ',' | '.' => 0.278,
            '+' => 0.584,
            '-' => 0.333,
            '%' => 0.889,
            'C' => 0.722,
            _ => 0.556,
        })
        .sum();
    em * size
}

#[test]
fn an_unruled_table_between_a_paragraph_and_a_list_is_read_cell_for_cell() {
    // Laid out as ReportLab sets a `Table` without a style under a
    // paragraph, a caption, a heading and a `ListFlowable` of bullets
    // (positions read back from such a PDF): the list's bullets stand 15 pt
    // from their items, as far as the table's columns from each other.
    let mut page = text("F2", 14.0, 78.5, 582.0, "2. Finances");
    page += &text(
        "F1",
        10.0,
        78.9,
        560.0,
        "Income rose by eight percent, mainly from berthing fees. The table below summarises income and",
    );
    page += &text("F1", 10.0, 78.4, 548.0, "expenditure.");
    let rights = [320.0, 368.0, 416.7];
    for (r, row) in ROWS.iter().enumerate() {
        let y = 533.5 - 18.0 * r as f32;
        let font = if r == 0 { "F2" } else { "F1" };
        page += &text(font, 10.0, 195.5, y, row[0]);
        for (c, cell) in row[1..].iter().enumerate() {
            page += &text(font, 10.0, rights[c] - width(cell, 10.0), y, cell);
        }
    }
    page += &text("F1", 10.0, 79.5, 422.0, "Table 1: Income by source, in pounds.");
    page += &text("F2", 14.0, 78.5, 404.0, "3. Priorities for 2026");
    let items = [
        "Replace the north quay fenders.",
        "Dredge the inner harbour to two metres.",
        "Open a second ice plant at the fish market.",
    ];
    for (i, item) in items.iter().enumerate() {
        let y = 382.0 - 18.0 * i as f32;
        // The bullet: code 0xB7 of Helvetica's standard encoding.
        page += &format!("BT /F1 5 Tf 78.2 {} Td (\\267) Tj ET\n", y + 1.5);
        page += &text("F1", 10.0, 96.8, y, item);
    }
    let engine = Engine::new(EngineConfig::from_models_dir(models())).unwrap_or_else(|e| panic!("{e}"));
    let converted = engine
        .convert_bytes(content_pdf(&[page]), &Options::default(), &mut |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    let doc = converted.document;
    let summary: Vec<String> =
        doc.elements.iter().map(|e| format!("{:?} {:?}", e.category, e.text)).collect();
    let tables: Vec<_> = doc.elements.iter().filter(|e| e.category == Category::Table).collect();
    assert_eq!(tables.len(), 1, "{summary:#?}");
    let table = tables[0].table.as_ref().unwrap_or_else(|| panic!("no cells: {summary:#?}"));
    let cells: Vec<&str> = table.cells.iter().map(|c| c.text.trim()).collect();
    // Amounts each in a cell of their own (a label may take its row's
    // first amount along where the gap between them is narrow).
    for row in &ROWS[1..] {
        for cell in &row[2..] {
            assert!(cells.contains(cell), "{cell:?} is not a cell of its own: {cells:?}");
        }
    }
    assert!(!tables[0].text.contains("Priorities") && !tables[0].text.contains("quay"), "{summary:#?}");
    let list =
        doc.elements.iter().find(|e| e.text.contains("north quay")).unwrap_or_else(|| panic!("{summary:#?}"));
    assert_eq!(list.category, Category::List, "{summary:#?}");
    let category = |start: &str| doc.elements.iter().find(|e| e.text.starts_with(start)).map(|e| e.category);
    assert_eq!(category("Table 1:"), Some(Category::Caption), "{summary:#?}");
    assert_eq!(category("3. Priorities"), Some(Category::Heading1), "{summary:#?}");
}

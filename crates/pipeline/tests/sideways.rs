//! Text that does not run left to right in a born-digital PDF (issue 15):
//! a table printed sideways on a portrait page, either way round, is read
//! as a table with its rows in order, and a label set up a form's side
//! reads in its own direction ("Applicant Form", not "m r o F").
//!
//! Needs the models and PDFium (`python3 scripts/fetch_models.py`; override
//! the folder with `PARASOL_MODELS`).

use std::path::{Path, PathBuf};

use parasol_doc::{Category, Document};
use parasol_pipeline::{DiagnosticKind, Engine, EngineConfig, Options};
use parasol_testdata::{content_pdf, pdf_string};

fn models() -> PathBuf {
    std::env::var_os("PARASOL_MODELS")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/files"), PathBuf::from)
}

const ROWS: [[&str; 6]; 5] = [
    ["Region", "Q1", "Q2", "Q3", "Q4", "Total"],
    ["North", "1,204", "1,310", "1,415", "1,502", "5,431"],
    ["South", "980", "1,022", "1,110", "1,160", "4,272"],
    ["East", "1,530", "1,498", "1,605", "1,711", "6,344"],
    ["West", "875", "902", "960", "1,004", "3,741"],
];

fn text(font: &str, size: u32, x: f32, y: f32, s: &str) -> String {
    format!("BT /{font} {size} Tf {x} {y} Td ({}) Tj ET\n", pdf_string(s))
}

/// A heading, a sentence, a ruled table and its caption, drawn from the
/// origin rightwards and downwards (y negative), 600 pt wide.
fn report_block() -> String {
    let mut out = text("F2", 16, 20.0, -40.0, "Appendix B. Quarterly sales by region");
    out += &text(
        "F1",
        11,
        20.0,
        -62.0,
        "Sales in thousands of units, for each quarter of the year and in total.",
    );
    let (colw, rowh, top) = (100.0, 22.0, -90.0);
    for (i, row) in ROWS.iter().enumerate() {
        let y = top - (i as f32 + 1.0) * rowh + 7.0;
        for (j, cell) in row.iter().enumerate() {
            out += &text(if i == 0 { "F2" } else { "F1" }, 11, 26.0 + j as f32 * colw, y, cell);
        }
    }
    for i in 0..=ROWS.len() {
        let y = top - i as f32 * rowh;
        out += &format!("20 {y} m 620 {y} l S\n");
    }
    for j in 0..=6 {
        let x = 20.0 + j as f32 * colw;
        out += &format!("{x} {top} m {x} {} l S\n", top - ROWS.len() as f32 * rowh);
    }
    out += &text(
        "F1",
        11,
        20.0,
        top - 140.0,
        "Table 3: Sales rose in every region in the second half of the year.",
    );
    out
}

/// `content` drawn under the matrix `m`, then an upright page number.
fn page(m: &str, content: &str) -> String {
    format!("q {m} cm\n{content}Q\n{}", text("F1", 9, 296.0, 30.0, "- 7 -"))
}

fn tables(doc: &Document, page: usize) -> Vec<&parasol_doc::Table> {
    doc.elements
        .iter()
        .filter(|e| e.page == page && e.category == Category::Table)
        .filter_map(|e| e.table.as_ref())
        .collect()
}

fn cell(t: &parasol_doc::Table, row: usize, col: usize) -> &str {
    t.cells.iter().find(|c| c.row == row && c.col == col).map_or("", |c| c.text.as_str())
}

#[test]
fn issue_15_sideways_tables_are_turned_upright_and_side_labels_read_in_their_direction() {
    let engine = Engine::new(EngineConfig::from_models_dir(models())).unwrap_or_else(|e| panic!("{e}"));
    let form = {
        let mut c = text("F2", 14, 100.0, 720.0, "Application for a library card");
        for (i, l) in
            ["Name: Jane Example", "Address: 12 High Street", "Date of birth: 4 May 1990"].iter().enumerate()
        {
            c += &text("F1", 11, 100.0, 672.0 - 28.0 * i as f32, l);
        }
        // Set bottom to top down the left margin.
        c + "q 0 1 -1 0 60 560 cm\n" + &text("F2", 12, 0.0, 0.0, "Applicant Form") + "Q\n"
    };
    let pdf = content_pdf(&[
        // Turned a quarter counterclockwise: the text runs up the page.
        page("0 1 -1 0 60 60", &report_block()),
        // Turned a quarter clockwise: the text runs down the page.
        page("0 -1 1 0 552 732", &report_block()),
        form,
        // The same table upright on its side of the page: still a table
        // (its figures, set in one width as most fonts set digits, are not code).
        page("0.9 0 0 0.9 20 720", &report_block()),
    ]);
    let converted =
        engine.convert_bytes(pdf, &Options::default(), &mut |_| {}).unwrap_or_else(|e| panic!("{e}"));
    let doc = &converted.document;
    let turned: Vec<usize> = converted
        .diagnostics
        .iter()
        .filter(|d| d.kind == DiagnosticKind::PageTurned)
        .filter_map(|d| d.page)
        .collect();
    assert_eq!(turned, [1, 2], "{:?}", converted.diagnostics);
    for p in [1, 2, 4] {
        let found = tables(doc, p);
        assert_eq!(found.len(), 1, "page {p}: {}", doc.to_markdown());
        let t = found[0];
        assert_eq!((t.rows, t.cols), (5, 6), "page {p}");
        assert_eq!(
            [cell(t, 0, 0), cell(t, 1, 0), cell(t, 3, 5), cell(t, 4, 2)],
            ["Region", "North", "6,344", "902"]
        );
    }
    // The turned page reads top to bottom: heading, sentence, table, caption.
    let page1: Vec<&str> = doc.elements.iter().filter(|e| e.page == 1).map(|e| e.text.as_str()).collect();
    let at = |s: &str| {
        page1.iter().position(|t| t.contains(s)).unwrap_or_else(|| panic!("{s:?} not in {page1:?}"))
    };
    assert!(at("Appendix B") < at("Sales in thousands") && at("Sales in thousands") < at("Region"));
    assert!(at("Region") < at("Table 3:"), "{page1:?}");
    // Its boxes refer to the turned page: landscape.
    let info = doc.pages.iter().find(|p| p.number == 1).expect("page 1");
    assert!(info.width > info.height, "{info:?}");

    let form_text: String =
        doc.elements.iter().filter(|e| e.page == 3).map(|e| e.text.as_str()).collect::<Vec<_>>().join("\n");
    assert!(form_text.contains("Applicant Form"), "{form_text}");
    assert!(form_text.contains("Name: Jane Example"), "{form_text}");
}

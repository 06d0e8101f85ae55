//! The cheap suites CI runs, with thresholds, on the real engine, models and
//! corpus (all must be present: missing ones fail loudly).
//!
//! - `ocr --quick`: phototest, eurotext and Docling's scanned page through
//!   Parasol's OCR; CER thresholds per file.
//! - `docling-pdf`: NID and reading order on Docling's born-digital PDFs.
//!
//! The `hostile` suite is covered by the root end-to-end test
//! `tests/hostile.rs` (same rules), so it is not repeated here.

use std::path::PathBuf;

use parasol_eval::report::{Cell, Report, Status};
use parasol_eval::suites::run;
use parasol_eval::{Context, Paths, PipelineConverter, Suite};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn models() -> PathBuf {
    std::env::var_os("PARASOL_MODELS").map(PathBuf::from).unwrap_or_else(|| root().join("models/files"))
}

fn suite(suite: Suite, quick: bool) -> Report {
    suite_with(suite, quick, parasol_pipeline::LayoutChoice::Auto)
}

fn suite_with(suite: Suite, quick: bool, layout: parasol_pipeline::LayoutChoice) -> Report {
    let corpus = root().join("../shared/corpus");
    assert!(corpus.is_dir(), "the evaluation corpus is missing: expected {}", corpus.display());
    let converter = PipelineConverter::new(&models(), None, layout).unwrap_or_else(|e| {
        panic!("{e} (models in {}; run `python3 scripts/fetch_models.py`)", models().display())
    });
    let ctx = Context {
        paths: Paths {
            corpus,
            // No peers in CI: only Parasol's own columns are scored.
            peers: root().join("target/eval-test-no-peers"),
            scratch: root().join("target/test-tmp/eval"),
            binary: PathBuf::from("parasol-not-used-by-these-suites"),
            models: models(),
            cjk: root().join("target/cjk"),
        },
        converter: &converter,
        quick,
        progress: &|_| {},
        chat_models: Vec::new(),
        qa_every: 1,
        qa_offset: 0,
        qa_rescore: false,
        qa_set: parasol_eval::suites::qa::QaSet::Main,
    };
    let report = run(suite, &ctx).unwrap_or_else(|e| panic!("suite {}: {e}", suite.name()));
    eprintln!("{}", report.to_text());
    assert_eq!(report.status, Status::Measured);
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    report
}

fn num(cell: &Cell) -> f64 {
    match cell {
        Cell::Num(v, _) => *v,
        other => panic!("expected a number, got {other:?}"),
    }
}

/// The Parasol column of a row, by the first text cell naming the file.
fn value(report: &Report, table: usize, file: &str, column: &str) -> f64 {
    let t = &report.tables[table];
    let col = t.columns.iter().position(|c| c == column).unwrap_or_else(|| panic!("no column {column}"));
    let row = t
        .rows
        .iter()
        .find(|r| r.iter().any(|c| *c == Cell::text(file)))
        .unwrap_or_else(|| panic!("no row for {file}"));
    num(&row[col])
}

#[test]
fn ocr_quick_subset_meets_its_thresholds() {
    let r = suite(Suite::Ocr, true);
    // (file, highest acceptable CER). Measured 0.000, 0.005, 0.000.
    for (file, max) in [("phototest.tif", 0.02), ("eurotext.tif", 0.03), ("ocr_test.pdf", 0.02)] {
        let cer = value(&r, 0, file, "parasol CER");
        assert!(cer <= max, "{file}: CER {cer:.4} > {max}");
    }
    let all_wer = value(&r, 1, "all", "WER");
    assert!(all_wer <= 0.05, "WER over the subset {all_wer:.4} > 0.05");
}

#[test]
fn docling_pdf_text_and_order_meet_their_thresholds() {
    let r = suite(Suite::DoclingPdf, false);
    // Means over the 11 PDFs with ground truth. Measured NID 0.945, order 0.909
    // (YOLO layout, as CI installs it; PicoDet gives a little less).
    let summary = &r.tables[1];
    let parasol = &summary.rows[0];
    assert_eq!(parasol[0], Cell::text("parasol"));
    let (nid, order) = (num(&parasol[2]), num(&parasol[3]));
    assert!(nid >= 0.92, "mean NID {nid:.4} < 0.92");
    assert!(order >= 0.85, "mean reading order {order:.4} < 0.85");
    // Clean single-column text must be near perfect.
    assert!(value(&r, 0, "multi_page", "parasol NID") >= 0.98);
    // Right-to-left text layers read in logical order, Latin runs in place
    // and lam-alef ligatures mended (measured 0.998 and 0.904).
    assert!(value(&r, 0, "right_to_left_01", "parasol NID") >= 0.95);
    assert!(value(&r, 0, "right_to_left_02", "parasol NID") >= 0.85);
    // Issue 4: the two-column paper pages reach NID 0.90 (measured 0.9995
    // on 2305.03393v1-pg9; the other two-column sources, 2203.01017v2 and
    // 2206.01062, are not in the corpus), and so does the median of all.
    assert!(value(&r, 0, "2305.03393v1-pg9", "parasol NID") >= 0.90);
    let mut nids: Vec<f64> = r.tables[0].rows.iter().map(|row| num(&row[2])).collect();
    nids.sort_by(f64::total_cmp);
    let median = nids[nids.len() / 2];
    assert!(nids.len() >= 11 && median >= 0.90, "median NID {median:.4} < 0.90 over {} files", nids.len());
}

#[test]
fn tables_meet_the_teds_target() {
    let r = suite(Suite::Tables, false);
    // Issue 4: mean TEDS ≥ 0.85 on the 40 PubTabNet images (measured 0.9136,
    // TEDS-S 0.9773), each image read as one table.
    let summary = r.tables.last().unwrap();
    let all = summary.rows.iter().find(|row| row[0] == Cell::text("all")).unwrap();
    let (teds, teds_s) = (num(&all[2]), num(&all[3]));
    assert!(num(&all[1]) >= 40.0, "{all:?}");
    assert!(teds >= 0.85, "mean TEDS {teds:.4} < 0.85");
    assert!(teds_s >= 0.90, "mean TEDS-S {teds_s:.4} < 0.90");
}

#[test]
fn varied_pages_meet_their_thresholds() {
    // Issue 15, with the layout model a new user gets (PicoDet; YOLO is an
    // AGPL opt-in), every page converted as a user would, with no hint.
    let r = suite_with(Suite::Varied, false, parasol_pipeline::LayoutChoice::PicoDet);
    // Each PubTabNet crop converted as a plain image. Before tables were
    // found by their words: 10 and 12 of 20, TEDS 0.475 and 0.527;
    // measured after: 20 and 19 of 20, TEDS 0.935 and 0.848; since
    // drawn rules are evidence (val_mini's methods table of names and
    // descriptions): 20 and 20 of 20, TEDS 0.952 and 0.906.
    let examples = value(&r, 3, "examples", "with a table");
    let teds = value(&r, 3, "examples", "mean TEDS");
    assert!(examples >= 19.0 && teds >= 0.90, "examples: {examples} tables, TEDS {teds:.4}");
    let val_mini = value(&r, 3, "val_mini", "with a table");
    let val_teds = value(&r, 3, "val_mini", "mean TEDS");
    assert!(val_mini >= 20.0 && val_teds >= 0.89, "val_mini: {val_mini} tables, TEDS {val_teds:.4}");
    // Pages of Docling's PDFs and PubLayNet: before, 4 false tables (code
    // listings in redp5110 read as tables) and 3 missed; then 1 false
    // table (right_to_left_03's Persian form, a ruled grid of labels and
    // answers, read as one page-wide table) until a table of two columns
    // needed a column of numbers or short terms; now none, and 3 missed
    // (table_mislabeled_as_picture, one of redp5110's, one of PubLayNet's),
    // then 2 since a paragraph region that is a grid is a table
    // (PubLayNet's PMC3976938_00002, Table 3).
    let false_tables = value(&r, 1, "all", "false tables");
    let missed = value(&r, 1, "all", "missed tables");
    assert_eq!(false_tables, 0.0, "false tables: {false_tables}");
    assert!(missed <= 2.0, "missed tables: {missed}");
    // The Persian form reads as text: right-to-left text edit 0.394 with
    // the false table, 0.133 without (pdftotext 0.232).
    let rtl = value(&r, 1, "right-to-left", "text edit");
    assert!(rtl <= 0.15, "right-to-left text edit {rtl:.4}");
    // Table TEDS on the pages' 9 truth tables (a missed one scores 0):
    // 0.549 before digits stopped making a table look monospaced, 0.579
    // after. The margin is for the table model's float arithmetic on
    // another CPU (a cell boundary may move); losing the table found again
    // would fall below it.
    let page_teds = value(&r, 1, "all", "TEDS (pages)");
    assert!(page_teds >= 0.56, "TEDS on pages {page_teds:.4}");
    // Forms read a label with its entry, row by row ("Maker MK 8"): form
    // scans' text edit 0.309 while labels and entries were read as two
    // columns, 0.218 after, then 0.171 with keys taking their entries
    // ("TO: K. A. Sparrow"), captions above tables read first and lines the
    // classifier turned over read again (RapidOCR, reading each row across
    // the page, 0.165). Receipts: 0.296, then 0.283. The margin is for OCR's
    // floats on another CPU.
    let forms = value(&r, 1, "form scans", "text edit");
    assert!(forms <= 0.19, "form scans: text edit {forms:.4}");
    let receipts = value(&r, 1, "receipt scans", "text edit");
    assert!(receipts <= 0.30, "receipt scans: text edit {receipts:.4}");
    // Text edit distance (0 is perfect) where the text layer is clean.
    for (kind, max) in
        [("paper page with a table", 0.01), ("article, five pages", 0.02), ("Korean report", 0.07)]
    {
        let edit = value(&r, 1, kind, "text edit");
        assert!(edit <= max, "{kind}: text edit {edit:.4} > {max}");
    }
}

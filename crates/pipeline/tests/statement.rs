//! A bank statement (issue 15): a header row over a rule, then rows of
//! dates, descriptions and amounts, the "Paid in" column filled on a few
//! rows only. Whatever boxes the layout model draws, the table reads with
//! its header row as `<thead>` cells and five columns, each amount in its
//! own ("866.10" apart from the balance beside it).
//!
//! Needs the models and PDFium (`python3 scripts/fetch_models.py`; override
//! the folder with `PARASOL_MODELS`).

use std::path::{Path, PathBuf};

use parasol_doc::Category;
use parasol_pipeline::{Engine, EngineConfig, LayoutChoice, Options};
use parasol_testdata::{content_pdf, pdf_string};

fn models() -> PathBuf {
    std::env::var_os("PARASOL_MODELS")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/files"), PathBuf::from)
}

fn text(font: &str, size: f32, x: f32, y: f32, s: &str) -> String {
    format!("BT /{font} {size} Tf {x} {y} Td ({}) Tj ET\n", pdf_string(s))
}

/// Helvetica's advance of an amount at `size` pt.
fn width(s: &str, size: f32) -> f32 {
    s.chars()
        .map(|c| {
            if matches!(c, ',' | '.') {
                0.278
            } else if c == '-' {
                0.333
            } else {
                0.556
            }
        })
        .sum::<f32>()
        * size
}

/// Rows: date, description, paid out, paid in, balance.
fn rows() -> Vec<[String; 5]> {
    let descriptions = ["Card payment BOOTS", "Standing order RENT", "Direct debit SCOTTISH POWER"];
    let mut balance = 1843.20_f32;
    (0..24)
        .map(|i| {
            let day = format!("{:02} Nov", 1 + i);
            if i % 5 == 3 {
                let amount = 400.0 + 37.0 * i as f32;
                balance += amount;
                [day, "Transfer from SAVINGS".into(), String::new(), money(amount), money(balance)]
            } else {
                let amount = 12.5 + 9.0 * i as f32;
                balance -= amount;
                [day, descriptions[i % 3].into(), money(amount), String::new(), money(balance)]
            }
        })
        .collect()
}

fn money(v: f32) -> String {
    let cents = (v * 100.0).round() as i64;
    let (units, rest) = (cents / 100, cents % 100);
    let units =
        if units >= 1000 { format!("{},{:03}", units / 1000, units % 1000) } else { units.to_string() };
    format!("{units}.{rest:02}")
}

fn statement() -> Vec<u8> {
    let mut page = text("F2", 16.0, 50.0, 790.0, "Harbour Mutual Bank");
    page += &text("F1", 9.0, 50.0, 776.0, "12 Dock Road, Leith EH6 6QU");
    page += &text("F1", 9.0, 50.0, 740.0, "Ms Ingrid Solberg, 7 Ferry Lane, Edinburgh EH5 2AB");
    // Amounts are set flush right at these x.
    let rights = [420.0, 485.0, 550.0];
    let header_y = 710.0;
    page += &text("F2", 9.5, 50.0, header_y, "Date");
    page += &text("F2", 9.5, 100.0, header_y, "Description");
    for (right, name) in rights.iter().zip(["Paid out", "Paid in", "Balance"]) {
        page += &text("F2", 9.5, right - 0.6 * 9.5 * name.len() as f32, header_y, name);
    }
    page += &format!("1.2 w 50 {} m 550 {} l S\n", header_y - 4.0, header_y - 4.0);
    for (r, row) in rows().iter().enumerate() {
        let y = header_y - 20.0 - 17.0 * r as f32;
        page += &text("F1", 9.5, 50.0, y, &row[0]);
        page += &text("F1", 9.5, 100.0, y, &row[1]);
        for (right, amount) in rights.iter().zip(&row[2..]) {
            if !amount.is_empty() {
                page += &text("F1", 9.5, right - width(amount, 9.5), y, amount);
            }
        }
    }
    content_pdf(&[page])
}

#[test]
fn a_statements_header_row_and_its_sparse_column_are_the_tables() {
    let engine = Engine::new(EngineConfig::from_models_dir(models())).unwrap_or_else(|e| panic!("{e}"));
    for layout in [LayoutChoice::PicoDet, LayoutChoice::Auto] {
        let options = Options { layout, ..Options::default() };
        let doc = engine
            .convert_bytes(statement(), &options, &mut |_| {})
            .unwrap_or_else(|e| panic!("{e}"))
            .document;
        let summary: Vec<String> =
            doc.elements.iter().map(|e| format!("{:?} {:?}", e.category, e.text)).collect();
        let tables: Vec<_> = doc.elements.iter().filter(|e| e.category == Category::Table).collect();
        assert_eq!(tables.len(), 1, "{layout:?}: {summary:#?}");
        let table = tables[0].table.as_ref().unwrap_or_else(|| panic!("no cells: {summary:#?}"));
        assert_eq!(table.cols, 5, "{layout:?}: {summary:#?}");
        let row =
            |r: usize| table.cells.iter().filter(|c| c.row == r).map(|c| c.text.trim()).collect::<Vec<_>>();
        assert_eq!(row(0), ["Date", "Description", "Paid out", "Paid in", "Balance"], "{layout:?}");
        assert!(
            table.cells.iter().filter(|c| c.row == 0).all(|c| c.header),
            "{layout:?}: the header row is a header"
        );
        for (r, expected) in rows().iter().enumerate() {
            let got = row(r + 1);
            let want: Vec<&str> = expected.iter().map(String::as_str).collect();
            assert_eq!(got, want, "{layout:?}: row {}", r + 1);
        }
        assert!(
            !doc.elements.iter().any(|e| e.category != Category::Table && e.text.contains("Paid out")),
            "{summary:#?}"
        );
    }
}

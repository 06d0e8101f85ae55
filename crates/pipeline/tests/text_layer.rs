//! A text layer that lies about its characters is read by OCR instead
//! (issue 16): a PDF that shows English and digits in Helvetica, with a
//! font whose ToUnicode map sends each letter and digit to an unrelated
//! Hangul syllable (`줲줰줱줳` for `2013`), converted with the defaults
//! (`--ocr auto --lang auto`), comes out as the English the page shows.
//!
//! Needs the models and PDFium (`python3 scripts/fetch_models.py`; override
//! the folder with `PARASOL_MODELS`).

use std::path::{Path, PathBuf};

use parasol_doc::script::is_hangul;
use parasol_doc::TextOrigin;
use parasol_pipeline::{DiagnosticKind, Engine, EngineConfig, LayoutChoice, Options};

fn models() -> PathBuf {
    std::env::var_os("PARASOL_MODELS")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/files"), PathBuf::from)
}

fn lines() -> Vec<String> {
    vec![
        "Annual report 2013".to_string(),
        "Debian 7 was released in May 2013.".to_string(),
        "Debian 7 was released in May 2013 with many new packages.".to_string(),
        "The installer reads its sources from the network mirror.".to_string(),
    ]
}

#[test]
fn issue_16_a_layer_that_maps_latin_and_digits_to_hangul_is_read_by_ocr() {
    let engine = Engine::new(EngineConfig::from_models_dir(models())).unwrap_or_else(|e| panic!("{e}"));
    let garble = |c: char| {
        if c.is_ascii_alphanumeric() {
            char::from_u32(0xC900 + c as u32).unwrap_or(c)
        } else {
            c
        }
    };
    let pdf = parasol_testdata::text_pdf_with_layer(&[lines()], garble);
    let converted =
        engine.convert_bytes(pdf, &Options::default(), &mut |_| {}).unwrap_or_else(|e| panic!("{e}"));
    let text = converted.document.to_text();
    assert_eq!(converted.text_origin, [Some(TextOrigin::Ocr)], "{text}");
    assert!(
        converted.diagnostics.iter().any(|d| d.kind == DiagnosticKind::TextLayerUntrusted),
        "{:?}",
        converted.diagnostics
    );
    assert!(!text.chars().any(is_hangul), "no Hangul from the layer (nor a Korean misreading): {text}");
    for expected in ["Annual report 2013", "released in May 2013", "network mirror"] {
        assert!(text.contains(expected), "{expected:?} missing from {text}");
    }

    // The same page with a font that tells the truth keeps its layer.
    let honest = parasol_testdata::text_pdf_with_layer(&[lines()], |c| c);
    let converted =
        engine.convert_bytes(honest, &Options::default(), &mut |_| {}).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(converted.text_origin, [Some(TextOrigin::TextLayer)]);
    assert!(converted.document.to_text().contains("released in May 2013"));
}

/// A scan whose invisible text layer (an earlier OCR engine's, here wrong)
/// is set aside is read by OCR, not left empty (issue 15).
#[test]
fn issue_15_a_scan_under_an_invisible_layer_is_read_by_ocr() {
    let engine = Engine::new(EngineConfig::from_models_dir(models())).unwrap_or_else(|e| panic!("{e}"));
    let jpeg =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/receipt-photo.jpg")).unwrap();
    let stale = ["HARR0W BAV CAFF", "SUBT0TAL 1G.3O", "an older engine's reading"];
    let pdf = parasol_testdata::scan_pdf(&jpeg, (1200, 900), &stale);
    let converted =
        engine.convert_bytes(pdf, &Options::default(), &mut |_| {}).unwrap_or_else(|e| panic!("{e}"));
    let text = converted.document.to_text();
    assert_eq!(converted.text_origin, [Some(TextOrigin::Ocr)], "{text}");
    assert!(
        converted.diagnostics.iter().any(|d| d.kind == DiagnosticKind::TextLayerUntrusted),
        "{:?}",
        converted.diagnostics
    );
    for expected in ["SUBTOTAL 16.30", "Flat white"] {
        assert!(text.contains(expected), "{expected:?} missing from {text}");
    }
    assert!(!text.contains("older engine"), "{text}");
}

#[test]
fn a_filled_in_form_reads_each_label_with_its_value() {
    let engine = Engine::new(EngineConfig::from_models_dir(models())).unwrap_or_else(|e| panic!("{e}"));
    let pdf = parasol_testdata::form_pdf(
        &[
            ("Full name:", "Margaret Okafor"),
            ("Member number:", "MB-40417"),
            ("Street address:", "12 Harbour Road, Whitstable"),
            ("Date of birth:", "14/03/1987"),
        ],
        // Short labels: a label running past the field column's left edge
        // is cut between the table's columns, which is another matter.
        &[("I agree", true), ("Newsletter", false)],
        "Signed M. Okafor",
    );
    let converted =
        engine.convert_bytes(pdf, &Options::default(), &mut |_| {}).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(converted.text_origin, [Some(TextOrigin::TextLayer)]);
    let text = converted.document.to_text().split_whitespace().collect::<Vec<_>>().join(" ");
    for pair in [
        "Full name: Margaret Okafor",
        "Member number: MB-40417",
        "Street address: 12 Harbour Road, Whitstable",
        "Date of birth: 14/03/1987",
        "☑ I agree",
        "Signed M. Okafor",
    ] {
        assert!(text.contains(pair), "{pair:?} not in: {text}");
    }
    assert_eq!(text.matches('☑').count(), 1, "{text}");
}

/// A photo pasted into a born-digital page (a receipt in an expense claim)
/// holds text no layer has: it is read by OCR, and the page's own text
/// stays the layer's (issue 15).
#[test]
fn a_photo_pasted_into_a_born_digital_page_is_read() {
    let engine = Engine::new(EngineConfig::from_models_dir(models())).unwrap_or_else(|e| panic!("{e}"));
    let jpeg =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/receipt-photo.jpg")).unwrap();
    let claim = ["Expense claim EC-2291", "Claimant: Tomas Lindqvist, site visit to Harrow Bay."];
    let pdf = parasol_testdata::picture_pdf(&jpeg, (1200, 900), &claim);
    for layout in [LayoutChoice::PicoDet, LayoutChoice::None] {
        let options = Options { layout, ..Options::default() };
        let converted =
            engine.convert_bytes(pdf.clone(), &options, &mut |_| {}).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(converted.text_origin, [Some(TextOrigin::TextLayer)]);
        let text = converted.document.to_text();
        for expected in ["Expense claim EC-2291", "Tomas Lindqvist", "SUBTOTAL", "16.30", "Flat white"] {
            assert!(text.contains(expected), "{layout:?}: {expected:?} missing from {text}");
        }
    }
}

/// A list whose bullets are drawn as shapes, as browsers print them, has
/// no bullet in its text layer; its items are still items, not one
/// paragraph (issue 15).
#[test]
fn bullets_drawn_as_shapes_make_list_items() {
    let engine = Engine::new(EngineConfig::from_models_dir(models())).unwrap_or_else(|e| panic!("{e}"));
    let items = ["Extend the opening hours", "Expand the e-book collection", "Work with school libraries"];
    let mut content = String::from("BT /F2 16 Tf 72 720 Td (Next steps) Tj ET\n");
    for (i, item) in items.iter().enumerate() {
        let y = 690.0 - 18.0 * i as f32;
        // A 4 pt filled square, 10 pt left of the item, level with its middle.
        content.push_str(&format!("{} {} 4 4 re f\n", 86.0, y + 2.5));
        content.push_str(&format!("BT /F1 11 Tf 100 {y} Td ({item}) Tj ET\n"));
    }
    content.push_str("BT /F1 11 Tf 72 610 Td (The library board meets again in March.) Tj ET\n");
    let pdf = parasol_testdata::content_pdf(&[content]);
    for layout in [LayoutChoice::PicoDet, LayoutChoice::None] {
        let options = Options { layout, ..Options::default() };
        let converted =
            engine.convert_bytes(pdf.clone(), &options, &mut |_| {}).unwrap_or_else(|e| panic!("{e}"));
        let md = converted.document.to_markdown();
        for item in items {
            assert!(md.contains(&format!("• {item}")), "{layout:?}: {item:?} is no item in {md}");
        }
        assert!(!md.contains("• The library"), "{md}");
    }
}

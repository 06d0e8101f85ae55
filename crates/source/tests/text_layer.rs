//! Whether a PDF's text layer is trusted, on PDFs PDFium reads: issue 16's
//! layer whose font maps Latin letters and digits to unrelated Hangul is
//! not, the same page with an honest font is.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

mod common;

use parasol_source::{OpenOptions, Source, TextLayerStats};

fn lines() -> Vec<String> {
    vec![
        "Annual report 2013".to_string(),
        "Debian 7 was released in May 2013 with 36000 packages.".to_string(),
        "The installer reads apt-get sources from the network mirror.".to_string(),
    ]
}

fn layer(pdf: Vec<u8>) -> (String, TextLayerStats) {
    common::pdfium();
    let source = Source::open_bytes(pdf, &OpenOptions::default()).unwrap();
    let page = source.page(0).unwrap();
    let native = page.native_text.unwrap();
    (native.lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n"), native.stats)
}

#[test]
fn issue_16_a_font_that_maps_latin_and_digits_to_hangul_is_not_trusted() {
    // U+C900 + the character's code: "2013" reads 줲줰줱줳, as in the issue.
    let garble =
        |c: char| if c.is_ascii_alphanumeric() { char::from_u32(0xC900 + c as u32).unwrap() } else { c };
    let (text, stats) = layer(parasol_testdata::text_pdf_with_layer(&[lines()], garble));
    assert!(text.contains("줲줰줱줳"), "the layer is the garbled one: {text}");
    assert!(stats.is_implausible() && !stats.is_trustworthy(), "{stats:?}");

    // The same page with an honest font, and with a ToUnicode map that
    // tells the truth.
    for pdf in
        [parasol_testdata::text_pdf(&[lines()]), parasol_testdata::text_pdf_with_layer(&[lines()], |c| c)]
    {
        let (text, stats) = layer(pdf);
        assert!(text.contains("released in May 2013"), "{text}");
        assert!(stats.is_trustworthy() && stats.implausible == 0, "{stats:?}");
    }
}

#[test]
fn a_filled_in_forms_values_are_read_where_the_form_shows_them() {
    let pdf = parasol_testdata::form_pdf(
        &[("Full name:", "Margaret Okafor"), ("Member number:", "MB-40417")],
        &[("I agree to the rules", true), ("Send me the newsletter", false)],
        "Signed M. Okafor",
    );
    common::pdfium();
    let source = Source::open_bytes(pdf, &OpenOptions::default()).unwrap();
    let native = source.page(0).unwrap().native_text.unwrap();
    let line = |text: &str| {
        native.lines.iter().find(|l| l.text == text).unwrap_or_else(|| {
            panic!("no line {text:?} in {:?}", native.lines.iter().map(|l| &l.text).collect::<Vec<_>>())
        })
    };
    // Each value is a line of its own, beside its label: on the same
    // level, to its right (the layout's rows put them together).
    for (label, value) in
        [("Full name:", "Margaret Okafor"), ("Member number:", "MB-40417"), ("I agree to the rules", "☑")]
    {
        let (l, v) = (line(label).bbox, line(value).bbox);
        let (ly, vy) = ((l.y0 + l.y1) / 2.0, (v.y0 + v.y1) / 2.0);
        assert!(
            (ly - vy).abs() < 0.5 * l.height().max(v.height()),
            "{label:?} {l:?} and {value:?} {v:?} on one level"
        );
        assert!(if value == "☑" { v.x1 <= l.x0 } else { v.x0 >= l.x1 }, "{label:?} {l:?} {value:?} {v:?}");
    }
    line("Signed M. Okafor");
    let marks = native.lines.iter().filter(|l| l.text.contains('☑')).count();
    assert_eq!(marks, 1, "only the ticked box reads as a mark");
    assert!(native.stats.is_trustworthy(), "{:?}", native.stats);
}

#[test]
fn a_pictures_place_on_the_page_is_known() {
    common::pdfium();
    // A 1200 × 900 JPEG's header is all PDFium needs to place it.
    let jpeg =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/receipt-photo.jpg")).unwrap();
    let pdf = parasol_testdata::picture_pdf(&jpeg, (1200, 900), &["Expense claim", "Claimant: T. Lindqvist"]);
    let source = Source::open_bytes(pdf, &OpenOptions::default()).unwrap();
    let page = source.page(0).unwrap();
    // 360 × 270 pt at 72 pt from the left, its top 24 pt below the two
    // lines (720 − 32 − 24 = 664 pt from the bottom of a 792 pt page), at
    // 150 dpi.
    let px = |pt: f32| pt * 150.0 / 72.0;
    assert_eq!(page.pictures.len(), 1, "{:?}", page.pictures);
    let b = page.pictures[0];
    for (got, want) in
        [(b.x0, px(72.0)), (b.y0, px(792.0 - 664.0)), (b.x1, px(432.0)), (b.y1, px(792.0 - 394.0))]
    {
        assert!((got - want).abs() < 2.0, "{b:?}");
    }
    // Text pages and image files have none.
    let source = Source::open_bytes(parasol_testdata::text_pdf(&[lines()]), &OpenOptions::default()).unwrap();
    assert!(source.page(0).unwrap().pictures.is_empty());
}

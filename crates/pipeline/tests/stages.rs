//! Which stages a page goes through, seen through the public API's
//! [`Stages`] counters (no timing): a blank page runs no model and gives no
//! element; a page with a trusted text layer runs no page-level OCR.
//!
//! Needs the models and PDFium (`python3 scripts/fetch_models.py`; override
//! the folder with `PARASOL_MODELS`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use parasol_doc::TextOrigin;
use parasol_pipeline::{Engine, EngineConfig, LayoutChoice, Options, Stages};

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let models =
            std::env::var_os("PARASOL_MODELS").map_or_else(|| root.join("models/files"), PathBuf::from);
        Engine::new(EngineConfig::from_models_dir(models)).unwrap_or_else(|e| panic!("{e}"))
    })
}

/// Layout on, as a new user's default (PicoDet: no opt-in weights needed).
fn options() -> Options {
    Options { layout: LayoutChoice::PicoDet, ..Options::default() }
}

fn png(image: &image::RgbImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap_or_else(|e| panic!("{e}"));
    out.into_inner()
}

#[track_caller]
fn assert_no_model_ran(stages: &Stages) {
    assert_eq!(stages.model_runs(), 0, "{stages:#?}");
    assert_eq!(stages.figures.runs, 0, "{stages:#?}");
}

#[test]
fn issue_15_a_blank_pdf_page_runs_no_model_and_gives_no_element() {
    let pdf = parasol_testdata::text_pdf(&[Vec::new()]);
    let out = engine().convert_bytes(pdf, &options(), &mut |_| {}).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.document.elements.is_empty(), "{:?}", out.document.elements);
    assert_eq!(out.document.pages.len(), 1);
    assert_eq!(out.text_origin, [None]);
    assert_eq!(out.stages.blank_pages, 1);
    assert_eq!(out.stages.render.runs, 1);
    assert_no_model_ran(&out.stages);
}

#[test]
fn issue_15_a_blank_scan_runs_no_model_and_gives_no_element() {
    // Paper white with a faint grey wash, as a scanner gives it.
    let mut page = image::RgbImage::from_pixel(1240, 1754, image::Rgb([252, 252, 250]));
    for x in 0..1240 {
        page.put_pixel(x, 900, image::Rgb([230, 230, 228]));
    }
    let out = engine().convert_bytes(png(&page), &options(), &mut |_| {}).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.document.elements.is_empty(), "{:?}", out.document.elements);
    assert_eq!(out.stages.blank_pages, 1);
    assert_no_model_ran(&out.stages);
}

#[test]
fn issue_15_a_trusted_text_layer_runs_no_page_ocr() {
    let pdf = parasol_testdata::text_pdf(&[
        vec!["Dunes of the coast".into(), "Sand moves with the wind along the shore.".into()],
        Vec::new(),
    ]);
    let out = engine().convert_bytes(pdf, &options(), &mut |_| {}).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.text_origin, [Some(TextOrigin::TextLayer), None]);
    let text: Vec<&str> = out.document.elements.iter().map(|e| e.text.as_str()).collect();
    assert!(text.concat().contains("Sand moves with the wind"), "{text:?}");
    // The text page ran layout; the blank one nothing.
    assert_eq!((out.stages.blank_pages, out.stages.layout.runs), (1, 1), "{:#?}", out.stages);
    assert_eq!(out.stages.ocr.runs, 0, "{:#?}", out.stages);
    assert_eq!(out.stages.text_layer.runs, 2);
}

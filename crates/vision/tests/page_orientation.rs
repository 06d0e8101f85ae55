//! `OcrEngine::recognize_upright` on Tesseract's phototest turned by a
//! quarter, half and three-quarter turn: the rotation is found and the text
//! equals the upright page's (CER at most 2 %).
//!
//! Needs the models (`python3 scripts/fetch_models.py`; override the folder
//! with `PARASOL_MODELS`) and the shared corpus next to the workspace.

mod common;

use common::{engine, levenshtein, root};
use parasol_doc::TextLine;
use parasol_vision::orientation::Rotation;

fn load(name: &str) -> image::RgbImage {
    let path = root().join("../shared/corpus/ocr/tesseract-test").join(name);
    image::open(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display())).to_rgb8()
}

/// The lines' text in page order, words separated by single spaces.
fn text(lines: &[TextLine]) -> Vec<char> {
    let words: Vec<&str> = lines.iter().flat_map(|l| l.text.split_whitespace()).collect();
    words.join(" ").chars().collect()
}

#[track_caller]
fn check(name: &str, expect: Rotation) {
    let upright_img = load("phototest.tif");
    let want = text(&engine().recognize(&upright_img).expect("ocr runs"));
    assert!(want.len() > 100, "the upright page reads as {:?}", String::from_iter(&want));

    let img = load(name);
    let (lines, rotation) = engine().recognize_upright(&img).expect("ocr runs");
    assert_eq!(rotation, expect, "{name}: rotation");
    let upright = rotation.upright(&img);
    assert_eq!(upright.dimensions(), upright_img.dimensions(), "{name}: upright size");
    for l in &lines {
        assert!(
            l.bbox.x1 <= upright.width() as f32 && l.bbox.y1 <= upright.height() as f32,
            "{name}: {:?} is outside the upright page",
            l.bbox
        );
    }
    let got = text(&lines);
    let cer = levenshtein(&got, &want) as f64 / want.len() as f64;
    eprintln!("{name}: {rotation:?}, {} lines, CER {cer:.4} against the upright page", lines.len());
    assert!(
        cer <= 0.02,
        "{name}: CER {cer:.4} above 2%:\n got  {}\n want {}",
        String::from_iter(&got),
        String::from_iter(&want)
    );
}

#[test]
fn upright_phototest_stays_upright() {
    check("phototest.tif", Rotation::Deg0);
}

#[test]
fn phototest_turned_clockwise_is_deg90() {
    check("phototest-rotated-R.png", Rotation::Deg90);
}

#[test]
fn phototest_turned_counter_clockwise_is_deg270() {
    check("phototest-rotated-L.png", Rotation::Deg270);
}

#[test]
fn phototest_upside_down_is_deg180() {
    check("phototest-rotated-180.png", Rotation::Deg180);
}

#[test]
fn upright_page_reads_as_recognize_does() {
    let img = load("phototest.tif");
    let (lines, rotation) = engine().recognize_upright(&img).expect("ocr runs");
    assert_eq!(rotation, Rotation::Deg0);
    assert_eq!(lines, engine().recognize(&img).expect("ocr runs"));
}

#[test]
fn blank_and_tiny_images_are_upright_and_empty() {
    for img in [
        image::RgbImage::from_pixel(300, 200, image::Rgb([255, 255, 255])),
        image::RgbImage::from_pixel(3, 2, image::Rgb([0, 0, 0])),
        image::RgbImage::new(0, 0),
    ] {
        let (lines, rotation) = engine().recognize_upright(&img).expect("ocr runs");
        assert!(lines.is_empty());
        assert_eq!(rotation, Rotation::Deg0);
    }
}

/// Upright pages of other kinds (a scan with two columns, a receipt, a
/// form, an old newspaper) are never turned.
#[test]
fn upright_pages_are_not_turned() {
    for rel in [
        "ocr/tesseract-test/eurotext.tif",
        "ocr/tesseract-test/8071_093.3B.tif",
        "receipts/sroie/img/000.jpg",
        "forms/funsd_testing/images/82092117.png",
        "docling/ocr/sources/old_newspaper.png",
    ] {
        let path = root().join("../shared/corpus").join(rel);
        let img =
            image::open(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display())).to_rgb8();
        let (lines, rotation) = engine().recognize_upright(&img).expect("ocr runs");
        assert_eq!(rotation, Rotation::Deg0, "{rel}");
        assert_eq!(lines, engine().recognize(&img).expect("ocr runs"), "{rel}");
    }
}

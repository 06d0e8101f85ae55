//! Rotated scans read like the upright one: Docling's `ocr_test.pdf` and its
//! copies turned by 90°, 180° and 270°, rendered at 150 dpi through PDFium
//! and read with `OcrEngine::recognize_upright`, give the rotation and the
//! same text as the upright page (CER at most 2 %).
//!
//! Needs the models and PDFium (`python3 scripts/fetch_models.py`; override
//! the folder with `PARASOL_MODELS`) and the shared corpus next to the
//! workspace.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use parasol_doc::TextLine;
use parasol_models::{ModelFile, ModelStore};
use parasol_source::{init_pdfium, OpenOptions, Page, Source};
use parasol_vision::orientation::Rotation;
use parasol_vision::{init_runtime, OcrEngine, OcrModels};

const DPI: f32 = parasol_source::DEFAULT_DPI;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn store() -> ModelStore {
    ModelStore::new(
        std::env::var_os("PARASOL_MODELS").map_or_else(|| root().join("models/files"), PathBuf::from),
    )
}

/// A model file's path; a missing one fails the test, naming the fetch command.
#[track_caller]
fn require(file: ModelFile) -> PathBuf {
    store().require(file).unwrap_or_else(|e| panic!("{e}"))
}

fn engine() -> &'static OcrEngine {
    static ENGINE: OnceLock<OcrEngine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let models = OcrModels {
            det: require(ModelFile::OcrDetSmall),
            cls: require(ModelFile::OcrLineClassifier),
            rec: require(ModelFile::OcrRecSmall),
            dict: None,
            draft: None,
        };
        init_runtime(&require(ModelFile::OnnxRuntime)).expect("onnx runtime loads");
        OcrEngine::new(&models, 2).expect("ocr models load")
    })
}

/// Page 0 of a PDF in the corpus's Docling OCR folder, at 150 dpi.
fn render(name: &str) -> Page {
    init_pdfium(&require(ModelFile::Pdfium)).expect("pdfium loads");
    let path = root().join("../shared/corpus/docling/ocr/sources").join(name);
    let options = OpenOptions { dpi: DPI, ..OpenOptions::default() };
    let source =
        Source::open_path(&path, &options).unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    source.page(0).unwrap_or_else(|e| panic!("cannot render {}: {e}", path.display()))
}

/// Levenshtein distance over characters.
fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The lines' text in the engine's reading order (RapidOCR's: top to
/// bottom, left to right within a line), words separated by single spaces.
fn text(lines: &[TextLine]) -> Vec<char> {
    let words: Vec<&str> = lines.iter().flat_map(|l| l.text.split_whitespace()).collect();
    words.join(" ").chars().collect()
}

/// The upright page's text, read once.
fn upright_text() -> &'static [char] {
    static TEXT: OnceLock<Vec<char>> = OnceLock::new();
    TEXT.get_or_init(|| {
        let lines = engine().recognize(&render("ocr_test.pdf").image).expect("ocr runs");
        let text = text(&lines);
        assert!(text.len() > 50, "the upright page reads as {:?}", String::from_iter(&text));
        text
    })
}

#[track_caller]
fn check(name: &str, expect: Rotation) {
    let want = upright_text();
    let img = render(name).image;
    let (lines, rotation) = engine().recognize_upright(&img).expect("ocr runs");
    let got = text(&lines);
    let cer = levenshtein(&got, want) as f64 / want.len() as f64;
    eprintln!(
        "{name}: {}x{}, {rotation:?}, {} lines, CER {cer:.4} against the upright page",
        img.width(),
        img.height(),
        lines.len()
    );
    assert_eq!(rotation, expect, "{name}: rotation");
    assert!(
        cer <= 0.02,
        "{name}: CER {cer:.4} above 2%:\n got  {}\n want {}",
        String::from_iter(&got),
        String::from_iter(want)
    );
}

#[test]
fn upright_ocr_test_stays_upright() {
    check("ocr_test.pdf", Rotation::Deg0);
}

// Docling names its copies by the counter-clockwise turn: the text of
// `ocr_test_rotated_90.pdf` runs bottom to top, which `Rotation` (clockwise)
// calls 270°, and the other way round.
#[test]
fn ocr_test_rotated_90_reads_as_upright() {
    check("ocr_test_rotated_90.pdf", Rotation::Deg270);
}

#[test]
fn ocr_test_rotated_180_reads_as_upright() {
    check("ocr_test_rotated_180.pdf", Rotation::Deg180);
}

#[test]
fn ocr_test_rotated_270_reads_as_upright() {
    check("ocr_test_rotated_270.pdf", Rotation::Deg90);
}

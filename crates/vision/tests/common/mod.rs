//! Helpers shared by the OCR integration tests: paths, the engine (loaded
//! once per test binary, failing loudly without models) and edit distance.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use parasol_vision::{init_runtime, OcrEngine, OcrModels};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The model folder, or a loud failure saying how to fill it.
pub fn models_dir() -> PathBuf {
    let dir = std::env::var_os("PARASOL_MODELS").map_or_else(|| root().join("models/files"), PathBuf::from);
    let models = OcrModels::in_dir(&dir);
    for path in [&models.det, &models.cls, &models.rec, &dir.join("libonnxruntime.so.1.31.1")] {
        assert!(
            path.is_file(),
            "missing model file {}: run `python3 scripts/fetch_models.py`",
            path.display()
        );
    }
    dir
}

/// The OCR engine with 2 threads, loaded once.
pub fn engine() -> &'static OcrEngine {
    static ENGINE: OnceLock<OcrEngine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let dir = models_dir();
        init_runtime(&dir.join("libonnxruntime.so.1.31.1")).expect("onnx runtime loads");
        OcrEngine::new(&OcrModels::in_dir(&dir), 2).expect("ocr models load")
    })
}

/// The OCR engine with the PP-OCRv6 tiny detector and recogniser, loaded once.
pub fn tiny_engine() -> &'static OcrEngine {
    static ENGINE: OnceLock<OcrEngine> = OnceLock::new();
    ENGINE.get_or_init(|| load(OcrModels::tiny_in_dir(&models_dir())))
}

/// The small models with the int8 recogniser (the cascade's second pass),
/// loaded once.
pub fn int8_engine() -> &'static OcrEngine {
    static ENGINE: OnceLock<OcrEngine> = OnceLock::new();
    ENGINE.get_or_init(|| load(OcrModels::small_int8_in_dir(&models_dir())))
}

/// The cascade (small detector, tiny then int8 small recogniser), loaded
/// once.
pub fn cascade_engine() -> &'static OcrEngine {
    static ENGINE: OnceLock<OcrEngine> = OnceLock::new();
    ENGINE.get_or_init(|| load(OcrModels::cascade_in_dir(&models_dir())))
}

fn load(models: OcrModels) -> OcrEngine {
    let dir = models_dir();
    init_runtime(&dir.join("libonnxruntime.so.1.31.1")).expect("onnx runtime loads");
    for path in models.files() {
        assert!(
            path.is_file(),
            "missing model file {}: run `python3 scripts/fetch_models.py`",
            path.display()
        );
    }
    OcrEngine::new(&models, 2).expect("ocr models load")
}

/// Levenshtein distance over characters.
pub fn levenshtein(a: &[char], b: &[char]) -> usize {
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
